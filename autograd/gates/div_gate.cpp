// DivGate: Y = A / B, broadcasting.  dA = (dY / B) summed to A's sizes,
// dB = -(dY * Y / B) summed to B's (d(a/b)/db = -a/b^2 = -y/b).  With a number s: dA = dY / s.
#include <gategrad/autograd/ops.hpp>
#include <gategrad/autograd/recording.hpp>
#include <gategrad/tensor/native.hpp>

namespace gg {
namespace {
struct DivGate final : autograd::Node {
  static constexpr const char* kName = "DivGate";
  autograd::SavedTensor b, y;
  Scalar s;
  void backward(const Tensor& dout, std::span<Tensor> din) override {
    if (din.size() == 1) {
      din[0] = div(dout, s);
      return;
    }
    const Tensor divisor = b.unpack(*this);
    if (needs_grad(0)) din[0] = sum_to_size(div(dout, divisor), IntArrayRef(edges[0].sizes));
    if (needs_grad(1)) {
      const Tensor dy_y = mul(dout, y.unpack(*this));
      din[1] = neg(sum_to_size(div(dy_y, divisor), IntArrayRef(edges[1].sizes)));
    }
  }
  void release() override { b.reset(); y.reset(); }
};
}  // namespace

Tensor div(const Tensor& a, const Tensor& b, Where where) {
  Tensor out = native::div(a, b);
  return autograd::record<DivGate>(out, {&a, &b}, where, [&](DivGate& g) {
    g.b = g.save(b);
    if (g.needs_grad(1)) g.y = g.save(out, true);
  });
}
namespace {
// RDivGate: Y = s / A.  dA = -dY * s / A^2 = -dY * Y / A.
struct RDivGate final : autograd::Node {
  static constexpr const char* kName = "RDivGate";
  autograd::SavedTensor a, y;
  void backward(const Tensor& dout, std::span<Tensor> din) override {
    din[0] = neg(div(mul(dout, y.unpack(*this)), a.unpack(*this)));
  }
  void release() override { a.reset(); y.reset(); }
};
}  // namespace

Tensor rdiv(const Tensor& a, Scalar b, Where where) {
  Tensor out = native::rdiv(a, b);
  return autograd::record<RDivGate>(out, {&a}, where, [&](RDivGate& g) {
    g.a = g.save(a);
    g.y = g.save(out, true);
  });
}

Tensor div(const Tensor& a, Scalar b, Where where) {
  return autograd::record<DivGate>(native::div(a, b), {&a}, where,
                                         [&](DivGate& g) { g.s = b; });
}
}  // namespace gg
