#pragma once
// Matrix product of rank-2 tensors through gg::gemm (tensor/gemm.hpp).
#include <gategrad/tensor/gemm.hpp>
#include <gategrad/tensor/array.hpp>

namespace gg {

// op(a):(M,K) x op(b):(K,N) -> (M,N), where op transposes when asked, without copying.
// Throws ShapeError naming both shapes unless both are matrices with matching inner sizes.
template <class T>
Array<T> matmul(const Array<T>& a, const Array<T>& b, Trans trans_a = Trans::No,
                 Trans trans_b = Trans::No);

// The same product written into `out`, whose storage is reused when it already has the shape
// (M, N) (it is replaced otherwise). `out` must not share storage with a or b.
template <class T>
void matmul_into(Array<T>& out, const Array<T>& a, const Array<T>& b, Trans trans_a = Trans::No,
                 Trans trans_b = Trans::No);

}  // namespace gg
