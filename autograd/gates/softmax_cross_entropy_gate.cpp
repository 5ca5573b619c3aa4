// SoftmaxCrossEntropyGate: J = (1/N) sum_i -log softmax(z_i)[y_i].   z:(N,C), y:(N,) -> J:()
//
// Forward through log-softmax, (z_iy - m_i) - log(sum_j exp(z_ij - m_i)) with m_i the row maximum
// (subtracted first, so logits of any magnitude give a finite, precise loss). The homework's derivation gives
//   dJ/dz_i = (softmax(z_i) - Delta_i) / N,   Delta_i the one-hot vector of y_i,
// so the gate saves the probabilities and the labels, and nothing else.
#include <gategrad/autograd/ops.hpp>
#include <gategrad/autograd/record.hpp>
#include <gategrad/tensor/elementwise.hpp>

#include <stdexcept>
#include <string>
#include <vector>
#include <gategrad/autograd/recording.hpp>
#include <gategrad/autograd/tensor_ops.hpp>
#include <gategrad/tensor/native.hpp>

namespace gg {
namespace {

template <class T>
struct SoftmaxCrossEntropyGate final : Node<T> {
  Array<T> probabilities;               // softmax(z), (N,C)
  // y, (N,); from the cache like the tensors, so a training step allocates nothing
  std::vector<std::int64_t, CachingAllocator<std::int64_t>> labels;
  const char* name() const override { return "SoftmaxCrossEntropyGate"; }
  void backward(const Array<T>& dy, std::array<Array<T>, kMaxGateInputs>& din) override {
    const std::size_t N = probabilities.shape()[0], C = probabilities.shape()[1];
    const T scale = dy.item() / static_cast<T>(N);
    Array<T> dz = mul(probabilities, scale);
    for (std::size_t i = 0; i < N; ++i) dz.data()[i * C + static_cast<std::size_t>(labels[i])] -= scale;
    din[0] = std::move(dz);
  }
  void release() override {
    probabilities = Array<T>();
    labels = {};
  }
};

void check_labels(const Shape& logits, std::span<const std::int64_t> labels) {
  if (logits.size() != 2 || logits[0] == 0) {
    throw ShapeError("cross_entropy: got logits of shape " + to_string(logits) +
                     ", expected (N, C) with N >= 1");
  }
  if (labels.size() != logits[0]) {
    throw ShapeError("cross_entropy: got " + std::to_string(labels.size()) +
                     " labels for logits of shape " + to_string(logits) + ", expected " +
                     std::to_string(logits[0]));
  }
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] < 0 || static_cast<std::size_t>(labels[i]) >= logits[1]) {
      throw std::out_of_range("cross_entropy: label " + std::to_string(labels[i]) + " at index " +
                              std::to_string(i) + " is outside the " + std::to_string(logits[1]) +
                              " classes of logits " + to_string(logits) + " (expected 0 <= label < " +
                              std::to_string(logits[1]) + ")");
    }
  }
}

}  // namespace

template <class T>
Variable<T> cross_entropy(const Variable<T>& logits, std::span<const std::int64_t> labels,
                          Where where) {
  check_labels(logits.shape(), labels);
  const std::size_t N = logits.shape()[0], C = logits.shape()[1];
  Array<T> log_p = log_softmax(logits.data());
  T total = 0;
  for (std::size_t i = 0; i < N; ++i) total -= log_p.data()[i * C + static_cast<std::size_t>(labels[i])];
  auto y = make_cached_shared<Array<T>>(Array<T>::scalar(total / static_cast<T>(N)));
  if (!detail::should_record<T>({&logits})) {
    return detail::make_result<T>("SoftmaxCrossEntropyGate", y, nullptr, {&logits}, where);
  }
  auto node = make_cached_shared<SoftmaxCrossEntropyGate<T>>();
  node->probabilities = exp(log_p);
  node->labels.assign(labels.begin(), labels.end());
  return detail::make_result<T>("SoftmaxCrossEntropyGate", y, node, {&logits}, where);
}

template Variable<float> cross_entropy(const Variable<float>&, std::span<const std::int64_t>, Where);
template Variable<double> cross_entropy(const Variable<double>&, std::span<const std::int64_t>, Where);

}  // namespace gg

// --- gg::Tensor -----------------------------------------------------------------------------
// SoftmaxCrossEntropyGate: J = mean_i -log softmax(z_i)[y_i].  z:(N,C) y:(N) int64 -> J:().
// dz = (softmax(z) - onehot(y)) * dJ / N, from the probabilities saved in the forward pass.
namespace gg {
namespace {
struct TensorSoftmaxCrossEntropyGate final : autograd::Node {
  static constexpr const char* kName = "SoftmaxCrossEntropyGate";
  Tensor probabilities;  // (N,C), made here: no one else can change it
  Tensor target;         // (N) int64, contiguous
  void backward(const Tensor& dout, std::span<Tensor> din) override {
    const std::int64_t N = probabilities.size(0), C = probabilities.size(1);
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
  return autograd::record<TensorSoftmaxCrossEntropyGate>(
      std::move(loss), {&logits}, where, [&](TensorSoftmaxCrossEntropyGate& g) {
        g.probabilities = native::exp(lp);
        g.target = native::clone(y);  // the caller may reuse its label buffer
      });
}
}  // namespace gg
