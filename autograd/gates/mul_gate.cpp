// MulGate: Y = op(A) op(B), the matrix product.   op(A):(M,K)  op(B):(K,N)  ->  Y:(M,N)
//
// With dY = dJ/dY:  d op(A) = dY op(B)^T  and  d op(B) = op(A)^T dY.  A stored transposed gets
// the transpose of that: dA = op(B) dY^T, and likewise dB = dY^T op(A). Every product reads its
// operands in place through the transposed GEMM variants; nothing is materialised.
#include <gategrad/autograd/ops.hpp>
#include <gategrad/autograd/record.hpp>
#include <gategrad/tensor/matmul.hpp>
#include <gategrad/autograd/recording.hpp>
#include <gategrad/autograd/tensor_ops.hpp>
#include <gategrad/tensor/native.hpp>

namespace gg {
namespace {

Trans flip(Trans t) { return t == Trans::Yes ? Trans::No : Trans::Yes; }

template <class T>
struct MulGate final : Node<T> {
  std::shared_ptr<const Array<T>> a, b;  // each saved only if the other's gradient is needed
  Trans trans_a, trans_b;

  const char* name() const override { return "MulGate"; }

  void backward(const Array<T>& dy, std::array<Array<T>, kMaxGateInputs>& din) override {
    // din[i] may arrive holding a parameter's gradient buffer of the right shape (the engine
    // lends it when the gradient was zeroed): the product is then written in place.
    if (this->needs_grad(0)) {
      if (trans_a == Trans::No) matmul_into(din[0], dy, *b, Trans::No, flip(trans_b));  // (M,N)(N,K)
      else matmul_into(din[0], *b, dy, trans_b, Trans::Yes);                             // (K,N)(N,M)
    }
    if (this->needs_grad(1)) {
      if (trans_b == Trans::No) matmul_into(din[1], *a, dy, flip(trans_a), Trans::No);  // (K,M)(M,N)
      else matmul_into(din[1], dy, *a, Trans::Yes, trans_a);                             // (N,M)(M,K)
    }
  }
  void release() override { a.reset(); b.reset(); }
};

}  // namespace

template <class T>
Variable<T> matmul(const Variable<T>& a, const Variable<T>& b, Trans trans_a, Trans trans_b,
                   Where where) {
  auto y = make_cached_shared<Array<T>>(matmul(a.data(), b.data(), trans_a, trans_b));
  if (!detail::should_record<T>({&a, &b})) return detail::make_result<T>("MulGate", y, nullptr, {&a, &b}, where);
  auto node = make_cached_shared<MulGate<T>>();
  if (b.requires_grad()) node->a = a.impl()->data;
  if (a.requires_grad()) node->b = b.impl()->data;
  node->trans_a = trans_a;
  node->trans_b = trans_b;
  return detail::make_result<T>("MulGate", y, node, {&a, &b}, where);
}

template Variable<float> matmul(const Variable<float>&, const Variable<float>&, Trans, Trans, Where);
template Variable<double> matmul(const Variable<double>&, const Variable<double>&, Trans, Trans, Where);

}  // namespace gg

// --- gg::Tensor -----------------------------------------------------------------------------
// MulGate: Y = A B.  A:(M,K) B:(K,N) -> Y:(M,N).  dA = dY B^T, dB = A^T dY: the transposes are
// views, which the GEMM reads in place; a lent gradient buffer is written into directly.
namespace gg {
namespace {
struct TensorMatMulGate final : autograd::Node {
  static constexpr const char* kName = "MulGate";
  autograd::SavedTensor a, b;
  void backward(const Tensor& dout, std::span<Tensor> din) override {
    if (needs_grad(0)) product_into(din[0], dout, native::t(b.unpack(*this)));  // (M,N)(N,K)
    if (needs_grad(1)) product_into(din[1], native::t(a.unpack(*this)), dout);  // (K,M)(M,N)
  }
  void release() override { a.reset(); b.reset(); }

  static void product_into(Tensor& slot, const Tensor& x, const Tensor& y) {
    if (slot.defined() && slot.dtype() == x.dtype()) native::addmm_(slot, x, y, 0, 1);
    else slot = native::mm(x, y);
  }
};
}  // namespace

Tensor mm(const Tensor& a, const Tensor& b, Where where) {
  return autograd::record<TensorMatMulGate>(native::mm(a, b), {&a, &b}, where, [&](TensorMatMulGate& g) {
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
