#pragma once
// Reading and making gg::Tensor values in tests of the layers above the core (nn, optim).
#include <gategrad/tensor/factory.hpp>
#include <gategrad/tensor/native.hpp>

#include <cstdint>
#include <vector>

namespace gg::test {

// The elements of `t` in row-major order, converted to T.
template <class T = double>
std::vector<T> values(const Tensor& t) {
  const Tensor c = native::contiguous(native::to(t, dtype_of<T>));
  const T* p = c.data_ptr<T>();
  return std::vector<T>(p, p + c.numel());
}

// Uniform in [low, high), seeded: low + (high - low) * rand.
inline Tensor uniform(IntArrayRef sizes, std::uint64_t seed, double low = -2, double high = 2,
                      Dtype dtype = kFloat32) {
  Generator gen(seed);
  return native::add(native::mul(rand(sizes, gen, dtype), high - low), low);
}

// |a - b| <= atol + rtol |b| elementwise, with equal sizes.
inline bool allclose(const Tensor& a, const Tensor& b, double rtol = 1e-5, double atol = 1e-8) {
  if (a.sizes() != b.sizes()) return false;
  const std::vector<double> x = values(a), y = values(b);
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double diff = x[i] > y[i] ? x[i] - y[i] : y[i] - x[i];
    if (!(diff <= atol + rtol * (y[i] < 0 ? -y[i] : y[i]))) return false;
  }
  return true;
}

}  // namespace gg::test
