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

// torch.matmul for 1-D and 2-D operands, composed from mm and views (their gradients follow).
Tensor matmul(const Tensor& a, const Tensor& b, Where where) {
  if (a.dim() == 2 && b.dim() == 2) return mm(a, b, where);
  if (a.dim() == 1 && b.dim() == 1) return sum(mul(a, b, where), where);
  if (a.dim() == 1 && b.dim() == 2) return squeeze(mm(unsqueeze(a, 0, where), b, where), 0, where);
  if (a.dim() == 2 && b.dim() == 1) return squeeze(mm(a, unsqueeze(b, 1, where), where), 1, where);
  return native::matmul(a, b);  // throws the kernel's message for the ranks it does not take
}
}  // namespace gg
