#pragma once
// The one recording path: how every op on gg::Tensor, the library's gates and users' custom
// Functions alike, joins the graph.
//
//   Tensor relu(const Tensor& x, Where where) {
//     Tensor y = native::relu(x);
//     return autograd::record<ReluGate>(y, {&x}, where, [&](ReluGate& g) { g.y = g.save(y, true); });
//   }
//
// record() decides whether to record (grad mode on, some input requires grad), checks the
// output for NaN/Inf under AnomalyGuard, links one edge per input, names the node (the gate's
// kName, the caller's line, the module it ran in), lets `init` save what backward needs (the
// edges are linked first, so init can ask needs_grad(i)), and makes the node the result's grad_fn.
#include <gategrad/autograd/autograd_meta.hpp>
#include <gategrad/autograd/grad_mode.hpp>
#include <gategrad/autograd/graph.hpp>
#include <gategrad/tensor/allocator.hpp>

#include <initializer_list>
#include <span>

namespace gg::autograd {

// An op's inputs: a braced list of pointers (alive for the call it is passed to) or a span of
// tensors (cat of N). Never stored.
class Inputs {
 public:
  Inputs(std::initializer_list<const Tensor*> list) {  // NOLINT: implicit, for {&a, &b}
    pointers_ = list.begin();
    size_ = list.size();
  }
  Inputs(std::span<const Tensor> tensors) : tensors_(tensors.data()), size_(tensors.size()) {}  // NOLINT
  std::size_t size() const { return size_; }
  const Tensor& operator[](std::size_t i) const {
    return pointers_ != nullptr ? *pointers_[i] : tensors_[i];
  }

 private:
  const Tensor* const* pointers_ = nullptr;
  const Tensor* tensors_ = nullptr;
  std::size_t size_ = 0;
};

// True when grad mode is on and some input requires a gradient.
bool should_record(const Inputs& inputs);

// Throws AnomalyError if a floating tensor holds NaN or Inf; `what` says which tensor of which
// gate ("output", "gradient of input 1").
void check_finite(const Tensor& t, const char* gate, const char* what, const SourceLocation& where,
                  const std::shared_ptr<const std::string>& scope);

namespace detail {
void link(Node& node, const char* name, const Tensor& result, const Inputs& inputs,
          const SourceLocation& where);
void attach(Tensor& result, std::shared_ptr<Node> node);
}  // namespace detail

template <class Gate, class Init>
Tensor record(Tensor result, const Inputs& inputs, const SourceLocation& where, Init&& init) {
  if (is_anomaly_enabled() && !in_backward()) check_finite(result, Gate::kName, "output", where, current_scope());
  if (!should_record(inputs)) return result;
  auto node = make_cached_shared<Gate>();
  detail::link(*node, Gate::kName, result, inputs, where);
  init(*node);
  detail::attach(result, std::move(node));
  return result;
}

// A gate that saves nothing.
template <class Gate>
Tensor record(Tensor result, const Inputs& inputs, const SourceLocation& where) {
  return record<Gate>(std::move(result), inputs, where, [](Gate&) {});
}

}  // namespace gg::autograd
