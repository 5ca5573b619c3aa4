#pragma once
// Small references the gg::Tensor tests compare the kernels and gates against: seeded uniform
// tensors (the old core's stream), values read out in row-major order, index walks, and a
// tolerance comparison (the new core has no allclose yet).
#include <gategrad/tensor/factory.hpp>
#include <gategrad/tensor/native.hpp>
#include <gategrad/tensor/shape.hpp>  // ShapeError

#include <cmath>
#include <cstdint>
#include <vector>

namespace gg::test {

// U[low, high) of `dtype`, as the old core's Array<T>::uniform drew it from the same seed:
// low + (high - low) * u, each step rounded in the tensor's dtype.
inline Tensor uniform(IntArrayRef sizes, std::uint64_t seed, double low = -2.0, double high = 2.0,
                      Dtype dtype = kFloat32) {
  Generator gen(seed);
  return native::add(native::mul(rand(sizes, gen, dtype), high - low), low);
}

// The elements in row-major order, whatever the tensor's strides (converted to T).
template <class T>
std::vector<T> values(const Tensor& t) {
  const Tensor c = native::contiguous(native::to(t, dtype_of<T>));
  const T* p = c.data_ptr<T>();
  return std::vector<T>(p, p + c.numel());
}

// Calls f(index) for every multi-index of `sizes` in row-major order.
template <class F>
void for_each_index(IntArrayRef sizes, F f) {
  std::vector<std::int64_t> index(sizes.size(), 0);
  const std::int64_t n = checked_numel("for_each_index", sizes);
  for (std::int64_t flat = 0; flat < n; ++flat) {
    f(index);
    for (std::size_t k = sizes.size(); k-- > 0;) {
      if (++index[k] < sizes[k]) break;
      index[k] = 0;
    }
  }
}

// Row-major flat offset of `index` (aligned to the right of a possibly longer index) in a
// contiguous tensor of `sizes`, reading broadcast dimensions (size 1) at position 0: NumPy's
// rule, written plainly.
inline std::int64_t broadcast_offset(IntArrayRef sizes, const std::vector<std::int64_t>& index) {
  std::int64_t offset = 0;
  const std::size_t skip = index.size() - sizes.size();
  for (std::size_t k = 0; k < sizes.size(); ++k) {
    const std::int64_t i = sizes[k] == 1 ? 0 : index[skip + k];
    offset = offset * sizes[k] + i;
  }
  return offset;
}

// torch.allclose: equal sizes and |a - b| <= atol + rtol * |b| everywhere; NaN is never close,
// equal infinities are.
inline bool allclose(const Tensor& a, const Tensor& b, double rtol = 1e-5, double atol = 1e-8) {
  if (a.sizes() != b.sizes()) return false;
  const std::vector<double> x = values<double>(a), y = values<double>(b);
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (x[i] == y[i]) continue;  // equal infinities
    if (!(std::abs(x[i] - y[i]) <= atol + rtol * std::abs(y[i]))) return false;
  }
  return true;
}

}  // namespace gg::test
