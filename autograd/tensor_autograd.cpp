// gg::Tensor's autograd methods (declared in tensor/tensor.hpp): requires_grad, grad,
// backward, detach, names; and the hook that lets tensor/'s factories make leaves.
#include <gategrad/autograd/autograd_meta.hpp>
#include <gategrad/autograd/grad_mode.hpp>
#include <gategrad/autograd/graph.hpp>
#include <gategrad/autograd/ops.hpp>
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

namespace autograd::detail {
bool inplace_hooks_installed();  // autograd/inplace.cpp
}  // namespace autograd::detail

namespace {
const Tensor kUndefined;
const std::shared_ptr<autograd::Node> kNoNode;

void make_leaf(Tensor& t) { t.requires_grad_(true); }

// Installed when this library is loaded, so tensor/'s factories can honour requires_grad(true)
// (and, by naming autograd/inplace.cpp, so that its fill_ and copy_ hooks are linked too).
[[maybe_unused]] const bool hook_installed = [] {
  detail::set_requires_grad_hook(&make_leaf);
  return autograd::detail::inplace_hooks_installed();
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
                      bool create_graph, const std::vector<Tensor>& inputs) const {
  Tensor seed = gradient;
  if (!seed.defined()) {
    if (numel() != 1) {
      throw std::logic_error("backward: grad can be implicitly created only for a one-element "
                             "output, got sizes " + to_string(sizes()) +
                             "; pass the output's gradient: backward(gradient)");
    }
    seed = ones_like(*this);
  }
  autograd::BackwardPass pass;
  pass.roots = std::span<const Tensor>(this, 1);
  pass.grads = std::span<const Tensor>(&seed, 1);
  pass.retain_graph = retain_graph.value_or(create_graph);
  pass.create_graph = create_graph;
  pass.inputs = inputs;
  autograd::run_backward(pass);
}

void Tensor::retain_grad() const {
  AutogradMeta* m = autograd::meta_if(*this);
  if (m == nullptr || !m->requires_grad) {
    throw std::logic_error("retain_grad: got a tensor of sizes " + to_string(sizes()) +
                           " that does not require grad, expected one that does");
  }
  if (m->grad_fn == nullptr || m->retains_grad) return;  // a leaf keeps its gradient anyway
  m->retains_grad = true;
  // The node's hook fills this tensor's .grad(); it holds the meta weakly (the meta owns the
  // node: a strong pointer would be a cycle).
  std::weak_ptr<AutogradMeta> weak = unsafe_impl()->autograd_meta;
  m->grad_fn->retain = [weak](const Tensor& g) {
    if (std::shared_ptr<AutogradMeta> meta = weak.lock()) {
      // As PyTorch, the retained gradient accumulates over backward passes.
      // (grad mode is create_graph here: the sum or copy records only then)
      if (meta->state == GradState::Valid && meta->grad.defined()) meta->grad = gg::add(meta->grad, g);
      else meta->grad = gg::clone(g);
      meta->state = GradState::Valid;
    }
  };
}

bool Tensor::retains_grad() const {
  const AutogradMeta* m = autograd::meta_if(*this);
  return m != nullptr && m->retains_grad;
}

// A hook's handle: its slot, counted over the leaf's hooks or its grad_fn's (where a non-leaf's
// live), with the high bit set for the latter.
constexpr unsigned kNodeHook = 1u << 31;

unsigned Tensor::add_hook(std::function<Tensor(const Tensor&)> hook) const {
  AutogradMeta* m = autograd::meta_if(*this);
  if (m == nullptr || !m->requires_grad) {
    throw std::logic_error("register_hook: got a tensor of sizes " + to_string(sizes()) +
                           " that does not require grad, expected one that does (a hook runs "
                           "on its gradient)");
  }
  std::vector<autograd::GradHook>& hooks = m->grad_fn ? m->grad_fn->hooks : m->hooks;
  hooks.push_back(std::move(hook));
  return static_cast<unsigned>(hooks.size() - 1) | (m->grad_fn ? kNodeHook : 0u);
}

void Tensor::remove_hook(unsigned handle) const {
  AutogradMeta* m = autograd::meta_if(*this);
  const bool on_node = (handle & kNodeHook) != 0;
  const std::size_t slot = handle & ~kNodeHook;
  std::vector<autograd::GradHook>* hooks = nullptr;
  if (m != nullptr) hooks = on_node ? (m->grad_fn ? &m->grad_fn->hooks : nullptr) : &m->hooks;
  if (hooks == nullptr || slot >= hooks->size() || !(*hooks)[slot]) {
    throw std::invalid_argument("remove_hook: got handle " + std::to_string(handle) +
                                ", expected one that register_hook returned for this tensor and "
                                "that was not removed yet");
  }
  (*hooks)[slot] = nullptr;
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
