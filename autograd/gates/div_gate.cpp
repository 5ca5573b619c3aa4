// DivGate: Y = A / B with broadcasting.
// dA = sum_to(dY / B, shape(A)), dB = sum_to(-dY * A / B^2, shape(B)) = sum_to(-dY * Y / B).
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
struct DivGate final : Node<T> {
  std::shared_ptr<const Array<T>> b, y;
  const char* name() const override { return "DivGate"; }
  void backward(const Array<T>& dy, std::array<Array<T>, kMaxGateInputs>& din) override {
    const Array<T> dy_over_b = div(dy, *b);
    if (this->needs_grad(0)) din[0] = sum_to(dy_over_b, this->edges[0].shape);
    if (this->needs_grad(1)) din[1] = sum_to(neg(mul(dy_over_b, *y)), this->edges[1].shape);
  }
  void release() override { b.reset(); y.reset(); }
};

}  // namespace

template <class T>
Variable<T> div(const Variable<T>& a, const Variable<T>& b, Where where) {
  auto y = make_cached_shared<Array<T>>(div(a.data(), b.data()));
  if (!detail::should_record<T>({&a, &b})) return detail::make_result<T>("DivGate", y, nullptr, {&a, &b}, where);
  auto node = make_cached_shared<DivGate<T>>();
  node->b = b.impl()->data;
  if (b.requires_grad()) node->y = y;
  return detail::make_result<T>("DivGate", y, node, {&a, &b}, where);
}

template Variable<float> div(const Variable<float>&, const Variable<float>&, Where);
template Variable<double> div(const Variable<double>&, const Variable<double>&, Where);

}  // namespace gg

// --- gg::Tensor -----------------------------------------------------------------------------
// DivGate: Y = A / B, broadcasting.  dA = (dY / B) summed to A's sizes,
// dB = -(dY * Y / B) summed to B's (d(a/b)/db = -a/b^2 = -y/b).  With a number s: dA = dY / s.
namespace gg {
namespace {
struct TensorDivGate final : autograd::Node {
  static constexpr const char* kName = "DivGate";
  autograd::SavedTensor b, y;
  Scalar s;
  void backward(const Tensor& dout, std::span<Tensor> din) override {
    if (din.size() == 1) {
      din[0] = native::div(dout, s);
      return;
    }
    const Tensor& divisor = b.unpack(*this);
    if (needs_grad(0)) din[0] = native::sum_to(native::div(dout, divisor), IntArrayRef(edges[0].sizes));
    if (needs_grad(1)) {
      const Tensor dy_y = native::mul(dout, y.unpack(*this));
      din[1] = native::neg(native::sum_to(native::div(dy_y, divisor), IntArrayRef(edges[1].sizes)));
    }
  }
  void release() override { b.reset(); y.reset(); }
};
}  // namespace

Tensor div(const Tensor& a, const Tensor& b, Where where) {
  Tensor out = native::div(a, b);
  return autograd::record<TensorDivGate>(out, {&a, &b}, where, [&](TensorDivGate& g) {
    g.b = g.save(b);
    if (g.needs_grad(1)) g.y = g.save(out, true);
  });
}
namespace {
// RDivGate: Y = s / A.  dA = -dY * s / A^2 = -dY * Y / A.
struct TensorRDivGate final : autograd::Node {
  static constexpr const char* kName = "RDivGate";
  autograd::SavedTensor a, y;
  void backward(const Tensor& dout, std::span<Tensor> din) override {
    din[0] = native::neg(native::div(native::mul(dout, y.unpack(*this)), a.unpack(*this)));
  }
  void release() override { a.reset(); y.reset(); }
};
}  // namespace

Tensor rdiv(const Tensor& a, Scalar b, Where where) {
  Tensor out = native::rdiv(a, b);
  return autograd::record<TensorRDivGate>(out, {&a}, where, [&](TensorRDivGate& g) {
    g.a = g.save(a);
    g.y = g.save(out, true);
  });
}

Tensor div(const Tensor& a, Scalar b, Where where) {
  return autograd::record<TensorDivGate>(native::div(a, b), {&a}, where,
                                         [&](TensorDivGate& g) { g.s = b; });
}
}  // namespace gg
