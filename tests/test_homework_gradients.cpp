// The homework's hand-derived gradients of the regularised two-layer net on gg::Tensor, in
// float64:
//   z2 = X W1 + b1, a2 = relu(z2), z3 = a2 W2 + b2, J = CE(z3, y) + lambda (|W1|^2 + |W2|^2)
// Each closed form is computed with gg::native kernels (no autograd) and compared with the
// gradients autograd gives, to 1e-10.
#include "tensor_helpers.hpp"

#include <gategrad/autograd/ops.hpp>

#include <catch2/catch.hpp>

using gg::Tensor;
using gg::test::allclose;
namespace nt = gg::native;

namespace {

constexpr double kLambda = 0.05;
constexpr double kRtol = 1e-10;
constexpr double kAtol = 1e-15;

Tensor leaf(gg::IntArrayRef sizes, std::uint64_t seed) {
  return gg::test::uniform(sizes, seed, -2.0, 2.0, gg::kFloat64).requires_grad_();
}

struct TwoLayerNet {
  // N = 6 samples, D = 5 inputs, H = 4 hidden units, C = 3 classes.
  Tensor X = gg::test::uniform({6, 5}, 1, -2.0, 2.0, gg::kFloat64);
  Tensor y = gg::tensor({0, 2, 1, 2, 0, 1});
  Tensor W1 = leaf({5, 4}, 2);
  Tensor b1 = leaf({4}, 3);
  Tensor W2 = leaf({4, 3}, 4);
  Tensor b2 = leaf({3}, 5);

  // Forward with autograd, then backward from J.
  TwoLayerNet() {
    const Tensor z2 = gg::mm(X, W1) + b1;
    const Tensor z3 = gg::mm(gg::relu(z2), W2) + b2;
    const Tensor J =
        gg::cross_entropy(z3, y) + (gg::l2_penalty(W1, kLambda) + gg::l2_penalty(W2, kLambda));
    J.backward();
  }

  // The same forward with plain kernels, for the closed forms.
  Tensor z2() const { return nt::add(nt::mm(X, W1), b1); }
  Tensor a2() const { return nt::relu(z2()); }
  Tensor z3() const { return nt::add(nt::mm(a2(), W2), b2); }
  // (softmax(z3) - Delta) / N, Delta the one-hot labels.
  Tensor G() const {
    Tensor g = nt::clone(nt::softmax(z3(), 1));
    const std::int64_t N = y.size(0), C = g.size(1);
    double* p = g.data_ptr<double>();
    const std::int64_t* labels = y.data_ptr<std::int64_t>();
    for (std::int64_t i = 0; i < N; ++i) p[i * C + labels[i]] -= 1.0;
    return nt::div(g, static_cast<double>(N));
  }
  // The bracket of dJ/dW1: 1[z2 > 0] * (G W2^T).
  Tensor hidden_delta() const {
    const Tensor upstream = nt::mm(G(), W2.t());
    return nt::mul(upstream, nt::gt(z2(), 0));
  }
};

}  // namespace

TEST_CASE("dJ/dz3 = (softmax(z3) - Delta) / N", "[autograd][homework]") {
  TwoLayerNet net;
  // z3 is not a leaf of the net, so it is made one: the penalty does not depend on z3.
  const Tensor z3 = net.z3().requires_grad_();
  gg::cross_entropy(z3, net.y).backward();
  CHECK(allclose(z3.grad(), net.G(), kRtol, kAtol));
}

TEST_CASE("dJ/dW2 = a2^T (softmax(z3) - Delta) / N + 2 lambda W2", "[autograd][homework]") {
  TwoLayerNet net;
  const Tensor want = nt::add(nt::mm(net.a2().t(), net.G()), nt::mul(net.W2, 2 * kLambda));
  CHECK(allclose(net.W2.grad(), want, kRtol, kAtol));
}

TEST_CASE("dJ/db2 = column sums of (softmax(z3) - Delta) / N", "[autograd][homework]") {
  TwoLayerNet net;
  CHECK(allclose(net.b2.grad(), nt::sum(net.G(), {0}), kRtol, kAtol));
}

TEST_CASE("dJ/dW1 = X^T (1[z2 > 0] * ((softmax(z3) - Delta) / N W2^T)) + 2 lambda W1",
          "[autograd][homework]") {
  TwoLayerNet net;
  const Tensor want = nt::add(nt::mm(net.X.t(), net.hidden_delta()), nt::mul(net.W1, 2 * kLambda));
  CHECK(allclose(net.W1.grad(), want, kRtol, kAtol));
}

TEST_CASE("dJ/db1 = column sums of 1[z2 > 0] * ((softmax(z3) - Delta) / N W2^T)",
          "[autograd][homework]") {
  TwoLayerNet net;
  CHECK(allclose(net.b1.grad(), nt::sum(net.hidden_delta(), {0}), kRtol, kAtol));
}

TEST_CASE("the closed forms are not trivially satisfied", "[autograd][homework]") {
  // Some hidden units are off (so the ReLU mask matters) and the penalty term is not negligible.
  TwoLayerNet net;
  const std::vector<double> mask = gg::test::values<double>(nt::gt(net.z2(), 0));
  std::size_t off = 0;
  for (double m : mask) off += m == 0.0 ? 1 : 0;
  CHECK(off > 0);
  CHECK(off < mask.size());
  CHECK_FALSE(allclose(net.W2.grad(), nt::mm(net.a2().t(), net.G()), 1e-3, 1e-3));
}

TEST_CASE("the fused L2 penalty and its composition agree in value and gradient",
          "[autograd][homework]") {
  const Tensor W = leaf({4, 3}, 6);
  const Tensor V = gg::native::clone(W).requires_grad_();
  const Tensor fused = gg::l2_penalty(W, kLambda);
  const Tensor composed = gg::sum(V * V) * kLambda;
  CHECK(fused.item<double>() == Approx(composed.item<double>()).epsilon(1e-14));
  fused.backward();
  composed.backward();
  CHECK(allclose(W.grad(), V.grad(), 1e-14, kAtol));
  CHECK(allclose(W.grad(), nt::mul(W, 2 * kLambda), 1e-14, kAtol));
}
