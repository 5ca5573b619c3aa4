// SigmoidGate: Y = 1 / (1 + exp(-X)).  dX = dY * Y * (1 - Y).
#include <gategrad/autograd/ops.hpp>
#include <gategrad/autograd/record.hpp>
#include <gategrad/tensor/elementwise.hpp>

namespace gg {
namespace {

template <class T>
struct SigmoidGate final : Node<T> {
  std::shared_ptr<const Array<T>> y;
  const char* name() const override { return "SigmoidGate"; }
  void backward(const Array<T>& dy, std::array<Array<T>, kMaxGateInputs>& din) override {
    din[0] = mul(mul(dy, *y), sub(T(1), *y));
  }
  void release() override { y.reset(); }
};

}  // namespace

template <class T>
Variable<T> sigmoid(const Variable<T>& x, Where where) {
  auto y = make_cached_shared<Array<T>>(sigmoid(x.data()));
  if (!detail::should_record<T>({&x})) return detail::make_result<T>("SigmoidGate", y, nullptr, {&x}, where);
  auto node = make_cached_shared<SigmoidGate<T>>();
  node->y = y;
  return detail::make_result<T>("SigmoidGate", y, node, {&x}, where);
}

template Variable<float> sigmoid(const Variable<float>&, Where);
template Variable<double> sigmoid(const Variable<double>&, Where);

}  // namespace gg
