#include <gategrad/apps/evaluate.hpp>
#include <gategrad/autograd/grad_mode.hpp>
#include <gategrad/tensor/reduce.hpp>

#include <algorithm>

namespace gg::app {

double evaluate_accuracy(nn::Module& model, const data::Dataset& data, std::size_t limit) {
  const std::size_t n = limit == 0 ? data.size() : std::min(limit, data.size());
  if (n == 0) return 0.0;
  const bool was_training = model.is_training();
  model.eval();
  NoGradGuard no_grad;
  constexpr std::size_t kBatch = 1000;
  const std::size_t D = data.dim();
  std::size_t correct = 0;
  for (std::size_t first = 0; first < n; first += kBatch) {
    const std::size_t rows = std::min(kBatch, n - first);
    ArrayF x = ArrayF::empty({rows, D});
    std::copy_n(data.images.data() + first * D, rows * D, x.data());
    const ArrayF logits = model(Var(std::move(x))).data();
    const auto predicted = argmax(logits, 1);
    for (std::size_t i = 0; i < rows; ++i) correct += predicted(i) == data.labels[first + i];
  }
  model.train(was_training);
  return static_cast<double>(correct) / static_cast<double>(n);
}

}  // namespace gg::app
