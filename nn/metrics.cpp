#include <gategrad/nn/metrics.hpp>
#include <gategrad/tensor/reduce.hpp>

#include <string>

namespace gg::nn {

double accuracy(const ArrayF& logits, std::span<const std::int64_t> labels) {
  if (logits.dim() != 2 || logits.shape()[0] != labels.size() || labels.empty()) {
    throw ShapeError("accuracy: got logits of shape " + to_string(logits.shape()) + " and " +
                     std::to_string(labels.size()) + " labels, expected (N, C) with N = the "
                     "number of labels >= 1");
  }
  const auto predicted = argmax(logits, 1);
  std::size_t correct = 0;
  for (std::size_t i = 0; i < labels.size(); ++i) correct += predicted(i) == labels[i];
  return static_cast<double>(correct) / static_cast<double>(labels.size());
}

}  // namespace gg::nn
