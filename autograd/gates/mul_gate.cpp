// MulGate: Y = op(A) op(B), the matrix product.   op(A):(M,K)  op(B):(K,N)  ->  Y:(M,N)
//
// With dY = dJ/dY:  d op(A) = dY op(B)^T  and  d op(B) = op(A)^T dY.  A stored transposed gets
// the transpose of that: dA = op(B) dY^T, and likewise dB = dY^T op(A). Every product reads its
// operands in place through the transposed GEMM variants; nothing is materialised.
#include <gategrad/autograd/ops.hpp>
#include <gategrad/autograd/record.hpp>
#include <gategrad/tensor/matmul.hpp>

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
