// TanhGate: Y = tanh(X).  dX = dY * (1 - Y^2).
#include <gategrad/autograd/ops.hpp>
#include <gategrad/autograd/record.hpp>
#include <gategrad/tensor/elementwise.hpp>

namespace gg {
namespace {

template <class T>
struct TanhGate final : Node<T> {
  std::shared_ptr<const Array<T>> y;
  const char* name() const override { return "TanhGate"; }
  void backward(const Array<T>& dy, std::array<Array<T>, kMaxGateInputs>& din) override {
    din[0] = mul(dy, sub(T(1), square(*y)));
  }
  void release() override { y.reset(); }
};

}  // namespace

template <class T>
Variable<T> tanh(const Variable<T>& x, Where where) {
  auto y = make_cached_shared<Array<T>>(tanh(x.data()));
  if (!detail::should_record<T>({&x})) return detail::make_result<T>("TanhGate", y, nullptr, {&x}, where);
  auto node = make_cached_shared<TanhGate<T>>();
  node->y = y;
  return detail::make_result<T>("TanhGate", y, node, {&x}, where);
}

template Variable<float> tanh(const Variable<float>&, Where);
template Variable<double> tanh(const Variable<double>&, Where);

}  // namespace gg
