// SoftmaxGate: Y = softmax(X) along dim.  dX = Y * (dY - sum(dY * Y, dim)).
// LogSoftmaxGate: Y = log_softmax(X) along dim.  dX = dY - exp(Y) * sum(dY, dim).
// Both from the saved output, in differentiable ops (a second derivative records through Y).
#include <gategrad/autograd/ops.hpp>
#include <gategrad/autograd/recording.hpp>
#include <gategrad/tensor/native.hpp>
#include <gategrad/tensor/shape.hpp>

namespace gg {
namespace {
struct SoftmaxGate final : autograd::Node {
  static constexpr const char* kName = "SoftmaxGate";
  autograd::SavedTensor y;
  std::int64_t dim = 0;
  void backward(const Tensor& dout, std::span<Tensor> din) override {
    const Tensor out = y.unpack(*this);
    din[0] = mul(out, sub(dout, sum(mul(dout, out), dim, true)));
  }
  void release() override { y.reset(); }
};

struct LogSoftmaxGate final : autograd::Node {
  static constexpr const char* kName = "LogSoftmaxGate";
  autograd::SavedTensor y;
  std::int64_t dim = 0;
  void backward(const Tensor& dout, std::span<Tensor> din) override {
    din[0] = sub(dout, mul(exp(y.unpack(*this)), sum(dout, dim, true)));
  }
  void release() override { y.reset(); }
};

template <class Gate>
Tensor record_softmax(const Tensor& x, Tensor y, const char* op, std::int64_t dim, const Where& where) {
  return autograd::record<Gate>(y, {&x}, where, [&](Gate& g) {
    g.y = g.save(y, true);
    g.dim = wrap_dim(op, dim, x.dim());
  });
}
}  // namespace

Tensor softmax(const Tensor& x, std::int64_t dim, Where where) {
  return record_softmax<SoftmaxGate>(x, native::softmax(x, dim), "softmax", dim, where);
}
Tensor log_softmax(const Tensor& x, std::int64_t dim, Where where) {
  return record_softmax<LogSoftmaxGate>(x, native::log_softmax(x, dim), "log_softmax", dim, where);
}
}  // namespace gg
