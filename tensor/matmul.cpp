#include <gategrad/tensor/matmul.hpp>

#include <string>

namespace gg {

template <class T>
void matmul_into(Array<T>& out, const Array<T>& a, const Array<T>& b, Trans trans_a,
                 Trans trans_b) {
  const auto describe = [](const Array<T>& t, Trans tr) {
    return to_string(t.shape()) + (tr == Trans::Yes ? " transposed" : "");
  };
  if (a.dim() != 2 || b.dim() != 2) {
    throw ShapeError("matmul: got shapes " + describe(a, trans_a) + " and " +
                     describe(b, trans_b) + ", expected two matrices (rank 2)");
  }
  const bool ta = trans_a == Trans::Yes, tb = trans_b == Trans::Yes;
  const std::size_t M = a.shape()[ta ? 1 : 0], K = a.shape()[ta ? 0 : 1];
  const std::size_t Kb = b.shape()[tb ? 1 : 0], N = b.shape()[tb ? 0 : 1];
  if (K != Kb) {
    throw ShapeError("matmul: shapes " + describe(a, trans_a) + " and " + describe(b, trans_b) +
                     " are not aligned: (M, K) x (K, N) needs equal inner sizes, got K = " +
                     std::to_string(K) + " and " + std::to_string(Kb));
  }
  if (out.shape() != Shape{M, N}) out = Array<T>::empty(Shape{M, N});
  gemm<T>(trans_a, trans_b, M, N, K, T(1), a.data(), a.shape()[1], b.data(), b.shape()[1], T(0),
          out.data(), N);
}

template <class T>
Array<T> matmul(const Array<T>& a, const Array<T>& b, Trans trans_a, Trans trans_b) {
  Array<T> c = Array<T>::empty(Shape{0, 0});
  matmul_into(c, a, b, trans_a, trans_b);
  return c;
}

template void matmul_into(Array<float>&, const Array<float>&, const Array<float>&, Trans, Trans);
template void matmul_into(Array<double>&, const Array<double>&, const Array<double>&, Trans, Trans);
template Array<float> matmul(const Array<float>&, const Array<float>&, Trans, Trans);
template Array<double> matmul(const Array<double>&, const Array<double>&, Trans, Trans);

}  // namespace gg
