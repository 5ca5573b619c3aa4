// TanhGate: Y = tanh(X).  dX = dY * (1 - Y^2).
#include <gategrad/autograd/ops.hpp>
#include <gategrad/autograd/record.hpp>
#include <gategrad/tensor/elementwise.hpp>
#include <gategrad/autograd/recording.hpp>
#include <gategrad/autograd/tensor_ops.hpp>
#include <gategrad/tensor/native.hpp>

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

// --- gg::Tensor -----------------------------------------------------------------------------
// dX = dY * (1 - y^2)
namespace gg {
namespace {
struct TensorTanhGate final : autograd::Node {
  static constexpr const char* kName = "TanhGate";
  autograd::SavedTensor y;
  void backward(const Tensor& dout, std::span<Tensor> din) override {
    din[0] = native::mul(dout, native::rsub(native::square(y.unpack(*this)), 1));
  }
  void release() override { y.reset(); }
};
}  // namespace

Tensor tanh(const Tensor& x, Where where) {
  Tensor y = native::tanh(x);
  return autograd::record<TensorTanhGate>(y, {&x}, where, [&](TensorTanhGate& g) { g.y = g.save(y, true); });
}
}  // namespace gg
