// The engine for gg::Tensor: recording (autograd/recording.hpp), the graph walk and the
// backward pass, leaf accumulation, saved-tensor versions and the iterative teardown.
#include <gategrad/autograd/grad_mode.hpp>  // AnomalyError
#include <gategrad/autograd/recording.hpp>
#include <gategrad/tensor/factory.hpp>
#include <gategrad/tensor/native.hpp>
#include <gategrad/tensor/shape.hpp>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

namespace gg::autograd {

namespace {
thread_local std::vector<std::shared_ptr<Node>>* teardown_queue = nullptr;
thread_local std::shared_ptr<const std::string> scope_now;

std::string where_text(const SourceLocation& where, const std::shared_ptr<const std::string>& scope) {
  std::string text = where.line() != 0 ? to_string(where) : std::string("an unknown place");
  if (scope != nullptr && !scope->empty()) text += ", in module " + *scope;
  return text;
}
}  // namespace

Node::~Node() {
  // A node dying inside a teardown only queues its inputs, so nothing recurses however deep the
  // graph is; the first node to die runs the loop.
  if (auto* queue = teardown_queue) {
    for (Edge& e : edges) {
      if (e.node) queue->push_back(std::move(e.node));
    }
    return;
  }
  static thread_local std::vector<std::shared_ptr<Node>> pending;  // capacity kept: no allocation
  for (Edge& e : edges) {
    if (e.node) pending.push_back(std::move(e.node));
  }
  teardown_queue = &pending;
  while (!pending.empty()) {
    std::shared_ptr<Node> n = std::move(pending.back());
    pending.pop_back();
  }  // the last owner of n destroys it here, which queues n's inputs
  teardown_queue = nullptr;
}

std::string describe(const Node& node) {
  return std::string(node.name()) + " (output sizes " + to_string(IntArrayRef(node.out_sizes)) +
         ", created at " + where_text(node.where, node.scope) + ")";
}

SavedTensor::SavedTensor(const Tensor& t, bool is_output)
    : data_(is_output ? native::alias(t) : t), version_(t._version()) {}

const Tensor& SavedTensor::unpack(const Node& owner) const {
  if (data_.defined() && data_._version() != version_) {
    throw std::runtime_error(
        "backward: a tensor that " + describe(owner) + " saved for its gradient (sizes " +
        to_string(data_.sizes()) + ") was modified by an in-place operation after it was "
        "saved: it is at version " + std::to_string(data_._version()) + ", expected version " +
        std::to_string(version_) + ". Use an out-of-place op (or clone() the tensor) before "
        "changing it.");
  }
  return data_;
}

const std::shared_ptr<const std::string>& current_scope() { return scope_now; }
ScopeGuard::ScopeGuard(std::shared_ptr<const std::string> scope) : previous_(std::move(scope_now)) {
  scope_now = std::move(scope);
}
ScopeGuard::~ScopeGuard() { scope_now = std::move(previous_); }

bool should_record(const Inputs& inputs) {
  if (!is_grad_enabled()) return false;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    if (requires_grad(inputs[i])) return true;
  }
  return false;
}

void check_finite(const Tensor& t, const char* gate, const char* what, const SourceLocation& where,
                  const std::shared_ptr<const std::string>& scope) {
  if (!t.defined() || !t.is_floating_point()) return;
  const Tensor c = native::to(native::contiguous(t), Dtype::Float64);
  const double* p = c.data_ptr<double>();
  for (std::int64_t i = 0, n = c.numel(); i < n; ++i) {
    if (!std::isfinite(p[i])) {
      throw AnomalyError(std::string("anomaly: ") + gate + " (created at " + where_text(where, scope) +
                         ") produced " + (std::isnan(p[i]) ? "NaN" : "Inf") + " in its " + what +
                         " of sizes " + to_string(t.sizes()) + " at flat index " + std::to_string(i));
    }
  }
}

namespace detail {

void link(Node& node, const char* name, const Tensor& result, const Inputs& inputs,
          const SourceLocation& where) {
  node.name_ = name;
  node.edges.resize(inputs.size());
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const Tensor& x = inputs[i];
    Edge& e = node.edges[i];
    e.sizes = x.sizes().vec();
    e.dtype = x.dtype();
    AutogradMeta* m = meta_if(x);
    if (m == nullptr || !m->requires_grad) continue;
    if (m->grad_fn) e.node = m->grad_fn;
    else e.leaf = x.unsafe_impl()->autograd_meta;
  }
  node.out_sizes = result.sizes().vec();
  node.out_dtype = result.dtype();
  node.where = where;
  node.scope = scope_now;
}

void attach(Tensor& result, std::shared_ptr<Node> node) {
  auto& slot = result.unsafe_impl()->autograd_meta;
  if (slot != nullptr && slot->grad_fn != nullptr) {
    throw std::logic_error(std::string("record: ") + node->name() +
                           " returned a tensor that already has a grad_fn (a gate must return a "
                           "new tensor, not one of its inputs)");
  }
  auto meta = make_cached_shared<AutogradMeta>();
  meta->requires_grad = true;
  meta->grad_fn = std::move(node);
  slot = std::move(meta);
}

}  // namespace detail

namespace {

// Whether `t` is this engine's to change in place: no other handle or view shares it, and no
// two elements share memory (a gate may hand back an expanded view, with stride 0).
bool owned_alone(const Tensor& t) {
  return t.impl_ptr().use_count() == 1 && t.storage().use_count() == 1 && t.is_contiguous();
}

// into += g; the first gradient is shared, later ones summed (in place when `into` is ours).
void accumulate(Tensor& into, Tensor&& g) {
  if (!into.defined()) {
    into = std::move(g);
  } else if (owned_alone(into)) {
    native::add_(into, g);
  } else {
    into = native::add(into, g);
  }
}

// The same for a leaf, whose buffer is overwritten unless it holds a valid gradient. A gradient
// someone else holds is copied (the optimizer and the next backward change .grad in place).
void accumulate_leaf(AutogradMeta& leaf, Tensor&& g) {
  if (leaf.state == GradState::Valid && leaf.grad.defined()) {
    if (owned_alone(leaf.grad)) native::add_(leaf.grad, g);
    else leaf.grad = native::add(leaf.grad, g);
    return;
  }
  if (leaf.grad.defined() && leaf.grad.is_same(g)) {
    // the gate wrote into the lent buffer
  } else if (owned_alone(g)) {
    leaf.grad = std::move(g);
  } else {
    leaf.grad = native::clone(g);
  }
  leaf.state = GradState::Valid;
}

}  // namespace

void topological_order(Node* root, std::vector<Node*>& order) {
  order.clear();
  static thread_local std::uint64_t walks = 0;
  static thread_local std::vector<std::pair<Node*, std::size_t>> stack;
  const std::uint64_t mark = ++walks;
  stack.clear();
  stack.push_back({root, 0});
  root->visit_mark = mark;
  while (!stack.empty()) {
    auto& [node, next] = stack.back();
    if (next < node->edges.size()) {
      Node* child = node->edges[next++].node.get();
      if (child != nullptr && child->visit_mark != mark) {
        child->visit_mark = mark;
        stack.push_back({child, 0});
      }
    } else {
      order.push_back(node);
      stack.pop_back();
    }
  }
  std::reverse(order.begin(), order.end());
}

void run_backward(const Tensor& root, const Tensor& gradient, bool retain_graph) {
  AutogradMeta* meta = meta_if(root);
  if (meta == nullptr || !meta->requires_grad) {
    throw std::logic_error("backward: the tensor of sizes " + to_string(root.sizes()) +
                           " does not require grad: no input of its computation has "
                           "requires_grad set (or it was computed under NoGradGuard)");
  }
  if (gradient.sizes() != root.sizes()) {
    throw ShapeError("backward: got a gradient of sizes " + to_string(gradient.sizes()) +
                     " for a tensor of sizes " + to_string(root.sizes()) + ", expected equal sizes");
  }
  Tensor seed = gradient.dtype() == root.dtype() ? gradient : native::to(gradient, root.dtype());
  if (meta->grad_fn == nullptr) {
    accumulate_leaf(*meta, std::move(seed));
    return;
  }
  static thread_local std::vector<Node*> spare_order;
  std::vector<Node*> order = std::move(spare_order);
  topological_order(meta->grad_fn.get(), order);
  for (Node* node : order) {
    if (node->released) {
      throw std::logic_error("backward: the graph through " + describe(*node) +
                             " was freed by an earlier backward(); call backward with "
                             "retain_graph = true the first time to backpropagate twice");
    }
  }
  meta->grad_fn->grad = std::move(seed);
  // Gates compute their gradients with plain kernels; a custom Function's backward written with
  // gg:: ops must not record either (create_graph, which would, is not supported yet).
  NoGradGuard no_grad;
  static thread_local std::vector<Tensor> din;
  const bool anomaly = is_anomaly_enabled();
  for (Node* node : order) {
    if (!node->grad.defined()) continue;  // no path from the root reaches this node's output
    const std::size_t n = node->edges.size();
    din.resize(std::max(din.size(), n));
    for (std::size_t i = 0; i < n; ++i) {
      // A stale or reserved parameter gradient of the right sizes is lent to the gate.
      AutogradMeta* leaf = node->edges[i].leaf.get();
      if (leaf != nullptr && (leaf->state == GradState::Stale || leaf->state == GradState::Reserved) &&
          leaf->grad.defined() && leaf->grad.sizes() == IntArrayRef(node->edges[i].sizes) &&
          owned_alone(leaf->grad)) {
        din[i] = leaf->grad;
      } else {
        din[i] = Tensor();
      }
    }
    node->backward(node->grad, std::span<Tensor>(din.data(), n));
    for (std::size_t i = 0; i < n; ++i) {
      Edge& e = node->edges[i];
      if (!e.needs_grad()) {
        din[i] = Tensor();
        continue;
      }
      if (!din[i].defined() || din[i].sizes() != IntArrayRef(e.sizes)) {
        throw std::logic_error("backward: " + describe(*node) + " produced a gradient of sizes " +
                               (din[i].defined() ? to_string(din[i].sizes()) : std::string("(none)")) +
                               " for its input " + std::to_string(i) + " of sizes " +
                               to_string(IntArrayRef(e.sizes)) + " (a bug in the gate)");
      }
      if (din[i].dtype() != e.dtype) din[i] = native::to(din[i], e.dtype);
      if (anomaly) {
        const std::string what = "gradient of input " + std::to_string(i);
        check_finite(din[i], node->name(), what.c_str(), node->where, node->scope);
      }
      if (e.node) accumulate(e.node->grad, std::move(din[i]));
      else accumulate_leaf(*e.leaf, std::move(din[i]));
      din[i] = Tensor();
    }
    node->grad = Tensor();
    if (!retain_graph) {
      node->release();
      node->released = true;
    }
  }
  spare_order = std::move(order);
}

}  // namespace gg::autograd
