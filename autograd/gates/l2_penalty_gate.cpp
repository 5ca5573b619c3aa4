// L2PenaltyGate: y = lambda * sum(W^2), a scalar.  dW = 2 lambda W dy.
#include <gategrad/autograd/ops.hpp>
#include <gategrad/autograd/record.hpp>
#include <gategrad/tensor/elementwise.hpp>
#include <gategrad/tensor/reduce.hpp>

#include <cmath>
#include <stdexcept>
#include <string>
#include <gategrad/autograd/recording.hpp>
#include <gategrad/autograd/tensor_ops.hpp>
#include <gategrad/tensor/native.hpp>

namespace gg {
namespace {

template <class T>
struct L2PenaltyGate final : Node<T> {
  std::shared_ptr<const Array<T>> w;
  T lambda = T(0);
  const char* name() const override { return "L2PenaltyGate"; }
  void backward(const Array<T>& dy, std::array<Array<T>, kMaxGateInputs>& din) override {
    din[0] = mul(*w, T(2) * lambda * dy.item());
  }
  void release() override { w.reset(); }
};

}  // namespace

template <class T>
Variable<T> l2_penalty(const Variable<T>& w, double lambda, Where where) {
  if (!std::isfinite(lambda) || lambda < 0) {
    throw std::invalid_argument("l2_penalty: got lambda = " + std::to_string(lambda) +
                                ", expected a finite value >= 0");
  }
  const T lam = static_cast<T>(lambda);
  auto y = make_cached_shared<Array<T>>(mul(sum(square(w.data())), lam));
  if (!detail::should_record<T>({&w})) return detail::make_result<T>("L2PenaltyGate", y, nullptr, {&w}, where);
  auto node = make_cached_shared<L2PenaltyGate<T>>();
  node->w = w.impl()->data;
  node->lambda = lam;
  return detail::make_result<T>("L2PenaltyGate", y, node, {&w}, where);
}

template Variable<float> l2_penalty(const Variable<float>&, double, Where);
template Variable<double> l2_penalty(const Variable<double>&, double, Where);

}  // namespace gg

// --- gg::Tensor -----------------------------------------------------------------------------
// L2PenaltyGate: y = lambda * sum(W^2), a scalar.  dW = 2 lambda W dy: one contribution to W's
// gradient, written into W's lent gradient buffer when there is one (no temporary of W's size).

namespace gg {
namespace {
struct TensorL2PenaltyGate final : autograd::Node {
  static constexpr const char* kName = "L2PenaltyGate";
  autograd::SavedTensor w;
  double lambda = 0;
  void backward(const Tensor& dout, std::span<Tensor> din) override {
    const Tensor& weight = w.unpack(*this);
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
  return autograd::record<TensorL2PenaltyGate>(std::move(y), {&w}, where, [&](TensorL2PenaltyGate& g) {
    g.w = g.save(w);
    g.lambda = lambda;
  });
}
}  // namespace gg
