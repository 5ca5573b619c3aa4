#include <gategrad/tensor/layout.hpp>

#include <xtensor/xmanipulation.hpp>

#include <algorithm>
#include <stdexcept>
#include <string>

namespace gg {
namespace {

void check_reshape(const Shape& from, const Shape& to) {
  if (numel(from) != numel(to)) {
    throw ShapeError("reshape: cannot reshape " + to_string(from) + " (" +
                     std::to_string(numel(from)) + " elements) into " + to_string(to) + " (" +
                     std::to_string(numel(to)) + " elements); expected equal element counts");
  }
}

}  // namespace

template <class T>
Array<T> reshape(const Array<T>& x, const Shape& shape) {
  check_reshape(x.shape(), shape);
  Array<T> y = Array<T>::empty(shape);
  std::copy_n(x.data(), x.size(), y.data());
  return y;
}

template <class T>
Array<T> reshape(Array<T>&& x, const Shape& shape) {
  check_reshape(x.shape(), shape);
  x.xarray().reshape(shape);
  return std::move(x);
}

template <class T>
Array<T> transpose(const Array<T>& x) {
  if (x.dim() != 2) {
    throw ShapeError("transpose: got shape " + to_string(x.shape()) +
                     ", expected a matrix (rank 2); use transpose(x, perm) for other ranks");
  }
  const std::size_t rows = x.shape()[0], cols = x.shape()[1];
  Array<T> y = Array<T>::empty(Shape{cols, rows});
  // Tiles of 32 x 32 keep both the reads and the writes within a few cache lines.
  constexpr std::size_t kTile = 32;
  const T* src = x.data();
  T* dst = y.data();
  for (std::size_t i0 = 0; i0 < rows; i0 += kTile) {
    for (std::size_t j0 = 0; j0 < cols; j0 += kTile) {
      const std::size_t i1 = std::min(rows, i0 + kTile), j1 = std::min(cols, j0 + kTile);
      for (std::size_t i = i0; i < i1; ++i) {
        for (std::size_t j = j0; j < j1; ++j) dst[j * rows + i] = src[i * cols + j];
      }
    }
  }
  return y;
}

template <class T>
Array<T> transpose(const Array<T>& x, const std::vector<std::size_t>& perm) {
  std::vector<std::size_t> sorted = perm;
  std::sort(sorted.begin(), sorted.end());
  bool valid = sorted.size() == x.dim();
  for (std::size_t i = 0; valid && i < sorted.size(); ++i) valid = sorted[i] == i;
  if (!valid) {
    std::string p = "(";
    for (std::size_t i = 0; i < perm.size(); ++i) p += (i ? ", " : "") + std::to_string(perm[i]);
    throw std::invalid_argument("transpose: got permutation " + p + ") for shape " +
                                to_string(x.shape()) + ", expected a permutation of 0.." +
                                std::to_string(x.dim()) + "-1");
  }
  if (x.dim() == 2 && perm[0] == 1) return transpose(x);
  typename Array<T>::storage_type out = xt::transpose(x.xarray(), perm);
  return Array<T>(std::move(out));
}

template Array<float> reshape(const Array<float>&, const Shape&);
template Array<double> reshape(const Array<double>&, const Shape&);
template Array<float> reshape(Array<float>&&, const Shape&);
template Array<double> reshape(Array<double>&&, const Shape&);
template Array<float> transpose(const Array<float>&);
template Array<double> transpose(const Array<double>&);
template Array<float> transpose(const Array<float>&, const std::vector<std::size_t>&);
template Array<double> transpose(const Array<double>&, const std::vector<std::size_t>&);

}  // namespace gg
