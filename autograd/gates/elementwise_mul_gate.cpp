// ElementwiseMulGate: Y = A * B with broadcasting.
// dA = sum_to(dY * B, shape(A)), dB = sum_to(dY * A, shape(B)).
#include <gategrad/autograd/ops.hpp>
#include <gategrad/autograd/record.hpp>
#include <gategrad/tensor/elementwise.hpp>
#include <gategrad/tensor/reduce.hpp>
#include <gategrad/autograd/recording.hpp>
#include <gategrad/autograd/tensor_ops.hpp>
#include <gategrad/tensor/native.hpp>

namespace gg {
namespace {

template <class T>
struct ElementwiseMulGate final : Node<T> {
  std::shared_ptr<const Array<T>> a, b;
  const char* name() const override { return "ElementwiseMulGate"; }
  void backward(const Array<T>& dy, std::array<Array<T>, kMaxGateInputs>& din) override {
    if (this->needs_grad(0)) din[0] = sum_to(mul(dy, *b), this->edges[0].shape);
    if (this->needs_grad(1)) din[1] = sum_to(mul(dy, *a), this->edges[1].shape);
  }
  void release() override { a.reset(); b.reset(); }
};

}  // namespace

template <class T>
Variable<T> mul(const Variable<T>& a, const Variable<T>& b, Where where) {
  auto y = make_cached_shared<Array<T>>(mul(a.data(), b.data()));
  if (!detail::should_record<T>({&a, &b})) return detail::make_result<T>("ElementwiseMulGate", y, nullptr, {&a, &b}, where);
  auto node = make_cached_shared<ElementwiseMulGate<T>>();
  if (b.requires_grad()) node->a = a.impl()->data;
  if (a.requires_grad()) node->b = b.impl()->data;
  return detail::make_result<T>("ElementwiseMulGate", y, node, {&a, &b}, where);
}

template Variable<float> mul(const Variable<float>&, const Variable<float>&, Where);
template Variable<double> mul(const Variable<double>&, const Variable<double>&, Where);

}  // namespace gg

// --- gg::Tensor -----------------------------------------------------------------------------
// ElementwiseMulGate: Y = A * B, broadcasting.  dA = (dY * B) summed to A's sizes, and
// dB = (dY * A) summed to B's; each input is saved only if the other's gradient is needed.
// With a number s for B: dA = dY * s.
namespace gg {
namespace {
struct TensorMulGate final : autograd::Node {
  static constexpr const char* kName = "ElementwiseMulGate";
  autograd::SavedTensor a, b;
  Scalar s;
  void backward(const Tensor& dout, std::span<Tensor> din) override {
    if (din.size() == 1) {
      din[0] = native::mul(dout, s);
      return;
    }
    if (needs_grad(0)) din[0] = native::sum_to(native::mul(dout, b.unpack(*this)), IntArrayRef(edges[0].sizes));
    if (needs_grad(1)) din[1] = native::sum_to(native::mul(dout, a.unpack(*this)), IntArrayRef(edges[1].sizes));
  }
  void release() override { a.reset(); b.reset(); }
};
}  // namespace

Tensor mul(const Tensor& a, const Tensor& b, Where where) {
  return autograd::record<TensorMulGate>(native::mul(a, b), {&a, &b}, where, [&](TensorMulGate& g) {
    if (g.needs_grad(1)) g.a = g.save(a);
    if (g.needs_grad(0)) g.b = g.save(b);
  });
}
Tensor mul(const Tensor& a, Scalar b, Where where) {
  return autograd::record<TensorMulGate>(native::mul(a, b), {&a}, where,
                                         [&](TensorMulGate& g) { g.s = b; });
}
}  // namespace gg
