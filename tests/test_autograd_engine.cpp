// The engine's contract on gg::Tensor: accumulation, leaf gradients, grad mode, retained and
// freed graphs, explicit output gradients, detach, deep graphs, and the fused cross-entropy at
// extreme logits.
#include "tensor_helpers.hpp"

#include <gategrad/autograd/autograd_meta.hpp>
#include <gategrad/autograd/grad_mode.hpp>
#include <gategrad/autograd/graph.hpp>
#include <gategrad/autograd/ops.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <vector>

using gg::Tensor;
using gg::test::allclose;
using gg::test::values;

namespace {
const gg::TensorOptions kLeaf64 = gg::dtype(gg::kFloat64).requires_grad(true);
Tensor d(std::initializer_list<double> v) { return gg::tensor(v, gg::kFloat64); }
}  // namespace

TEST_CASE("a value used twice receives the sum of both gradients", "[autograd]") {
  const Tensor x = gg::tensor({1.0, 2.0, 3.0}, kLeaf64);
  const Tensor y = gg::sum(x * x + x);  // dy/dx = 2x + 1
  y.backward();
  CHECK(allclose(x.grad(), d({3, 5, 7})));
}

TEST_CASE("leaf gradients accumulate across backward calls until zeroed", "[autograd]") {
  const Tensor w = gg::tensor({1.0, -1.0}, kLeaf64);
  gg::sum(w * 3.0).backward();
  gg::sum(w * 3.0).backward();
  CHECK(allclose(w.grad(), d({6, 6})));
  const void* buffer = w.grad().data_ptr();
  gg::autograd::zero_grad(w);
  CHECK(allclose(w.grad(), d({0, 0})));  // reading a zeroed gradient gives zeros
  gg::sum(w * w).backward();
  CHECK(allclose(w.grad(), d({2, -2})));
  CHECK(w.grad().data_ptr() == buffer);  // zero_grad kept the buffer, the backward reused it
  // Zeroed and not read: the next backward writes over the stale buffer instead of adding.
  gg::autograd::zero_grad(w);
  gg::sum(w * 5.0).backward();
  CHECK(allclose(w.grad(), d({5, 5})));
  gg::autograd::reset_grad(w);
  CHECK_FALSE(w.grad().defined());
}

TEST_CASE("a reserved gradient buffer is written by the first backward", "[autograd]") {
  const Tensor w = gg::tensor({1.0, 2.0}, kLeaf64);
  gg::autograd::reserve_grad(w);
  CHECK_FALSE(w.grad().defined());  // reserved is not a gradient yet
  const gg::Tensor x = gg::ones({3, 2}, gg::kFloat64);
  gg::sum(gg::mm(x, w.view({2, 1}))).backward();
  CHECK(allclose(w.grad(), d({3, 3})));
}

TEST_CASE("inputs that need no gradient get none and record nothing", "[autograd]") {
  const std::vector<double> xv = {1, 2, 3, 4};
  const Tensor x = gg::from_values<double>(xv, {2, 2});  // data: no grad
  const Tensor w = gg::ones({2, 1}, kLeaf64);
  const Tensor y = gg::sum(gg::mm(x, w));
  y.backward();
  CHECK_FALSE(x.grad().defined());
  CHECK(allclose(w.grad(), gg::from_values<double>(std::vector<double>{4, 6}, {2, 1})));
  const Tensor c = x + x;
  CHECK_FALSE(c.requires_grad());
  CHECK(c.is_leaf());
  CHECK(c.grad_fn() == nullptr);
}

TEST_CASE("NoGradGuard stops recording and restores the mode", "[autograd]") {
  const Tensor w = gg::ones({2}, kLeaf64);
  {
    gg::NoGradGuard no_grad;
    CHECK_FALSE(gg::is_grad_enabled());
    const Tensor y = w * 2.0;
    CHECK_FALSE(y.requires_grad());
    CHECK(y.grad_fn() == nullptr);
    {
      gg::NoGradGuard nested;
    }
    CHECK_FALSE(gg::is_grad_enabled());  // the inner guard restored the outer's mode
  }
  CHECK(gg::is_grad_enabled());
  CHECK((w * 2.0).requires_grad());
}

TEST_CASE("retain_graph allows a second backward, which adds the same gradient", "[autograd]") {
  const Tensor x = gg::tensor({1.0, 2.0}, kLeaf64);
  const Tensor y = gg::sum(gg::exp(x));
  y.backward(Tensor(), /*retain_graph=*/true);
  const Tensor first = gg::native::clone(x.grad());
  CHECK(allclose(first, d({std::exp(1.0), std::exp(2.0)}), 1e-15));
  y.backward();
  CHECK(allclose(x.grad(), gg::native::mul(first, 2.0)));
}

TEST_CASE("backward with an explicit output gradient", "[autograd]") {
  const std::vector<double> xv = {1, 2, 3, 4};
  const Tensor x = gg::from_values<double>(xv, {2, 2}, kLeaf64);
  const Tensor y = x * x;
  y.backward(gg::from_values<double>(std::vector<double>{1, 0, 0, 2}, {2, 2}));
  CHECK(allclose(x.grad(), gg::from_values<double>(std::vector<double>{2, 0, 0, 16}, {2, 2})));
  // A float32 seed for a float64 output is converted to the output's dtype.
  const Tensor z = gg::tensor({3.0}, kLeaf64);
  (z * z).backward(gg::tensor({1.0f}));
  CHECK(z.grad().dtype() == gg::kFloat64);
  CHECK(z.grad().item<double>() == 6.0);
}

TEST_CASE("detach cuts the graph and shares the value", "[autograd]") {
  const Tensor x = gg::tensor({1.0, 2.0}, kLeaf64);
  const Tensor y = x * 2.0;
  const Tensor dt = y.detach();
  CHECK(dt.is_leaf());
  CHECK_FALSE(dt.requires_grad());
  CHECK(dt.storage() == y.storage());
  CHECK(allclose(dt, d({2, 4})));
}

TEST_CASE("a chain of 100,000 operations backpropagates and is freed without recursion",
          "[autograd]") {
  const Tensor x = gg::tensor({1.0f}).requires_grad_();
  {
    Tensor y = x;
    for (int i = 0; i < 100000; ++i) y = y + 0.0f;
    y = y * 2.0f;
    y.backward();
  }  // dropping y tears the 100,000 nodes down here
  CHECK(x.grad().item<float>() == 2.0f);
  // The topological order of a deep graph is walked without recursion too.
  Tensor z = x;
  for (int i = 0; i < 100000; ++i) z = gg::neg(z);
  std::vector<gg::autograd::Node*> order;
  gg::autograd::topological_order(z.grad_fn().get(), order);
  CHECK(order.size() == 100000);
  CHECK(order.front() == z.grad_fn().get());
}

TEST_CASE("dropout is the identity in eval mode and keeps the expectation in training",
          "[autograd]") {
  gg::Generator gen(3);
  const Tensor x = gg::ones({100000}, gg::requires_grad());
  CHECK(gg::dropout(x, 0.5, gen, /*training=*/false).is_same(x));
  CHECK(gg::dropout(x, 0.0, gen).is_same(x));
  const Tensor y = gg::dropout(x, 0.25, gen);
  REQUIRE(y.grad_fn() != nullptr);
  CHECK(std::string(y.grad_fn()->name()) == "DropoutGate");
  // The mask is the generator's stream, one uniform01() per element in order, as the old
  // core's gate drew it (the calls above drew nothing).
  gg::Generator replay(3);
  const std::vector<float> yv = values<float>(y);
  std::size_t zeros = 0, mismatches = 0;
  for (float v : yv) {
    const bool kept = replay.uniform01() >= 0.25;
    if (v == 0.0f) ++zeros;
    if (kept != (v != 0.0f) || (kept && v != 1.0f / 0.75f)) ++mismatches;
  }
  CHECK(mismatches == 0);
  CHECK(std::abs(double(zeros) / 100000 - 0.25) < 0.01);  // 7 standard deviations
  CHECK(gg::native::mean(y).item<float>() == Approx(1.0).epsilon(0.02));
  gg::sum(y).backward();
  CHECK(values<float>(x.grad()) == yv);  // the same mask scales the gradient
  // p = 1 drops everything, in training.
  CHECK(gg::native::sum(gg::dropout(gg::ones({10}), 1.0, gen)).item<float>() == 0.0f);
}

TEST_CASE("cross-entropy of logits of magnitude 1e4 is finite, as are its gradients",
          "[autograd]") {
  const std::vector<float> zv = {1e4f, -1e4f, 0.0f, -1e4f, 1e4f, 1e4f};
  const Tensor z = gg::from_values<float>(zv, {2, 3}, gg::requires_grad());
  const Tensor loss = gg::cross_entropy(z, gg::tensor({1, 2}));
  CHECK(loss.dim() == 0);
  CHECK(std::isfinite(loss.item<float>()));
  // Row 0 loses 2e4 to the maximum; row 1's two equal maxima give log 2.
  CHECK(loss.item<float>() == Approx((2e4 + std::log(2.0)) / 2));
  loss.backward();
  const std::vector<float> g = values<float>(z.grad());
  for (float v : g) CHECK(std::isfinite(v));
  CHECK(g[0] == Approx(0.5f));
  CHECK(g[1] == Approx(-0.5f));
  CHECK(g[4] == Approx(0.25f));
  CHECK(g[5] == Approx(-0.25f));
}
