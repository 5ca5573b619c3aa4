// SigmoidGate: Y = 1 / (1 + exp(-X)).  dX = dY * Y * (1 - Y).
#include <gategrad/autograd/ops.hpp>
#include <gategrad/autograd/record.hpp>
#include <gategrad/tensor/elementwise.hpp>
#include <gategrad/autograd/recording.hpp>
#include <gategrad/autograd/tensor_ops.hpp>
#include <gategrad/tensor/native.hpp>

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

// --- gg::Tensor -----------------------------------------------------------------------------
// dX = dY * y * (1 - y)
namespace gg {
namespace {
struct TensorSigmoidGate final : autograd::Node {
  static constexpr const char* kName = "SigmoidGate";
  autograd::SavedTensor y;
  void backward(const Tensor& dout, std::span<Tensor> din) override {
    const Tensor& out = y.unpack(*this);
    din[0] = native::mul(native::mul(dout, out), native::rsub(out, 1));
  }
  void release() override { y.reset(); }
};
}  // namespace

Tensor sigmoid(const Tensor& x, Where where) {
  Tensor y = native::sigmoid(x);
  return autograd::record<TensorSigmoidGate>(y, {&x}, where, [&](TensorSigmoidGate& g) { g.y = g.save(y, true); });
}
}  // namespace gg
