#include <gategrad/autograd/autograd_meta.hpp>
#include <gategrad/autograd/backward.hpp>
#include <gategrad/autograd/gradcheck.hpp>
#include <gategrad/autograd/grad_mode.hpp>
#include <gategrad/tensor/factory.hpp>
#include <gategrad/tensor/native.hpp>
#include <gategrad/tensor/random.hpp>

#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>

namespace gg {

std::string GradcheckReport::to_string() const {
  std::ostringstream os;
  os.precision(6);
  os << (passed ? "gradcheck passed" : "gradcheck FAILED") << ": worst element is input "
     << input << " [" << input_index << "] for output [" << output_index << "]: analytic "
     << analytic << ", numeric " << numeric << ", abs error " << abs_error << ", rel error "
     << rel_error;
  return os.str();
}

namespace {

// Folds one Jacobian element into the report, which keeps the worst (NaN is the worst).
void score(GradcheckReport& report, double& worst_ratio, std::size_t input, std::size_t input_index,
           std::size_t output_index, double a, double n, const GradcheckOptions& options) {
  const double abs_error = std::abs(a - n);
  const double scale = std::max(std::abs(a), std::abs(n));
  const double ratio = abs_error / (options.atol + options.rtol * scale);
  if (!(ratio <= 1.0)) report.passed = false;
  if (ratio > worst_ratio || std::isnan(ratio)) {
    worst_ratio = std::isnan(ratio) ? INFINITY : ratio;
    report.input = input;
    report.input_index = input_index;
    report.output_index = output_index;
    report.analytic = a;
    report.numeric = n;
    report.abs_error = abs_error;
    report.rel_error = scale > 0 ? abs_error / scale : 0.0;
  }
}

// A copy of t's values in row-major order, as double (f's result may share a probe's storage,
// which the next perturbation changes).
std::vector<double> values_of(const Tensor& t) {
  const Tensor c = native::contiguous(native::to(t, Dtype::Float64));
  const double* p = c.data_ptr<double>();
  return std::vector<double>(p, p + c.numel());
}

void check_output(const Tensor& out, const char* when) {
  if (!out.defined() || !out.is_floating_point()) {
    throw std::invalid_argument(std::string("gradcheck: f returned ") +
                                (out.defined() ? std::string("a tensor of ") + name(out.dtype())
                                               : std::string("an undefined tensor")) +
                                " " + when + ", expected a floating tensor");
  }
}

}  // namespace

GradcheckReport gradcheck(const GradcheckFunction& f, const std::vector<Tensor>& inputs,
                          const GradcheckOptions& options) {
  for (std::size_t k = 0; k < inputs.size(); ++k) {
    if (!inputs[k].defined() || inputs[k].dtype() != Dtype::Float64) {
      throw std::invalid_argument(
          "gradcheck: input " + std::to_string(k) + " is " +
          (inputs[k].defined() ? std::string(name(inputs[k].dtype())) + " of sizes " +
                                     to_string(inputs[k].sizes())
                               : std::string("undefined")) +
          ", expected float64: finite differences need double precision (convert with "
          "gg::native::to(x, gg::kFloat64))");
    }
  }

  // Analytic Jacobian, one backward per output element seeded with a one-hot gradient:
  // analytic[k][o * numel_k + j] = d out[o] / d input_k[j].
  std::vector<Tensor> leaves;
  for (const Tensor& x : inputs) {
    Tensor leaf = native::clone(x);
    leaf.requires_grad_(true);
    leaves.push_back(std::move(leaf));
  }
  const Tensor out = f(leaves);
  check_output(out, "at the inputs");
  const auto n_out = static_cast<std::size_t>(out.numel());
  std::vector<std::vector<double>> analytic(inputs.size());
  for (std::size_t k = 0; k < inputs.size(); ++k) {
    analytic[k].assign(n_out * static_cast<std::size_t>(inputs[k].numel()), 0.0);
  }
  for (std::size_t o = 0; o < n_out && out.requires_grad(); ++o) {
    for (const Tensor& leaf : leaves) autograd::reset_grad(leaf);  // not the last seed's gradient
    Tensor seed = zeros(out.sizes(), dtype(kFloat64));
    seed.data_ptr<double>()[o] = 1.0;
    out.backward(seed, /*retain_graph=*/true);
    for (std::size_t k = 0; k < inputs.size(); ++k) {
      const Tensor& g = leaves[k].grad();
      if (!g.defined()) continue;  // the output does not depend on this input
      const std::vector<double> values = values_of(g);
      std::copy(values.begin(), values.end(),
                analytic[k].begin() + static_cast<std::ptrdiff_t>(o * values.size()));
    }
  }

  // Numeric Jacobian by central differences on contiguous clones. They require grad, as f's
  // inputs did above, so that an f which differentiates inside (a gradient penalty, a first
  // derivative under gradgradcheck) runs the same way; their values are changed in place
  // behind autograd's back, and only f's values are read.
  GradcheckReport report;
  double worst_ratio = -1.0;
  std::vector<Tensor> probes;
  for (const Tensor& x : inputs) probes.push_back(native::clone(x).requires_grad_(true));
  for (std::size_t k = 0; k < inputs.size(); ++k) {
    double* data = probes[k].data_ptr<double>();
    const auto n_in = static_cast<std::size_t>(probes[k].numel());
    for (std::size_t j = 0; j < n_in; ++j) {
      const double saved = data[j];
      data[j] = saved + options.eps;
      const Tensor plus_out = f(probes);
      check_output(plus_out, "for perturbed inputs");
      const std::vector<double> plus = values_of(plus_out);
      data[j] = saved - options.eps;
      const std::vector<double> minus = values_of(f(probes));
      data[j] = saved;
      if (plus.size() != n_out || minus.size() != n_out) {
        throw std::invalid_argument("gradcheck: f returned " + std::to_string(plus.size()) +
                                    " elements for perturbed inputs, " + std::to_string(n_out) +
                                    " at the inputs; expected the same sizes every time");
      }
      for (std::size_t o = 0; o < n_out; ++o) {
        const double numeric = (plus[o] - minus[o]) / (2 * options.eps);
        score(report, worst_ratio, k, j, o, analytic[k][o * n_in + j], numeric, options);
      }
    }
  }
  return report;
}

GradcheckReport gradgradcheck(const GradcheckFunction& f, const std::vector<Tensor>& inputs,
                              const Tensor& grad_output, const GradcheckOptions& options) {
  Tensor v = grad_output;
  if (!v.defined()) {
    std::vector<Tensor> leaves;
    for (const Tensor& x : inputs) leaves.push_back(native::clone(x));
    const Tensor out = [&] {
      NoGradGuard no_grad;
      return f(leaves);
    }();
    check_output(out, "at the inputs");
    Generator gen(20261201);  // fixed: the check is repeatable
    v = randn(out.sizes(), gen, dtype(kFloat64));
  }
  GradcheckReport worst;
  double worst_ratio = -1.0;
  std::vector<Tensor> all = inputs;
  all.push_back(v);
  for (std::size_t k = 0; k < inputs.size(); ++k) {
    // g_k(inputs..., v): the first derivative in input k, with its graph.
    const auto first_derivative = [&f, k](const std::vector<Tensor>& args) {
      const std::vector<Tensor> xs(args.begin(), args.end() - 1);
      const Tensor out = f(xs);
      if (!out.requires_grad()) return zeros_like(xs[k]);  // f does not depend on its inputs
      Tensor g = autograd::grad({out}, {xs[k]}, {args.back()}, true, true, true)[0];
      return g.defined() ? g : zeros_like(xs[k]);
    };
    GradcheckReport report = gradcheck(first_derivative, all, options);
    report.of_gradient = k;
    // The worst check: the first that failed, else the one closest to failing.
    const double scale = std::max(std::abs(report.analytic), std::abs(report.numeric));
    const double ratio = report.passed ? report.abs_error / (options.atol + options.rtol * scale) : INFINITY;
    if (ratio > worst_ratio) {
      worst_ratio = ratio;
      worst = report;
    }
  }
  return worst;
}

}  // namespace gg
