// SqrtGate: Y = sqrt(X).  dX = dY / (2 Y), from the saved output (differentiable through it).
#include <gategrad/autograd/ops.hpp>
#include <gategrad/autograd/recording.hpp>
#include <gategrad/tensor/native.hpp>

namespace gg {
namespace {
struct SqrtGate final : autograd::Node {
  static constexpr const char* kName = "SqrtGate";
  autograd::SavedTensor y;
  void backward(const Tensor& dout, std::span<Tensor> din) override {
    din[0] = div(dout, mul(y.unpack(*this), 2.0));
  }
  void release() override { y.reset(); }
};
}  // namespace

Tensor sqrt(const Tensor& x, Where where) {
  Tensor y = native::sqrt(x);
  return autograd::record<SqrtGate>(y, {&x}, where, [&](SqrtGate& g) { g.y = g.save(y, true); });
}
}  // namespace gg
