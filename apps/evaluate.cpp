#include <gategrad/apps/evaluate.hpp>
#include <gategrad/autograd/grad_mode.hpp>
#include <gategrad/tensor/native.hpp>

#include <algorithm>
#include <cstdint>

namespace gg::app {

double evaluate_accuracy(nn::Module& model, const data::Dataset& data, std::size_t limit) {
  const std::int64_t n = static_cast<std::int64_t>(limit == 0 ? data.size() : std::min(limit, data.size()));
  if (n == 0) return 0.0;
  const bool was_training = model.is_training();
  model.eval();
  NoGradGuard no_grad;
  constexpr std::int64_t kBatch = 1000;
  std::int64_t correct = 0;
  for (std::int64_t first = 0; first < n; first += kBatch) {
    const std::int64_t rows = std::min(kBatch, n - first);
    // Row blocks of the (contiguous) dataset are views: nothing is copied.
    const Tensor logits = model(native::narrow(data.images, 0, first, rows));
    const Tensor predicted = native::argmax(logits, 1);
    correct += native::sum(native::eq(predicted, native::narrow(data.labels, 0, first, rows))).item<std::int64_t>();
  }
  model.train(was_training);
  return static_cast<double>(correct) / static_cast<double>(n);
}

}  // namespace gg::app
