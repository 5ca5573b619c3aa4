// pytorch/examples' cpp/autograd in gategrad: the basic autograd operations (gradient
// tracking, backward of a scalar, vector-Jacobian products, turning tracking off), a gradient
// penalty through a gradient taken with create_graph, and two custom autograd Functions.
// Ends with a finite-difference check of the custom LinearFunction (exit code 1 if it fails).
//
// The 2-norms below are written sqrt(sum(x^2)), as the program was first ported (before
// gg::norm existed), which keeps the expected output of tests/examples/autograd.txt as it was.
#include <gategrad/gategrad.hpp>

#include <iostream>
#include <memory>
#include <vector>

using namespace gg::autograd;

namespace {

void basic_operations() {
  std::cout << "====== Basic autograd operations ======\n";

  // A leaf that records every operation done with it.
  gg::Tensor x = gg::ones({2, 2}, gg::requires_grad());
  std::cout << x << '\n';

  gg::Tensor y = x + 2;
  std::cout << y << '\n';
  // y is the result of an operation: it knows the node that made it.
  std::cout << y.grad_fn()->name() << '\n';

  gg::Tensor z = y * y * 3;
  gg::Tensor out = z.mean();
  std::cout << z << '\n' << z.grad_fn()->name() << '\n';
  std::cout << out << '\n' << out.grad_fn()->name() << '\n';

  // requires_grad_ switches tracking on for a leaf made without it.
  gg::Tensor a = gg::randn({2, 2});
  a = (a * 3) / (a - 1);
  std::cout << a.requires_grad() << '\n';
  a.requires_grad_(true);
  std::cout << a.requires_grad() << '\n';
  gg::Tensor b = (a * a).sum();
  std::cout << b.grad_fn()->name() << '\n';

  // out has one element, so backward() seeds it with 1: d(out)/dx = 6 (x + 2) / 4 = 4.5.
  out.backward();
  std::cout << x.grad() << '\n';

  // A vector output: backward(v) gives the vector-Jacobian product v^T J. Here y = x 2^k,
  // so J = 2^k I and x.grad() is v 2^k.
  x = gg::randn(3, gg::requires_grad());
  y = x * 2;
  while (gg::sqrt(gg::pow(y, 2).sum()).item<double>() < 1000) y = y * 2;
  std::cout << y << '\n' << y.grad_fn()->name() << '\n';
  const gg::Tensor v = gg::tensor({0.1, 1.0, 0.0001}, gg::kFloat);
  y.backward(v);
  std::cout << x.grad() << '\n';

  // Tracking stops inside a NoGradGuard's scope ...
  std::cout << x.requires_grad() << '\n';
  std::cout << gg::pow(x, 2).requires_grad() << '\n';
  {
    gg::NoGradGuard no_grad;
    std::cout << gg::pow(x, 2).requires_grad() << '\n';
  }
  // ... and for detach(): the same values, cut from the graph.
  std::cout << x.requires_grad() << '\n';
  y = x.detach();
  std::cout << y.requires_grad() << '\n';
  std::cout << gg::all(gg::eq(x, y)).item<bool>() << '\n';
}

void higher_order_gradients() {
  std::cout << "====== Higher-order gradients: a gradient penalty ======\n";

  auto model = std::make_shared<gg::nn::Linear>(gg::nn::LinearOptions(4, 3));
  gg::Tensor input = gg::randn({3, 4}).requires_grad_(true);
  gg::Tensor output = (*model)(input);
  gg::Tensor target = gg::randn({3, 3});
  gg::Tensor loss = gg::nn::MSELoss()(output, target);

  // d(sum output)/d(input), itself recorded (create_graph), so that a loss built on it can be
  // differentiated again. Each of its rows is the sum of W's rows: the penalty reaches W, not
  // the input.
  gg::Tensor grad_output = gg::ones_like(output);
  gg::Tensor gradient = grad({output}, {input}, {grad_output}, /*retain_graph=*/true,
                             /*create_graph=*/true)[0];
  gg::Tensor gradient_norm = gg::sqrt(gg::pow(gradient, 2).sum(1));
  gg::Tensor gradient_penalty = gg::pow(gradient_norm - 1, 2).mean();

  gg::Tensor combined_loss = loss + gradient_penalty;
  combined_loss.backward();
  std::cout << input.grad() << '\n';
  std::cout << model->weight().grad() << '\n';
}

// y = x W^T + b, as nn::Linear. bias may be undefined.
class LinearFunction : public Function<LinearFunction> {
 public:
  // input:(B, in) weight:(out, in) bias:(out) -> (B, out)
  static gg::Tensor forward(AutogradContext* ctx, gg::Tensor input, gg::Tensor weight,
                            gg::Tensor bias) {
    ctx->save_for_backward({input, weight, bias});
    gg::Tensor output = input.mm(weight.t());
    if (bias.defined()) output = output + bias.unsqueeze(0).expand_as(output);
    return output;
  }

  // din = dout W, dW = dout^T x, db = dout summed over the batch.
  static tensor_list backward(AutogradContext* ctx, tensor_list grad_outputs) {
    const tensor_list saved = ctx->get_saved_variables();
    const gg::Tensor& input = saved[0];
    const gg::Tensor& weight = saved[1];
    const gg::Tensor& bias = saved[2];
    const gg::Tensor& dout = grad_outputs[0];
    gg::Tensor din = dout.mm(weight);
    gg::Tensor dweight = dout.t().mm(input);
    gg::Tensor dbias = bias.defined() ? dout.sum(0) : gg::Tensor();
    return {din, dweight, dbias};
  }
};

// y = c x for a number c, kept in saved_data; the number gets no gradient (an undefined one).
class MulConstant : public Function<MulConstant> {
 public:
  static gg::Tensor forward(AutogradContext* ctx, gg::Tensor tensor, double constant) {
    ctx->saved_data["constant"] = constant;
    return tensor * constant;
  }

  static tensor_list backward(AutogradContext* ctx, tensor_list grad_outputs) {
    return {grad_outputs[0] * ctx->saved_data["constant"].toDouble(), gg::Tensor()};
  }
};

bool custom_functions() {
  std::cout << "====== Custom autograd functions ======\n";
  {
    gg::Tensor x = gg::randn({2, 3}).requires_grad_();
    gg::Tensor weight = gg::randn({4, 3}).requires_grad_();
    // apply takes every argument of forward: the bias is passed, undefined (docs/CUSTOM_OPS.md).
    gg::Tensor y = LinearFunction::apply(x, weight, gg::Tensor());
    y.sum().backward();
    std::cout << x.grad() << '\n' << weight.grad() << '\n';
  }
  {
    gg::Tensor x = gg::randn({2}).requires_grad_();
    gg::Tensor y = MulConstant::apply(x, 5.5);
    y.sum().backward();
    std::cout << x.grad() << '\n';
  }
  // The backward against finite differences, bias included, in double precision.
  const auto f64 = gg::dtype(gg::kFloat64);
  const gg::GradcheckReport report = gg::gradcheck(
      [](const std::vector<gg::Tensor>& in) { return LinearFunction::apply(in[0], in[1], in[2]); },
      {gg::randn({2, 3}, f64), gg::randn({4, 3}, f64), gg::randn({4}, f64)});
  std::cout << "LinearFunction gradcheck: " << report.to_string() << '\n';
  return report.passed;
}

}  // namespace

int main() {
  std::cout << std::boolalpha;
  basic_operations();
  std::cout << '\n';
  higher_order_gradients();
  std::cout << '\n';
  return custom_functions() ? 0 : 1;
}
