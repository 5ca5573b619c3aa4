#pragma once
// The graph of recorded ops on gg::Tensor: nodes, their edges, and what a gate may keep.
//
// A node is one recorded op: its gate (the subclass), exactly the saved state its backward
// needs, and one edge per input saying where that input's gradient goes: into the node that
// produced the input, or into a leaf's .grad(). Inputs that need no gradient have an empty edge.
//
// The contract a gate author keeps (autograd/recording.hpp records the gate):
//   - `static constexpr const char* kName` names the gate, once ("MulGate").
//   - backward(dout, din) gets dout, the gradient of the output (dout's sizes and dtype are
//     the output's; its strides may be any), and one slot per input. For each i where
//     needs_grad(i) it sets din[i] to the gradient of input i, with input i's sizes (the engine
//     checks) and dtype. Slots where needs_grad(i) is false are left alone: skip that work.
//   - din[i] may arrive holding a buffer of the right sizes and dtype lent by the engine (a
//     parameter's zeroed gradient): the gate may write its result into that buffer, and must
//     then overwrite every element and never read it; or it may replace din[i] with a new tensor.
//   - din[i] may share dout or another slot's tensor (AddGate passes dout through): the engine
//     never writes into a gradient it did not make or own alone.
//   - Saved tensors go through save()/unpack() (SavedTensor) so that an in-place change of a
//     saved tensor between forward and backward is caught, as PyTorch's version counter does.
//   - release() drops the saved state after a backward that did not retain the graph.
//   - backward is itself differentiable: it computes with the differentiable ops of
//     autograd/ops.hpp (gg::mul, gg::sum_to_size, ...), which the engine runs with grad mode
//     off for a plain backward (they record nothing, and cost what the native kernel costs) and
//     on under create_graph (they record the graph of the gradient, for a second derivative).
//     A fast path that writes with native:: kernels (into a lent buffer, say) is taken only
//     when is_grad_enabled() is false. A saved output unpacked under create_graph comes back
//     with this node as its grad_fn, so that a formula in y (sigmoid's y(1 - y)) differentiates.
#include <gategrad/tensor/source_location.hpp>
#include <gategrad/tensor/allocator.hpp>
#include <gategrad/tensor/tensor.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace gg::autograd {

struct Node;

struct Edge {
  std::shared_ptr<Node> node;          // the producer of a non-leaf input, or
  std::shared_ptr<AutogradMeta> leaf;  // a leaf input that requires grad
  SizeVector sizes;                    // the input's sizes and dtype, to check its gradient
  Dtype dtype = Dtype::Float32;
  bool needs_grad() const { return node != nullptr || leaf != nullptr; }
};

// A tensor a gate keeps for its backward, with the storage version it had when saved.
class SavedTensor {
 public:
  SavedTensor() = default;
  // `is_output`: the gate's own result, kept without its autograd state (it points at the node
  // that saves it: keeping it whole would be a cycle).
  SavedTensor(const Tensor& t, bool is_output);
  bool defined() const { return data_.defined(); }
  // The tensor; throws std::runtime_error naming the gate and where it was created when an
  // in-place op changed the tensor since it was saved. A saved output comes back as a leaf-less
  // alias, or, while grad mode is on (create_graph), as a tensor whose grad_fn is `owner`.
  Tensor unpack(const Node& owner) const;
  void reset() { data_ = Tensor(); }

 private:
  Tensor data_;
  std::uint64_t version_ = 0;
  bool is_output_ = false;
};

// A tensor hook, as torch::Tensor::register_hook: gets the gradient of the tensor it was
// registered on and returns a replacement (or an undefined tensor to keep it).
using GradHook = std::function<Tensor(const Tensor&)>;

struct Node : std::enable_shared_from_this<Node> {
  Node() = default;
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;
  // Tears the graph upstream down iteratively: a chain of 100,000 nodes must not recurse.
  virtual ~Node();

  virtual void backward(const Tensor& dout, std::span<Tensor> din) = 0;
  virtual void release() = 0;

  const char* name() const { return name_; }
  std::size_t num_inputs() const { return edges.size(); }
  bool needs_grad(std::size_t i) const { return edges[i].needs_grad(); }
  SavedTensor save(const Tensor& t, bool is_output = false) const { return SavedTensor(t, is_output); }

  const char* name_ = "Node";  // the gate's kName, set when it is recorded
  std::vector<Edge, CachingAllocator<Edge>> edges;
  SizeVector out_sizes;
  Dtype out_dtype = Dtype::Float32;
  SourceLocation where;
  std::shared_ptr<const std::string> scope;  // the module path it was created in, if any
  bool released = false;
  std::uint64_t visit_mark = 0;  // the last graph walk that reached this node
  std::uint64_t needed_mark = 0;  // the last grad() walk that found a wanted input upstream
  Tensor grad;                   // the output's gradient, accumulated during one backward
  // Hooks on the output's gradient (register_hook on a non-leaf), run in order once it is
  // complete, before backward; an empty slot is a removed hook. Then `retain` (retain_grad)
  // keeps the result, as PyTorch 2 runs retain_grad after every other hook.
  std::vector<GradHook> hooks;
  std::function<void(const Tensor&)> retain;
};

// "MulGate (created at model.cpp:12 (in forward), in fc1)".
std::string describe(const Node& node);

// The nodes reachable from root, each after every node that consumes its output (the order
// backward runs them in). Iterative; reuses `order`'s capacity.
void topological_order(Node* root, std::vector<Node*>& order);
// The same from several roots (the nodes reachable from any of them, each once).
void topological_order(std::span<Node* const> roots, std::vector<Node*>& order);

// One pass of the engine: from `roots`, seeded with `grads` (one each, of the root's sizes),
// through the graph. With `inputs` empty, every leaf reached accumulates its gradient into
// .grad() (Tensor::backward); otherwise only the gradients of `inputs` are computed, and they
// are returned (autograd::grad) or, with `accumulate`, added into each input's .grad()
// (backward's inputs argument). Nodes that lead to none of `inputs` do not run. Under
// create_graph the gates run with grad mode on, so the gradients come with graphs of their own.
struct BackwardPass {
  std::span<const Tensor> roots, grads;
  bool retain_graph = false;
  bool create_graph = false;
  std::span<const Tensor> inputs;
  bool accumulate = true;
  bool allow_unused = false;
  const char* caller = "backward";  // names the call in error messages
};
std::vector<Tensor> run_backward(const BackwardPass& pass);

// True while the engine runs gates' backward functions (record() then leaves the output checks
// of AnomalyGuard to the engine, which names the gate whose gradient it checks).
bool in_backward();

// The module path new nodes record as their scope while a ScopeGuard lives (nn::Module sets it
// around forward). Null when outside every module.
const std::shared_ptr<const std::string>& current_scope();
class ScopeGuard {
 public:
  explicit ScopeGuard(std::shared_ptr<const std::string> scope);
  ~ScopeGuard();
  ScopeGuard(const ScopeGuard&) = delete;
  ScopeGuard& operator=(const ScopeGuard&) = delete;

 private:
  std::shared_ptr<const std::string> previous_;
};

}  // namespace gg::autograd
