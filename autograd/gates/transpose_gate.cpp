// TransposeGate: Y = X^T for a matrix X:(M,N) -> Y:(N,M).  dX = dY^T.
#include <gategrad/autograd/ops.hpp>
#include <gategrad/autograd/record.hpp>
#include <gategrad/tensor/layout.hpp>

namespace gg {
namespace {

template <class T>
struct TransposeGate final : Node<T> {
  const char* name() const override { return "TransposeGate"; }
  void backward(const Array<T>& dy, std::array<Array<T>, kMaxGateInputs>& din) override {
    din[0] = transpose(dy);
  }
  void release() override {}
};

}  // namespace

template <class T>
Variable<T> transpose(const Variable<T>& x, Where where) {
  auto y = make_cached_shared<Array<T>>(transpose(x.data()));
  if (!detail::should_record<T>({&x})) return detail::make_result<T>("TransposeGate", y, nullptr, {&x}, where);
  return detail::make_result<T>("TransposeGate", y, make_cached_shared<TransposeGate<T>>(), {&x}, where);
}

template Variable<float> transpose(const Variable<float>&, Where);
template Variable<double> transpose(const Variable<double>&, Where);

}  // namespace gg
