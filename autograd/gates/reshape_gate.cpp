// ReshapeGate: Y = X viewed with a new shape (same elements, same order).  dX = reshape(dY, shape(X)).
#include <gategrad/autograd/ops.hpp>
#include <gategrad/autograd/record.hpp>
#include <gategrad/tensor/layout.hpp>

namespace gg {
namespace {

template <class T>
struct ReshapeGate final : Node<T> {
  const char* name() const override { return "ReshapeGate"; }
  void backward(const Array<T>& dy, std::array<Array<T>, kMaxGateInputs>& din) override {
    din[0] = reshape(dy, this->edges[0].shape);
  }
  void release() override {}
};

}  // namespace

template <class T>
Variable<T> reshape(const Variable<T>& x, const Shape& shape, Where where) {
  auto y = make_cached_shared<Array<T>>(reshape(x.data(), shape));
  if (!detail::should_record<T>({&x})) return detail::make_result<T>("ReshapeGate", y, nullptr, {&x}, where);
  return detail::make_result<T>("ReshapeGate", y, make_cached_shared<ReshapeGate<T>>(), {&x}, where);
}

template Variable<float> reshape(const Variable<float>&, const Shape&, Where);
template Variable<double> reshape(const Variable<double>&, const Shape&, Where);

}  // namespace gg
