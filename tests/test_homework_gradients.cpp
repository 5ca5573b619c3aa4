// The homework's hand-derived gradients of the regularised two-layer net, in float64:
//   z2 = X W1 + b1, a2 = relu(z2), z3 = a2 W2 + b2, J = CE(z3, y) + lambda (|W1|^2 + |W2|^2)
// Each closed form is computed with plain tensor ops and compared with autograd to 1e-10.
#include "helpers.hpp"

#include <gategrad/autograd/autograd.hpp>

#include <catch2/catch.hpp>

using gg::Shape;
using gg::ArrayD;
using gg::Trans;
using gg::VarD;

namespace {

constexpr double kLambda = 0.05;
constexpr double kRtol = 1e-10;

struct TwoLayerNet {
  // N = 6 samples, D = 5 inputs, H = 4 hidden units, C = 3 classes.
  ArrayD X = gg::test::random_tensor<double>({6, 5}, 1);
  std::vector<std::int64_t> y = {0, 2, 1, 2, 0, 1};
  VarD W1{gg::test::random_tensor<double>({5, 4}, 2), true};
  VarD b1{gg::test::random_tensor<double>({4}, 3), true};
  VarD W2{gg::test::random_tensor<double>({4, 3}, 4), true};
  VarD b2{gg::test::random_tensor<double>({3}, 5), true};

  // Forward with autograd, then backward from J.
  TwoLayerNet() {
    const VarD z2 = gg::matmul(VarD(X), W1) + b1;
    const VarD z3 = gg::matmul(gg::relu(z2), W2) + b2;
    const VarD J = gg::cross_entropy(z3, y) + (gg::l2_penalty(W1, kLambda) + gg::l2_penalty(W2, kLambda));
    J.backward();
  }

  // The same forward with plain tensors, for the closed forms.
  ArrayD z2() const { return gg::matmul(X, W1.data()) + b1.data(); }
  ArrayD a2() const { return gg::relu(z2()); }
  ArrayD z3() const { return gg::matmul(a2(), W2.data()) + b2.data(); }
  // (softmax(z3) - Delta) / N, Delta the one-hot labels.
  ArrayD G() const {
    ArrayD g = gg::softmax(z3());
    for (std::size_t i = 0; i < y.size(); ++i) g.at({i, static_cast<std::size_t>(y[i])}) -= 1.0;
    return g / static_cast<double>(y.size());
  }
  // The bracket of dJ/dW1: 1[z2 > 0] * (G W2^T).
  ArrayD hidden_delta() const {
    const ArrayD upstream = gg::matmul(G(), W2.data(), Trans::No, Trans::Yes);
    return gg::relu_backward(a2(), upstream);
  }
};

}  // namespace

TEST_CASE("dJ/dz3 = (softmax(z3) - Delta) / N", "[autograd][homework]") {
  TwoLayerNet net;
  // z3 is not a leaf of the net, so it is made one: the penalty does not depend on z3.
  VarD z3(net.z3(), true);
  gg::cross_entropy(z3, net.y).backward();
  CHECK(gg::allclose(z3.grad(), net.G(), kRtol, 1e-15));
}

TEST_CASE("dJ/dW2 = a2^T (softmax(z3) - Delta) / N + 2 lambda W2", "[autograd][homework]") {
  TwoLayerNet net;
  const ArrayD want = gg::matmul(net.a2(), net.G(), Trans::Yes) + 2 * kLambda * net.W2.data();
  CHECK(gg::allclose(net.W2.grad(), want, kRtol, 1e-15));
}

TEST_CASE("dJ/db2 = column sums of (softmax(z3) - Delta) / N", "[autograd][homework]") {
  TwoLayerNet net;
  CHECK(gg::allclose(net.b2.grad(), gg::sum(net.G(), 0), kRtol, 1e-15));
}

TEST_CASE("dJ/dW1 = X^T (1[z2 > 0] * ((softmax(z3) - Delta) / N W2^T)) + 2 lambda W1",
          "[autograd][homework]") {
  TwoLayerNet net;
  const ArrayD want = gg::matmul(net.X, net.hidden_delta(), Trans::Yes) + 2 * kLambda * net.W1.data();
  CHECK(gg::allclose(net.W1.grad(), want, kRtol, 1e-15));
}

TEST_CASE("dJ/db1 = column sums of 1[z2 > 0] * ((softmax(z3) - Delta) / N W2^T)",
          "[autograd][homework]") {
  TwoLayerNet net;
  CHECK(gg::allclose(net.b1.grad(), gg::sum(net.hidden_delta(), 0), kRtol, 1e-15));
}
