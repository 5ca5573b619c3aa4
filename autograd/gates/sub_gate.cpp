// SubGate: Y = A - B with broadcasting; NegGate: Y = -X.
// dA = sum_to(dY, shape(A)), dB = -sum_to(dY, shape(B));  dX = -dY.
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
struct SubGate final : Node<T> {
  const char* name() const override { return "SubGate"; }
  void backward(const Array<T>& dy, std::array<Array<T>, kMaxGateInputs>& din) override {
    if (this->needs_grad(0)) din[0] = sum_to(dy, this->edges[0].shape);
    if (this->needs_grad(1)) din[1] = neg(sum_to(dy, this->edges[1].shape));
  }
  void release() override {}
};

template <class T>
struct NegGate final : Node<T> {
  const char* name() const override { return "NegGate"; }
  void backward(const Array<T>& dy, std::array<Array<T>, kMaxGateInputs>& din) override {
    din[0] = neg(dy);
  }
  void release() override {}
};

}  // namespace

template <class T>
Variable<T> sub(const Variable<T>& a, const Variable<T>& b, Where where) {
  auto y = make_cached_shared<Array<T>>(sub(a.data(), b.data()));
  if (!detail::should_record<T>({&a, &b})) return detail::make_result<T>("SubGate", y, nullptr, {&a, &b}, where);
  return detail::make_result<T>("SubGate", y, make_cached_shared<SubGate<T>>(), {&a, &b}, where);
}

template <class T>
Variable<T> neg(const Variable<T>& x, Where where) {
  auto y = make_cached_shared<Array<T>>(neg(x.data()));
  if (!detail::should_record<T>({&x})) return detail::make_result<T>("NegGate", y, nullptr, {&x}, where);
  return detail::make_result<T>("NegGate", y, make_cached_shared<NegGate<T>>(), {&x}, where);
}

template Variable<float> sub(const Variable<float>&, const Variable<float>&, Where);
template Variable<double> sub(const Variable<double>&, const Variable<double>&, Where);
template Variable<float> neg(const Variable<float>&, Where);
template Variable<double> neg(const Variable<double>&, Where);

}  // namespace gg

// --- gg::Tensor -----------------------------------------------------------------------------
// SubGate: Y = A - B, broadcasting.  dA = dY summed to A's sizes, dB = -dY summed to B's.
// NegGate: Y = -X.  dX = -dY.
namespace gg {
namespace {
struct TensorSubGate final : autograd::Node {
  static constexpr const char* kName = "SubGate";
  bool negate_a = false;  // rsub: Y = b - A
  void backward(const Tensor& dout, std::span<Tensor> din) override {
    if (needs_grad(0)) {
      Tensor da = native::sum_to(dout, IntArrayRef(edges[0].sizes));
      din[0] = negate_a ? native::neg(da) : da;
    }
    if (din.size() > 1 && needs_grad(1)) {
      din[1] = native::neg(native::sum_to(dout, IntArrayRef(edges[1].sizes)));
    }
  }
  void release() override {}
};
struct TensorNegGate final : autograd::Node {
  static constexpr const char* kName = "NegGate";
  void backward(const Tensor& dout, std::span<Tensor> din) override { din[0] = native::neg(dout); }
  void release() override {}
};
}  // namespace

Tensor sub(const Tensor& a, const Tensor& b, Where where) {
  return autograd::record<TensorSubGate>(native::sub(a, b), {&a, &b}, where);
}
Tensor sub(const Tensor& a, Scalar b, Where where) {
  return autograd::record<TensorSubGate>(native::sub(a, b), {&a}, where);
}
Tensor rsub(const Tensor& a, Scalar b, Where where) {
  return autograd::record<TensorSubGate>(native::rsub(a, b), {&a}, where,
                                         [](TensorSubGate& g) { g.negate_a = true; });
}
Tensor neg(const Tensor& x, Where where) {
  return autograd::record<TensorNegGate>(native::neg(x), {&x}, where);
}
}  // namespace gg
