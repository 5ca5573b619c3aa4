#pragma once
// Variable<T>: the autograd tensor handle, as torch::Tensor with requires_grad.
//
// A Variable shares its state: copies are handles to the same value, gradient and graph node.
// Every operation on Variables (autograd/ops.hpp) that involves an input requiring a gradient
// records a node; backward() walks those nodes in reverse and accumulates .grad() on the leaves.
#include <gategrad/autograd/node.hpp>
#include <gategrad/tensor/array.hpp>

#include <memory>
#include <optional>
#include <string>
#include <utility>

namespace gg {

template <class T>
struct VariableImpl {
  std::shared_ptr<Array<T>> data;  // shared with the nodes that saved it, never copied
  // The gradient buffer. After zero_grad() it is kept (for reuse) but stale: grad_zeroed says
  // the gradient is logically zero, and the next backward writes over the buffer instead of
  // adding to it (no pass to fill zeros, no second buffer).
  std::optional<Array<T>> grad;
  bool grad_zeroed = false;
  // The buffer exists (reserve_grad) but no backward has written a gradient yet: has_grad() is
  // false, and the first backward writes into the buffer.
  bool grad_reserved = false;
  bool requires_grad = false;
  std::shared_ptr<Node<T>> grad_fn;  // the node that produced this value; null for a leaf
  std::string name;                  // optional, shown in graph dumps
};

template <class T>
class Variable {
 public:
  // A rank-0 zero that needs no gradient.
  Variable();
  // A leaf holding `value`.
  explicit Variable(Array<T> value, bool requires_grad = false);

  const Array<T>& data() const { return *impl_->data; }
  // For in-place updates outside the graph (optimizers). Changing a value that a recorded node
  // saved, before its backward, changes the gradients that backward computes.
  Array<T>& mutable_data() { return *impl_->data; }
  const Shape& shape() const { return data().shape(); }
  std::size_t dim() const { return data().dim(); }
  std::size_t size() const { return data().size(); }
  T item() const { return data().item(); }

  bool requires_grad() const { return impl_->requires_grad; }
  // Only leaves can be switched: throws std::logic_error on a recorded result.
  Variable& set_requires_grad(bool requires_grad = true);
  bool is_leaf() const { return impl_->grad_fn == nullptr; }

  // The accumulated gradient; throws std::logic_error naming the shape when there is none yet.
  const Array<T>& grad() const;
  bool has_grad() const { return impl_->grad.has_value() && !impl_->grad_reserved; }
  // For in-place changes of the gradient (clipping); same precondition as grad().
  Array<T>& mutable_grad() { return const_cast<Array<T>&>(std::as_const(*this).grad()); }
  // Sets the gradient to zeros as optimizer.zero_grad() does: in O(1), keeping the buffer for
  // the next backward to write into.
  void zero_grad();
  // Allocates this leaf's gradient buffer now, before any backward, for backward to write into
  // (optimizers do it at construction: the buffers then exist before the first step's
  // temporaries, and no later step allocates). has_grad() stays false until a backward.
  void reserve_grad();

  // Backpropagates from this scalar (seed 1). Throws std::logic_error if the value has more
  // than one element, needs no gradient, or its graph was freed by an earlier backward.
  void backward(bool retain_graph = false) const;
  // Backpropagates an explicit gradient of this value (same shape).
  void backward(const Array<T>& grad_output, bool retain_graph = false) const;

  // A label for graph dumps (e.g. "W1"); returns *this.
  Variable& set_name(std::string name);
  const std::string& name() const { return impl_->name; }

  // The same value, cut from the graph, needing no gradient (shares the data).
  Variable detach() const;

  // The node that produced this value (null for a leaf).
  const std::shared_ptr<Node<T>>& grad_fn() const { return impl_->grad_fn; }
  const std::shared_ptr<VariableImpl<T>>& impl() const { return impl_; }

  // A gate's result: shares `value`; `node` (may be null) becomes its producer.
  static Variable from_node(std::shared_ptr<Array<T>> value, std::shared_ptr<Node<T>> node);

 private:
  explicit Variable(std::shared_ptr<VariableImpl<T>> impl) : impl_(std::move(impl)) {}

  std::shared_ptr<VariableImpl<T>> impl_;
};

using Var = Variable<float>;
using VarD = Variable<double>;

extern template class Variable<float>;
extern template class Variable<double>;

}  // namespace gg
