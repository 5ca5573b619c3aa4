// ExpGate: Y = exp(X).  dX = dY * Y.
#include <gategrad/autograd/ops.hpp>
#include <gategrad/autograd/record.hpp>
#include <gategrad/tensor/elementwise.hpp>

namespace gg {
namespace {

template <class T>
struct ExpGate final : Node<T> {
  std::shared_ptr<const Array<T>> y;
  const char* name() const override { return "ExpGate"; }
  void backward(const Array<T>& dy, std::array<Array<T>, kMaxGateInputs>& din) override {
    din[0] = mul(dy, *y);
  }
  void release() override { y.reset(); }
};

}  // namespace

template <class T>
Variable<T> exp(const Variable<T>& x, Where where) {
  auto y = make_cached_shared<Array<T>>(exp(x.data()));
  if (!detail::should_record<T>({&x})) return detail::make_result<T>("ExpGate", y, nullptr, {&x}, where);
  auto node = make_cached_shared<ExpGate<T>>();
  node->y = y;
  return detail::make_result<T>("ExpGate", y, node, {&x}, where);
}

template Variable<float> exp(const Variable<float>&, Where);
template Variable<double> exp(const Variable<double>&, Where);

}  // namespace gg
