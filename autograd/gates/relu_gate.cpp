// ReluGate: Y = max(X, 0).  dX = dY where Y > 0, else 0 (the subgradient 0 at X = 0).
#include <gategrad/autograd/ops.hpp>
#include <gategrad/autograd/record.hpp>
#include <gategrad/tensor/elementwise.hpp>

namespace gg {
namespace {

template <class T>
struct ReluGate final : Node<T> {
  std::shared_ptr<const Array<T>> y;
  const char* name() const override { return "ReluGate"; }
  void backward(const Array<T>& dy, std::array<Array<T>, kMaxGateInputs>& din) override {
    din[0] = relu_backward(*y, dy);
  }
  void release() override { y.reset(); }
};

}  // namespace

template <class T>
Variable<T> relu(const Variable<T>& x, Where where) {
  auto y = make_cached_shared<Array<T>>(relu(x.data()));
  if (!detail::should_record<T>({&x})) return detail::make_result<T>("ReluGate", y, nullptr, {&x}, where);
  auto node = make_cached_shared<ReluGate<T>>();
  node->y = y;
  return detail::make_result<T>("ReluGate", y, node, {&x}, where);
}

template Variable<float> relu(const Variable<float>&, Where);
template Variable<double> relu(const Variable<double>&, Where);

}  // namespace gg
