#pragma once
// AutogradMeta: what the autograd layer keeps beside a tensor's storage, behind the opaque
// pointer TensorImpl::autograd_meta (tensor/tensor.hpp), as PyTorch's AutogradMeta.
//
// A tensor has none until it requires a gradient: a leaf gets one from requires_grad_(), a
// recorded result from the op that made it. Views share the storage, not this.
#include <gategrad/tensor/source_location.hpp>
#include <gategrad/tensor/tensor.hpp>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace gg {

// A leaf's gradient buffer moves through four states. zero_grad() keeps the buffer (Stale) so
// that the next backward writes over it instead of adding to it: no fill pass, no new buffer.
enum class GradState : std::uint8_t {
  None,      // no buffer
  Reserved,  // a buffer made before any backward (optimizers reserve one): not a gradient yet
  Stale,     // a buffer zeroed by zero_grad(): logically zero, its values are garbage
  Valid,     // the accumulated gradient
};

struct AutogradMeta {
  bool requires_grad = false;
  std::shared_ptr<autograd::Node> grad_fn;  // null for a leaf
  Tensor grad;                              // a leaf's gradient buffer (see state)
  GradState state = GradState::None;
  std::string name;  // for graph dumps and messages
  // A leaf's register_hook hooks, run on its gradient (summed over one backward) before it is
  // accumulated; an empty slot is a removed hook. A non-leaf's hooks live on its grad_fn.
  std::vector<std::function<Tensor(const Tensor&)>> hooks;
  bool retains_grad = false;  // retain_grad() on a non-leaf: its .grad() is kept
};

namespace autograd {
// The tensor's meta, made on first use.
AutogradMeta& meta_of(const Tensor& t);
// The tensor's meta, or null when it has none.
inline AutogradMeta* meta_if(const Tensor& t) {
  return t.defined() ? t.unsafe_impl()->autograd_meta.get() : nullptr;
}
inline bool requires_grad(const Tensor& t) {
  const AutogradMeta* m = meta_if(t);
  return m != nullptr && m->requires_grad;
}

// optimizer.zero_grad() for one leaf, in O(1): the buffer is kept and marked stale, so the next
// backward writes over it (and reading grad() before that gives zeros).
void zero_grad(const Tensor& t);
// Drops the gradient and its buffer (zero_grad(set_to_none = true) in PyTorch).
void reset_grad(const Tensor& t);
// Makes the leaf's gradient buffer now, before any backward, for backward to write into:
// optimizers do it at construction, so no later step allocates. grad() stays undefined until
// a backward.
void reserve_grad(const Tensor& t);
}  // namespace autograd

}  // namespace gg
