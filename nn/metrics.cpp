#include <gategrad/nn/metrics.hpp>
#include <gategrad/tensor/native.hpp>
#include <gategrad/tensor/shape.hpp>

#include <stdexcept>
#include <string>

namespace gg::nn {

double accuracy(const Tensor& logits, const Tensor& labels) {
  if (labels.dtype() != kInt64) {
    throw std::invalid_argument("accuracy: got labels of dtype " + to_string(labels.dtype()) +
                                ", expected int64 class indices");
  }
  if (logits.dim() != 2 || labels.dim() != 1 || logits.size(0) != labels.size(0) || labels.numel() == 0) {
    throw ShapeError("accuracy: got logits of sizes " + to_string(logits.sizes()) +
                     " and labels of sizes " + to_string(labels.sizes()) +
                     ", expected (N, C) and (N) with N >= 1");
  }
  const Tensor predicted = native::contiguous(native::argmax(logits, 1));  // int64 (N)
  const Tensor y = native::contiguous(labels);
  const std::int64_t* p = predicted.data_ptr<std::int64_t>();
  const std::int64_t* l = y.data_ptr<std::int64_t>();
  std::int64_t correct = 0;
  for (std::int64_t i = 0, n = y.numel(); i < n; ++i) correct += p[i] == l[i];
  return static_cast<double>(correct) / static_cast<double>(y.numel());
}

}  // namespace gg::nn
