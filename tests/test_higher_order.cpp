// Higher-order gradients and the engine's entry points of issue 12: autograd::grad (with
// create_graph, several outputs, chosen inputs, allow_unused, pruning), backward with
// create_graph and with inputs, tensor hooks and retain_grad. The second derivatives of every
// gate are checked by the gate table (test_gradcheck_gates.cpp, gradgradcheck rows).
#include "tensor_helpers.hpp"

#include <gategrad/autograd/autograd_meta.hpp>
#include <gategrad/autograd/backward.hpp>
#include <gategrad/autograd/function.hpp>
#include <gategrad/autograd/gradcheck.hpp>
#include <gategrad/autograd/ops.hpp>

#include <catch2/catch.hpp>

#include <vector>

using gg::Tensor;
using gg::autograd::grad;

namespace {

std::vector<double> values(const Tensor& t) { return gg::test::values<double>(t); }

Tensor leaf(std::initializer_list<double> v) { return gg::tensor(v, gg::kFloat64).requires_grad_(); }

// x^3 as a custom Function whose backward is written in differentiable ops: under create_graph
// it records, so its gradient differentiates again. Counts its backward calls.
struct Cube : gg::autograd::Function<Cube> {
  static inline int backward_calls = 0;
  static Tensor forward(gg::autograd::AutogradContext* ctx, const Tensor& x) {
    ctx->save_for_backward({x});
    return gg::native::mul(gg::native::mul(x, x), x);
  }
  static gg::autograd::tensor_list backward(gg::autograd::AutogradContext* ctx,
                                            gg::autograd::tensor_list grad_outputs) {
    ++backward_calls;
    const Tensor x = ctx->get_saved_variables()[0];
    return {grad_outputs[0] * 3.0 * x * x};
  }
};

}  // namespace

TEST_CASE("grad: second and third derivatives of x^3", "[autograd][higher-order]") {
  const Tensor x = leaf({0.5, -1.0, 2.0});
  const Tensor y = gg::sum(x * x * x);
  const Tensor d1 = grad({y}, {x}, {}, std::nullopt, /*create_graph=*/true)[0];
  CHECK(values(d1) == std::vector<double>{0.75, 3.0, 12.0});  // 3 x^2
  REQUIRE(d1.requires_grad());
  const Tensor d2 = grad({gg::sum(d1)}, {x}, {}, std::nullopt, true)[0];
  CHECK(values(d2) == std::vector<double>{3.0, -6.0, 12.0});  // 6 x
  const Tensor d3 = grad({gg::sum(d2)}, {x})[0];
  CHECK(values(d3) == std::vector<double>{6.0, 6.0, 6.0});
  CHECK_FALSE(d3.requires_grad());  // no create_graph: a plain gradient
  CHECK_FALSE(x.grad().defined());  // grad() returns gradients, it does not accumulate them
}

TEST_CASE("backward with create_graph leaves a differentiable .grad", "[autograd][higher-order]") {
  const Tensor x = leaf({0.5, -1.0, 2.0});
  gg::sum(x * x * x).backward({}, std::nullopt, /*create_graph=*/true);
  const Tensor first = x.grad();
  CHECK(values(first) == std::vector<double>{0.75, 3.0, 12.0});
  REQUIRE(first.requires_grad());
  CHECK(first.grad_fn() != nullptr);
  // The second backward adds d(sum 3x^2)/dx = 6x to the gradient already there.
  gg::sum(first).backward();
  CHECK(values(x.grad()) == std::vector<double>{3.75, -3.0, 24.0});
  gg::autograd::reset_grad(x);  // .grad held a graph that refers back to x
}

TEST_CASE("a custom Function's backward in gg:: ops is differentiable", "[autograd][higher-order][function]") {
  const Tensor x = leaf({0.5, -1.0, 2.0});
  const Tensor d1 = grad({gg::sum(Cube::apply(x))}, {x}, {}, std::nullopt, true)[0];
  CHECK(values(d1) == std::vector<double>{0.75, 3.0, 12.0});
  const Tensor d2 = grad({gg::sum(d1)}, {x})[0];
  CHECK(values(d2) == std::vector<double>{3.0, -6.0, 12.0});
  const gg::GradcheckFunction f = [](const std::vector<Tensor>& v) { return Cube::apply(v[0]); };
  CHECK(gg::gradgradcheck(f, {gg::tensor({0.3, -0.7, 1.1}, gg::kFloat64)}).passed);
}

TEST_CASE("grad: several outputs, a non-leaf input, a repeated input, unused inputs", "[autograd][higher-order]") {
  const Tensor a = leaf({1.0, 2.0}), b = leaf({3.0, -1.0}), unused = leaf({5.0});
  const Tensor h = a * b;
  const Tensor y1 = gg::sum(h * h), y2 = gg::sum(a);
  // d(y1 + y2)/da = 2 h b + 1, d/dh = 2h.
  const std::vector<Tensor> g = grad({y1, y2}, {a, h, a}, {}, /*retain_graph=*/true);
  REQUIRE(g.size() == 3);
  CHECK(values(g[0]) == std::vector<double>{19.0, 5.0});
  CHECK(values(g[1]) == std::vector<double>{6.0, -4.0});
  CHECK(values(g[2]) == values(g[0]));
  // Weighted outputs: grad_outputs scale each output's contribution.
  const std::vector<Tensor> w = grad({y1, y2}, {b}, {gg::scalar_tensor(0.5, gg::kFloat64), gg::scalar_tensor(7.0, gg::kFloat64)},
                                     true);
  CHECK(values(w[0]) == std::vector<double>{3.0, -4.0});  // 0.5 * 2 h a, h = (3, -2)
  CHECK_THROWS_WITH(grad({y1}, {unused}, {}, true),
                    Catch::Contains("grad: input 0") && Catch::Contains("was not used in the graph") &&
                        Catch::Contains("allow_unused"));
  const std::vector<Tensor> u = grad({y1}, {a, unused}, {}, true, false, /*allow_unused=*/true);
  CHECK(u[0].defined());
  CHECK_FALSE(u[1].defined());
  CHECK_THROWS_WITH(grad({y1}, {gg::zeros({2}, gg::kFloat64)}, {}, true),
                    Catch::Contains("grad: input 0") && Catch::Contains("does not require grad"));
  CHECK_THROWS_WITH(grad({y1, y2}, {a}, {gg::scalar_tensor(1.0, gg::kFloat64)}, true),
                    Catch::Contains("grad: got 2 outputs and 1 gradients"));
  CHECK_THROWS_WITH(grad({h}, {a}, {}, true), Catch::Contains("one-element output") && Catch::Contains("[2]"));
  CHECK_FALSE(a.grad().defined());
  CHECK_FALSE(b.grad().defined());
}

TEST_CASE("grad runs only the nodes on a path to the inputs", "[autograd][higher-order]") {
  const Tensor a = leaf({1.0, 2.0}), w = leaf({3.0, 4.0});
  const Tensor y = gg::sum(Cube::apply(w) + a * 2.0);
  Cube::backward_calls = 0;
  const Tensor da = grad({y}, {a}, {}, true)[0];
  CHECK(values(da) == std::vector<double>{2.0, 2.0});
  CHECK(Cube::backward_calls == 0);  // w's branch leads to no input
  const Tensor dw = grad({y}, {w})[0];
  CHECK(values(dw) == std::vector<double>{27.0, 48.0});
  CHECK(Cube::backward_calls == 1);
}

TEST_CASE("backward with inputs accumulates into those only", "[autograd][higher-order]") {
  const Tensor a = leaf({1.0, 2.0}), b = leaf({3.0, 4.0});
  const Tensor y = gg::sum(a * b);
  y.backward({}, true, false, {a});
  CHECK(values(a.grad()) == std::vector<double>{3.0, 4.0});
  CHECK_FALSE(b.grad().defined());
  y.backward({}, true, false, {a});  // accumulates
  CHECK(values(a.grad()) == std::vector<double>{6.0, 8.0});
  gg::autograd::backward({y, gg::sum(b)}, {}, false);
  CHECK(values(a.grad()) == std::vector<double>{9.0, 12.0});
  CHECK(values(b.grad()) == std::vector<double>{2.0, 3.0});  // a + 1
}

TEST_CASE("tensor hooks see and replace gradients; retain_grad keeps a non-leaf's", "[autograd][hooks]") {
  const Tensor a = leaf({1.0, 2.0});
  int calls = 0;
  std::vector<double> seen;
  a.register_hook([&](const Tensor& g) {
    ++calls;
    seen = values(g);
  });
  const unsigned doubler = a.register_hook([](const Tensor& g) { return g * 2.0; });
  const Tensor h = a * 3.0;
  h.retain_grad();
  CHECK(h.retains_grad());
  h.register_hook([](const Tensor& g) { return g + 1.0; });  // runs before h's gradient flows on
  gg::sum(h * a).backward();  // a is used twice: its hooks see the sum once
  // dy/dh = a, then h's hook adds 1 (and retain_grad keeps that, after every hook, as PyTorch 2);
  // a gets 3 (a + 1) through h plus the direct term h = 3a, then its hooks: seen, then doubled.
  CHECK(values(h.grad()) == std::vector<double>{2.0, 3.0});
  CHECK(calls == 1);
  CHECK(seen == std::vector<double>{9.0, 15.0});  // 3 (a + 1) + 3 a
  CHECK(values(a.grad()) == std::vector<double>{18.0, 30.0});
  a.remove_hook(doubler);
  CHECK_THROWS_AS(a.remove_hook(doubler), std::invalid_argument);
  gg::autograd::reset_grad(a);
  gg::sum(a * 1.0).backward();
  CHECK(values(a.grad()) == std::vector<double>{1.0, 1.0});
  CHECK(calls == 2);
  CHECK_THROWS_WITH(gg::zeros({2}).register_hook([](const Tensor& g) { return g; }),
                    Catch::Contains("register_hook") && Catch::Contains("does not require grad"));
  const Tensor b = leaf({1.0, 2.0});
  b.register_hook([](const Tensor&) { return gg::zeros({3}, gg::kFloat64); });
  CHECK_THROWS_AS(gg::sum(b * 1.0).backward(), gg::ShapeError);
}

TEST_CASE("retain_grad accumulates over backward passes and is a no-op on a leaf", "[autograd][hooks]") {
  const Tensor a = leaf({1.0, -2.0});
  a.retain_grad();
  CHECK_FALSE(a.retains_grad());
  const Tensor h = a * 2.0;
  h.retain_grad();
  const Tensor y = gg::sum(h * h);
  y.backward({}, true);
  CHECK(values(h.grad()) == std::vector<double>{4.0, -8.0});  // 2h
  y.backward();
  CHECK(values(h.grad()) == std::vector<double>{8.0, -16.0});
  CHECK(values(a.grad()) == std::vector<double>{16.0, -32.0});
  const Tensor not_retained = a * 2.0;
  gg::sum(not_retained).backward();
  CHECK_FALSE(not_retained.grad().defined());
}

TEST_CASE("a gradient penalty (LibTorch's autograd tutorial) differentiates and passes gradcheck",
          "[autograd][higher-order]") {
  // loss = mse(linear(x), target) + mean((|d sum(out) / dx|_2 per row - 1)^2), the tutorial's
  // recipe; the penalty's gradient goes through grad(create_graph = true). gradcheck compares
  // the whole thing with finite differences in x, W and b.
  const Tensor target = gg::test::uniform({3, 3}, 7, -1.0, 1.0, gg::kFloat64);
  const gg::GradcheckFunction f = [&](const std::vector<Tensor>& v) {
    const Tensor& x = v[0];
    const Tensor out = gg::matmul(x, v[1].t()) + v[2];
    const Tensor diff = out - target;
    const Tensor loss = gg::mean(diff * diff);
    const Tensor g = grad({out}, {x}, {gg::ones_like(out)}, std::nullopt, /*create_graph=*/true)[0];
    const Tensor norm = gg::sqrt(gg::sum(g * g, 1));
    const Tensor shifted = norm - 1.0;
    return loss + gg::mean(shifted * shifted);
  };
  const std::vector<Tensor> inputs = {gg::test::uniform({3, 4}, 1, -1.0, 1.0, gg::kFloat64),
                                      gg::test::uniform({3, 4}, 2, -1.0, 1.0, gg::kFloat64),
                                      gg::test::uniform({3}, 3, -1.0, 1.0, gg::kFloat64)};
  const gg::GradcheckReport report = gg::gradcheck(f, inputs);
  INFO(report.to_string());
  CHECK(report.passed);
  // The penalty depends on W (through the input gradient, 1 W): W's gradient is not the plain
  // MSE's.
  std::vector<Tensor> leaves;
  for (const Tensor& t : inputs) leaves.push_back(gg::native::clone(t).requires_grad_());
  f(leaves).backward();
  const Tensor with_penalty = gg::native::clone(leaves[1].grad());
  gg::autograd::reset_grad(leaves[1]);
  const Tensor out = gg::matmul(leaves[0], leaves[1].t()) + leaves[2];
  gg::mean((out - target) * (out - target)).backward();
  CHECK_FALSE(gg::test::allclose(leaves[1].grad(), with_penalty, 1e-6, 1e-9));
}
