#pragma once
// GEMM for a few rows (M <= Blocking<T>::small_m), reading B in place: with so few rows,
// packing B would copy as many elements as the multiply touches, so it would only add work.
// This is the batch-1 inference path (essentially GEMV).
//   a: op(A)(i, k) = a[i * a_row + k * a_col]      c:(R, N) row-major, stride ldc
//   B not transposed: b:(K, N) stride ldb; rows of C are built as sums of scaled rows of B.
//   B transposed:     b:(N, K) stride ldb; each C element is a dot product over K.
#include <gategrad/tensor/gemm/simd.hpp>
#include <gategrad/tensor/gemm/store.hpp>

#include <algorithm>
#include <cstddef>

namespace gg::gemm_detail {

// R rows x (JB vectors) of C: C(r, j) = sum_k op(A)(r, k) B(k, j).
template <class T, std::size_t R, std::size_t JB>
inline void rows_times_b(std::size_t K, const T* a, std::size_t a_row, std::size_t a_col,
                         const T* b, std::size_t ldb, T alpha, T beta, T* c, std::size_t ldc) {
  using V = Batch<T>;
  constexpr std::size_t W = V::size;
  V acc[R][JB];
#pragma GCC unroll 16
  for (std::size_t r = 0; r < R; ++r) {
#pragma GCC unroll 16
    for (std::size_t v = 0; v < JB; ++v) acc[r][v] = V(T(0));
  }
  for (std::size_t k = 0; k < K; ++k) {
    const T* brow = b + k * ldb;
    V bv[JB];
#pragma GCC unroll 16
    for (std::size_t v = 0; v < JB; ++v) bv[v] = V::load_unaligned(brow + v * W);
#pragma GCC unroll 16
    for (std::size_t r = 0; r < R; ++r) {
      const V ar(a[r * a_row + k * a_col]);
#pragma GCC unroll 16
      for (std::size_t v = 0; v < JB; ++v) acc[r][v] = multiply_add(ar, bv[v], acc[r][v]);
    }
  }
#pragma GCC unroll 16
  for (std::size_t r = 0; r < R; ++r) {
#pragma GCC unroll 16
    for (std::size_t v = 0; v < JB; ++v) store_scaled(acc[r][v], alpha, beta, c + r * ldc + v * W);
  }
}

// R rows x JD columns of C with B stored (N, K): C(r, j) = dot(op(A)(r, :), B(j, :)).
// a_col must be 1 here (the caller copies a transposed A into contiguous rows first).
template <class T, std::size_t R, std::size_t JD>
inline void rows_dot_bt(std::size_t K, const T* a, std::size_t a_row, const T* b,
                        std::size_t ldb, T alpha, T beta, T* c, std::size_t ldc) {
  using V = Batch<T>;
  constexpr std::size_t W = V::size;
  V acc[R][JD];
#pragma GCC unroll 16
  for (std::size_t r = 0; r < R; ++r) {
#pragma GCC unroll 16
    for (std::size_t j = 0; j < JD; ++j) acc[r][j] = V(T(0));
  }
  std::size_t k = 0;
  for (; k + W <= K; k += W) {
    V bv[JD];
#pragma GCC unroll 16
    for (std::size_t j = 0; j < JD; ++j) bv[j] = V::load_unaligned(b + j * ldb + k);
#pragma GCC unroll 16
    for (std::size_t r = 0; r < R; ++r) {
      const V ar = V::load_unaligned(a + r * a_row + k);
#pragma GCC unroll 16
      for (std::size_t j = 0; j < JD; ++j) acc[r][j] = multiply_add(ar, bv[j], acc[r][j]);
    }
  }
  for (std::size_t r = 0; r < R; ++r) {
    for (std::size_t j = 0; j < JD; ++j) {
      T sum = sum_lanes(acc[r][j]);
      for (std::size_t kk = k; kk < K; ++kk) sum += a[r * a_row + kk] * b[j * ldb + kk];
      store_scaled(sum, alpha, beta, c + r * ldc + j);
    }
  }
}

// R rows of C, columns [0, N).
template <class T, std::size_t R>
void small_m_rows(bool b_transposed, std::size_t N, std::size_t K, const T* a, std::size_t a_row,
                  std::size_t a_col, const T* b, std::size_t ldb, T alpha, T beta, T* c,
                  std::size_t ldc) {
  constexpr std::size_t W = Batch<T>::size;
  std::size_t j = 0;
  if (!b_transposed) {
    // Up to 16 accumulators: the widest strip of C that stays in registers.
    constexpr std::size_t JB = std::max<std::size_t>(1, 16 / R);
    for (; j + JB * W <= N; j += JB * W) {
      rows_times_b<T, R, JB>(K, a, a_row, a_col, b + j, ldb, alpha, beta, c + j, ldc);
    }
    constexpr std::size_t half = std::max<std::size_t>(1, JB / 2);  // e.g. a thread's half of N
    for (; j + half * W <= N; j += half * W) {
      rows_times_b<T, R, half>(K, a, a_row, a_col, b + j, ldb, alpha, beta, c + j, ldc);
    }
    for (; j + W <= N; j += W) {
      rows_times_b<T, R, 1>(K, a, a_row, a_col, b + j, ldb, alpha, beta, c + j, ldc);
    }
    for (; j < N; ++j) {
      for (std::size_t r = 0; r < R; ++r) {
        T sum = 0;
        for (std::size_t k = 0; k < K; ++k) sum += a[r * a_row + k * a_col] * b[k * ldb + j];
        store_scaled(sum, alpha, beta, c + r * ldc + j);
      }
    }
  } else {
    constexpr std::size_t JD = 4;
    for (; j + JD <= N; j += JD) {
      rows_dot_bt<T, R, JD>(K, a, a_row, b + j * ldb, ldb, alpha, beta, c + j, ldc);
    }
    for (; j < N; ++j) rows_dot_bt<T, R, 1>(K, a, a_row, b + j * ldb, ldb, alpha, beta, c + j, ldc);
  }
}

}  // namespace gg::gemm_detail
