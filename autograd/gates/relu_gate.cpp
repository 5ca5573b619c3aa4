// ReluGate: Y = max(X, 0).  dX = dY where Y > 0, else 0 (the subgradient 0 at X = 0).
#include <gategrad/autograd/ops.hpp>
#include <gategrad/autograd/record.hpp>
#include <gategrad/tensor/elementwise.hpp>
#include <gategrad/autograd/recording.hpp>
#include <gategrad/autograd/tensor_ops.hpp>
#include <gategrad/tensor/native.hpp>

namespace gg {
namespace {

template <class T>
struct ReluGate final : Node<T> {
  std::shared_ptr<const Array<T>> y;
  const char* name() const override { return "ReluGate"; }
  void backward(const Array<T>& dy, std::array<Array<T>, kMaxGateInputs>& din) override {
    din[0] = relu_backward(*y, dy);
  }
  void release() override { y.reset(); }
};

}  // namespace

template <class T>
Variable<T> relu(const Variable<T>& x, Where where) {
  auto y = make_cached_shared<Array<T>>(relu(x.data()));
  if (!detail::should_record<T>({&x})) return detail::make_result<T>("ReluGate", y, nullptr, {&x}, where);
  auto node = make_cached_shared<ReluGate<T>>();
  node->y = y;
  return detail::make_result<T>("ReluGate", y, node, {&x}, where);
}

template Variable<float> relu(const Variable<float>&, Where);
template Variable<double> relu(const Variable<double>&, Where);

}  // namespace gg

// --- gg::Tensor -----------------------------------------------------------------------------
namespace gg {
namespace {
struct TensorReluGate final : autograd::Node {
  static constexpr const char* kName = "ReluGate";
  autograd::SavedTensor y;
  void backward(const Tensor& dout, std::span<Tensor> din) override {
    din[0] = native::mul(dout, native::gt(y.unpack(*this), 0));
  }
  void release() override { y.reset(); }
};
}  // namespace

Tensor relu(const Tensor& x, Where where) {
  Tensor y = native::relu(x);
  return autograd::record<TensorReluGate>(y, {&x}, where, [&](TensorReluGate& g) { g.y = g.save(y, true); });
}
}  // namespace gg
