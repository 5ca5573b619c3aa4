// ReluGate: Y = max(X, 0).  dX = dY where Y > 0, else 0 (the subgradient 0 at X = 0), by
// ReluBackwardGate, which records under create_graph.
#include <gategrad/autograd/ops.hpp>
#include <gategrad/autograd/recording.hpp>
#include <gategrad/tensor/native.hpp>

namespace gg {
namespace {
// ReluBackwardGate: G = dY where Y > 0, else 0, as a function of dY (Y a constant: relu's
// second derivative is 0 almost everywhere).  dG/d(dY) is the same mask: d(dY) = dG masked.
struct ReluBackwardGate final : autograd::Node {
  static constexpr const char* kName = "ReluBackwardGate";
  Tensor y;  // relu's output, without its graph
  void backward(const Tensor& dout, std::span<Tensor> din) override;
  void release() override { y = Tensor(); }
};

// relu's gradient from its output: recorded (as a function of dout) under create_graph.
Tensor relu_backward(const Tensor& dout, const Tensor& y, const Where& where) {
  return autograd::record<ReluBackwardGate>(native::relu_backward(dout, y), {&dout}, where,
                                            [&](ReluBackwardGate& g) { g.y = y.detach(); });
}

void ReluBackwardGate::backward(const Tensor& dout, std::span<Tensor> din) {
  din[0] = relu_backward(dout, y, where);
}

struct ReluGate final : autograd::Node {
  static constexpr const char* kName = "ReluGate";
  autograd::SavedTensor y;
  void backward(const Tensor& dout, std::span<Tensor> din) override {
    din[0] = relu_backward(dout, y.unpack(*this), where);
  }
  void release() override { y.reset(); }
};
}  // namespace

Tensor relu(const Tensor& x, Where where) {
  Tensor y = native::relu(x);
  return autograd::record<ReluGate>(y, {&x}, where, [&](ReluGate& g) { g.y = g.save(y, true); });
}
}  // namespace gg
