// The specification every fast GEMM kernel is tested against: a plain triple loop.
// C:(M,N) := alpha * op(A):(M,K) * op(B):(K,N) + beta * C, row-major.
#include <gategrad/tensor/gemm.hpp>
#include <gategrad/tensor/gemm/check.hpp>

#include <cstddef>

namespace gg {

template <class T>
void gemm_reference(Trans trans_a, Trans trans_b, std::size_t M, std::size_t N, std::size_t K,
                    T alpha, const T* A, std::size_t lda, const T* B, std::size_t ldb, T beta,
                    T* C, std::size_t ldc) {
  gemm_detail::check_gemm_args("gemm_reference", trans_a, trans_b, M, N, K, A, lda, B, ldb, C,
                               ldc);
  for (std::size_t i = 0; i < M; ++i) {
    for (std::size_t j = 0; j < N; ++j) {
      T sum = 0;
      for (std::size_t k = 0; k < K; ++k) {
        const T a = trans_a == Trans::Yes ? A[k * lda + i] : A[i * lda + k];
        const T b = trans_b == Trans::Yes ? B[j * ldb + k] : B[k * ldb + j];
        sum += a * b;
      }
      T& c = C[i * ldc + j];
      c = beta == T(0) ? alpha * sum : alpha * sum + beta * c;  // beta == 0 never reads C
    }
  }
}

template void gemm_reference<float>(Trans, Trans, std::size_t, std::size_t, std::size_t, float,
                                    const float*, std::size_t, const float*, std::size_t, float,
                                    float*, std::size_t);
template void gemm_reference<double>(Trans, Trans, std::size_t, std::size_t, std::size_t,
                                     double, const double*, std::size_t, const double*,
                                     std::size_t, double, double*, std::size_t);

}  // namespace gg
