#pragma once
// What tensor/factory.cpp and tensor/random_factory.cpp share to make a tensor.
#include <gategrad/tensor/tensor.hpp>

namespace gg::detail {

// A contiguous tensor of `sizes`, values uninitialized, no autograd state; throws naming `op`
// for a negative size or more than 2^63 bytes.
Tensor make_empty(const char* op, IntArrayRef sizes, Dtype dtype);
// Applies options.requires_grad() to a new tensor and returns it.
Tensor finish(Tensor t, const TensorOptions& options);
// Throws std::invalid_argument naming `op` unless `dtype` is floating.
void require_floating(const char* op, Dtype dtype);

// What the options name, else `fallback`.
inline Dtype dtype_or(const TensorOptions& options, Dtype fallback) {
  return options.has_dtype() ? options.dtype() : fallback;
}

}  // namespace gg::detail
