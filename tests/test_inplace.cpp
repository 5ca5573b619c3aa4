// In-place ops (autograd/inplace.cpp): the native path keeps the tensor, its dtype and its
// memory; the recorded path rebases the tensor's history as PyTorch does; what cannot be
// recorded is refused with the op's name and nothing changed. Values and gradients of every
// in-place op against torch are rows of tests/op_oracle.cpp; the behaviours below were read
// off torch 1.13 (/usr/bin/python3), with the expression in the comment above each check.
#include "tensor_values.hpp"

#include <gategrad/autograd/gradcheck.hpp>
#include <gategrad/autograd/grad_mode.hpp>
#include <gategrad/autograd/ops.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <vector>

using Catch::Matchers::Contains;
using gg::Tensor;
using gg::test::allclose;
using Values = std::vector<double>;

namespace {
Tensor leaf(std::initializer_list<double> v) { return gg::tensor(v, gg::kFloat64).requires_grad_(); }
Values values_of(const Tensor& t) { return gg::test::values(t); }
}  // namespace

TEST_CASE("In-place ops without a gradient change the tensor's own memory", "[inplace]") {
  const Tensor x = gg::tensor({1.0, 2.0, 3.0, 4.0}, gg::kFloat32).view({2, 2});
  const void* data = x.data_ptr();
  const auto version = x._version();
  const Tensor& same = x.add_(gg::tensor({10.0, 20.0}, gg::kFloat32), 2);
  CHECK(same.is_same(x));
  CHECK(x.data_ptr() == data);
  CHECK(x._version() == version + 1);
  CHECK(values_of(x) == Values{21, 42, 23, 44});
  x.sub_(1).mul_(0.5).div_(gg::tensor({2.0}, gg::kFloat32));
  CHECK(values_of(x) == Values{5, 10.25, 5.5, 10.75});
  x.sub_(gg::ones({2, 2}), 3).clamp_(0, 6);
  CHECK(values_of(x) == Values{2, 6, 2.5, 6});
  x.masked_fill_(x > 5, -1).neg_().pow_(2);
  CHECK(values_of(x) == Values{4, 1, 6.25, 1});
  x.sqrt_().log_().exp_();
  CHECK(allclose(x, gg::tensor({2.0, 1.0, 2.5, 1.0}).view({2, 2})));
  CHECK(x.dtype() == gg::kFloat32);
  // torch.tensor([1., -2.]).relu_().sigmoid_() -> [0.7311, 0.5]; .tanh_()
  const Tensor r = gg::tensor({1.0, -2.0}, gg::kFloat64);
  r.relu_().sigmoid_().tanh_();
  CHECK(allclose(r, gg::tensor({std::tanh(1 / (1 + std::exp(-1.0))), std::tanh(0.5)}, gg::kFloat64), 1e-15));
  // A float64 number goes into a float64 tensor whole: torch.tensor([1.], dtype=float64).add_(0.1)
  const Tensor d = gg::tensor({1.0}, gg::kFloat64);
  d.add_(0.1);
  CHECK(values_of(d) == Values{1.1});
  // An integer tensor keeps integer arithmetic: torch.tensor([7, 9]).sub_(torch.tensor([1, 2]), alpha=3)
  const Tensor i = gg::tensor({7, 9}, gg::kInt64);
  i.sub_(gg::tensor({1, 2}, gg::kInt64), 3);
  CHECK(values_of(i) == Values{4, 3});
}

TEST_CASE("In-place ops refuse a result their tensor cannot hold", "[inplace]") {
  const Tensor i = gg::tensor({1, 2}, gg::kInt64);
  // torch.tensor([1, 2]).exp_(): "result type Float can't be cast to the desired output type Long"
  CHECK_THROWS_WITH(i.exp_(), Contains("exp_") && Contains("int64"));
  CHECK(values_of(i) == Values{1, 2});
  const Tensor x = gg::zeros({2, 3});
  // torch.zeros(2, 3).add_(torch.ones(4, 2, 3)): "output with shape [2, 3] doesn't match the
  // broadcast shape [4, 2, 3]"
  CHECK_THROWS_WITH(x.add_(gg::ones({4, 2, 3})), Contains("[2, 3]") && Contains("[4, 2, 3]"));
}

TEST_CASE("In-place ops on recorded results rebase the history as torch's", "[inplace]") {
  const Tensor a = leaf({1, -2, 3});
  const Tensor b = leaf({0.5, 4, -1});
  // h = a * 1; h.mul_(b); h.sum().backward(): a.grad = b, b.grad = a (the old h)
  Tensor h = a * 1;
  const auto* before = h.grad_fn().get();
  h.mul_(b);
  CHECK(h.grad_fn().get() != before);
  CHECK_FALSE(h.is_leaf());
  h.sum().backward();
  CHECK(values_of(a.grad()) == Values{0.5, 4, -1});
  CHECK(values_of(b.grad()) == Values{1, -2, 3});

  // d = torch.zeros(3, dtype=float64); d.add_(a, alpha=2): d requires grad, a.grad = 2
  const Tensor d = gg::zeros({3}, gg::kFloat64);
  d.add_(a, 2);
  CHECK(d.requires_grad());
  a.mutable_grad() = Tensor();
  d.sum().backward();
  CHECK(values_of(a.grad()) == Values{2, 2, 2});

  // e = torch.zeros(3); e.add_(a): e stays float32, a's gradient is float64
  const Tensor e = gg::zeros({3});
  e.add_(a);
  CHECK(e.dtype() == gg::kFloat32);
  a.mutable_grad() = Tensor();
  (e * 3).sum().backward();
  CHECK(a.grad().dtype() == gg::kFloat64);
  CHECK(values_of(a.grad()) == Values{3, 3, 3});

  // x.mul_(x): the operand shares the tensor's memory. h = a * 1; h.mul_(h): a.grad = 4a
  Tensor s = a * 1;
  s.mul_(s);
  a.mutable_grad() = Tensor();
  s.sum().backward();
  CHECK(values_of(a.grad()) == Values{2, -4, 6});
}

TEST_CASE("copy_, fill_ and zero_ record where torch records them", "[inplace]") {
  const Tensor a = leaf({1, 2, 3});
  // c = torch.zeros(2, 3); c.copy_(a): c requires grad (CopyBackwards), a.grad = 2 (broadcast)
  const Tensor c = gg::zeros({2, 3});
  c.copy_(a);
  CHECK(c.requires_grad());
  CHECK(c.dtype() == gg::kFloat32);
  c.sum().backward();
  CHECK(a.grad().dtype() == gg::kFloat64);
  CHECK(values_of(a.grad()) == Values{2, 2, 2});
  // (a * 2).zero_(): ZeroBackward, the gradient through it is 0
  a.mutable_grad() = Tensor();
  Tensor z = a * 2;
  z.zero_();
  CHECK(z.requires_grad());
  (z + a).sum().backward();
  CHECK(values_of(a.grad()) == Values{1, 1, 1});
  // A tensor with no history is filled natively, whatever the grad mode.
  const Tensor plain = gg::ones({2});
  plain.fill_(7);
  CHECK_FALSE(plain.requires_grad());
  CHECK(values_of(plain) == Values{7, 7});
}

TEST_CASE("In-place ops refuse a leaf that requires grad, and a view, changing nothing", "[inplace]") {
  const Tensor a = leaf({1, 2, 3});
  // a.add_(1): "a leaf Variable that requires grad is being used in an in-place operation."
  CHECK_THROWS_WITH(a.add_(1), Contains("add_") && Contains("leaf") &&
                                   Contains("NoGradGuard"));
  CHECK_THROWS_WITH(a.zero_(), Contains("fill_") && Contains("leaf"));
  CHECK_THROWS_WITH(a.copy_(gg::zeros({3})), Contains("copy_") && Contains("leaf"));
  CHECK(values_of(a) == Values{1, 2, 3});
  CHECK(a._version() == 0);
  {
    // with torch.no_grad(): a.add_(1) -- as an optimizer step
    gg::NoGradGuard no_grad;
    a.add_(1);
  }
  CHECK(values_of(a) == Values{2, 3, 4});
  CHECK(a.is_leaf());

  // A view of a recorded result: torch rebases its base (CopySlices); gategrad refuses.
  const Tensor h = a * 1;
  const Tensor v = h.narrow(0, 0, 2);
  CHECK_THROWS_WITH(v.mul_(2), Contains("mul_") && Contains("view"));
  CHECK(values_of(h) == Values{2, 3, 4});
  // ... and a view of a plain tensor that would start recording.
  const Tensor base = gg::zeros({3}, gg::kFloat64);
  CHECK_THROWS_WITH(base.narrow(0, 1, 2).copy_(a.narrow(0, 0, 2)), Contains("view"));
  CHECK(values_of(base) == Values{0, 0, 0});
  // A view written with nothing to record is an ordinary write through the view.
  base.narrow(0, 1, 2).fill_(5);
  CHECK(values_of(base) == Values{0, 5, 5});
  // detach() is not a view: torch records x = a.detach(); x.add_(b)
  const Tensor x = a.detach();
  x.add_(a);
  CHECK(x.requires_grad());
}

TEST_CASE("A node that saved a value changed in place refuses to run", "[inplace]") {
  const Tensor a = leaf({1, 2, 3});
  const Tensor h = a * 1;
  const Tensor y = gg::log(h);  // LogGate saves h
  h.add_(1);
  CHECK_THROWS_WITH(y.sum().backward(), Contains("in-place") || Contains("in place"));
  // Sigmoid saves its output, not h: torch runs y = x.sigmoid(); x.add_(1); y.backward()
  const Tensor g = a * 1;
  const Tensor s = gg::sigmoid(g);
  g.add_(1);
  s.sum().backward();
  CHECK(a.grad().defined());
}

TEST_CASE("retain_grad follows the tensor's newest version", "[inplace]") {
  const Tensor a = leaf({1, 2});
  Tensor h = a * 1;
  h.retain_grad();
  h.mul_(3);
  (h * 2).sum().backward();
  REQUIRE(h.grad().defined());
  CHECK(values_of(h.grad()) == Values{2, 2});
  CHECK(values_of(a.grad()) == Values{6, 6});
}

TEST_CASE("In-place ops differentiate twice", "[inplace][gradgradcheck]") {
  const Tensor x = gg::tensor({0.3, -1.2, 0.8, 2.0}, gg::kFloat64);
  const Tensor y = gg::tensor({1.1, 0.4, -0.7, 0.9}, gg::kFloat64);
  const gg::GradcheckFunction f = [](const std::vector<Tensor>& in) {
    Tensor h = in[0] * 1;
    h.mul_(in[1]).add_(in[0], 0.5).pow_(2).sigmoid_();
    return h;
  };
  CHECK(gg::gradcheck(f, {x, y}).passed);
  CHECK(gg::gradgradcheck(f, {x, y}).passed);
}
