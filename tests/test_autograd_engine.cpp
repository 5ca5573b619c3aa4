// The engine's contract: accumulation, leaf gradients, grad mode, retained and freed graphs,
// deep graphs.
#include "helpers.hpp"

#include <gategrad/autograd/autograd.hpp>

#include <catch2/catch.hpp>

using gg::ArrayD;
using gg::ArrayF;
using gg::Var;
using gg::VarD;

TEST_CASE("a value used twice receives the sum of both gradients", "[autograd]") {
  VarD x(ArrayD::from({3}, {1, 2, 3}), true);
  const VarD y = gg::sum(x * x + x);  // dy/dx = 2x + 1
  y.backward();
  CHECK(gg::allclose(x.grad(), ArrayD::from({3}, {3, 5, 7})));
}

TEST_CASE("leaf gradients accumulate across backward calls until zeroed", "[autograd]") {
  VarD w(ArrayD::from({2}, {1, -1}), true);
  gg::sum(w * 3.0).backward();
  gg::sum(w * 3.0).backward();
  CHECK(gg::allclose(w.grad(), ArrayD::from({2}, {6, 6})));
  w.zero_grad();
  CHECK(gg::allclose(w.grad(), ArrayD::from({2}, {0, 0})));
  gg::sum(w * w).backward();
  CHECK(gg::allclose(w.grad(), ArrayD::from({2}, {2, -2})));
}

TEST_CASE("inputs that need no gradient get none and record nothing", "[autograd]") {
  VarD x(ArrayD::from({2, 2}, {1, 2, 3, 4}));  // data: no grad
  VarD w(ArrayD::from({2, 1}, {1, 1}), true);
  const VarD y = gg::sum(gg::matmul(x, w));
  y.backward();
  CHECK_FALSE(x.has_grad());
  CHECK(gg::allclose(w.grad(), ArrayD::from({2, 1}, {4, 6})));
  const VarD c = x + x;
  CHECK_FALSE(c.requires_grad());
  CHECK(c.is_leaf());
}

TEST_CASE("NoGradGuard stops recording and restores the mode", "[autograd]") {
  VarD w(ArrayD::ones({2}), true);
  {
    gg::NoGradGuard no_grad;
    CHECK_FALSE(gg::is_grad_enabled());
    const VarD y = w * 2.0;
    CHECK_FALSE(y.requires_grad());
    CHECK(y.grad_fn() == nullptr);
  }
  CHECK(gg::is_grad_enabled());
  CHECK((w * 2.0).requires_grad());
}

TEST_CASE("retain_graph allows a second backward, which adds the same gradient", "[autograd]") {
  VarD x(ArrayD::from({2}, {1, 2}), true);
  const VarD y = gg::sum(gg::exp(x));
  y.backward(/*retain_graph=*/true);
  const ArrayD first = x.grad();
  y.backward();
  CHECK(gg::allclose(x.grad(), first * 2.0));
}

TEST_CASE("backward with an explicit output gradient", "[autograd]") {
  VarD x(ArrayD::from({2, 2}, {1, 2, 3, 4}), true);
  const VarD y = x * x;
  y.backward(ArrayD::from({2, 2}, {1, 0, 0, 2}));
  CHECK(gg::allclose(x.grad(), ArrayD::from({2, 2}, {2, 0, 0, 16})));
}

TEST_CASE("detach cuts the graph and shares the value", "[autograd]") {
  VarD x(ArrayD::from({2}, {1, 2}), true);
  const VarD d = (x * 2.0).detach();
  CHECK(d.is_leaf());
  CHECK_FALSE(d.requires_grad());
  CHECK(gg::allclose(d.data(), ArrayD::from({2}, {2, 4})));
}

TEST_CASE("a chain of 100,000 operations backpropagates and is freed without recursion",
          "[autograd]") {
  Var x(ArrayF::from({1}, {1.0f}), true);
  {
    Var y = x;
    for (int i = 0; i < 100000; ++i) y = y + 0.0f;
    y = y * 2.0f;
    y.backward();
  }  // dropping y tears the 100,000 nodes down here
  CHECK(x.grad().item() == 2.0f);
}

TEST_CASE("dropout is the identity in eval mode and keeps the expectation in training",
          "[autograd]") {
  gg::Generator gen(3);
  Var x(ArrayF::ones({100000}), true);
  const Var eval = gg::dropout(x, 0.5, gen, /*training=*/false);
  CHECK(gg::allclose(eval.data(), x.data()));
  const Var y = gg::dropout(x, 0.25, gen);
  std::size_t zeros = 0;
  for (float v : y.data().values()) {
    if (v == 0.0f) ++zeros;
    else CHECK(v == Approx(1.0f / 0.75f));
  }
  CHECK(std::abs(double(zeros) / 100000 - 0.25) < 0.01);  // 7 standard deviations
  CHECK(gg::mean(y).item() == Approx(1.0).epsilon(0.02));
  gg::sum(y).backward();
  CHECK(gg::allclose(x.grad(), y.data()));  // the same mask scales the gradient
}

TEST_CASE("cross-entropy of logits of magnitude 1e4 is finite, as are its gradients",
          "[autograd]") {
  Var z(ArrayF::from({2, 3}, {1e4f, -1e4f, 0.0f, -1e4f, 1e4f, 1e4f}), true);
  const std::vector<std::int64_t> y = {1, 2};
  const Var loss = gg::cross_entropy(z, y);
  CHECK(std::isfinite(loss.item()));
  CHECK(loss.item() == Approx((2e4 + std::log(2.0)) / 2));  // row 0: 2e4 from the max; row 1: log 2
  loss.backward();
  for (float g : z.grad().values()) CHECK(std::isfinite(g));
  CHECK(z.grad().at({0, 0}) == Approx(0.5f));
  CHECK(z.grad().at({0, 1}) == Approx(-0.5f));
}
