// Graph dumps of gg::Tensor's recorded graphs (autograd/graph_dot.hpp): every gate with its
// sizes, the user's line and module scope, every leaf by name, constants, and the output.
#include "tensor_helpers.hpp"

#include <gategrad/autograd/graph.hpp>
#include <gategrad/autograd/graph_dot.hpp>
#include <gategrad/autograd/ops.hpp>

#include <catch2/catch.hpp>

#include <memory>
#include <string>

using Catch::Contains;
using gg::Tensor;

namespace {

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

Tensor parameter(gg::IntArrayRef sizes, std::uint64_t seed, const char* name) {
  Tensor p = gg::test::uniform(sizes, seed).requires_grad_();
  p.set_name(name);
  return p;
}

}  // namespace

TEST_CASE("the DOT graph of the two-layer loss names every gate and input", "[autograd][dot]") {
  const Tensor X = gg::test::uniform({4, 3}, 1);
  X.set_name("X");
  const Tensor W1 = parameter({3, 5}, 2, "W1");
  const Tensor b1 = gg::zeros({5}, gg::requires_grad()).set_name("b1");
  const Tensor W2 = parameter({5, 2}, 3, "W2");
  const Tensor b2 = gg::zeros({2}, gg::requires_grad()).set_name("b2");
  const Tensor y = gg::tensor({0, 1, 1, 0});
  Tensor h;
  int relu_line = 0;
  {
    gg::autograd::ScopeGuard scope(std::make_shared<const std::string>("fc1 (Linear)"));
    relu_line = __LINE__ + 1;
    h = gg::relu(gg::mm(X, W1) + b1);
  }
  const Tensor z3 = gg::mm(h, W2) + b2;
  const Tensor J = gg::cross_entropy(z3, y) + (gg::l2_penalty(W1, 0.1) + gg::l2_penalty(W2, 0.1));
  J.set_name("J");
  const std::string dot = gg::to_dot(J, "J");
  INFO(dot);
  CHECK_THAT(dot, Contains("digraph gategrad {"));
  CHECK_THAT(dot, Contains("label=\"J\";"));
  // A gate's box: name, output sizes, file and line, module.
  const std::string where = "test_graph_dot.cpp:" + std::to_string(relu_line);
  CHECK_THAT(dot, Contains("label=\"ReluGate\\n[4, 5]\\n" + where + "\\nin fc1 (Linear)\""));
  CHECK_THAT(dot, Contains("label=\"MulGate\\n[4, 5]\\n" + where + "\\nin fc1 (Linear)\""));
  CHECK_THAT(dot, Contains("label=\"AddGate\\n[4, 5]\\n" + where + "\\nin fc1 (Linear)\""));
  CHECK_THAT(dot, Contains("label=\"MulGate\\n[4, 2]\\ntest_graph_dot.cpp:"));
  CHECK_THAT(dot, Contains("label=\"SoftmaxCrossEntropyGate\\n[]\\n"));
  CHECK(count(dot, "label=\"L2PenaltyGate\\n[]\\n") == 2);
  // Only the first layer ran inside the module.
  CHECK(count(dot, "\\nin fc1 (Linear)") == 3);
  // Leaves by name, once each however often they are used (W1 twice), and the output.
  CHECK(count(dot, "label=\"W1\\n[3, 5]\"") == 1);
  CHECK(count(dot, "label=\"W2\\n[5, 2]\"") == 1);
  CHECK_THAT(dot, Contains("label=\"b1\\n[5]\""));
  CHECK_THAT(dot, Contains("label=\"b2\\n[2]\""));
  CHECK_THAT(dot, Contains("[shape=plaintext, label=\"J\\n[]\"]"));
  // X needs no gradient: a dashed constant with its sizes. (Its name cannot be shown: the graph
  // does not keep inputs that need no gradient; see autograd/graph_dot.cpp.)
  CHECK(count(dot, "style=dashed, label=\"constant\\n[4, 3]\"") == 1);
  // 2 MulGates, 4 AddGates (2 biases, 2 sums of loss terms), 1 ReluGate, 1 cross-entropy,
  // 2 penalties: 10 gate boxes. One edge per input of each gate (the matrix products and the
  // four adds 2 each, relu, cross-entropy and the penalties 1 each), and one to the output.
  CHECK(count(dot, "shape=box") == 10);
  CHECK(count(dot, " -> ") == 6 * 2 + 4 * 1 + 1);
}

TEST_CASE("graph dumps of a leaf, of a dtype other than float32, and of an undefined tensor",
          "[autograd][dot]") {
  const Tensor w = gg::ones({2, 2}, gg::dtype(gg::kFloat64).requires_grad(true)).set_name("w");
  CHECK_THAT(gg::to_dot(w),
             Contains("label=\"w\\n[2, 2]\"") && Contains("label=\"computational graph\""));
  CHECK_THAT(gg::to_dot(gg::ones({3})), Contains("label=\"leaf\\n[3]\""));
  // A float64 result says so; a Tensor method names the caller's line as a free function does.
  const std::string line = std::to_string(__LINE__ + 1);
  const std::string dot = gg::to_dot(w.t());
  CHECK_THAT(dot, Contains("label=\"TransposeGate\\n[2, 2] float64\\n") &&
                      Contains("test_graph_dot.cpp:" + line + "\"]"));
  CHECK_THAT(dot, Contains("label=\"output\\n[2, 2]\""));
  // Quotes and backslashes in names are escaped.
  const Tensor q = gg::ones({1}, gg::requires_grad()).set_name("a \"q\" \\");
  CHECK_THAT(gg::to_dot(gg::exp(q)), Contains("label=\"a \\\"q\\\" \\\\\\n[1]\""));
  CHECK_THROWS_AS(gg::to_dot(Tensor()), std::invalid_argument);
}
