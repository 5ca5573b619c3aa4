// LogGate: Y = log(X).  dX = dY / X.
#include <gategrad/autograd/ops.hpp>
#include <gategrad/autograd/record.hpp>
#include <gategrad/tensor/elementwise.hpp>
#include <gategrad/autograd/recording.hpp>
#include <gategrad/autograd/tensor_ops.hpp>
#include <gategrad/tensor/native.hpp>

namespace gg {
namespace {

template <class T>
struct LogGate final : Node<T> {
  std::shared_ptr<const Array<T>> x;
  const char* name() const override { return "LogGate"; }
  void backward(const Array<T>& dy, std::array<Array<T>, kMaxGateInputs>& din) override {
    din[0] = div(dy, *x);
  }
  void release() override { x.reset(); }
};

}  // namespace

template <class T>
Variable<T> log(const Variable<T>& x, Where where) {
  auto y = make_cached_shared<Array<T>>(log(x.data()));
  if (!detail::should_record<T>({&x})) return detail::make_result<T>("LogGate", y, nullptr, {&x}, where);
  auto node = make_cached_shared<LogGate<T>>();
  node->x = x.impl()->data;
  return detail::make_result<T>("LogGate", y, node, {&x}, where);
}

template Variable<float> log(const Variable<float>&, Where);
template Variable<double> log(const Variable<double>&, Where);

}  // namespace gg

// --- gg::Tensor -----------------------------------------------------------------------------
// dX = dY / x
namespace gg {
namespace {
struct TensorLogGate final : autograd::Node {
  static constexpr const char* kName = "LogGate";
  autograd::SavedTensor x;
  void backward(const Tensor& dout, std::span<Tensor> din) override {
    din[0] = native::div(dout, x.unpack(*this));
  }
  void release() override { x.reset(); }
};
}  // namespace

Tensor log(const Tensor& x, Where where) {
  return autograd::record<TensorLogGate>(native::log(x), {&x}, where, [&](TensorLogGate& g) { g.x = g.save(x); });
}
}  // namespace gg
