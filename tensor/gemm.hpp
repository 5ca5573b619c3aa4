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
