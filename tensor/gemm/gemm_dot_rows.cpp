// gemm_dot_rows (tensor/gemm.hpp): C := alpha * A * B^T + beta * C for operands that are both
// contiguous along K, as dot products vectorised along K.
//
// A convolution's weight gradient dW (OC, taps) = dY' (OC, pixels) * B^T, B's rows the shifted
// rows of the padded image, has both operands contiguous along the pixels. With few output
// channels (LeNet-5's 6 and 16, the MNIST net's 10 and 20) packing B^T for the GEMM's
// micro-kernel cost more than the products it fed (each packed value is used OC times): the
// weight gradients of those nets ran at 22-47 GFLOP/s. Here nothing is packed: a 6 x 4 tile of
// C is 24 vector accumulators, each step loads 6 vectors of A and 4 of B along K for 24 FMAs,
// and the lanes are summed once per tile at the end, after every image of a call (count
// products summed in one: the lane sums of one image's tile weighed as much as its products).
#include <gategrad/tensor/gemm.hpp>
#include <gategrad/tensor/gemm/simd.hpp>
#include <gategrad/tensor/gemm/store.hpp>

#include <algorithm>
#include <cstddef>

namespace gg {
namespace {

// The tile: RA rows of A by RB rows of B (RA * RB accumulators + RA vectors of A + one of B:
// 31 of the 32 AVX-512 registers).
constexpr std::size_t RA = 6, RB = 4;

template <class T>
[[gnu::always_inline]] inline void dot_tile(std::size_t steps, std::size_t count, std::size_t a_step,
                                            std::size_t b_step, const T* const (&a)[RA], const T* const (&b)[RB],
                                            std::size_t m, std::size_t n, T alpha, T beta, T* c, std::size_t ldc) {
  using namespace gemm_detail;
  using V = Batch<T>;
  constexpr std::size_t W = V::size;
  V acc[RA][RB];
#pragma GCC unroll 8
  for (std::size_t r = 0; r < RA; ++r) {
#pragma GCC unroll 4
    for (std::size_t q = 0; q < RB; ++q) acc[r][q] = V(T(0));
  }
  for (std::size_t e = 0; e < count; ++e) {
    const std::size_t ea = e * a_step, eb = e * b_step;
    for (std::size_t s = 0, k = 0; s < steps; ++s, k += W) {
      V av[RA];
#pragma GCC unroll 8
      for (std::size_t r = 0; r < RA; ++r) av[r] = V::load_unaligned(a[r] + ea + k);
#pragma GCC unroll 4
      for (std::size_t q = 0; q < RB; ++q) {
        const V bv = V::load_unaligned(b[q] + eb + k);
#pragma GCC unroll 8
        for (std::size_t r = 0; r < RA; ++r) acc[r][q] = multiply_add(av[r], bv, acc[r][q]);
      }
    }
  }
#pragma GCC unroll 8
  for (std::size_t r = 0; r < RA; ++r) {
    if (r >= m) break;
#pragma GCC unroll 4
    for (std::size_t q = 0; q < RB; ++q) {
      if (q >= n) break;
      store_scaled(sum_lanes(acc[r][q]), alpha, beta, c + r * ldc + q);
    }
  }
}

}  // namespace

template <class T>
void gemm_dot_rows(std::size_t M, std::size_t N, std::size_t K, T alpha, const T* A, std::size_t lda, const T* b,
                   const std::ptrdiff_t* b_rows, T beta, T* C, std::size_t ldc, std::size_t count,
                   std::size_t a_step, std::size_t b_step) {
  constexpr std::size_t W = gemm_detail::Batch<T>::size;
  const std::size_t steps = (K + W - 1) / W;
  // An edge tile repeats its last row of A or B (in cache already) and stores only its own.
  for (std::size_t i0 = 0; i0 < M; i0 += RA) {
    const std::size_t m = std::min(RA, M - i0);
    const T* a[RA];
    for (std::size_t r = 0; r < RA; ++r) a[r] = A + (i0 + std::min(r, m - 1)) * lda;
    for (std::size_t j0 = 0; j0 < N; j0 += RB) {
      const std::size_t n = std::min(RB, N - j0);
      const T* bp[RB];
      for (std::size_t q = 0; q < RB; ++q) bp[q] = b + b_rows[j0 + std::min(q, n - 1)];
      dot_tile<T>(steps, count, a_step, b_step, a, bp, m, n, alpha, beta, C + i0 * ldc + j0, ldc);
    }
  }
}

template void gemm_dot_rows<float>(std::size_t, std::size_t, std::size_t, float, const float*, std::size_t,
                                   const float*, const std::ptrdiff_t*, float, float*, std::size_t, std::size_t,
                                   std::size_t, std::size_t);
template void gemm_dot_rows<double>(std::size_t, std::size_t, std::size_t, double, const double*, std::size_t,
                                    const double*, const std::ptrdiff_t*, double, double*, std::size_t, std::size_t,
                                    std::size_t, std::size_t);

}  // namespace gg
