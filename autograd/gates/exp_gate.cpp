// ExpGate: Y = exp(X).  dX = dY * Y.
#include <gategrad/autograd/ops.hpp>
#include <gategrad/autograd/recording.hpp>
#include <gategrad/tensor/native.hpp>

namespace gg {
namespace {
struct ExpGate final : autograd::Node {
  static constexpr const char* kName = "ExpGate";
  autograd::SavedTensor y;
  void backward(const Tensor& dout, std::span<Tensor> din) override {
    din[0] = mul(dout, y.unpack(*this));
  }
  void release() override { y.reset(); }
};
}  // namespace

Tensor exp(const Tensor& x, Where where) {
  Tensor y = native::exp(x);
  return autograd::record<ExpGate>(y, {&x}, where, [&](ExpGate& g) { g.y = g.save(y, true); });
}
}  // namespace gg
