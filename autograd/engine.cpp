// The engine for gg::Tensor: recording (autograd/recording.hpp), the graph walk and the
// backward pass, leaf accumulation, saved-tensor versions and the iterative teardown.
#include <gategrad/autograd/grad_mode.hpp>  // AnomalyError
#include <gategrad/autograd/ops.hpp>
#include <gategrad/autograd/recording.hpp>
#include <gategrad/tensor/factory.hpp>
#include <gategrad/tensor/native.hpp>
#include <gategrad/tensor/shape.hpp>

#include <algorithm>
#include <cmath>
#include <optional>
#include <stdexcept>
#include <string>
#include <unordered_map>
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
    : data_(is_output ? native::alias(t) : t), version_(t._version()), is_output_(is_output) {}

Tensor SavedTensor::unpack(const Node& owner) const {
  if (data_.defined() && data_._version() != version_) {
    throw std::runtime_error(
        "backward: a tensor that " + describe(owner) + " saved for its gradient (sizes " +
        to_string(data_.sizes()) + ") was modified by an in-place operation after it was "
        "saved: it is at version " + std::to_string(data_._version()) + ", expected version " +
        std::to_string(version_) + ". Use an out-of-place op (or clone() the tensor) before "
        "changing it.");
  }
  if (is_output_ && data_.defined() && is_grad_enabled()) {
    // create_graph: the output as its node made it, so a formula in it records an edge back.
    Tensor output = native::alias(data_);
    detail::attach(output, std::const_pointer_cast<Node>(owner.shared_from_this()));
    return output;
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

thread_local int backward_depth = 0;  // > 0 while gates' backward functions run

// Whether `t` is this engine's to change in place: no other handle or view shares it, and no
// two elements share memory (a gate may hand back an expanded view, with stride 0).
bool owned_alone(const Tensor& t) {
  return t.impl_ptr().use_count() == 1 && t.storage().use_count() == 1 && t.is_contiguous();
}

// into += g; the first gradient is shared, later ones summed (in place when `into` is ours).
// Under create_graph the sum is recorded (gg::add), so that it differentiates too.
// (The engine's helpers are kept out of line: a batch-1 step is bound by instruction fetch,
// and each inlined copy is more code the pass runs through.)
[[gnu::noinline]] void accumulate(Tensor& into, Tensor&& g, bool create_graph) {
  if (!into.defined()) {
    into = std::move(g);
  } else if (create_graph) {
    into = gg::add(into, g);
  } else if (owned_alone(into)) {
    native::add_(into, g);
  } else {
    into = native::add(into, g);
  }
}

// g after a tensor's hooks, in registration order (a hook returning an undefined tensor keeps
// the gradient it got).
[[gnu::noinline]] Tensor run_hooks(const std::vector<GradHook>& hooks, Tensor g, const char* whose) {
  for (const GradHook& hook : hooks) {
    if (!hook) continue;
    Tensor replaced = hook(g);
    if (!replaced.defined()) continue;
    if (replaced.sizes() != g.sizes()) {
      throw ShapeError(std::string("backward: a hook on ") + whose + " returned a gradient of sizes " +
                       to_string(replaced.sizes()) + ", expected the gradient's sizes " +
                       to_string(g.sizes()));
    }
    g = std::move(replaced);
  }
  return g;
}

// The same for a leaf, whose buffer is overwritten unless it holds a valid gradient. A gradient
// someone else holds is copied (the optimizer and the next backward change .grad in place).
// Under create_graph the gradient keeps its graph: it is cloned or summed with recorded ops,
// as PyTorch's AccumulateGrad does.
[[gnu::noinline]] void accumulate_leaf(AutogradMeta& leaf, Tensor&& g, bool create_graph) {
  if (create_graph) {
    if (leaf.state == GradState::Valid && leaf.grad.defined()) leaf.grad = gg::add(leaf.grad, g);
    else leaf.grad = owned_alone(g) && !requires_grad(g) ? std::move(g) : gg::clone(g);
    leaf.state = GradState::Valid;
    return;
  }
  if (leaf.state == GradState::Valid && leaf.grad.defined()) {
    if (owned_alone(leaf.grad)) native::add_(leaf.grad, g);
    else leaf.grad = native::add(leaf.grad, g);
    return;
  }
  if (leaf.grad.defined() && leaf.grad.is_same(g)) {
    // the gate wrote into the lent buffer
  } else if (owned_alone(g)) {
    leaf.grad = std::move(g);
  } else if (leaf.grad.defined() && owned_alone(leaf.grad) && leaf.grad.sizes() == g.sizes() &&
             leaf.grad.dtype() == g.dtype()) {
    native::copy_(leaf.grad, g);  // a shared gradient (a view of dout) into the kept buffer
  } else {
    leaf.grad = native::clone(g);
  }
  leaf.state = GradState::Valid;
}

// Leaves with hooks: their gradient is summed over the pass, then the hooks see the sum once
// (as PyTorch runs a leaf's hooks once, on AccumulateGrad's input).
struct HookedLeaves {
  std::vector<std::pair<AutogradMeta*, Tensor>> sums;
  [[gnu::noinline]] void add(AutogradMeta* leaf, Tensor&& g, bool create_graph) {
    for (auto& [l, sum] : sums) {
      if (l == leaf) return accumulate(sum, std::move(g), create_graph);
    }
    sums.emplace_back(leaf, std::move(g));
  }
  [[gnu::noinline]] void flush(bool create_graph) {
    for (auto& [leaf, sum] : sums) {
      accumulate_leaf(*leaf, run_hooks(leaf->hooks, std::move(sum), "a leaf"), create_graph);
    }
    sums.clear();
  }
};

struct DepthGuard {
  DepthGuard() { ++backward_depth; }
  ~DepthGuard() { --backward_depth; }
  DepthGuard(const DepthGuard&) = delete;
  DepthGuard& operator=(const DepthGuard&) = delete;
};

// The inputs of a grad() or backward(inputs) pass and their gradients as the pass captures
// them, found by the node or leaf the gradient arrives at (a non-leaf input's gradient is its
// grad_fn's output gradient). Only such a pass builds one: the plain backward() never runs
// this code.
class Capture {
 public:
  explicit Capture(const BackwardPass& pass) : pass_(pass), results_(pass.inputs.size()) {
    static thread_local std::uint64_t walks = 0;
    walk_ = ++walks;
    for (std::size_t i = 0; i < pass.inputs.size(); ++i) {
      const Tensor& x = pass.inputs[i];
      AutogradMeta* m = meta_if(x);
      if (m == nullptr || !m->requires_grad) {
        throw std::logic_error(std::string(pass.caller) + ": input " + std::to_string(i) + " (sizes " +
                               (x.defined() ? to_string(x.sizes()) : std::string("undefined")) +
                               ") does not require grad, expected tensors that require grad");
      }
      if (m->grad_fn) nodes_[m->grad_fn.get()].push_back(i);
      else leaves_[m].push_back(i);
    }
  }

  // Marks (needed_mark = walk) each node in `order` whose output gradient a target needs: the
  // node is a target, or one of its edges leads to a target leaf or a marked node. `order` has
  // every node before its inputs' producers, so it is walked backwards.
  [[gnu::noinline]] void mark_needed(const std::vector<Node*>& order) {
    for (auto it = order.rbegin(); it != order.rend(); ++it) {
      Node* n = *it;
      if (nodes_.contains(n) || leads_to_target(*n)) n->needed_mark = walk_;
    }
  }
  bool needed(const Node& n) const { return n.needed_mark == walk_; }

  // The output gradient of `node` (after its hooks) is known: kept if the node is a target.
  // Returns whether its backward must run, i.e. some edge leads to a target.
  [[gnu::noinline]] bool at_node(const Node& node) {
    if (const auto it = nodes_.find(&node); it != nodes_.end()) results_[it->second.front()] = node.grad;
    return leads_to_target(node);
  }

  // A leaf's gradient: summed into the leaf's slot if it is an input, else dropped.
  [[gnu::noinline]] void at_leaf(const AutogradMeta* leaf, Tensor&& g) {
    if (const auto it = leaves_.find(leaf); it != leaves_.end()) {
      accumulate(results_[it->second.front()], std::move(g), pass_.create_graph);
    }
  }

  // The gradients of the inputs in their order, or nothing for backward(inputs), which puts
  // them into each input's .grad().
  [[gnu::noinline]] std::vector<Tensor> finish() {
    // Duplicated inputs share the first one's gradient; a leaf input's hooks see its sum.
    for (const auto& [leaf, slots] : leaves_) {
      Tensor& g = results_[slots.front()];
      if (g.defined() && !leaf->hooks.empty()) g = run_hooks(leaf->hooks, std::move(g), "a leaf");
    }
    const std::span<const Tensor> inputs = pass_.inputs;
    for (std::size_t i = 0; i < inputs.size(); ++i) {
      const AutogradMeta* m = meta_if(inputs[i]);
      const std::vector<std::size_t>& slots = m->grad_fn ? nodes_[m->grad_fn.get()] : leaves_[m];
      results_[i] = results_[slots.front()];
    }
    if (pass_.accumulate) {
      // backward(inputs): each input's gradient goes into its .grad() (hooks ran already).
      for (std::size_t i = 0; i < inputs.size(); ++i) {
        if (!results_[i].defined()) continue;
        bool first = true;
        for (std::size_t j = 0; j < i; ++j) first = first && !inputs[j].is_same(inputs[i]);
        if (first) accumulate_leaf(*meta_if(inputs[i]), std::move(results_[i]), pass_.create_graph);
      }
      return {};
    }
    if (!pass_.allow_unused) {
      for (std::size_t i = 0; i < results_.size(); ++i) {
        if (!results_[i].defined()) {
          throw std::logic_error(std::string(pass_.caller) + ": input " + std::to_string(i) + " (sizes " +
                                 to_string(inputs[i].sizes()) + ") was not used in the graph "
                                 "of the outputs; pass allow_unused = true to get an undefined "
                                 "tensor for it");
        }
      }
    }
    return std::move(results_);
  }

 private:
  bool leads_to_target(const Node& n) const {
    for (const Edge& e : n.edges) {
      if (e.node ? e.node->needed_mark == walk_ : e.leaf && leaves_.contains(e.leaf.get())) return true;
    }
    return false;
  }

  const BackwardPass& pass_;
  std::vector<Tensor> results_;
  std::unordered_map<const Node*, std::vector<std::size_t>> nodes_;
  std::unordered_map<const AutogradMeta*, std::vector<std::size_t>> leaves_;
  std::uint64_t walk_ = 0;
};

// The engine's errors, out of line and cold: none of their code sits in the pass's path.
[[noreturn, gnu::cold, gnu::noinline]] void fail_counts(const BackwardPass& pass) {
  throw std::invalid_argument(std::string(pass.caller) + ": got " + std::to_string(pass.roots.size()) +
                              " outputs and " + std::to_string(pass.grads.size()) +
                              " gradients for them, expected one gradient per output");
}
[[noreturn, gnu::cold, gnu::noinline]] void fail_root(const char* caller, const Tensor& root) {
  throw std::logic_error(std::string(caller) + ": the tensor of sizes " +
                         (root.defined() ? to_string(root.sizes()) : std::string("(undefined)")) +
                         " does not require grad: no input of its computation has "
                         "requires_grad set (or it was computed under NoGradGuard)");
}
[[noreturn, gnu::cold, gnu::noinline]] void fail_seed_sizes(const char* caller, const Tensor& gradient,
                                                           const Tensor& root) {
  throw ShapeError(std::string(caller) + ": got a gradient of sizes " + to_string(gradient.sizes()) +
                   " for a tensor of sizes " + to_string(root.sizes()) + ", expected equal sizes");
}
[[noreturn, gnu::cold, gnu::noinline]] void fail_released(const char* caller, const Node& node) {
  throw std::logic_error(std::string(caller) + ": the graph through " + describe(node) +
                         " was freed by an earlier backward(); call backward with "
                         "retain_graph = true the first time to backpropagate twice");
}
[[noreturn, gnu::cold, gnu::noinline]] void fail_gate_gradient(const char* caller, const Node& node,
                                                              std::size_t i, const Tensor& g) {
  throw std::logic_error(std::string(caller) + ": " + describe(node) + " produced a gradient of sizes " +
                         (g.defined() ? to_string(g.sizes()) : std::string("(none)")) + " for its input " +
                         std::to_string(i) + " of sizes " + to_string(IntArrayRef(node.edges[i].sizes)) +
                         " (a bug in the gate)");
}
[[gnu::cold, gnu::noinline]] void check_gradient(const Node& node, std::size_t i, const Tensor& g) {
  const std::string what = "gradient of input " + std::to_string(i);
  check_finite(g, node.name(), what.c_str(), node.where, node.scope);
}

}  // namespace

bool in_backward() { return backward_depth > 0; }

void topological_order(std::span<Node* const> roots, std::vector<Node*>& order) {
  order.clear();
  static thread_local std::uint64_t walks = 0;
  static thread_local std::vector<std::pair<Node*, std::size_t>> stack;
  const std::uint64_t mark = ++walks;
  // Post-order of a depth-first walk from each root in turn, reversed: every node comes before
  // the producers of its inputs, also where the roots share part of the graph.
  for (Node* root : roots) {
    if (root == nullptr || root->visit_mark == mark) continue;
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
  }
  std::reverse(order.begin(), order.end());
}

void topological_order(Node* root, std::vector<Node*>& order) {
  topological_order(std::span<Node* const>(&root, 1), order);
}

std::vector<Tensor> run_backward(const BackwardPass& pass) {
  const char* caller = pass.caller;
  if (pass.roots.size() != pass.grads.size()) fail_counts(pass);
  const bool create_graph = pass.create_graph;
  std::optional<Capture> capture;
  if (!pass.inputs.empty()) capture.emplace(pass);

  // The seeds: each root's gradient, in its dtype, into its node (or leaf).
  static thread_local std::vector<Node*> spare_order;
  std::vector<Node*> order = std::move(spare_order);
  // (thread-local buffers, their capacity kept: a training step allocates nothing)
  static thread_local std::vector<Node*> root_nodes;
  struct Seed {
    AutogradMeta* leaf;  // the root is a leaf, or
    Node* node;          // its grad_fn
    Tensor grad;
  };
  static thread_local std::vector<Seed> seeds;
  root_nodes.clear();
  seeds.clear();
  for (std::size_t r = 0; r < pass.roots.size(); ++r) {
    const Tensor& root = pass.roots[r];
    AutogradMeta* meta = meta_if(root);
    if (meta == nullptr || !meta->requires_grad) fail_root(caller, root);
    const Tensor& gradient = pass.grads[r];
    if (gradient.sizes() != root.sizes()) fail_seed_sizes(caller, gradient, root);
    Tensor seed = gradient.dtype() == root.dtype() ? gradient : gg::to(gradient, root.dtype());
    Node* node = meta->grad_fn.get();
    if (node != nullptr) root_nodes.push_back(node);
    seeds.push_back({node == nullptr ? meta : nullptr, node, std::move(seed)});  // placed below
  }
  topological_order(root_nodes, order);
  if (capture) capture->mark_needed(order);
  for (Node* node : order) {
    if (capture && !capture->needed(*node)) continue;
    if (node->released) {
      spare_order = std::move(order);
      fail_released(caller, *node);
    }
  }
  DepthGuard depth;
  HookedLeaves hooked;
  // Gates compute with differentiable ops: recorded under create_graph only.
  const AutoGradMode grad_mode(create_graph);
  // A leaf's gradient: to the capture, or summed before the leaf's hooks see it, or into .grad.
  const auto to_leaf = [&](AutogradMeta* leaf, Tensor&& g) {
    if (capture) capture->at_leaf(leaf, std::move(g));
    else if (!leaf->hooks.empty()) hooked.add(leaf, std::move(g), create_graph);
    else accumulate_leaf(*leaf, std::move(g), create_graph);
  };
  for (Seed& seed : seeds) {
    if (seed.node != nullptr) accumulate(seed.node->grad, std::move(seed.grad), create_graph);
    else to_leaf(seed.leaf, std::move(seed.grad));
  }
  seeds.clear();
  // A stale or reserved parameter gradient is lent to the gate that computes it, except when
  // the gradient must keep a graph or must not reach .grad.
  const bool lend = !create_graph && !capture;
  // The gradient slots, reused across passes; a pass run from inside a gate's backward (a custom
  // Function calling grad) takes its own.
  static thread_local std::vector<Tensor> shared_din;
  std::vector<Tensor> nested_din;
  std::vector<Tensor>& din = backward_depth > 1 ? nested_din : shared_din;
  const bool anomaly = is_anomaly_enabled();
  for (Node* node : order) {
    if (!node->grad.defined()) continue;  // no path from the roots reaches this node's output
    if (capture && !capture->needed(*node)) {
      node->grad = Tensor();
      continue;
    }
    if (!node->hooks.empty()) node->grad = run_hooks(node->hooks, std::move(node->grad), describe(*node).c_str());
    if (node->retain) node->retain(node->grad);
    if (capture && !capture->at_node(*node)) {
      node->grad = Tensor();
      continue;
    }
    const std::size_t n = node->edges.size();
    din.resize(std::max(din.size(), n));
    for (std::size_t i = 0; i < n; ++i) {
      AutogradMeta* leaf = node->edges[i].leaf.get();
      if (lend && leaf != nullptr && (leaf->state == GradState::Stale || leaf->state == GradState::Reserved) &&
          leaf->grad.defined() && leaf->grad.sizes() == IntArrayRef(node->edges[i].sizes) &&
          owned_alone(leaf->grad) && leaf->hooks.empty()) {
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
      if (!din[i].defined() || din[i].sizes() != IntArrayRef(e.sizes)) fail_gate_gradient(caller, *node, i, din[i]);
      if (din[i].dtype() != e.dtype) din[i] = gg::to(din[i], e.dtype);
      if (anomaly) check_gradient(*node, i, din[i]);
      if (e.node) {
        if (!capture || capture->needed(*e.node)) accumulate(e.node->grad, std::move(din[i]), create_graph);
      } else {
        to_leaf(e.leaf.get(), std::move(din[i]));
      }
      din[i] = Tensor();
    }
    node->grad = Tensor();
    if (!pass.retain_graph) {
      node->release();
      node->released = true;
    }
  }
  spare_order = std::move(order);
  hooked.flush(create_graph);
  if (capture) return capture->finish();
  return {};
}

}  // namespace gg::autograd
