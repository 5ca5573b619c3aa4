// A custom differentiable op on gg::Tensor (docs/CUSTOM_OPS.md): y = x * exp(alpha * x),
// used in a tiny computation, backpropagated, and checked against finite differences.
#include <gategrad/autograd/function.hpp>
#include <gategrad/autograd/gradcheck.hpp>
#include <gategrad/tensor/factory.hpp>
#include <gategrad/tensor/native.hpp>

#include <iostream>
#include <vector>

namespace ag = gg::autograd;

struct ExpScale : ag::Function<ExpScale> {
  static constexpr const char* name() { return "ExpScale"; }

  // x:(any) -> (x's sizes): y = x exp(alpha x)
  static gg::Tensor forward(ag::AutogradContext* ctx, gg::Tensor x, double alpha) {
    gg::Tensor e = gg::native::exp(gg::native::mul(x, alpha));
    ctx->save_for_backward({x, e});
    ctx->saved_data["alpha"] = alpha;
    return gg::native::mul(x, e);
  }

  // dy/dx = exp(alpha x) + alpha x exp(alpha x) = e (1 + alpha x); alpha gets no gradient.
  static ag::tensor_list backward(ag::AutogradContext* ctx, ag::tensor_list grad_outputs) {
    const ag::tensor_list saved = ctx->get_saved_variables();
    const gg::Tensor& x = saved[0];
    const gg::Tensor& e = saved[1];
    const double alpha = ctx->saved_data["alpha"].toDouble();
    const gg::Tensor slope = gg::native::mul(e, gg::native::add(gg::native::mul(x, alpha), 1.0));
    gg::Tensor dx = gg::native::mul(grad_outputs[0], slope);
    return {dx, gg::Tensor()};
  }
};

int main() {
  gg::Tensor x = gg::tensor({-1.0, 0.0, 0.5, 2.0}, gg::dtype(gg::kFloat64).requires_grad(true));
  gg::Tensor y = ExpScale::apply(x, 0.5);
  // ExpScale's output gets a gradient of 1 per element: the gradient of sum(y).
  y.backward(gg::ones_like(y));
  std::cout << "y = ExpScale(x, 0.5):\n" << y << "\ndy/dx:\n" << x.grad() << '\n';

  const gg::GradcheckReport report = gg::gradcheck(
      [](const std::vector<gg::Tensor>& in) { return ExpScale::apply(in[0], 0.5); },
      {gg::tensor({-1.0, 0.0, 0.5, 2.0}, gg::dtype(gg::kFloat64))});
  std::cout << report.to_string() << '\n';
  return report.passed ? 0 : 1;
}
