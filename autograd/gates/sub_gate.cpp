// SubGate: Y = A - B with broadcasting; NegGate: Y = -X.
// dA = sum_to(dY, shape(A)), dB = -sum_to(dY, shape(B));  dX = -dY.
#include <gategrad/autograd/ops.hpp>
#include <gategrad/autograd/record.hpp>
#include <gategrad/tensor/elementwise.hpp>
#include <gategrad/tensor/reduce.hpp>

namespace gg {
namespace {

template <class T>
struct SubGate final : Node<T> {
  const char* name() const override { return "SubGate"; }
  void backward(const Array<T>& dy, std::array<Array<T>, kMaxGateInputs>& din) override {
    if (this->needs_grad(0)) din[0] = sum_to(dy, this->edges[0].shape);
    if (this->needs_grad(1)) din[1] = neg(sum_to(dy, this->edges[1].shape));
  }
  void release() override {}
};

template <class T>
struct NegGate final : Node<T> {
  const char* name() const override { return "NegGate"; }
  void backward(const Array<T>& dy, std::array<Array<T>, kMaxGateInputs>& din) override {
    din[0] = neg(dy);
  }
  void release() override {}
};

}  // namespace

template <class T>
Variable<T> sub(const Variable<T>& a, const Variable<T>& b, Where where) {
  auto y = make_cached_shared<Array<T>>(sub(a.data(), b.data()));
  if (!detail::should_record<T>({&a, &b})) return detail::make_result<T>("SubGate", y, nullptr, {&a, &b}, where);
  return detail::make_result<T>("SubGate", y, make_cached_shared<SubGate<T>>(), {&a, &b}, where);
}

template <class T>
Variable<T> neg(const Variable<T>& x, Where where) {
  auto y = make_cached_shared<Array<T>>(neg(x.data()));
  if (!detail::should_record<T>({&x})) return detail::make_result<T>("NegGate", y, nullptr, {&x}, where);
  return detail::make_result<T>("NegGate", y, make_cached_shared<NegGate<T>>(), {&x}, where);
}

template Variable<float> sub(const Variable<float>&, const Variable<float>&, Where);
template Variable<double> sub(const Variable<double>&, const Variable<double>&, Where);
template Variable<float> neg(const Variable<float>&, Where);
template Variable<double> neg(const Variable<double>&, Where);

}  // namespace gg
