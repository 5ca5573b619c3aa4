// LogGate: Y = log(X).  dX = dY / X.
#include <gategrad/autograd/ops.hpp>
#include <gategrad/autograd/recording.hpp>
#include <gategrad/tensor/native.hpp>

namespace gg {
namespace {
struct LogGate final : autograd::Node {
  static constexpr const char* kName = "LogGate";
  autograd::SavedTensor x;
  void backward(const Tensor& dout, std::span<Tensor> din) override {
    din[0] = div(dout, x.unpack(*this));
  }
  void release() override { x.reset(); }
};
}  // namespace

Tensor log(const Tensor& x, Where where) {
  return autograd::record<LogGate>(native::log(x), {&x}, where, [&](LogGate& g) { g.x = g.save(x); });
}
}  // namespace gg
