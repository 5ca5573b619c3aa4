#pragma once
// Reductions over the whole tensor or one axis (negative axes count from the end).
// With keepdims the reduced axis stays as size 1, so the result broadcasts against the input.
#include <gategrad/tensor/array.hpp>

#include <cstdint>

namespace gg {

// Integer indices (argmax along an axis) in the same cache-allocated storage as an Array. Its
// allocator is spelled out, as every type in a public signature must be: xt::xarray's default,
// xsimd::aligned_allocator<T, XTENSOR_DEFAULT_ALIGNMENT>, changes with -march, so a program
// built with other SIMD flags than the library would not link against it.
using IndexArray = xt::xarray<std::int64_t, xt::layout_type::row_major,
                              CachingAllocator<std::int64_t>>;

template <class T> Array<T> sum(const Array<T>& x);   // rank-0 result
template <class T> Array<T> sum(const Array<T>& x, std::ptrdiff_t axis, bool keepdims = false);
// The mean of an empty tensor or axis is NaN, as in NumPy and PyTorch.
template <class T> Array<T> mean(const Array<T>& x);
template <class T> Array<T> mean(const Array<T>& x, std::ptrdiff_t axis, bool keepdims = false);
// max and argmax throw std::invalid_argument on an empty tensor or axis.
template <class T> Array<T> max(const Array<T>& x);
template <class T> Array<T> max(const Array<T>& x, std::ptrdiff_t axis, bool keepdims = false);
// Index of the (first) maximum: of the flattened tensor, or along `axis`.
template <class T> std::size_t argmax(const Array<T>& x);
template <class T> IndexArray argmax(const Array<T>& x, std::ptrdiff_t axis, bool keepdims = false);

// Sums x over the dimensions that broadcasting expanded from `shape`, returning a tensor of
// `shape`: the gradient of a broadcast operand. Throws ShapeError unless `shape` broadcasts to
// x.shape().
template <class T> Array<T> sum_to(const Array<T>& x, const Shape& shape);
// The same written into `out`, reusing its storage when it already has `shape` (a bias
// gradient's buffer in a training loop). Reducing leading axes only (a bias: (B, N) -> (N))
// allocates nothing, so a steady training step allocates nothing.
template <class T> void sum_to_into(Array<T>& out, const Array<T>& x, const Shape& shape);

}  // namespace gg
