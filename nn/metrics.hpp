#pragma once
// Classification metrics.
#include <gategrad/tensor/array.hpp>

#include <cstdint>
#include <span>

namespace gg::nn {

// The fraction of rows of logits (N, C) whose largest entry is at the row's label.
// Throws ShapeError unless logits is (N, C) with N == labels.size() > 0.
double accuracy(const ArrayF& logits, std::span<const std::int64_t> labels);

}  // namespace gg::nn
