// The non-template half of custom Functions (autograd/function.hpp): the context, the checks
// around forward, and the node's backward that maps the user's gradients onto its inputs.
#include <gategrad/autograd/autograd_meta.hpp>
#include <gategrad/autograd/function.hpp>
#include <gategrad/autograd/ops.hpp>
#include <gategrad/tensor/factory.hpp>
#include <gategrad/tensor/native.hpp>
#include <gategrad/tensor/shape.hpp>

#include <cxxabi.h>

#include <cstdlib>
#include <memory>
#include <stdexcept>

namespace gg::autograd {

namespace {

// "double", "int64", ..., else the demangled C++ name.
std::string type_text(const std::type_info& type) {
  if (type == typeid(double)) return "double";
  if (type == typeid(std::int64_t)) return "int64";
  if (type == typeid(bool)) return "bool";
  if (type == typeid(std::string)) return "std::string";
  if (type == typeid(Tensor)) return "gg::Tensor";
  int status = 0;
  std::unique_ptr<char, decltype(&std::free)> demangled(
      abi::__cxa_demangle(type.name(), nullptr, nullptr, &status), &std::free);
  return status == 0 && demangled ? std::string(demangled.get()) : std::string(type.name());
}

std::string plural(std::size_t n, const char* word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

// Whether a tensor of `sizes` broadcasts to `target` (NumPy rules).
bool broadcasts_to(IntArrayRef sizes, IntArrayRef target) {
  if (sizes.size() > target.size()) return false;
  const std::size_t skip = target.size() - sizes.size();
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    if (sizes[i] != 1 && sizes[i] != target[skip + i]) return false;
  }
  return true;
}

}  // namespace

// --- SavedValue -------------------------------------------------------------------------------

double SavedValue::toDouble() const {
  if (const auto* p = std::any_cast<double>(&value_)) return *p;
  if (const auto* p = std::any_cast<std::int64_t>(&value_)) return static_cast<double>(*p);
  throw_mismatch(typeid(double));
}
std::int64_t SavedValue::toInt() const { return get<std::int64_t>(); }
bool SavedValue::toBool() const { return get<bool>(); }
const std::string& SavedValue::toStringRef() const { return get<std::string>(); }
const Tensor& SavedValue::toTensor() const { return get<Tensor>(); }

void SavedValue::throw_mismatch(const std::type_info& wanted) const {
  if (!value_.has_value()) {
    throw std::invalid_argument("saved_data: read as " + type_text(wanted) +
                                ", but nothing was stored under this key (a typo in the key?)");
  }
  throw std::invalid_argument("saved_data: read as " + type_text(wanted) +
                              ", but the value holds " + type_text(value_.type()) +
                              " (integers are kept as int64, floating numbers as double)");
}

// --- AutogradContext --------------------------------------------------------------------------

void AutogradContext::save_for_backward(tensor_list tensors) {
  if (node_ != nullptr) {
    throw std::logic_error(std::string(function_) + ": save_for_backward is for forward; "
                           "backward reads the saved tensors with get_saved_variables()");
  }
  to_save_ = std::move(tensors);
}

tensor_list AutogradContext::get_saved_variables() const {
  if (released_) {
    throw std::logic_error(std::string(function_) + ": the saved tensors were freed by an "
                           "earlier backward(); call backward with retain_graph = true the first "
                           "time to backpropagate twice");
  }
  if (node_ == nullptr) return to_save_;  // still in forward
  tensor_list out;
  out.reserve(saved_.size());
  for (const SavedTensor& s : saved_) out.push_back(s.unpack(*node_));
  return out;
}

bool AutogradContext::needs_input_grad(std::size_t index) const {
  if (index >= needs_input_grad_.size()) {
    throw std::out_of_range(std::string(function_) + ": needs_input_grad(" + std::to_string(index) +
                            ") of a forward with " + plural(needs_input_grad_.size(), "argument") +
                            " after ctx, expected an index below " +
                            std::to_string(needs_input_grad_.size()));
  }
  return needs_input_grad_[index];
}

namespace detail {

// --- FunctionCall -----------------------------------------------------------------------------

FunctionCall::FunctionCall(const char* function, std::size_t num_arguments)
    : function_(function), kinds_(num_arguments, ArgKind::NotTensor) {
  ctx_.function_ = function;
  ctx_.needs_input_grad_.assign(num_arguments, false);
}

void FunctionCall::add_argument(std::size_t index, const Tensor& t) {
  // An undefined tensor is no input (LibTorch gives it no edge either): its gradient is dropped.
  if (!t.defined()) {
    kinds_[index] = ArgKind::Undefined;
    return;
  }
  kinds_[index] = ArgKind::Tensor;
  inputs_.push_back(t);
  input_args_.push_back(index);
}

void FunctionCall::add_argument(std::size_t index, const std::optional<Tensor>& t) {
  if (t.has_value()) add_argument(index, *t);
  else kinds_[index] = ArgKind::Undefined;
}

AutogradContext* FunctionCall::start() {
  const bool grad_on = is_grad_enabled();
  input_versions_.reserve(inputs_.size());
  for (std::size_t j = 0; j < inputs_.size(); ++j) {
    ctx_.needs_input_grad_[input_args_[j]] = grad_on && requires_grad(inputs_[j]);
    input_versions_.push_back(inputs_[j]._version());
  }
  return &ctx_;
}

Tensor FunctionCall::finish(Tensor output) {
  if (!output.defined()) {
    throw std::logic_error(std::string(function_) + ".forward returned an undefined Tensor, "
                           "expected its result");
  }
  for (std::size_t j = 0; j < inputs_.size(); ++j) {
    const std::size_t arg = input_args_[j];
    if (ctx_.needs_input_grad_[arg] && inputs_[j]._version() != input_versions_[j]) {
      throw std::logic_error(std::string(function_) + ".forward changed its argument " +
                             std::to_string(arg) + " (sizes " + to_string(inputs_[j].sizes()) +
                             ") in place, and that argument requires grad: in-place custom ops "
                             "(LibTorch's ctx->mark_dirty) are not supported; return a new tensor");
    }
  }
  // A tensor that already has autograd state (an input returned as it is, a parameter) must
  // keep it: the node is attached to a new handle on the same data instead.
  if (meta_if(output) != nullptr) output = native::alias(output);
  return output;
}

bool FunctionCall::records(const Tensor& output) const {
  if (!output.is_floating_point()) return false;  // an integer result has no gradient
  for (std::size_t arg : input_args_) {
    if (ctx_.needs_input_grad_[arg]) return true;
  }
  return false;
}

void FunctionCall::hand_over(FunctionNodeBase& node, const Tensor& output) {
  node.ctx = std::move(ctx_);
  AutogradContext& ctx = node.ctx;
  ctx.node_ = &node;
  ctx.saved_.reserve(ctx.to_save_.size());
  for (const Tensor& t : ctx.to_save_) {
    // The output is kept without its autograd state: it points at this node (a cycle).
    ctx.saved_.push_back(t.defined() ? node.save(t, t.is_same(output)) : SavedTensor());
  }
  ctx.to_save_ = tensor_list();
  node.arg_kinds = std::move(kinds_);
  node.input_args = std::move(input_args_);
}

// --- the node ---------------------------------------------------------------------------------

void FunctionNodeBase::backward(const Tensor& dout, std::span<Tensor> din) {
  // Grad mode is create_graph here (the engine sets it), as in LibTorch: a backward written with
  // gg:: differentiable ops records only under create_graph, and is then differentiable too.
  tensor_list grads = user_backward(&ctx, tensor_list{dout});
  const std::size_t n = arg_kinds.size();
  // Too many is accepted when the extra ones are all undefined, as LibTorch does.
  if (grads.size() > n) {
    bool extra_undefined = true;
    for (std::size_t a = n; a < grads.size(); ++a) {
      extra_undefined = extra_undefined && !grads[a].defined();
    }
    if (extra_undefined) grads.resize(n);
  }
  if (grads.size() != n) {
    throw std::logic_error("backward of " + describe(*this) + ": backward returned " +
                           plural(grads.size(), "gradient") + ", expected " + std::to_string(n) +
                           ": one per argument of forward after ctx (an undefined Tensor for a "
                           "non-tensor argument, or for no gradient)");
  }
  for (std::size_t a = 0; a < n; ++a) {
    if (arg_kinds[a] == ArgKind::NotTensor && grads[a].defined()) {
      throw std::logic_error("backward of " + describe(*this) + ": backward returned a gradient of "
                             "sizes " + to_string(grads[a].sizes()) + " for argument " +
                             std::to_string(a) + " of forward, which is not a tensor; expected an "
                             "undefined Tensor there");
    }
  }
  for (std::size_t j = 0; j < input_args.size(); ++j) {
    if (!needs_grad(j)) continue;
    const std::size_t a = input_args[j];
    const IntArrayRef sizes(edges[j].sizes);
    Tensor g = std::move(grads[a]);
    if (!g.defined()) {
      g = gg::zeros(sizes, gg::dtype(edges[j].dtype));  // no gradient: zero, as LibTorch
    } else if (g.sizes() != sizes) {
      if (!broadcasts_to(sizes, g.sizes())) {
        throw ShapeError("backward of " + describe(*this) +
                         ": backward returned a gradient of sizes " + to_string(g.sizes()) +
                         " for argument " + std::to_string(a) + " of forward, which has sizes " +
                         to_string(sizes) +
                         "; expected those sizes (or sizes they broadcast to, summed back)");
      }
      g = gg::sum_to_size(g, sizes);  // the argument was broadcast in forward
    }
    din[j] = std::move(g);
  }
}

void FunctionNodeBase::release() {
  ctx.saved_.clear();
  ctx.saved_data.clear();
  ctx.released_ = true;
}

}  // namespace detail
}  // namespace gg::autograd
