#pragma once
// Classification metrics.
#include <gategrad/tensor/tensor.hpp>

namespace gg::nn {

// The fraction of rows of logits (N, C) whose largest entry (the first, on ties) is at the
// row's label. labels: int64 (N). Throws ShapeError unless logits is (N, C) with N == the
// number of labels >= 1, std::invalid_argument unless labels are int64. Reads no gradient.
double accuracy(const Tensor& logits, const Tensor& labels);

}  // namespace gg::nn
