// AddGate: Y = A + B with broadcasting.   A, B -> Y:(broadcast shape)
// dA = sum_to(dY, shape(A)), dB = sum_to(dY, shape(B)): a broadcast input receives the sum of
// the gradients of every output element it was copied to.
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
struct AddGate final : Node<T> {
  const char* name() const override { return "AddGate"; }
  void backward(const Array<T>& dy, std::array<Array<T>, kMaxGateInputs>& din) override {
    // In place when the engine lent a parameter's gradient buffer (a bias).
    if (this->needs_grad(0)) sum_to_into(din[0], dy, this->edges[0].shape);
    if (this->needs_grad(1)) sum_to_into(din[1], dy, this->edges[1].shape);
  }
  void release() override {}
};

}  // namespace

template <class T>
Variable<T> add(const Variable<T>& a, const Variable<T>& b, Where where) {
  auto y = make_cached_shared<Array<T>>(add(a.data(), b.data()));
  if (!detail::should_record<T>({&a, &b})) return detail::make_result<T>("AddGate", y, nullptr, {&a, &b}, where);
  return detail::make_result<T>("AddGate", y, make_cached_shared<AddGate<T>>(), {&a, &b}, where);
}

template Variable<float> add(const Variable<float>&, const Variable<float>&, Where);
template Variable<double> add(const Variable<double>&, const Variable<double>&, Where);

}  // namespace gg

// --- gg::Tensor -----------------------------------------------------------------------------
// AddGate: Y = A + B, broadcasting.  dA = dY summed to A's sizes, dB likewise; with a number
// for B, only dA.
namespace gg {
namespace {
struct TensorAddGate final : autograd::Node {
  static constexpr const char* kName = "AddGate";
  void backward(const Tensor& dout, std::span<Tensor> din) override {
    for (std::size_t i = 0; i < din.size(); ++i) {
      if (needs_grad(i)) din[i] = native::sum_to(dout, IntArrayRef(edges[i].sizes));
    }
  }
  void release() override {}
};
}  // namespace

Tensor add(const Tensor& a, const Tensor& b, Where where) {
  return autograd::record<TensorAddGate>(native::add(a, b), {&a, &b}, where);
}
Tensor add(const Tensor& a, Scalar b, Where where) {
  return autograd::record<TensorAddGate>(native::add(a, b), {&a}, where);
}
}  // namespace gg
