// ReluGate: Y = max(X, 0).  dX = dY where Y > 0, else 0 (the subgradient 0 at X = 0).
#include <gategrad/autograd/ops.hpp>
#include <gategrad/autograd/recording.hpp>
#include <gategrad/tensor/native.hpp>

namespace gg {
namespace {
struct ReluGate final : autograd::Node {
  static constexpr const char* kName = "ReluGate";
  autograd::SavedTensor y;
  void backward(const Tensor& dout, std::span<Tensor> din) override {
    din[0] = native::relu_backward(dout, y.unpack(*this));
  }
  void release() override { y.reset(); }
};
}  // namespace

Tensor relu(const Tensor& x, Where where) {
  Tensor y = native::relu(x);
  return autograd::record<ReluGate>(y, {&x}, where, [&](ReluGate& g) { g.y = g.save(y, true); });
}
}  // namespace gg
