#pragma once
// General matrix multiply on row-major matrices, written from scratch in the BLIS design.
//
//   C := alpha * op(A) * op(B) + beta * C      op(A):(M,K)  op(B):(K,N)  C:(M,N)
//
// Row-major storage throughout: element (i, j) of a matrix with leading dimension ld is at
// p[i * ld + j]. With Trans::No, A is stored (M,K) with lda >= K; with Trans::Yes, A is stored
// (K,M) with lda >= M and used transposed without being copied (likewise B: (K,N) ldb >= N, or
// stored (N,K) ldb >= K). beta == 0 never reads C, so C may hold NaN or garbage on entry.
// M, N or K may be 0: K == 0 scales C by beta (or zeroes it).
//
// Backprop uses the transposed variants: for Y = X W, dW = X^T dY (Trans::Yes, Trans::No) and
// dX = dY W^T (Trans::No, Trans::Yes).
#include <cstddef>

namespace gg {

enum class Trans : bool { No = false, Yes = true };

// Fast GEMM: packed panels, a register-blocked xsimd micro-kernel, cache blocking and the
// threads of gategrad's own pool (gg::num_threads()). Throws std::invalid_argument on a leading dimension too small
// for the shape.
template <class T>
void gemm(Trans trans_a, Trans trans_b, std::size_t M, std::size_t N, std::size_t K, T alpha,
          const T* A, std::size_t lda, const T* B, std::size_t ldb, T beta, T* C,
          std::size_t ldc);

// The specification: a plain triple loop (accumulating in T, k innermost) that every fast
// kernel is tested against. Same contract and checks as gemm().
template <class T>
void gemm_reference(Trans trans_a, Trans trans_b, std::size_t M, std::size_t N, std::size_t K,
                    T alpha, const T* A, std::size_t lda, const T* B, std::size_t ldb, T beta,
                    T* C, std::size_t ldc);

// A GEMM whose B is given by its rows, for the convolutions of tensor/conv.cpp (B's rows are
// shifted rows of a padded image) and whose A, the same for every image, is packed once:
//   std::vector<float> a(packed_a_size<float>(M, K));   // 64-byte aligned storage
//   pack_a_blocks<float>(M, K, A, lda, a.data());       // A (M, K) row-major, lda >= K
//   gemm_b_rows<float>(M, N, K, 1, a.data(), b, rows, 0, C, ldc);
// computes C := alpha * A * B + beta * C where row p of B is the N values from b + b_rows[p]
// on. Each row must be readable for round_up(N, 32) values (the micro-kernel loads whole
// vectors; the values past N do not reach C). On the calling thread only: the callers share
// the work out themselves. Optionally k_begin and k_end (N values each) say that column j
// of B is zero outside rows [k_begin[j], k_end[j]) (an empty range: zero throughout), so
// those rows may be skipped (a convolution's taps that fall in the padding above or below
// the image).
template <class T>
std::size_t packed_a_size(std::size_t M, std::size_t K);
template <class T>
void pack_a_blocks(std::size_t M, std::size_t K, const T* A, std::size_t lda, T* packed);
template <class T>
void gemm_b_rows(std::size_t M, std::size_t N, std::size_t K, T alpha, const T* packed_a, const T* b,
                 const std::ptrdiff_t* b_rows, T beta, T* C, std::size_t ldc, const std::size_t* k_begin = nullptr,
                 const std::size_t* k_end = nullptr);

// C := alpha * A * op(B) + beta * C with A (M, K) row-major (lda >= K) and column j of op(B)
// the K contiguous values from b + b_columns[j] on: a convolution's weight gradient, whose
// op(B) is the transposed column matrix, here read from the shifted rows of a padded image.
// On the calling thread only, as gemm_b_rows; it packs into `scratch`, which the caller
// provides (gemm_b_columns_scratch(M, N, K) elements, 64-byte aligned): a pool task that took
// its blocks from the allocator itself would make a steady-state step allocate whenever two
// tasks first ran at once.
template <class T>
std::size_t gemm_b_columns_scratch(std::size_t M, std::size_t N, std::size_t K);
template <class T>
void gemm_b_columns(std::size_t M, std::size_t N, std::size_t K, T alpha, const T* A, std::size_t lda, const T* b,
                    const std::ptrdiff_t* b_columns, T beta, T* C, std::size_t ldc, T* scratch);

// C := alpha * sum over e < count of A_e * B_e^T + beta * C with A_e (M, K) row-major from
// A + e a_step (lda >= K) and row j of B_e the K contiguous values from b + e b_step +
// b_rows[j] on: the same weight gradient as gemm_b_columns (summed over count images), as dot
// products along K with nothing packed, for few rows of C (tensor/conv.cpp says when it wins).
// The rows are read in whole vectors: A's rows must hold zeros and B's finite values from K
// up to K rounded up to 16. On the calling thread only.
template <class T>
void gemm_dot_rows(std::size_t M, std::size_t N, std::size_t K, T alpha, const T* A, std::size_t lda, const T* b,
                   const std::ptrdiff_t* b_rows, T beta, T* C, std::size_t ldc, std::size_t count = 1,
                   std::size_t a_step = 0, std::size_t b_step = 0);

extern template void gemm_dot_rows<float>(std::size_t, std::size_t, std::size_t, float, const float*, std::size_t,
                                          const float*, const std::ptrdiff_t*, float, float*, std::size_t,
                                          std::size_t, std::size_t, std::size_t);
extern template void gemm_dot_rows<double>(std::size_t, std::size_t, std::size_t, double, const double*,
                                           std::size_t, const double*, const std::ptrdiff_t*, double, double*,
                                           std::size_t, std::size_t, std::size_t, std::size_t);
extern template std::size_t gemm_b_columns_scratch<float>(std::size_t, std::size_t, std::size_t);
extern template std::size_t gemm_b_columns_scratch<double>(std::size_t, std::size_t, std::size_t);
extern template void gemm_b_columns<float>(std::size_t, std::size_t, std::size_t, float, const float*, std::size_t,
                                           const float*, const std::ptrdiff_t*, float, float*, std::size_t, float*);
extern template void gemm_b_columns<double>(std::size_t, std::size_t, std::size_t, double, const double*,
                                            std::size_t, const double*, const std::ptrdiff_t*, double, double*,
                                            std::size_t, double*);
extern template std::size_t packed_a_size<float>(std::size_t, std::size_t);
extern template std::size_t packed_a_size<double>(std::size_t, std::size_t);
extern template void pack_a_blocks<float>(std::size_t, std::size_t, const float*, std::size_t, float*);
extern template void pack_a_blocks<double>(std::size_t, std::size_t, const double*, std::size_t, double*);
extern template void gemm_b_rows<float>(std::size_t, std::size_t, std::size_t, float, const float*, const float*,
                                        const std::ptrdiff_t*, float, float*, std::size_t, const std::size_t*,
                                        const std::size_t*);
extern template void gemm_b_rows<double>(std::size_t, std::size_t, std::size_t, double, const double*,
                                         const double*, const std::ptrdiff_t*, double, double*, std::size_t,
                                         const std::size_t*, const std::size_t*);
extern template void gemm<float>(Trans, Trans, std::size_t, std::size_t, std::size_t, float,
                                 const float*, std::size_t, const float*, std::size_t, float,
                                 float*, std::size_t);
extern template void gemm<double>(Trans, Trans, std::size_t, std::size_t, std::size_t, double,
                                  const double*, std::size_t, const double*, std::size_t,
                                  double, double*, std::size_t);
extern template void gemm_reference<float>(Trans, Trans, std::size_t, std::size_t, std::size_t,
                                           float, const float*, std::size_t, const float*,
                                           std::size_t, float, float*, std::size_t);
extern template void gemm_reference<double>(Trans, Trans, std::size_t, std::size_t,
                                            std::size_t, double, const double*, std::size_t,
                                            const double*, std::size_t, double, double*,
                                            std::size_t);

}  // namespace gg
