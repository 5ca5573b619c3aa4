// MulGate: Y = A B.  A:(M,K) B:(K,N) -> Y:(M,N).  dA = dY B^T, dB = A^T dY: the transposes are
// views, which the GEMM reads in place; a lent gradient buffer is written into directly (except
// under create_graph, where the products are recorded).
#include <gategrad/autograd/ops.hpp>
#include <gategrad/autograd/recording.hpp>
#include <gategrad/tensor/native.hpp>

namespace gg {
namespace {
struct MatMulGate final : autograd::Node {
  static constexpr const char* kName = "MulGate";
  autograd::SavedTensor a, b;
  void backward(const Tensor& dout, std::span<Tensor> din) override {
    if (needs_grad(0)) product_into(din[0], dout, transpose(b.unpack(*this), 0, 1));  // (M,N)(N,K)
    if (needs_grad(1)) product_into(din[1], transpose(a.unpack(*this), 0, 1), dout);  // (K,M)(M,N)
  }
  void release() override { a.reset(); b.reset(); }

  // A lent buffer is overwritten (beta 0) when nothing is recorded; else a new (recorded) product.
  static void product_into(Tensor& slot, const Tensor& x, const Tensor& y) {
    if (slot.defined() && slot.dtype() == x.dtype() && !is_grad_enabled()) native::addmm_(slot, x, y, 0, 1);
    else slot = mm(x, y);
  }
};
}  // namespace

Tensor mm(const Tensor& a, const Tensor& b, Where where) {
  return autograd::record<MatMulGate>(native::mm(a, b), {&a, &b}, where, [&](MatMulGate& g) {
    if (g.needs_grad(1)) g.a = g.save(a);
    if (g.needs_grad(0)) g.b = g.save(b);
  });
}
}  // namespace gg
