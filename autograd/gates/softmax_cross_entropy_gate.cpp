// SoftmaxCrossEntropyGate: J = mean_i -log softmax(z_i)[y_i].  z:(N,C) y:(N) int64 -> J:().
// dz = (softmax(z) - onehot(y)) * dJ / N, from the probabilities saved in the forward pass (in
// recorded ops from the saved logits under create_graph).
#include <gategrad/autograd/ops.hpp>
#include <gategrad/autograd/recording.hpp>
#include <gategrad/tensor/native.hpp>

#include <stdexcept>
#include <string>
#include <vector>

namespace gg {
namespace {
struct SoftmaxCrossEntropyGate final : autograd::Node {
  static constexpr const char* kName = "SoftmaxCrossEntropyGate";
  Tensor probabilities;  // (N,C), made here: no one else can change it
  Tensor target;         // (N) int64, contiguous
  autograd::SavedTensor logits;  // read only under create_graph
  void backward(const Tensor& dout, std::span<Tensor> din) override {
    const std::int64_t N = probabilities.size(0), C = probabilities.size(1);
    if (is_grad_enabled()) {
      // create_graph: the same gradient in recorded ops, differentiable in z and in dJ.
      const Tensor z = logits.unpack(*this);
      Tensor onehot = zeros(z.sizes(), z.dtype());
      const std::int64_t* y = target.data_ptr<std::int64_t>();
      for (std::int64_t i = 0; i < N; ++i) native::fill_(native::select(native::select(onehot, 0, i), 0, y[i]), 1);
      din[0] = mul(sub(softmax(z, 1), onehot), div(dout, static_cast<double>(N)));
      return;
    }
    const double scale = dout.item<double>() / static_cast<double>(N);
    Tensor dz = native::mul(probabilities, scale);
    const std::int64_t* y = target.data_ptr<std::int64_t>();
    visit_dtype(dz.dtype(), [&]<class T>() {
      if constexpr (std::is_floating_point_v<T>) {
        T* p = dz.data_ptr<T>();
        for (std::int64_t i = 0; i < N; ++i) p[i * C + y[i]] -= static_cast<T>(scale);
      }
    });
    din[0] = std::move(dz);
  }
  void release() override {
    probabilities = Tensor();
    target = Tensor();
    logits.reset();
  }
};

void check_target(const Tensor& logits, const Tensor& target) {
  if (logits.dim() != 2 || logits.size(0) == 0) {
    throw ShapeError("cross_entropy: got logits of sizes " + to_string(logits.sizes()) +
                     ", expected (N, C) with N >= 1");
  }
  if (logits.dtype() != kFloat32 && logits.dtype() != kFloat64) {
    throw std::invalid_argument(std::string("cross_entropy: got logits of dtype ") + name(logits.dtype()) +
                                ", expected float32 or float64");
  }
  if (target.dtype() != kInt64 || target.dim() != 1 || target.size(0) != logits.size(0)) {
    throw ShapeError("cross_entropy: got a target of sizes " + to_string(target.sizes()) + " and dtype " +
                     name(target.dtype()) + " for logits of sizes " + to_string(logits.sizes()) +
                     ", expected int64 class indices of sizes [" + std::to_string(logits.size(0)) + "]");
  }
  const std::int64_t C = logits.size(1);
  const Tensor y = native::contiguous(target);
  const std::int64_t* p = y.data_ptr<std::int64_t>();
  for (std::int64_t i = 0; i < y.numel(); ++i) {
    if (p[i] < 0 || p[i] >= C) {
      throw std::out_of_range("cross_entropy: label " + std::to_string(p[i]) + " at index " +
                              std::to_string(i) + " is outside the " + std::to_string(C) +
                              " classes of logits " + to_string(logits.sizes()) +
                              " (expected 0 <= label < " + std::to_string(C) + ")");
    }
  }
}
}  // namespace

Tensor cross_entropy(const Tensor& logits, const Tensor& target, Where where) {
  check_target(logits, target);
  const Tensor log_p = native::log_softmax(logits, 1);
  const Tensor y = native::contiguous(target);
  const Tensor lp = native::contiguous(log_p);
  const std::int64_t N = logits.size(0), C = logits.size(1);
  const std::int64_t* labels = y.data_ptr<std::int64_t>();
  Tensor loss = visit_dtype(logits.dtype(), [&]<class T>() {
    if constexpr (std::is_floating_point_v<T>) {
      const T* p = lp.data_ptr<T>();
      T total = 0;
      for (std::int64_t i = 0; i < N; ++i) total -= p[i * C + labels[i]];
      return scalar_tensor(total / static_cast<T>(N), logits.dtype());
    } else {
      return Tensor();  // refused by check_target
    }
  });
  return autograd::record<SoftmaxCrossEntropyGate>(
      std::move(loss), {&logits}, where, [&](SoftmaxCrossEntropyGate& g) {
        g.probabilities = native::exp(lp);
        g.target = native::clone(y);  // the caller may reuse its label buffer
        g.logits = g.save(logits);
      });
}
}  // namespace gg
