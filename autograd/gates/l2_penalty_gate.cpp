// L2PenaltyGate: y = lambda * sum(W^2), a scalar.  dW = 2 lambda W dy: one contribution to W's
// gradient, written into W's lent gradient buffer when there is one (no temporary of W's size).
#include <gategrad/autograd/ops.hpp>
#include <gategrad/autograd/recording.hpp>
#include <gategrad/tensor/native.hpp>

#include <cmath>
#include <stdexcept>
#include <string>

namespace gg {
namespace {
struct L2PenaltyGate final : autograd::Node {
  static constexpr const char* kName = "L2PenaltyGate";
  autograd::SavedTensor w;
  double lambda = 0;
  void backward(const Tensor& dout, std::span<Tensor> din) override {
    const Tensor weight = w.unpack(*this);
    if (is_grad_enabled()) {  // create_graph: recorded, differentiable in W and dy
      din[0] = mul(weight, mul(dout, 2.0 * lambda));
      return;
    }
    visit_dtype(weight.dtype(), [&]<class T>() {
      if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double>) {
        // In T, in the old gate's order: (2 * lambda) * dy.
        const T scale = T(2) * static_cast<T>(lambda) * dout.item<T>();
        Tensor& slot = din[0];
        if (slot.defined() && slot.dtype() == weight.dtype() && slot.is_contiguous() && weight.is_contiguous()) {
          const T* x = weight.data_ptr<T>();
          T* dw = slot.data_ptr<T>();
          for (std::int64_t i = 0, n = weight.numel(); i < n; ++i) dw[i] = x[i] * scale;
        } else {
          slot = native::mul(weight, scale);
        }
      } else {
        din[0] = native::mul(weight, 2.0 * lambda * dout.item<double>());
      }
    });
  }
  void release() override { w.reset(); }
};
}  // namespace

Tensor l2_penalty(const Tensor& w, double lambda, Where where) {
  if (!std::isfinite(lambda) || lambda < 0) {
    throw std::invalid_argument("l2_penalty: got lambda = " + std::to_string(lambda) +
                                ", expected a finite value >= 0");
  }
  if (!w.is_floating_point()) {
    throw std::invalid_argument("l2_penalty: got a tensor of dtype " + to_string(w.dtype()) +
                                ", expected a floating dtype");
  }
  Tensor y = native::mul(native::sum(native::square(w)), lambda);
  return autograd::record<L2PenaltyGate>(std::move(y), {&w}, where, [&](L2PenaltyGate& g) {
    g.w = g.save(w);
    g.lambda = lambda;
  });
}
}  // namespace gg
