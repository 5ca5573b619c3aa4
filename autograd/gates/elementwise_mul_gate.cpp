// ElementwiseMulGate: Y = A * B, broadcasting.  dA = (dY * B) summed to A's sizes, and
// dB = (dY * A) summed to B's; each input is saved only if the other's gradient is needed.
// With a number s for B: dA = dY * s.
#include <gategrad/autograd/ops.hpp>
#include <gategrad/autograd/recording.hpp>
#include <gategrad/tensor/native.hpp>

namespace gg {
namespace {
struct MulGate final : autograd::Node {
  static constexpr const char* kName = "ElementwiseMulGate";
  autograd::SavedTensor a, b;
  Scalar s;
  void backward(const Tensor& dout, std::span<Tensor> din) override {
    if (din.size() == 1) {
      din[0] = mul(dout, s);
      return;
    }
    if (needs_grad(0)) din[0] = sum_to_size(mul(dout, b.unpack(*this)), IntArrayRef(edges[0].sizes));
    if (needs_grad(1)) din[1] = sum_to_size(mul(dout, a.unpack(*this)), IntArrayRef(edges[1].sizes));
  }
  void release() override { a.reset(); b.reset(); }
};
}  // namespace

Tensor mul(const Tensor& a, const Tensor& b, Where where) {
  return autograd::record<MulGate>(native::mul(a, b), {&a, &b}, where, [&](MulGate& g) {
    if (g.needs_grad(1)) g.a = g.save(a);
    if (g.needs_grad(0)) g.b = g.save(b);
  });
}
Tensor mul(const Tensor& a, Scalar b, Where where) {
  return autograd::record<MulGate>(native::mul(a, b), {&a}, where,
                                         [&](MulGate& g) { g.s = b; });
}
}  // namespace gg
