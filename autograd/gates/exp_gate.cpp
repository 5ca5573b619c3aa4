// ExpGate: Y = exp(X).  dX = dY * Y.
#include <gategrad/autograd/ops.hpp>
#include <gategrad/autograd/record.hpp>
#include <gategrad/tensor/elementwise.hpp>
#include <gategrad/autograd/recording.hpp>
#include <gategrad/autograd/tensor_ops.hpp>
#include <gategrad/tensor/native.hpp>

namespace gg {
namespace {

template <class T>
struct ExpGate final : Node<T> {
  std::shared_ptr<const Array<T>> y;
  const char* name() const override { return "ExpGate"; }
  void backward(const Array<T>& dy, std::array<Array<T>, kMaxGateInputs>& din) override {
    din[0] = mul(dy, *y);
  }
  void release() override { y.reset(); }
};

}  // namespace

template <class T>
Variable<T> exp(const Variable<T>& x, Where where) {
  auto y = make_cached_shared<Array<T>>(exp(x.data()));
  if (!detail::should_record<T>({&x})) return detail::make_result<T>("ExpGate", y, nullptr, {&x}, where);
  auto node = make_cached_shared<ExpGate<T>>();
  node->y = y;
  return detail::make_result<T>("ExpGate", y, node, {&x}, where);
}

template Variable<float> exp(const Variable<float>&, Where);
template Variable<double> exp(const Variable<double>&, Where);

}  // namespace gg

// --- gg::Tensor -----------------------------------------------------------------------------
// dX = dY * y
namespace gg {
namespace {
struct TensorExpGate final : autograd::Node {
  static constexpr const char* kName = "ExpGate";
  autograd::SavedTensor y;
  void backward(const Tensor& dout, std::span<Tensor> din) override {
    din[0] = native::mul(dout, y.unpack(*this));
  }
  void release() override { y.reset(); }
};
}  // namespace

Tensor exp(const Tensor& x, Where where) {
  Tensor y = native::exp(x);
  return autograd::record<TensorExpGate>(y, {&x}, where, [&](TensorExpGate& g) { g.y = g.save(y, true); });
}
}  // namespace gg
