#pragma once
// Classification metrics.
#include <gategrad/tensor/tensor.hpp>

#include <cstdint>
#include <span>

namespace gg::nn {

// The fraction of rows of logits (N, C) whose largest entry is at the row's label.
// Throws ShapeError unless logits is (N, C) with N == labels.size() > 0.
double accuracy(const TensorF& logits, std::span<const std::int64_t> labels);

}  // namespace gg::nn
