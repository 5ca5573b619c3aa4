// TanhGate: Y = tanh(X).  dX = dY * (1 - Y^2).
#include <gategrad/autograd/ops.hpp>
#include <gategrad/autograd/recording.hpp>
#include <gategrad/tensor/native.hpp>

namespace gg {
namespace {
struct TanhGate final : autograd::Node {
  static constexpr const char* kName = "TanhGate";
  autograd::SavedTensor y;
  void backward(const Tensor& dout, std::span<Tensor> din) override {
    const Tensor out = y.unpack(*this);
    din[0] = mul(dout, rsub(mul(out, out), 1));
  }
  void release() override { y.reset(); }
};
}  // namespace

Tensor tanh(const Tensor& x, Where where) {
  Tensor y = native::tanh(x);
  return autograd::record<TanhGate>(y, {&x}, where, [&](TanhGate& g) { g.y = g.save(y, true); });
}
}  // namespace gg
