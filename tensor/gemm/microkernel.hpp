#pragma once
// The micro-kernel: one MR x NR tile of C from MR rows of op(A) and an NR-column packed B
// micro-panel (layout in packing.hpp).
//   a: MR rows of op(A) over kc steps, read through an AReader (below)
//   b: kc steps of NR values of op(B), through a BReader (packed, or in place)
//   c:(MR, NR) row-major, stride ldc
//   c := alpha * a b + beta * c       (beta == 0: c is written, never read)
// It computes the full tile; an edge tile (partial = true, below) stores only its first m rows
// and n columns, with masked stores.
#include <gategrad/tensor/gemm/blocking.hpp>
#include <gategrad/tensor/gemm/simd.hpp>
#include <gategrad/tensor/gemm/store.hpp>

#include <algorithm>
#include <cstddef>

namespace gg::gemm_detail {

// AReaders: a(i) is op(A)(i, p) at the current k step p; next() moves to p + 1.
// A packed micro-panel (packing.hpp): MR values per k.
template <class T>
struct PackedA {
  const T* p;
  T operator()(std::size_t i) const { return p[i]; }
  void next() { p += Blocking<T>::MR; }
};
// A used in place when stored (K, M) (Trans::Yes): the MR values of one k are contiguous.
template <class T>
struct ColumnsOfA {
  const T* p;
  std::size_t ld;
  T operator()(std::size_t i) const { return p[i]; }
  void next() { p += ld; }
};
// A used in place when stored (M, K) (Trans::No): MR rows, each contiguous in k.
template <class T>
struct RowsOfA {
  const T* p;
  std::size_t ld;
  T operator()(std::size_t i) const { return p[i * ld]; }
  void next() { ++p; }
};

// BReaders: b(v) is vector v of op(B)(p, j0 .. j0 + NR) at the current k step p.
// A packed micro-panel (packing.hpp): NR values per k, 64-byte aligned.
template <class T>
struct PackedB {
  const T* p;
  Batch<T> operator()(std::size_t v) const { return Batch<T>::load_aligned(p + v * Batch<T>::size); }
  void next() { p += Blocking<T>::NR; }
};
// B used in place when stored (K, N) (Trans::No): NR contiguous values per k, rows ld apart.
template <class T>
struct RowsOfB {
  const T* p;
  std::size_t ld;
  Batch<T> operator()(std::size_t v) const { return Batch<T>::load_unaligned(p + v * Batch<T>::size); }
  void next() { p += ld; }
};

// B given row by row (gemm_b_rows): row p of op(B) starts at base + rows[p], rows contiguous.
// The stride-1 convolution's B, whose rows are the shifted rows of a padded image.
template <class T>
struct OffsetRowsOfB {
  const T* base;
  const std::ptrdiff_t* rows;
  Batch<T> operator()(std::size_t v) const { return Batch<T>::load_unaligned(base + *rows + v * Batch<T>::size); }
  void next() { ++rows; }
};

// NV vectors of each B step are used (NV < Blocking::NV for a narrow edge panel, so a tile
// with at most W valid columns costs half); the packed B stride stays NR either way.
// An edge tile (partial = true) writes only its first m rows and n columns to C (masked
// stores), so edge tiles need no copy through a local tile. Rows (<= MR) is the number of rows
// the kernel computes: an edge tile of m <= Rows rows takes the kernel of the smallest Rows in
// {4, 8, MR} that covers it (macro_kernel), so a 64-row C costs 4 tiles of 14 and one of 8
// instead of 5 of 14, and a 32-row one 2 of 14 and one of 4 instead of 3 of 14.
template <class T, std::size_t NV = Blocking<T>::NV, bool partial = false,
          std::size_t Rows = Blocking<T>::MR, class AReader, class BReader>
[[gnu::always_inline]] inline void micro_kernel(std::size_t kc, AReader a, BReader b, T alpha, T beta,
                         T* __restrict c, std::size_t ldc, std::size_t m = Blocking<T>::MR,
                         std::size_t n = Blocking<T>::NR) {
  using V = Batch<T>;
  constexpr std::size_t MR = Rows;
  static_assert(Rows <= Blocking<T>::MR, "a kernel computes at most MR rows");
  constexpr std::size_t W = Blocking<T>::W;

  V acc[MR][NV];
#pragma GCC unroll 32
  for (std::size_t i = 0; i < MR; ++i) {
#pragma GCC unroll 4
    for (std::size_t v = 0; v < NV; ++v) acc[i][v] = V(T(0));
  }

  // One k step: NV vectors of B times MR broadcasts of A.
  const auto step = [&]() {
    V bv[NV];
#pragma GCC unroll 4
    for (std::size_t v = 0; v < NV; ++v) bv[v] = b(v);
#pragma GCC unroll 32
    for (std::size_t i = 0; i < MR; ++i) {
      const V ai(a(i));
#pragma GCC unroll 4
      for (std::size_t v = 0; v < NV; ++v) acc[i][v] = multiply_add(ai, bv[v], acc[i][v]);
    }
    a.next();
    b.next();
  };

  // The C tile is written at the end and is usually not in cache. Fetch it into L2 one row
  // every few k steps, over the first half of the loop: issued all at once (or into L1, where
  // rows 4 KiB apart collide in one set) the misses stall the A and B streams. Measured on a
  // 14 x 32 tile streaming 1 MiB of packed A with ldc = 1024: 143 GFLOP/s with all prefetches
  // up front, 157 with none, 165-170 spread like this, 173 with C hot in L1.
  const std::size_t steps_per_row = std::min<std::size_t>(8, std::max<std::size_t>(1, kc / (2 * MR)));
  const std::size_t rows_to_fetch = partial ? m : MR;  // never address rows past C
  std::size_t p = 0;
  for (std::size_t i = 0; i < rows_to_fetch && p + steps_per_row <= kc; ++i) {
    __builtin_prefetch(c + i * ldc, 1, 2);
    __builtin_prefetch(c + i * ldc + (partial ? n : NV * W) - 1, 1, 2);
    for (std::size_t s = 0; s < steps_per_row; ++s) step();
    p += steps_per_row;
  }
  for (; p < kc; ++p) step();

  if constexpr (partial) {
    // Unrolled over the kernel's rows with an early exit: a loop to the run-time m indexes acc
    // at run time, which spills every accumulator to the stack (with K = 25, a 5x5 kernel on
    // one channel, that stack traffic cost as much as the k loop).
#pragma GCC unroll 32
    for (std::size_t i = 0; i < MR; ++i) {
      if (i >= m) break;
#pragma GCC unroll 4
      for (std::size_t v = 0; v < NV; ++v) {
        if (v * W >= n) break;
        store_scaled_first(acc[i][v], std::min(W, n - v * W), alpha, beta, c + i * ldc + v * W);
      }
    }
  } else {
#pragma GCC unroll 32
    for (std::size_t i = 0; i < MR; ++i) {
#pragma GCC unroll 4
      for (std::size_t v = 0; v < NV; ++v) store_scaled(acc[i][v], alpha, beta, c + i * ldc + v * W);
    }
  }
}

// One m x n tile (m <= MR, n <= NR) on the kernel that fits it: the full one, or for an edge
// tile the one of the fewest rows (4, 8 or MR) and vectors (1 or NV) that covers it.
template <class T, class AReader, class BReader>
[[gnu::always_inline]] inline void tile_kernel(std::size_t kc, AReader a, BReader b, T alpha, T beta, T* c, std::size_t ldc, std::size_t m,
                        std::size_t n) {
  constexpr std::size_t MR = Blocking<T>::MR, NR = Blocking<T>::NR, W = Blocking<T>::W;
  if (m == MR && n == NR) return micro_kernel(kc, a, b, alpha, beta, c, ldc);
  const auto edge = [&]<std::size_t NV>(std::integral_constant<std::size_t, NV>) {
    if constexpr (MR > 4) {
      if (m <= 4) return micro_kernel<T, NV, true, 4>(kc, a, b, alpha, beta, c, ldc, m, n);
    }
    if constexpr (MR > 8) {
      if (m <= 8) return micro_kernel<T, NV, true, 8>(kc, a, b, alpha, beta, c, ldc, m, n);
    }
    micro_kernel<T, NV, true>(kc, a, b, alpha, beta, c, ldc, m, n);
  };
  if (n <= W) return edge(std::integral_constant<std::size_t, 1>{});
  edge(std::integral_constant<std::size_t, Blocking<T>::NV>{});
}

}  // namespace gg::gemm_detail
