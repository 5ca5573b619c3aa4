#pragma once
// Custom differentiable operations on gg::Tensor, as LibTorch's torch::autograd::Function: the
// user writes forward and backward side by side, apply() runs forward and records one node.
//
//   struct Scale : gg::autograd::Function<Scale> {
//     // x:(any) -> (x's sizes)
//     static gg::Tensor forward(gg::autograd::AutogradContext* ctx, gg::Tensor x, double alpha) {
//       ctx->saved_data["alpha"] = alpha;
//       return gg::native::mul(x, alpha);
//     }
//     // d(alpha x)/dx = alpha; alpha is a number: its gradient is an undefined Tensor
//     static gg::autograd::tensor_list backward(gg::autograd::AutogradContext* ctx,
//                                               gg::autograd::tensor_list grad_outputs) {
//       const double alpha = ctx->saved_data["alpha"].toDouble();
//       return {gg::native::mul(grad_outputs[0], alpha), gg::Tensor()};
//     }
//   };
//   gg::Tensor y = Scale::apply(x, 2.0);
//
// forward runs with grad mode off. Its Tensor arguments are the node's inputs (other arguments
// are not); backward returns one gradient per forward argument. docs/CUSTOM_OPS.md has the
// whole contract and the differences from LibTorch.
#include <gategrad/autograd/grad_mode.hpp>
#include <gategrad/autograd/graph.hpp>
#include <gategrad/autograd/recording.hpp>
#include <gategrad/tensor/source_location.hpp>
#include <gategrad/tensor/tensor.hpp>

#include <any>
#include <array>
#include <concepts>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <typeinfo>
#include <utility>
#include <vector>

namespace gg {


namespace autograd {

using tensor_list = std::vector<Tensor>;
using variable_list = tensor_list;  // LibTorch's other name for it

// One value of AutogradContext::saved_data, as LibTorch's IValue: numbers are kept as int64 or
// double, text as std::string, anything else (copyable) as it is, in a std::any. The to*() readers
// and get<T>() throw std::invalid_argument naming what the value holds.
class SavedValue {
 public:
  SavedValue() = default;
  template <class T>
    requires(!std::same_as<std::remove_cvref_t<T>, SavedValue>)
  SavedValue(T&& value)  // NOLINT: implicit, as IValue
      : value_(normalize(std::forward<T>(value))) {}

  bool has_value() const { return value_.has_value(); }
  double toDouble() const;  // a double, or an integer converted
  std::int64_t toInt() const;
  bool toBool() const;
  const std::string& toStringRef() const;
  const Tensor& toTensor() const;  // not version-checked: use save_for_backward for tensors
  // The stored value as exactly T (after the normalization above: an int is kept as int64).
  template <class T>
  const T& get() const {
    if (const T* p = std::any_cast<T>(&value_)) return *p;
    throw_mismatch(typeid(T));
  }
  const std::any& any() const { return value_; }

 private:
  template <class T>
  static std::any normalize(T&& value) {
    using V = std::remove_cvref_t<T>;
    if constexpr (std::same_as<V, bool>) return value;
    else if constexpr (std::integral<V>) return static_cast<std::int64_t>(value);
    else if constexpr (std::floating_point<V>) return static_cast<double>(value);
    else if constexpr (std::convertible_to<T, std::string_view>) return std::string(value);
    else return std::any(std::forward<T>(value));
  }
  [[noreturn]] void throw_mismatch(const std::type_info& wanted) const;

  std::any value_;
};

namespace detail {
class FunctionCall;
struct FunctionNodeBase;
}  // namespace detail

// What forward leaves for backward, as torch::autograd::AutogradContext.
class AutogradContext {
 public:
  AutogradContext() = default;

  // The tensors backward needs (inputs, the output, or tensors forward made), replacing any
  // saved before. Each keeps the version its storage had when forward returned.
  void save_for_backward(tensor_list tensors);
  // The saved tensors in order. Throws std::runtime_error ("... was modified by an in-place
  // operation ...") when one was changed in place after forward, and std::logic_error after a
  // backward freed them.
  tensor_list get_saved_variables() const;
  // Whether argument `index` of forward (counting every argument after ctx, as Python's
  // ctx.needs_input_grad; LibTorch's C++ counts tensor arguments only) needs a gradient:
  // false for non-tensor arguments, and for all under NoGradGuard. Throws std::out_of_range.
  bool needs_input_grad(std::size_t index) const;

  // Anything else backward needs, by name (numbers, sizes, flags).
  std::map<std::string, SavedValue> saved_data;

 private:
  friend class detail::FunctionCall;
  friend struct detail::FunctionNodeBase;

  const char* function_ = "Function";
  tensor_list to_save_;              // during forward
  std::vector<SavedTensor> saved_;   // once recorded
  std::vector<bool> needs_input_grad_;
  const Node* node_ = nullptr;       // the recorded node, to name it in errors
  bool released_ = false;
};

namespace detail {

// The readable name of a type at compile time ("ns::MyOp"), from the compiler's function
// signature; the anonymous namespace is dropped so gcc and clang agree.
template <class T>
constexpr std::string_view signature() {
  return __PRETTY_FUNCTION__;
}
template <class T>
constexpr auto type_name_text() {
  constexpr std::string_view full = signature<T>();
  constexpr std::size_t start = full.find("T = ") + 4;
  constexpr std::string_view name = full.substr(start, full.find_first_of(";]", start) - start);
  std::array<char, name.size() + 1> text{};
  std::size_t n = 0;
  for (std::size_t i = 0; i < name.size();) {
    bool skipped = false;
    for (std::string_view anonymous : {std::string_view("{anonymous}::"),
                                       std::string_view("(anonymous namespace)::")}) {
      if (name.substr(i, anonymous.size()) == anonymous) {
        i += anonymous.size();
        skipped = true;
      }
    }
    if (!skipped) text[n++] = name[i++];
  }
  return text;
}
template <class T>
inline constexpr auto kTypeName = type_name_text<T>();

enum class ArgKind : std::uint8_t { NotTensor, Tensor, Undefined };

// The node every custom Function records; FunctionNode<F> only adds F's name and backward.
struct FunctionNodeBase : Node {
  AutogradContext ctx;
  std::vector<ArgKind> arg_kinds;       // one per forward argument
  std::vector<std::size_t> input_args;  // the forward argument each input (edge) came from
  tensor_list (*user_backward)(AutogradContext*, tensor_list) = nullptr;

  void backward(const Tensor& dout, std::span<Tensor> din) override;
  void release() override;
};

// One apply() in progress: the arguments sorted into inputs and the rest, the context forward
// fills in, and the checks before and after forward. Not a template, so it lives in function.cpp.
class FunctionCall {
 public:
  FunctionCall(const char* function, std::size_t num_arguments);

  void add_argument(std::size_t index, const Tensor& t);
  void add_argument(std::size_t index, const std::optional<Tensor>& t);
  template <class T>
  void add_argument(std::size_t, const T&) {}  // not a tensor: not an input

  // After the arguments: decides needs_input_grad and notes the inputs' versions.
  AutogradContext* start();
  // After forward: checks the output (and that no input requiring grad was changed in place)
  // and returns it ready to record: an alias when forward returned a tensor with autograd state
  // (one of its inputs, say), which must stay as it is.
  Tensor finish(Tensor output);
  // Whether to record: the output is floating and some input needs a gradient.
  bool records(const Tensor& output) const;
  std::span<const Tensor> inputs() const { return inputs_; }
  // Moves the context into the recorded node and turns the tensors forward saved into
  // SavedTensors (the output without its autograd state).
  void hand_over(FunctionNodeBase& node, const Tensor& output);

 private:
  const char* function_;
  AutogradContext ctx_;
  std::vector<ArgKind> kinds_;
  tensor_list inputs_;
  std::vector<std::size_t> input_args_;
  std::vector<std::uint64_t> input_versions_;
};

template <class F>
struct FunctionNode final : FunctionNodeBase {
  static constexpr const char* kName = F::name();
  FunctionNode() {
    user_backward = [](AutogradContext* context, tensor_list grad_outputs) -> tensor_list {
      return F::backward(context, std::move(grad_outputs));
    };
  }
};

template <class T>
inline constexpr bool kIsTensorContainer = false;
template <class A>
inline constexpr bool kIsTensorContainer<std::vector<Tensor, A>> = true;
template <>
inline constexpr bool kIsTensorContainer<std::span<const Tensor>> = true;
template <>
inline constexpr bool kIsTensorContainer<std::span<Tensor>> = true;

template <class F, class... Args>
Tensor run_apply(const Where& where, Args&&... args) {
  static_assert(!(kIsTensorContainer<std::remove_cvref_t<Args>> || ...),
                "gg::autograd::Function: a list of tensors is not an input of the node (its "
                "tensors would get no gradient); pass each tensor as its own argument");
  static_assert(std::same_as<std::remove_cvref_t<decltype(F::forward(
                                 std::declval<AutogradContext*>(), std::declval<Args>()...))>,
                             Tensor>,
                "gg::autograd::Function: forward must return one gg::Tensor (several outputs "
                "are not supported)");
  static_assert(std::convertible_to<decltype(F::name()), const char*>,
                "gg::autograd::Function: a Function's name() must be "
                "`static constexpr const char* name()`");
  constexpr const char* name = F::name();
  FunctionCall call(name, sizeof...(Args));
  std::size_t index = 0;
  (call.add_argument(index++, args), ...);
  AutogradContext* ctx = call.start();
  Tensor output;
  {
    NoGradGuard no_grad;  // forward's own ops are not recorded: the node stands for them all
    output = F::forward(ctx, std::forward<Args>(args)...);
  }
  output = call.finish(std::move(output));
  if (!call.records(output)) return output;
  Tensor saved_as_output = output;  // forward's handle, before record attaches the node to it
  return record<FunctionNode<F>>(
      std::move(output), Inputs(call.inputs()), where,
      [&](FunctionNode<F>& node) { call.hand_over(node, saved_as_output); });
}

// apply's signature is forward's after ctx, then a defaulted Where: the call site is captured
// (a defaulted parameter cannot follow a deduced pack, but P here is already known).
template <class F, class Forward>
struct ApplyFor {
  // forward is a template or overloaded: apply takes anything, and cannot see its call site.
  template <class... Args>
  Tensor operator()(Args&&... args) const {
    return run_apply<F>(Where(), std::forward<Args>(args)...);
  }
};
template <class F, class R, class... P>
struct ApplyFor<F, R (*)(AutogradContext*, P...)> {
  Tensor operator()(P... args, Where where = Where::current()) const {
    return run_apply<F>(where, std::forward<P>(args)...);
  }
};
template <class F, class R, class... P>
struct ApplyFor<F, R (*)(AutogradContext*, P...) noexcept>
    : ApplyFor<F, R (*)(AutogradContext*, P...)> {};

template <class F>
struct ForwardOf {
  using type = void;
};
template <class F>
  requires requires { &F::forward; }
struct ForwardOf<F> {
  using type = decltype(&F::forward);
};

// A class, not an alias, reached through a reference: F is complete only when apply is first
// called (gcc instantiates the class type of a static data member where it is declared, which
// is inside F's base list).
template <class F>
struct Apply : ApplyFor<F, typename ForwardOf<F>::type> {};
template <class F>
inline constexpr Apply<F> kApply{};

}  // namespace detail

// The base of a custom op F (CRTP, as torch::autograd::Function<F>). F defines
//   static Tensor forward(AutogradContext* ctx, <any arguments>);
//   static tensor_list backward(AutogradContext* ctx, tensor_list grad_outputs);
// and may define `static constexpr const char* name()` (the node's name in errors and graph
// dumps; by default F's type name).
template <class F>
struct Function {
  static constexpr const char* name() { return detail::kTypeName<F>.data(); }

  // F::apply(args...): runs forward with grad mode off and, when an input needs a gradient,
  // records one node named F::name() with the Tensor arguments as its inputs. Takes forward's
  // arguments after ctx, then optionally the gg::Where to record (the caller's line by default).
  static const detail::Apply<F>& apply;
};

template <class F>
const detail::Apply<F>& Function<F>::apply = detail::kApply<F>;

}  // namespace autograd
}  // namespace gg
