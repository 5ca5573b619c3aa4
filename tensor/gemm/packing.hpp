#pragma once
// Packing of op(A) and op(B) blocks into the contiguous, zero-padded micro-panel layout the
// micro-kernel streams through. The transposes are absorbed here: a block is read in place
// from whichever storage order the caller has and written in one layout.
//
//   packed A (mc x kc block): ceil(mc/MR) micro-panels, each kc steps of MR values
//       panel[p * MR + i] = op(A)(ir + i, p)   (zero for rows past mc)
//   packed B (kc x nc block): ceil(nc/NR) micro-panels, each kc steps of NR values
//       panel[p * NR + j] = op(B)(p, jr + j)   (zero for columns past nc)
// Zero padding lets the micro-kernel always compute a full MR x NR tile; edge tiles are
// trimmed when written to C (see gemm.cpp).
#include <gategrad/tensor/gemm.hpp>
#include <gategrad/tensor/gemm/simd.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#if XSIMD_WITH_AVX512F
#include <immintrin.h>
#endif

namespace gg::gemm_detail {

// dst[0:n] = src[0:n] for a short compile-time n (an MR-wide piece of a row of A): masked
// AVX-512 loads and stores where available, since n = 14 is not a whole number of vectors.
template <class T, std::size_t n>
inline void copy_short(const T* src, T* dst) {
#if XSIMD_WITH_AVX512F
  constexpr std::size_t W = 64 / sizeof(T);
  std::size_t j = 0;
  for (; j + W <= n; j += W) Batch<T>::load_unaligned(src + j).store_unaligned(dst + j);
  if constexpr (n % W != 0) {
    constexpr unsigned mask_bits = (1u << (n % W)) - 1u;
    if constexpr (sizeof(T) == 4) {
      _mm512_mask_storeu_ps(dst + j, static_cast<__mmask16>(mask_bits),
                            _mm512_maskz_loadu_ps(static_cast<__mmask16>(mask_bits), src + j));
    } else {
      _mm512_mask_storeu_pd(dst + j, static_cast<__mmask8>(mask_bits),
                            _mm512_maskz_loadu_pd(static_cast<__mmask8>(mask_bits), src + j));
    }
  }
#else
  for (std::size_t j = 0; j < n; ++j) dst[j] = src[j];
#endif
}

#if XSIMD_WITH_AVX512F
// 16 k steps of up to 16 rows: dst[q * stride + i] = rows[i][p + q] for q < 16 and
// i < rows_used <= 16 (rows of a row-major A, or rows of a B stored (N, K)). An in-register 16 x 16
// transpose: about a quarter of the cost of the element-wise gather it replaces (which was
// 5-25% of a whole GEMM on the MLP shapes).
template <class T>
inline void transpose_rows_16(const T* const* rows, std::size_t p, T* dst, std::size_t rows_used,
                              std::size_t stride) {
  static_assert(sizeof(T) == 4);
  __m512 r[16];
  for (std::size_t i = 0; i < 16; ++i) {
    r[i] = i < rows_used ? _mm512_loadu_ps(rows[i] + p) : _mm512_setzero_ps();
  }
  // Pairs of rows, then groups of four within each 128-bit lane.
  __m512 t[16];
  for (std::size_t i = 0; i < 16; i += 2) {
    t[i] = _mm512_unpacklo_ps(r[i], r[i + 1]);
    t[i + 1] = _mm512_unpackhi_ps(r[i], r[i + 1]);
  }
  __m512 u[16];  // u[4g + j]: rows 4g..4g+3 at k = 4 * lane + j
  for (std::size_t g = 0; g < 4; ++g) {
    const __m512* tg = t + 4 * g;
    u[4 * g + 0] = _mm512_shuffle_ps(tg[0], tg[2], 0x44);
    u[4 * g + 1] = _mm512_shuffle_ps(tg[0], tg[2], 0xEE);
    u[4 * g + 2] = _mm512_shuffle_ps(tg[1], tg[3], 0x44);
    u[4 * g + 3] = _mm512_shuffle_ps(tg[1], tg[3], 0xEE);
  }
  // Gather the four groups' 128-bit lanes: one vector per k holding all 16 rows.
  const auto mask = static_cast<__mmask16>((1u << rows_used) - 1u);
  for (std::size_t j = 0; j < 4; ++j) {
    const __m512 x01 = _mm512_shuffle_f32x4(u[j], u[4 + j], 0x88);
    const __m512 y01 = _mm512_shuffle_f32x4(u[j], u[4 + j], 0xDD);
    const __m512 x23 = _mm512_shuffle_f32x4(u[8 + j], u[12 + j], 0x88);
    const __m512 y23 = _mm512_shuffle_f32x4(u[8 + j], u[12 + j], 0xDD);
    _mm512_mask_storeu_ps(dst + (0 + j) * stride, mask, _mm512_shuffle_f32x4(x01, x23, 0x88));
    _mm512_mask_storeu_ps(dst + (8 + j) * stride, mask, _mm512_shuffle_f32x4(x01, x23, 0xDD));
    _mm512_mask_storeu_ps(dst + (4 + j) * stride, mask, _mm512_shuffle_f32x4(y01, y23, 0x88));
    _mm512_mask_storeu_ps(dst + (12 + j) * stride, mask, _mm512_shuffle_f32x4(y01, y23, 0xDD));
  }
}
#endif

// A row of zeros standing in for the missing rows of an edge panel (kc <= kZeroRowLength).
inline constexpr std::size_t kZeroRowLength = 512;
template <class T>
const T* zero_row() {
  alignas(64) static const T zeros[kZeroRowLength] = {};
  return zeros;
}

// The first `count` (< lanes) elements at p, zeros after them; p[count:] is not read.
template <class T>
inline Batch<T> load_first(const T* p, std::size_t count) {
#if XSIMD_WITH_AVX512F
  const auto mask = static_cast<std::uint32_t>((std::uint64_t{1} << count) - 1u);
  if constexpr (sizeof(T) == 4) {
    return _mm512_maskz_loadu_ps(static_cast<__mmask16>(mask), p);
  } else {
    return _mm512_maskz_loadu_pd(static_cast<__mmask8>(mask), p);
  }
#else
  alignas(64) T lanes[Batch<T>::size] = {};
  for (std::size_t j = 0; j < count; ++j) lanes[j] = p[j];
  return Batch<T>::load_aligned(lanes);
#endif
}

// a points at op(A)(0, 0) of the block: A + i0*lda + p0 (Trans::No) or A + p0*lda + i0 (Yes).
template <class T, std::size_t MR>
void pack_a(Trans trans_a, std::size_t mc, std::size_t kc, const T* a, std::size_t lda, T* dst) {
  if (trans_a == Trans::No) {
    for (std::size_t ir = 0; ir < mc; ir += MR) {
      // Gather one k from each of the panel's rows so that the writes stay contiguous.
      const std::size_t m = std::min(MR, mc - ir);
      T* panel = dst + ir * kc;
      const T* rows[MR];
      for (std::size_t i = 0; i < MR; ++i) rows[i] = a + (ir + std::min(i, m - 1)) * lda;
      if (m == MR) {
        std::size_t p = 0;
#if XSIMD_WITH_AVX512F
        if constexpr (sizeof(T) == 4 && MR <= 16) {
          for (; p + 16 <= kc; p += 16) transpose_rows_16(rows, p, panel + p * MR, MR, MR);
        }
#endif
        for (; p < kc; ++p) {
#pragma GCC unroll 16
          for (std::size_t i = 0; i < MR; ++i) panel[p * MR + i] = rows[i][p];
        }
      } else {
        for (std::size_t p = 0; p < kc; ++p) {
          for (std::size_t i = 0; i < MR; ++i) panel[p * MR + i] = i < m ? rows[i][p] : T(0);
        }
      }
    }
    return;
  }
  // A stored (K, M): walk A row by row (contiguous reads), scattering MR-wide pieces to the
  // panels; walking one panel at a time would stride through A by lda per element.
  const std::size_t full = mc / MR * MR;
  for (std::size_t p = 0; p < kc; ++p) {
    const T* src = a + p * lda;
    for (std::size_t ir = 0; ir < full; ir += MR) {
      copy_short<T, MR>(src + ir, dst + ir * kc + p * MR);
    }
    if (full < mc) {
      T* out = dst + full * kc + p * MR;
      for (std::size_t i = 0; i < mc - full; ++i) out[i] = src[full + i];
      for (std::size_t i = mc - full; i < MR; ++i) out[i] = T(0);
    }
  }
}

// A kc x nc block of op(B) whose column j is the kc contiguous values from column(j) on (a row
// of a B stored (N, K), or a shifted row of a padded image: gemm_b_columns).
template <class T, std::size_t NR, class Column>
void pack_b_columns(std::size_t kc, std::size_t nc, const Column& column, T* dst) {
  for (std::size_t jr = 0; jr < nc; jr += NR) {
    const std::size_t n = std::min(NR, nc - jr);
    T* panel = dst + jr * kc;
#if XSIMD_WITH_AVX512F
    if constexpr (sizeof(T) == 4 && NR % 16 == 0) {
      if (kc <= kZeroRowLength) {
        // Columns past nc read a row of zeros, so the edge panel (18 of 32 columns for an
        // MLP's 50 outputs) is transposed like a full one and comes out zero-padded: written
        // element by element it was 15% of a 3072-50-10 training step.
        const T* rows[NR];
        for (std::size_t j = 0; j < NR; ++j) rows[j] = j < n ? column(jr + j) : zero_row<T>();
        std::size_t p = 0;
        for (; p + 16 <= kc; p += 16) {
          for (std::size_t j = 0; j < NR; j += 16) {
            transpose_rows_16(rows + j, p, panel + p * NR + j, 16, NR);
          }
        }
        for (; p < kc; ++p) {
          for (std::size_t j = 0; j < NR; ++j) panel[p * NR + j] = rows[j][p];
        }
        continue;
      }
    }
#endif
    for (std::size_t j = 0; j < n; ++j) {
      const T* src = column(jr + j);
      for (std::size_t p = 0; p < kc; ++p) panel[p * NR + j] = src[p];
    }
    for (std::size_t j = n; j < NR; ++j) {
      for (std::size_t p = 0; p < kc; ++p) panel[p * NR + j] = T(0);
    }
  }
}

// b points at op(B)(0, 0) of the block: B + p0*ldb + j0 (Trans::No) or B + j0*ldb + p0 (Yes).
template <class T, std::size_t NR>
void pack_b(Trans trans_b, std::size_t kc, std::size_t nc, const T* b, std::size_t ldb, T* dst) {
  if (trans_b == Trans::No) {
    // Walk B row by row (contiguous reads), scattering NR-wide pieces to the panels.
    const std::size_t full = nc / NR * NR;
    for (std::size_t p = 0; p < kc; ++p) {
      const T* src = b + p * ldb;
      for (std::size_t jr = 0; jr < full; jr += NR) {
        T* out = dst + jr * kc + p * NR;
#pragma GCC unroll 4
        for (std::size_t v = 0; v < NR; v += Batch<T>::size) {
          Batch<T>::load_unaligned(src + jr + v).store_aligned(out + v);
        }
      }
      if (full < nc) {
        // The last, partial panel (narrow N: 50 of 64 columns for an MLP's 50 outputs) with
        // masked loads rather than element by element.
        T* out = dst + full * kc + p * NR;
        constexpr std::size_t W = Batch<T>::size;
        for (std::size_t v = 0; v < NR; v += W) {
          const std::size_t first = full + v;
          const Batch<T> x = first + W <= nc ? Batch<T>::load_unaligned(src + first)
                             : first < nc    ? load_first(src + first, nc - first)
                                             : Batch<T>(T(0));
          x.store_aligned(out + v);
        }
      }
    }
    return;
  }
  // B stored (N, K): each column of op(B) is a contiguous row of B.
  pack_b_columns<T, NR>(kc, nc, [&](std::size_t j) { return b + j * ldb; }, dst);
}

}  // namespace gg::gemm_detail
