// SubGate: Y = A - B, broadcasting.  dA = dY summed to A's sizes, dB = -dY summed to B's.
// NegGate: Y = -X.  dX = -dY.
#include <gategrad/autograd/ops.hpp>
#include <gategrad/autograd/recording.hpp>
#include <gategrad/tensor/native.hpp>

namespace gg {
namespace {
struct SubGate final : autograd::Node {
  static constexpr const char* kName = "SubGate";
  bool negate_a = false;  // rsub: Y = b - A
  void backward(const Tensor& dout, std::span<Tensor> din) override {
    if (needs_grad(0)) {
      Tensor da = sum_to_size(dout, IntArrayRef(edges[0].sizes));
      din[0] = negate_a ? neg(da) : da;
    }
    if (din.size() > 1 && needs_grad(1)) {
      din[1] = neg(sum_to_size(dout, IntArrayRef(edges[1].sizes)));
    }
  }
  void release() override {}
};
struct NegGate final : autograd::Node {
  static constexpr const char* kName = "NegGate";
  void backward(const Tensor& dout, std::span<Tensor> din) override { din[0] = neg(dout); }
  void release() override {}
};
}  // namespace

Tensor sub(const Tensor& a, const Tensor& b, Where where) {
  return autograd::record<SubGate>(native::sub(a, b), {&a, &b}, where);
}
Tensor sub(const Tensor& a, Scalar b, Where where) {
  return autograd::record<SubGate>(native::sub(a, b), {&a}, where);
}
Tensor rsub(const Tensor& a, Scalar b, Where where) {
  return autograd::record<SubGate>(native::rsub(a, b), {&a}, where,
                                         [](SubGate& g) { g.negate_a = true; });
}
Tensor neg(const Tensor& x, Where where) {
  return autograd::record<NegGate>(native::neg(x), {&x}, where);
}
}  // namespace gg
