// Every error a user can cause through autograd names the operation, what it got and what it
// expected.
#include "helpers.hpp"

#include <gategrad/autograd/autograd.hpp>

#include <catch2/catch.hpp>

#include <string>

using Catch::Contains;
using gg::ArrayD;
using gg::ArrayF;
using gg::Var;

TEST_CASE("shape mismatches in each gate name the gate's operation and both shapes",
          "[autograd][errors]") {
  const Var a(ArrayF::ones({2, 3}), true);
  const Var b(ArrayF::ones({4, 5}), true);
  const Var c(ArrayF::ones({2}), true);
  CHECK_THROWS_WITH(gg::matmul(a, b), Contains("matmul: shapes (2, 3) and (4, 5) are not aligned"));
  CHECK_THROWS_WITH(a + c, Contains("add: shapes (2, 3) and (2,) cannot be broadcast"));
  CHECK_THROWS_WITH(a - c, Contains("sub: shapes (2, 3) and (2,) cannot be broadcast"));
  CHECK_THROWS_WITH(a * c, Contains("mul: shapes (2, 3) and (2,) cannot be broadcast"));
  CHECK_THROWS_WITH(a / c, Contains("div: shapes (2, 3) and (2,) cannot be broadcast"));
  CHECK_THROWS_WITH(gg::reshape(a, {4}), Contains("reshape: cannot reshape (2, 3) (6 elements) into (4,)"));
  CHECK_THROWS_WITH(gg::transpose(c), Contains("transpose: got shape (2,), expected a matrix"));
  CHECK_THROWS_WITH(gg::sum(a, 2), Contains("sum: axis 2 is out of range for shape (2, 3)"));
  CHECK_THROWS_WITH(gg::mean(a, -3), Contains("mean: axis -3 is out of range for shape (2, 3)"));
}

TEST_CASE("cross_entropy rejects labels that do not fit the logits", "[autograd][errors]") {
  const Var z(ArrayF::zeros({2, 3}), true);
  const std::vector<std::int64_t> three = {0, 1, 2};
  const std::vector<std::int64_t> bad = {0, 3};
  CHECK_THROWS_WITH(gg::cross_entropy(z, three),
                    "cross_entropy: got 3 labels for logits of shape (2, 3), expected 2");
  CHECK_THROWS_WITH(gg::cross_entropy(z, bad),
                    "cross_entropy: label 3 at index 1 is outside the 3 classes of logits (2, 3) "
                    "(expected 0 <= label < 3)");
  CHECK_THROWS_WITH(gg::cross_entropy(Var(ArrayF::zeros({3}), true), three),
                    "cross_entropy: got logits of shape (3,), expected (N, C) with N >= 1");
}

TEST_CASE("a second backward through a freed graph explains retain_graph", "[autograd][errors]") {
  const Var x(ArrayF::ones({2}), true);
  const Var y = gg::sum(gg::exp(x));
  y.backward();
  CHECK_THROWS_WITH(y.backward(), Contains("backward: the graph through SumGate (created at "));
  CHECK_THROWS_WITH(y.backward(), Contains("was freed by an earlier backward(); call backward "
                                           "with retain_graph = true the first time"));
}

TEST_CASE("backward on a non-scalar needs an explicit output gradient", "[autograd][errors]") {
  const Var x(ArrayF::ones({2, 2}), true);
  const Var y = x * 2.0f;
  CHECK_THROWS_WITH(y.backward(), "backward: got an output of shape (2, 2), expected a single "
                                  "element; pass the output's gradient explicitly with "
                                  "backward(grad_output)");
  CHECK_THROWS_WITH(y.backward(ArrayF::ones({2})),
                    "backward: got a gradient of shape (2,) for an output of shape (2, 2), "
                    "expected equal shapes");
  CHECK_THROWS_WITH(Var(ArrayF::scalar(1)).backward(), Contains("does not require grad"));
}

TEST_CASE("grad() before any backward and requires_grad on a result say what to do",
          "[autograd][errors]") {
  Var x(ArrayF::ones({3}), true);
  CHECK_THROWS_WITH(x.grad(), Contains("grad: this variable of shape (3,) has no gradient yet"));
  Var y = x * 2.0f;
  CHECK_THROWS_WITH(y.set_requires_grad(false),
                    "set_requires_grad: got the result of ElementwiseMulGate, expected a leaf; "
                    "use detach() to make a leaf from it");
  gg::Generator gen(0);
  CHECK_THROWS_WITH(gg::dropout(x, 1.5, gen), Contains("dropout: got p = 1.5"));
  CHECK_THROWS_WITH(gg::l2_penalty(x, -1.0), Contains("l2_penalty: got lambda = -1.0"));
}

TEST_CASE("anomaly mode names the gate, its shapes and the line that created it",
          "[autograd][errors]") {
  const Var x(ArrayF::from({2}, {1.0f, -1.0f}), true);
  {
    const Var y = gg::log(x);  // log(-1) = NaN, unnoticed without anomaly mode
    CHECK(std::isnan(y.data().data()[1]));
  }
  gg::AnomalyGuard anomaly;
  CHECK(gg::is_anomaly_enabled());
  CHECK_THROWS_AS(gg::log(x), gg::AnomalyError);
  CHECK_THROWS_WITH(gg::log(x), Contains("anomaly: LogGate (output shape (2,), created at "));
  // The line of the call itself, not of a library header (gg::SourceLocation's defaults are
  // evaluated at the outermost call site).
  const auto this_line = std::to_string(__LINE__ + 1);
  CHECK_THROWS_WITH(gg::log(x), Contains("test_autograd_errors.cpp:" + this_line + " (in "));
  CHECK_THROWS_WITH(gg::log(x), Contains(") produced NaN in its output of shape (2,) at flat index 1"));

  // A finite forward whose backward overflows: d/dx of x^2 scaled by 1e38 in float.
  const Var big(ArrayF::from({1}, {1e30f}), true);
  const Var z = gg::sum(big * 1e8f);
  CHECK_THROWS_WITH(z.backward(ArrayF::scalar(1e38f)),
                    Contains("produced Inf in its gradient of an input"));
}
