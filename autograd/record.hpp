#pragma once
// How a gate function records itself. Included by the gate files only.
//
//   auto y = make_cached_shared<Array<T>>(forward math);
//   if (!should_record<T>({&x})) return make_result<T>("ReluGate", y, nullptr, {&x}, where);
//   auto node = make_cached_shared<ReluGate<T>>(...saved state...);
//   return make_result<T>("ReluGate", y, node, {&x}, where);
#include <gategrad/autograd/grad_mode.hpp>
#include <gategrad/autograd/source_location.hpp>
#include <gategrad/autograd/variable.hpp>

#include <initializer_list>

namespace gg::detail {

// True when grad mode is on and some input requires a gradient.
template <class T>
bool should_record(std::initializer_list<const Variable<T>*> inputs) {
  if (!is_grad_enabled()) return false;
  for (const Variable<T>* v : inputs) {
    if (v->requires_grad()) return true;
  }
  return false;
}

// Throws AnomalyError if `t` holds NaN or Inf; `what` says which tensor of which gate.
template <class T>
void check_finite(const Array<T>& t, const char* gate, const char* what, const Shape& out_shape,
                  const SourceLocation& where);

// Wraps a gate's output. With a node: links one edge per input (to the input's producer, or to
// the input itself when it is a leaf requiring grad) and makes the node the output's producer.
// Under anomaly mode the output is checked for NaN/Inf first.
template <class T>
Variable<T> make_result(const char* gate, std::shared_ptr<Array<T>> value,
                        std::shared_ptr<Node<T>> node,
                        std::initializer_list<const Variable<T>*> inputs,
                        const SourceLocation& where);

}  // namespace gg::detail
