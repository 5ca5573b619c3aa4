// DivGate: Y = A / B with broadcasting.
// dA = sum_to(dY / B, shape(A)), dB = sum_to(-dY * A / B^2, shape(B)) = sum_to(-dY * Y / B).
#include <gategrad/autograd/ops.hpp>
#include <gategrad/autograd/record.hpp>
#include <gategrad/tensor/elementwise.hpp>
#include <gategrad/tensor/reduce.hpp>

namespace gg {
namespace {

template <class T>
struct DivGate final : Node<T> {
  std::shared_ptr<const Array<T>> b, y;
  const char* name() const override { return "DivGate"; }
  void backward(const Array<T>& dy, std::array<Array<T>, kMaxGateInputs>& din) override {
    const Array<T> dy_over_b = div(dy, *b);
    if (this->needs_grad(0)) din[0] = sum_to(dy_over_b, this->edges[0].shape);
    if (this->needs_grad(1)) din[1] = sum_to(neg(mul(dy_over_b, *y)), this->edges[1].shape);
  }
  void release() override { b.reset(); y.reset(); }
};

}  // namespace

template <class T>
Variable<T> div(const Variable<T>& a, const Variable<T>& b, Where where) {
  auto y = make_cached_shared<Array<T>>(div(a.data(), b.data()));
  if (!detail::should_record<T>({&a, &b})) return detail::make_result<T>("DivGate", y, nullptr, {&a, &b}, where);
  auto node = make_cached_shared<DivGate<T>>();
  node->b = b.impl()->data;
  if (b.requires_grad()) node->y = y;
  return detail::make_result<T>("DivGate", y, node, {&a, &b}, where);
}

template Variable<float> div(const Variable<float>&, const Variable<float>&, Where);
template Variable<double> div(const Variable<double>&, const Variable<double>&, Where);

}  // namespace gg
