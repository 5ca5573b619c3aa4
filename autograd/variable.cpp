#include <gategrad/autograd/record.hpp>
#include <gategrad/autograd/variable.hpp>
#include <gategrad/tensor/elementwise.hpp>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

namespace gg {

std::string to_string(const SourceLocation& where) {
  return std::string(where.file_name()) + ":" + std::to_string(where.line()) + " (in " +
         where.function_name() + ")";
}

namespace {
// The queue of the teardown running on this thread, if any (a plain pointer: nothing to destroy
// at thread exit, whatever outlives it).
template <class T>
thread_local std::vector<std::shared_ptr<Node<T>>>* teardown_queue = nullptr;
}  // namespace

template <class T>
Node<T>::~Node() {
  // A node dying inside a teardown only queues its inputs, so nothing recurses however deep the
  // graph is; the first node to die runs the loop.
  if (auto* queue = teardown_queue<T>) {
    for (Edge<T>& e : edges) {
      if (e.node) queue->push_back(std::move(e.node));
    }
    return;
  }
  // The queue's capacity is kept between teardowns (one per training step): no allocation.
  static thread_local std::vector<std::shared_ptr<Node<T>>> pending;
  for (Edge<T>& e : edges) {
    if (e.node) pending.push_back(std::move(e.node));
  }
  teardown_queue<T> = &pending;
  while (!pending.empty()) {
    std::shared_ptr<Node<T>> n = std::move(pending.back());
    pending.pop_back();
  }  // the last owner of n destroys it here, which queues n's inputs
  teardown_queue<T> = nullptr;
}

template <class T>
Variable<T>::Variable() : Variable(Array<T>()) {}

template <class T>
Variable<T>::Variable(Array<T> value, bool requires_grad)
    : impl_(make_cached_shared<VariableImpl<T>>()) {
  impl_->data = make_cached_shared<Array<T>>(std::move(value));
  impl_->requires_grad = requires_grad;
}

template <class T>
Variable<T> Variable<T>::from_node(std::shared_ptr<Array<T>> value,
                                   std::shared_ptr<Node<T>> node) {
  auto impl = make_cached_shared<VariableImpl<T>>();
  impl->data = std::move(value);
  impl->requires_grad = node != nullptr;
  impl->grad_fn = std::move(node);
  return Variable(std::move(impl));
}

template <class T>
Variable<T>& Variable<T>::set_requires_grad(bool requires_grad) {
  if (!is_leaf()) {
    throw std::logic_error("set_requires_grad: got the result of " +
                           std::string(impl_->grad_fn->name()) +
                           ", expected a leaf; use detach() to make a leaf from it");
  }
  impl_->requires_grad = requires_grad;
  return *this;
}

template <class T>
const Array<T>& Variable<T>::grad() const {
  if (!impl_->grad || impl_->grad_reserved) {
    throw std::logic_error("grad: this variable of shape " + to_string(shape()) +
                           " has no gradient yet (expected a leaf with requires_grad that a "
                           "backward() has reached)");
  }
  if (impl_->grad_zeroed) {  // zeroed lazily: only when read before a backward rewrote it
    std::fill_n(impl_->grad->data(), impl_->grad->size(), T(0));
    impl_->grad_zeroed = false;
  }
  return *impl_->grad;
}

template <class T>
void Variable<T>::zero_grad() {
  if (impl_->grad && !impl_->grad_reserved) impl_->grad_zeroed = true;
}

template <class T>
void Variable<T>::reserve_grad() {
  if (impl_->grad) return;  // a buffer exists already
  impl_->grad = Array<T>::empty(shape());
  impl_->grad_reserved = true;
}

template <class T>
Variable<T>& Variable<T>::set_name(std::string name) {
  impl_->name = std::move(name);
  return *this;
}

template <class T>
Variable<T> Variable<T>::detach() const {
  Variable v;
  v.impl_->data = impl_->data;
  return v;
}

template <class T>
void Variable<T>::backward(bool retain_graph) const {
  if (size() != 1) {
    throw std::logic_error("backward: got an output of shape " + to_string(shape()) +
                           ", expected a single element; pass the output's gradient "
                           "explicitly with backward(grad_output)");
  }
  backward(Array<T>::ones(shape()), retain_graph);
}

namespace {

// Adds g into `into`: the first gradient is moved in, later ones are summed.
template <class T>
void accumulate(std::optional<Array<T>>& into, Array<T>&& g) {
  if (into) add_(*into, g);
  else into = std::move(g);
}

// The same for a leaf, whose zeroed gradient is overwritten (its buffer was possibly lent to
// the gate, which wrote g into it).
template <class T>
void accumulate_leaf(VariableImpl<T>& leaf, Array<T>&& g) {
  if (leaf.grad_zeroed || leaf.grad_reserved || !leaf.grad) {
    leaf.grad = std::move(g);
    leaf.grad_zeroed = false;
    leaf.grad_reserved = false;
  } else {
    add_(*leaf.grad, g);
  }
}

}  // namespace

template <class T>
void topological_order(Node<T>* root, std::vector<Node<T>*>& order) {
  order.clear();
  // Each walk marks the nodes it reaches with a fresh number, so no visited-set is needed.
  static thread_local std::uint64_t walks = 0;
  // The walk's stack keeps its capacity from one backward to the next.
  static thread_local std::vector<std::pair<Node<T>*, std::size_t>> stack;
  const std::uint64_t mark = ++walks;
  stack.clear();
  stack.push_back({root, 0});
  root->visit_mark = mark;
  while (!stack.empty()) {
    auto& [node, next] = stack.back();
    if (next < node->num_inputs) {
      Node<T>* child = node->edges[next++].node.get();
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

template <class T>
std::vector<Node<T>*> topological_order(Node<T>* root) {
  std::vector<Node<T>*> order;
  topological_order(root, order);
  return order;
}

template <class T>
void Variable<T>::backward(const Array<T>& grad_output, bool retain_graph) const {
  if (grad_output.shape() != shape()) {
    throw ShapeError("backward: got a gradient of shape " + to_string(grad_output.shape()) +
                     " for an output of shape " + to_string(shape()) + ", expected equal shapes");
  }
  if (!requires_grad()) {
    throw std::logic_error("backward: the output of shape " + to_string(shape()) +
                           " does not require grad: no input of its computation has "
                           "requires_grad set (or it was computed under NoGradGuard)");
  }
  if (is_leaf()) {
    accumulate_leaf(*impl_, Array<T>(grad_output));
    return;
  }
  // The order's buffer is kept from one backward to the next on this thread (no allocation in
  // a steady training loop); a backward started inside another would find it taken and empty.
  static thread_local std::vector<Node<T>*> spare_order;
  std::vector<Node<T>*> order = std::move(spare_order);
  topological_order(impl_->grad_fn.get(), order);
  for (Node<T>* node : order) {
    if (node->released) {
      throw std::logic_error(std::string("backward: the graph through ") + node->name() +
                             " (created at " + to_string(node->where) +
                             ") was freed by an earlier backward(); call backward with "
                             "retain_graph = true the first time to backpropagate twice");
    }
  }
  impl_->grad_fn->grad = grad_output;
  // Empty (0-element) slots: no allocation; a gate fills each slot it has a gradient for.
  const Array<T> no_gradient = Array<T>::empty(Shape{0});
  std::array<Array<T>, kMaxGateInputs> din{no_gradient, no_gradient, no_gradient};
  for (Node<T>* node : order) {
    if (!node->grad) continue;  // no path from the output reaches this node's output
    for (std::size_t i = 0; i < node->num_inputs; ++i) {
      // A zeroed parameter gradient lends its buffer, so the gate can write into it in place.
      VariableImpl<T>* leaf = node->edges[i].leaf.get();
      if (leaf != nullptr && (leaf->grad_zeroed || leaf->grad_reserved) && leaf->grad &&
          leaf->grad->shape() == node->edges[i].shape) {
        din[i] = std::move(*leaf->grad);
        leaf->grad.reset();
      } else {
        din[i] = no_gradient;  // never a moved-from tensor a gate could mistake for a buffer
      }
    }
    node->backward(*node->grad, din);
    const bool anomaly = is_anomaly_enabled();
    for (std::size_t i = 0; i < node->num_inputs; ++i) {
      Edge<T>& e = node->edges[i];
      if (!e.needs_grad()) continue;
      if (din[i].shape() != e.shape) {
        throw std::logic_error(std::string("backward: ") + node->name() + " produced a gradient of shape " +
                               to_string(din[i].shape()) + " for its input " + std::to_string(i) +
                               " of shape " + to_string(e.shape) + " (a bug in the gate)");
      }
      if (anomaly) {
        detail::check_finite(din[i], node->name(), "gradient of an input", node->out_shape,
                             node->where);
      }
      if (e.node) {
        accumulate(e.node->grad, std::move(din[i]));
      } else {
        accumulate_leaf(*e.leaf, std::move(din[i]));
      }
    }
    node->grad.reset();
    if (!retain_graph) {
      node->release();
      node->released = true;
    }
  }
  spare_order = std::move(order);
}

namespace detail {

template <class T>
void check_finite(const Array<T>& t, const char* gate, const char* what, const Shape& out_shape,
                  const SourceLocation& where) {
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (!std::isfinite(t.data()[i])) {
      throw AnomalyError(std::string("anomaly: ") + gate + " (output shape " +
                         to_string(out_shape) + ", created at " + to_string(where) + ") produced " +
                         (std::isnan(t.data()[i]) ? "NaN" : "Inf") + " in its " + what +
                         " of shape " + to_string(t.shape()) + " at flat index " +
                         std::to_string(i));
    }
  }
}

template <class T>
Variable<T> make_result(const char* gate, std::shared_ptr<Array<T>> value,
                        std::shared_ptr<Node<T>> node,
                        std::initializer_list<const Variable<T>*> inputs,
                        const SourceLocation& where) {
  if (is_anomaly_enabled()) check_finite(*value, gate, "output", value->shape(), where);
  if (node) {
    std::size_t i = 0;
    for (const Variable<T>* v : inputs) {
      Edge<T>& e = node->edges[i++];
      e.shape = v->shape();
      if (!v->requires_grad()) {
        if (!v->name().empty()) e.constant_name = v->name();
        continue;
      }
      if (v->is_leaf()) e.leaf = v->impl();
      else e.node = v->grad_fn();
    }
    node->num_inputs = inputs.size();
    node->out_shape = value->shape();
    node->where = where;
  }
  return Variable<T>::from_node(std::move(value), std::move(node));
}

template void check_finite(const Array<float>&, const char*, const char*, const Shape&,
                           const SourceLocation&);
template void check_finite(const Array<double>&, const char*, const char*, const Shape&,
                           const SourceLocation&);
template Variable<float> make_result(const char*, std::shared_ptr<Array<float>>,
                                     std::shared_ptr<Node<float>>,
                                     std::initializer_list<const Variable<float>*>,
                                     const SourceLocation&);
template Variable<double> make_result(const char*, std::shared_ptr<Array<double>>,
                                      std::shared_ptr<Node<double>>,
                                      std::initializer_list<const Variable<double>*>,
                                      const SourceLocation&);

}  // namespace detail

template void topological_order(Node<float>*, std::vector<Node<float>*>&);
template void topological_order(Node<double>*, std::vector<Node<double>*>&);
template std::vector<Node<float>*> topological_order(Node<float>*);
template std::vector<Node<double>*> topological_order(Node<double>*);
template struct Node<float>;
template struct Node<double>;
template class Variable<float>;
template class Variable<double>;

}  // namespace gg
