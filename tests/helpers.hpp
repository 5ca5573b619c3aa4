#pragma once
// Small references the tests compare the fast kernels against.
#include <gategrad/tensor/ops.hpp>

#include <cstddef>
#include <vector>

namespace gg::test {

// Calls f(index) for every multi-index of `shape` in row-major order.
template <class F>
void for_each_index(const Shape& shape, F f) {
  std::vector<std::size_t> index(shape.size(), 0);
  const std::size_t n = numel(shape);
  for (std::size_t flat = 0; flat < n; ++flat) {
    f(index);
    for (std::size_t k = shape.size(); k-- > 0;) {
      if (++index[k] < shape[k]) break;
      index[k] = 0;
    }
  }
}

// Row-major flat offset of `index` (aligned to the right of a possibly longer index) in
// `shape`, reading broadcast dimensions (size 1) at position 0: NumPy's rule, written plainly.
inline std::size_t broadcast_offset(const Shape& shape, const std::vector<std::size_t>& index) {
  std::size_t offset = 0;
  const std::size_t skip = index.size() - shape.size();
  for (std::size_t k = 0; k < shape.size(); ++k) {
    const std::size_t i = shape[k] == 1 ? 0 : index[skip + k];
    offset = offset * shape[k] + i;
  }
  return offset;
}

template <class T>
Array<T> random_tensor(const Shape& shape, std::uint64_t seed, T low = T(-2), T high = T(2)) {
  Generator gen(seed);
  return Array<T>::uniform(shape, gen, low, high);
}

}  // namespace gg::test
