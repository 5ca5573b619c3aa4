#pragma once
// Reshape and transpose. Both return tensors that own their data (row-major, contiguous);
// reshape of an rvalue reuses its buffer without copying.
#include <gategrad/tensor/tensor.hpp>

#include <vector>

namespace gg {

// Same elements, new shape; throws ShapeError unless numel(shape) == x.size().
template <class T> Tensor<T> reshape(const Tensor<T>& x, const Shape& shape);
template <class T> Tensor<T> reshape(Tensor<T>&& x, const Shape& shape);

// Matrix transpose of a rank-2 tensor: (M, N) -> (N, M). Throws ShapeError for other ranks.
template <class T> Tensor<T> transpose(const Tensor<T>& x);
// General permutation of axes: result.shape[i] = x.shape[perm[i]]. Throws std::invalid_argument
// unless perm is a permutation of 0..rank-1.
template <class T> Tensor<T> transpose(const Tensor<T>& x, const std::vector<std::size_t>& perm);

}  // namespace gg
