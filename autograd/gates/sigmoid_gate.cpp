// SigmoidGate: Y = 1 / (1 + exp(-X)).  dX = dY * Y * (1 - Y).
#include <gategrad/autograd/ops.hpp>
#include <gategrad/autograd/recording.hpp>
#include <gategrad/tensor/native.hpp>

namespace gg {
namespace {
struct SigmoidGate final : autograd::Node {
  static constexpr const char* kName = "SigmoidGate";
  autograd::SavedTensor y;
  void backward(const Tensor& dout, std::span<Tensor> din) override {
    const Tensor out = y.unpack(*this);
    din[0] = mul(mul(dout, out), rsub(out, 1));
  }
  void release() override { y.reset(); }
};
}  // namespace

Tensor sigmoid(const Tensor& x, Where where) {
  Tensor y = native::sigmoid(x);
  return autograd::record<SigmoidGate>(y, {&x}, where, [&](SigmoidGate& g) { g.y = g.save(y, true); });
}
}  // namespace gg
