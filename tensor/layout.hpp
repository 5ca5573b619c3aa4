#pragma once
// Reshape and transpose. Both return tensors that own their data (row-major, contiguous);
// reshape of an rvalue reuses its buffer without copying.
#include <gategrad/tensor/array.hpp>

#include <vector>

namespace gg {

// Same elements, new shape; throws ShapeError unless numel(shape) == x.size().
template <class T> Array<T> reshape(const Array<T>& x, const Shape& shape);
template <class T> Array<T> reshape(Array<T>&& x, const Shape& shape);

// Matrix transpose of a rank-2 tensor: (M, N) -> (N, M). Throws ShapeError for other ranks.
template <class T> Array<T> transpose(const Array<T>& x);
// General permutation of axes: result.shape[i] = x.shape[perm[i]]. Throws std::invalid_argument
// unless perm is a permutation of 0..rank-1.
template <class T> Array<T> transpose(const Array<T>& x, const std::vector<std::size_t>& perm);

}  // namespace gg
