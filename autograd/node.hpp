#pragma once
// A recorded gate application: the node of the computation graph.
//
// A node knows its gate (the subclass), exactly the saved state its backward needs, and one edge
// per input telling where that input's gradient goes: into the node that produced the input, or
// into a leaf variable's .grad. Inputs that need no gradient have an empty edge, and gates skip
// their gradient work (needs_grad(i) is false).
#include <gategrad/autograd/source_location.hpp>
#include <gategrad/tensor/array.hpp>

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace gg {

template <class T> struct VariableImpl;
template <class T> struct Node;

// Thrown under AnomalyGuard when a gate produces NaN or Inf.
class AnomalyError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Where a node was created in user code.
std::string to_string(const SourceLocation& where);

template <class T>
struct Edge {
  std::shared_ptr<Node<T>> node;              // the producer of a non-leaf input, or
  std::shared_ptr<VariableImpl<T>> leaf;      // a leaf input that requires grad
  Shape shape;                                // the input's shape, to check its gradient
  std::string constant_name;                  // a named input that needs no grad (for graphs)
  bool needs_grad() const { return node != nullptr || leaf != nullptr; }
};

inline constexpr std::size_t kMaxGateInputs = 3;

template <class T>
struct Node {
  Node() = default;
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;
  // Tears the graph upstream down iteratively: a chain of 100,000 nodes must not recurse.
  virtual ~Node();

  virtual const char* name() const = 0;
  // Fills din[i] with the gradient of input i for each i where needs_grad(i), given dout, the
  // gradient of this node's output.
  virtual void backward(const Array<T>& dout, std::array<Array<T>, kMaxGateInputs>& din) = 0;
  // Frees the saved state after a backward that did not retain the graph.
  virtual void release() = 0;

  bool needs_grad(std::size_t i) const { return edges[i].needs_grad(); }

  std::array<Edge<T>, kMaxGateInputs> edges{};
  std::size_t num_inputs = 0;
  Shape out_shape;
  SourceLocation where;
  bool released = false;
  std::uint64_t visit_mark = 0;  // the last graph walk that reached this node

  // Gradient of this node's output accumulated during one backward pass.
  std::optional<Array<T>> grad;
};

// The nodes reachable from `root`, each after every node that consumes its output (the order
// backward runs them in). Iterative: deep graphs do not recurse.
template <class T>
std::vector<Node<T>*> topological_order(Node<T>* root);
// The same into `order` (cleared first), reusing its capacity.
template <class T>
void topological_order(Node<T>* root, std::vector<Node<T>*>& order);

}  // namespace gg
