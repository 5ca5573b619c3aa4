#pragma once
// Argument checks shared by gemm and gemm_reference: a leading dimension too small for the
// shape, or a null pointer for a non-empty matrix, is a caller error reported with the shapes.
#include <gategrad/tensor/gemm.hpp>

#include <cstddef>
#include <stdexcept>
#include <string>

namespace gg::gemm_detail {

inline std::string gemm_shape(const char* name, Trans trans_a, Trans trans_b, std::size_t M,
                              std::size_t N, std::size_t K) {
  return std::string(name) + "(" + (trans_a == Trans::Yes ? "A^T" : "A") + " * " +
         (trans_b == Trans::Yes ? "B^T" : "B") + ", M=" + std::to_string(M) +
         " N=" + std::to_string(N) + " K=" + std::to_string(K) + ")";
}

inline void check_operand(const char* name, Trans trans_a, Trans trans_b, std::size_t M,
                          std::size_t N, std::size_t K, const char* matrix, std::size_t rows,
                          std::size_t cols, const void* data, std::size_t ld) {
  const std::string ld_name = std::string("ld") + char(matrix[0] - 'A' + 'a');
  if (ld < cols) {
    throw std::invalid_argument(gemm_shape(name, trans_a, trans_b, M, N, K) + ": " + matrix +
                                " is stored (" + std::to_string(rows) + ", " +
                                std::to_string(cols) + ") so " + ld_name + " must be >= " +
                                std::to_string(cols) + ", got " + ld_name + "=" +
                                std::to_string(ld));
  }
  if (data == nullptr && rows > 0 && cols > 0) {
    throw std::invalid_argument(gemm_shape(name, trans_a, trans_b, M, N, K) + ": " + matrix +
                                " is null but stored (" + std::to_string(rows) + ", " +
                                std::to_string(cols) + ")");
  }
}

// Throws std::invalid_argument naming `name`, the shape and the offending argument.
inline void check_gemm_args(const char* name, Trans trans_a, Trans trans_b, std::size_t M,
                            std::size_t N, std::size_t K, const void* A, std::size_t lda,
                            const void* B, std::size_t ldb, const void* C, std::size_t ldc) {
  const bool ta = trans_a == Trans::Yes;
  const bool tb = trans_b == Trans::Yes;
  check_operand(name, trans_a, trans_b, M, N, K, "A", ta ? K : M, ta ? M : K, A, lda);
  check_operand(name, trans_a, trans_b, M, N, K, "B", tb ? N : K, tb ? K : N, B, ldb);
  check_operand(name, trans_a, trans_b, M, N, K, "C", M, N, C, ldc);
}

}  // namespace gg::gemm_detail
