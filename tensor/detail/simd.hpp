#pragma once
// Vector loops shared by the elementwise and reduction kernels. Included only by the library's
// .cpp files, which are compiled for the build's SIMD target; xsimd::batch<T> is its widest
// vector (16 floats under AVX-512).
#include <xsimd/xsimd.hpp>

#include <algorithm>
#include <cstddef>

namespace gg::detail {

template <class T>
using Batch = xsimd::batch<T>;

template <class T>
inline constexpr std::size_t kLanes = Batch<T>::size;

// y[i] = op(x[i]) for i < n. `op` takes and returns either a Batch<T> or a T.
template <class T, class Op>
void map(const T* x, T* y, std::size_t n, Op op) {
  std::size_t i = 0;
  for (; i + kLanes<T> <= n; i += kLanes<T>) {
    op(Batch<T>::load_unaligned(x + i)).store_unaligned(y + i);
  }
  for (; i < n; ++i) y[i] = op(x[i]);
}

// out[i] = op(a[i * a_step], b[i * b_step]) for i < n, where a step of 0 repeats one element
// (a broadcast dimension) and a step of 1 walks a contiguous row.
template <class T, class Op>
void zip(const T* a, std::size_t a_step, const T* b, std::size_t b_step, T* out, std::size_t n,
         Op op) {
  constexpr std::size_t L = kLanes<T>;
  std::size_t i = 0;
  if (a_step == 1 && b_step == 1) {
    for (; i + L <= n; i += L) {
      op(Batch<T>::load_unaligned(a + i), Batch<T>::load_unaligned(b + i)).store_unaligned(out + i);
    }
    for (; i < n; ++i) out[i] = op(a[i], b[i]);
  } else if (a_step == 1) {
    const Batch<T> vb(*b);
    for (; i + L <= n; i += L) op(Batch<T>::load_unaligned(a + i), vb).store_unaligned(out + i);
    for (; i < n; ++i) out[i] = op(a[i], *b);
  } else if (b_step == 1) {
    const Batch<T> va(*a);
    for (; i + L <= n; i += L) op(va, Batch<T>::load_unaligned(b + i)).store_unaligned(out + i);
    for (; i < n; ++i) out[i] = op(*a, b[i]);
  } else {
    std::fill_n(out, n, op(*a, *b));
  }
}

// Horizontal maximum of a batch.
template <class T>
T hmax(const Batch<T>& v) {
  alignas(64) T lanes[kLanes<T>];
  v.store_aligned(lanes);
  return *std::max_element(lanes, lanes + kLanes<T>);
}

}  // namespace gg::detail
