#include "helpers.hpp"

#include <gategrad/autograd/autograd.hpp>

#include <catch2/catch.hpp>

using Catch::Contains;
using gg::ArrayF;
using gg::Var;

TEST_CASE("the DOT graph of the two-layer loss names every gate and input", "[autograd][dot]") {
  const Var X = Var(gg::test::random_tensor<float>({4, 3}, 1)).set_name("X");
  const Var W1 = Var(gg::test::random_tensor<float>({3, 5}, 2), true).set_name("W1");
  const Var b1 = Var(ArrayF::zeros({5}), true).set_name("b1");
  const Var W2 = Var(gg::test::random_tensor<float>({5, 2}, 3), true).set_name("W2");
  const Var b2 = Var(ArrayF::zeros({2}), true).set_name("b2");
  const std::vector<std::int64_t> y = {0, 1, 1, 0};
  const Var z3 = gg::matmul(gg::relu(gg::matmul(X, W1) + b1), W2) + b2;
  Var J = gg::cross_entropy(z3, y) + (gg::l2_penalty(W1, 0.1) + gg::l2_penalty(W2, 0.1));
  J.set_name("J");
  const std::string dot = gg::to_dot(J, "J");
  CHECK_THAT(dot, Contains("digraph gategrad {"));
  CHECK_THAT(dot, Contains("label=\"MulGate\\n(4, 5)\""));
  CHECK_THAT(dot, Contains("label=\"MulGate\\n(4, 2)\""));
  CHECK_THAT(dot, Contains("label=\"AddGate\\n(4, 5)\""));
  CHECK_THAT(dot, Contains("label=\"ReluGate\\n(4, 5)\""));
  CHECK_THAT(dot, Contains("label=\"SoftmaxCrossEntropyGate\\n()\""));
  CHECK_THAT(dot, Contains("label=\"L2PenaltyGate\\n()\""));
  CHECK_THAT(dot, Contains("label=\"X\\n(4, 3)\""));
  CHECK_THAT(dot, Contains("label=\"W1\\n(3, 5)\""));
  CHECK_THAT(dot, Contains("label=\"b2\\n(2,)\""));
  CHECK_THAT(dot, Contains("label=\"J\\n()\""));
  // 2 MulGates, 4 AddGates (2 biases, 2 sums of loss terms), 1 ReluGate, 1 cross-entropy,
  // 2 penalties: 10 gate boxes.
  std::size_t boxes = 0;
  for (std::size_t at = dot.find("shape=box"); at != std::string::npos; at = dot.find("shape=box", at + 1)) ++boxes;
  CHECK(boxes == 10);
}
