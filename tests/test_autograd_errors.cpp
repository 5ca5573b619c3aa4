// Every error a user can cause through autograd on gg::Tensor names the operation, what it got
// and what it expected.
#include <gategrad/autograd/grad_mode.hpp>  // AnomalyError
#include <gategrad/autograd/ops.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <string>

using Catch::Contains;
using Catch::StartsWith;
using gg::Tensor;

TEST_CASE("shape mismatches in each gate name the gate's operation and both sizes",
          "[autograd][errors]") {
  const Tensor a = gg::ones({2, 3}, gg::requires_grad());
  const Tensor b = gg::ones({4, 5}, gg::requires_grad());
  const Tensor c = gg::ones({2}, gg::requires_grad());
  CHECK_THROWS_AS(gg::mm(a, b), gg::ShapeError);
  CHECK_THROWS_WITH(gg::mm(a, b), StartsWith("mm: a is [2, 3] and b is [4, 5]"));
  CHECK_THROWS_WITH(gg::matmul(a, b), StartsWith("matmul: a is [2, 3] and b is [4, 5]: a's size 1 (3) must equal b's size 0 (4)"));
  CHECK_THROWS_WITH(a + c, StartsWith("add: sizes [2, 3] and [2] do not broadcast"));
  CHECK_THROWS_WITH(a - c, StartsWith("sub: sizes [2, 3] and [2] do not broadcast"));
  CHECK_THROWS_WITH(a * c, StartsWith("mul: sizes [2, 3] and [2] do not broadcast"));
  CHECK_THROWS_WITH(a / c, StartsWith("div: sizes [2, 3] and [2] do not broadcast"));
  CHECK_THROWS_AS(gg::reshape(a, {4}), gg::ShapeError);
  CHECK_THROWS_WITH(gg::reshape(a, {4}),
                    "reshape: sizes [4] are invalid for a tensor of 6 elements");
  CHECK_THROWS_AS(gg::transpose(c, 0, 1), std::out_of_range);
  CHECK_THROWS_WITH(gg::transpose(c, 0, 1), StartsWith("transpose: dimension out of range"));
  CHECK_THROWS_WITH(gg::sum(a, {2}), StartsWith("sum: dimension out of range (expected to be in "
                                                "range of [-2, 1], but got 2)"));
  CHECK_THROWS_WITH(gg::mean(a, {-3}), StartsWith("mean: dimension out of range (expected to be in "
                                                  "range of [-2, 1], but got -3)"));
  // Nothing was recorded by the failed calls: the inputs are still plain leaves.
  CHECK(a.is_leaf());
}

TEST_CASE("cross_entropy rejects targets that do not fit the logits", "[autograd][errors]") {
  const Tensor z = gg::zeros({2, 3}, gg::requires_grad());
  CHECK_THROWS_AS(gg::cross_entropy(z, gg::tensor({0, 1, 2})), gg::ShapeError);
  CHECK_THROWS_WITH(gg::cross_entropy(z, gg::tensor({0, 1, 2})),
                    "cross_entropy: got a target of sizes [3] and dtype int64 for logits of sizes "
                    "[2, 3], expected int64 class indices of sizes [2]");
  CHECK_THROWS_WITH(gg::cross_entropy(z, gg::tensor({0.0f, 1.0f})),
                    Contains("dtype float32") && Contains("expected int64 class indices"));
  CHECK_THROWS_AS(gg::cross_entropy(z, gg::tensor({0, 3})), std::out_of_range);
  CHECK_THROWS_WITH(gg::cross_entropy(z, gg::tensor({0, 3})),
                    "cross_entropy: label 3 at index 1 is outside the 3 classes of logits [2, 3] "
                    "(expected 0 <= label < 3)");
  CHECK_THROWS_WITH(gg::cross_entropy(z, gg::tensor({-1, 0})), Contains("label -1 at index 0"));
  CHECK_THROWS_WITH(gg::cross_entropy(gg::zeros({3}, gg::requires_grad()), gg::tensor({0, 1, 2})),
                    "cross_entropy: got logits of sizes [3], expected (N, C) with N >= 1");
  CHECK_THROWS_WITH(gg::cross_entropy(gg::zeros({2, 3}, gg::kInt64), gg::tensor({0, 1})),
                    "cross_entropy: got logits of dtype int64, expected float32 or float64");
}

TEST_CASE("a second backward through a freed graph explains retain_graph", "[autograd][errors]") {
  const Tensor x = gg::ones({2}, gg::requires_grad());
  const Tensor y = gg::sum(gg::exp(x));
  y.backward();
  CHECK_THROWS_AS(y.backward(), std::logic_error);
  CHECK_THROWS_WITH(y.backward(),
                    StartsWith("backward: the graph through SumGate (output sizes [], created at "));
  CHECK_THROWS_WITH(y.backward(), Contains("test_autograd_errors.cpp:"));
  CHECK_THROWS_WITH(y.backward(), Contains("was freed by an earlier backward(); call backward "
                                           "with retain_graph = true the first time"));
}

TEST_CASE("backward on a non-scalar needs an explicit output gradient", "[autograd][errors]") {
  const Tensor x = gg::ones({2, 2}, gg::requires_grad());
  const Tensor y = x * 2.0f;
  CHECK_THROWS_WITH(y.backward(), "backward: grad can be implicitly created only for a one-element "
                                  "output, got sizes [2, 2]; pass the output's gradient: "
                                  "backward(gradient)");
  CHECK_THROWS_AS(y.backward(gg::ones({2})), gg::ShapeError);
  CHECK_THROWS_WITH(y.backward(gg::ones({2})),
                    "backward: got a gradient of sizes [2] for a tensor of sizes [2, 2], expected "
                    "equal sizes");
  CHECK_THROWS_WITH(gg::scalar_tensor(1.0f).backward(), Contains("does not require grad"));
}

TEST_CASE("grad() before any backward is undefined, and requires_grad on a result says what to do",
          "[autograd][errors]") {
  const Tensor x = gg::ones({3}, gg::requires_grad());
  // LibTorch's behaviour: an undefined tensor, not an error.
  CHECK_FALSE(x.grad().defined());
  const Tensor y = x * 2.0f;
  CHECK_THROWS_AS(y.requires_grad_(false), std::logic_error);
  CHECK_THROWS_WITH(y.requires_grad_(false),
                    "requires_grad_: got the result of ElementwiseMulGate, expected a leaf; "
                    "use detach() to make a leaf from it");
  CHECK_NOTHROW(y.requires_grad_(true));  // already true: nothing to change
  CHECK_THROWS_WITH(gg::ones({2}, gg::kInt64).requires_grad_(),
                    "requires_grad_: only floating tensors can require a gradient, got int64");
  CHECK_THROWS_AS(gg::ones({2}, gg::dtype(gg::kBool).requires_grad(true)), std::logic_error);
  gg::Generator gen(0);
  CHECK_THROWS_AS(gg::dropout(x, 1.5, gen), std::invalid_argument);
  CHECK_THROWS_WITH(gg::dropout(x, 1.5, gen), StartsWith("dropout: got p = 1.5") &&
                                                  Contains("expected a probability 0 <= p <= 1"));
  CHECK_THROWS_WITH(gg::dropout(x, -0.1, gen), StartsWith("dropout: got p = -0.1"));
  CHECK_THROWS_WITH(gg::dropout(gg::ones({2}, gg::kInt64), 0.5, gen),
                    StartsWith("dropout: got a tensor of dtype int64, expected a floating dtype"));
  CHECK_THROWS_AS(gg::l2_penalty(x, -1.0), std::invalid_argument);
  CHECK_THROWS_WITH(gg::l2_penalty(x, -1.0), StartsWith("l2_penalty: got lambda = -1.0") &&
                                                 Contains("expected a finite value >= 0"));
  CHECK_THROWS_WITH(gg::l2_penalty(x, INFINITY), StartsWith("l2_penalty: got lambda = inf"));
}

TEST_CASE("anomaly mode names the gate, its sizes and the line that created it",
          "[autograd][errors]") {
  const Tensor x = gg::tensor({1.0f, -1.0f}).requires_grad_();
  {
    const Tensor y = gg::log(x);  // log(-1) = NaN, unnoticed without anomaly mode
    CHECK(std::isnan(y.data_ptr<float>()[1]));
  }
  gg::AnomalyGuard anomaly;
  CHECK(gg::is_anomaly_enabled());
  CHECK_THROWS_AS(gg::log(x), gg::AnomalyError);
  CHECK_THROWS_WITH(gg::log(x), StartsWith("anomaly: LogGate (created at "));
  // The line of the call itself, not of a library header (gg::SourceLocation's defaults are
  // evaluated at the outermost call site).
  const auto this_line = std::to_string(__LINE__ + 1);
  CHECK_THROWS_WITH(gg::log(x), Contains("test_autograd_errors.cpp:" + this_line + " (in "));
  CHECK_THROWS_WITH(gg::log(x),
                    Contains(") produced NaN in its output of sizes [2] at flat index 1"));
  // Without a requires-grad input nothing is recorded, but the output is still checked.
  CHECK_THROWS_AS(gg::log(gg::tensor({-1.0f})), gg::AnomalyError);

  // A finite forward whose backward overflows: d/dx of 1e8 x scaled by 1e38 in float.
  const Tensor big = gg::tensor({1e30f}).requires_grad_();
  const Tensor z = gg::sum(big * 1e8f);
  CHECK_THROWS_WITH(z.backward(gg::scalar_tensor(1e38f)),
                    Contains("ElementwiseMulGate") &&
                        Contains("produced Inf in its gradient of input 0"));
}
