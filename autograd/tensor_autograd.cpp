// gg::Tensor's autograd methods (declared in tensor/tensor.hpp): requires_grad, grad,
// backward, detach, names; and the hook that lets tensor/'s factories make leaves.
#include <gategrad/autograd/autograd_meta.hpp>
#include <gategrad/autograd/graph.hpp>
#include <gategrad/tensor/factory.hpp>
#include <gategrad/tensor/native.hpp>

#include <stdexcept>

namespace gg {

namespace autograd {
AutogradMeta& meta_of(const Tensor& t) {
  auto& slot = t.unsafe_impl()->autograd_meta;
  if (slot == nullptr) slot = make_cached_shared<AutogradMeta>();
  return *slot;
}
void zero_grad(const Tensor& t) {
  AutogradMeta* m = meta_if(t);
  if (m != nullptr && m->state == GradState::Valid) m->state = GradState::Stale;
}

void reset_grad(const Tensor& t) {
  AutogradMeta* m = meta_if(t);
  if (m == nullptr) return;
  m->grad = Tensor();
  m->state = GradState::None;
}

void reserve_grad(const Tensor& t) {
  AutogradMeta& m = meta_of(t);
  if (m.state != GradState::None) return;  // a buffer exists already
  m.grad = empty(t.sizes(), t.dtype());
  m.state = GradState::Reserved;
}
}  // namespace autograd

namespace {
const Tensor kUndefined;
const std::shared_ptr<autograd::Node> kNoNode;

void make_leaf(Tensor& t) { t.requires_grad_(true); }

// Installed when this library is loaded, so tensor/'s factories can honour requires_grad(true).
[[maybe_unused]] const bool hook_installed = [] {
  detail::set_requires_grad_hook(&make_leaf);
  return true;
}();
}  // namespace

bool Tensor::requires_grad() const { return autograd::requires_grad(*this); }

const Tensor& Tensor::requires_grad_(bool requires_grad) const {
  AutogradMeta* m = autograd::meta_if(*this);
  if (m != nullptr && m->grad_fn != nullptr) {
    if (requires_grad) return *this;
    throw std::logic_error(std::string("requires_grad_: got the result of ") + m->grad_fn->name() +
                           ", expected a leaf; use detach() to make a leaf from it");
  }
  if (requires_grad && !is_floating_point()) {
    throw std::logic_error(std::string("requires_grad_: only floating tensors can require a "
                                       "gradient, got ") + gg::name(dtype()));
  }
  if (m == nullptr && !requires_grad) return *this;
  autograd::meta_of(*this).requires_grad = requires_grad;
  return *this;
}

bool Tensor::is_leaf() const {
  const AutogradMeta* m = autograd::meta_if(*this);
  return m == nullptr || m->grad_fn == nullptr;
}

const Tensor& Tensor::grad() const {
  AutogradMeta* m = autograd::meta_if(*this);
  if (m == nullptr || m->state == GradState::None || m->state == GradState::Reserved) return kUndefined;
  if (m->state == GradState::Stale) {  // zeroed lazily: only when read before a backward rewrote it
    native::fill_(m->grad, 0);
    m->state = GradState::Valid;
  }
  return m->grad;
}

Tensor& Tensor::mutable_grad() const {
  grad();
  AutogradMeta& m = autograd::meta_of(*this);
  return m.grad;
}

const std::shared_ptr<autograd::Node>& Tensor::grad_fn() const {
  const AutogradMeta* m = autograd::meta_if(*this);
  return m != nullptr ? m->grad_fn : kNoNode;
}

void Tensor::backward(const Tensor& gradient, std::optional<bool> retain_graph,
                      bool create_graph) const {
  if (create_graph) {
    throw std::logic_error("backward: create_graph = true (higher-order gradients) is not "
                           "supported yet");
  }
  Tensor seed = gradient;
  if (!seed.defined()) {
    if (numel() != 1) {
      throw std::logic_error("backward: grad can be implicitly created only for a one-element "
                             "output, got sizes " + to_string(sizes()) +
                             "; pass the output's gradient: backward(gradient)");
    }
    seed = ones_like(*this);
  }
  autograd::run_backward(*this, seed, retain_graph.value_or(create_graph));
}

Tensor Tensor::detach() const { return native::alias(*this); }

const Tensor& Tensor::set_name(std::string name) const {
  autograd::meta_of(*this).name = std::move(name);
  return *this;
}

std::string Tensor::name() const {
  const AutogradMeta* m = autograd::meta_if(*this);
  return m != nullptr ? m->name : std::string();
}

}  // namespace gg
