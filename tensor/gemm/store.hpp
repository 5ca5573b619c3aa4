#pragma once
// Writing results to C: c := alpha * value + beta * c, where beta == 0 never reads c (C may
// hold NaN on entry). Whole vectors, the first `count` lanes of a vector (masked on AVX-512),
// or single elements.
#include <gategrad/tensor/gemm/simd.hpp>

#include <cstddef>
#include <cstdint>
#if XSIMD_WITH_AVX512F
#include <immintrin.h>
#endif

namespace gg::gemm_detail {

template <class T>
inline void store_scaled(T value, T alpha, T beta, T* c) {
  *c = beta == T(0) ? alpha * value : alpha * value + beta * *c;
}

template <class T>
inline void store_scaled(const Batch<T>& value, T alpha, T beta, T* c) {
  using V = Batch<T>;
  if (beta == T(0)) {
    (V(alpha) * value).store_unaligned(c);
  } else {
    multiply_add(V(beta), V::load_unaligned(c), V(alpha) * value).store_unaligned(c);
  }
}

// The first `count` lanes of value (count <= lanes); c[count:] is neither read nor written.
template <class T>
inline void store_scaled_first(const Batch<T>& value, std::size_t count, T alpha, T beta, T* c) {
  using V = Batch<T>;
#if XSIMD_WITH_AVX512F
  const auto mask = static_cast<std::uint32_t>((std::uint64_t{1} << count) - 1u);
  const V scaled = V(alpha) * value;
  if constexpr (sizeof(T) == 4) {
    const auto m = static_cast<__mmask16>(mask);
    const __m512 out = beta == T(0) ? __m512(scaled)
                                    : _mm512_fmadd_ps(_mm512_set1_ps(beta),
                                                      _mm512_maskz_loadu_ps(m, c), scaled);
    _mm512_mask_storeu_ps(c, m, out);
  } else {
    const auto m = static_cast<__mmask8>(mask);
    const __m512d out = beta == T(0) ? __m512d(scaled)
                                     : _mm512_fmadd_pd(_mm512_set1_pd(beta),
                                                       _mm512_maskz_loadu_pd(m, c), scaled);
    _mm512_mask_storeu_pd(c, m, out);
  }
#else
  alignas(64) T lanes[V::size];
  value.store_aligned(lanes);
  for (std::size_t j = 0; j < count; ++j) store_scaled(lanes[j], alpha, beta, c + j);
#endif
}

}  // namespace gg::gemm_detail
