#include <gategrad/autograd/gradcheck.hpp>
#include <gategrad/autograd/grad_mode.hpp>

#include <algorithm>
#include <cmath>
#include <sstream>

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

GradcheckReport gradcheck(const GradcheckFunction& f, const std::vector<ArrayD>& inputs,
                          const GradcheckOptions& options) {
  // Analytic Jacobian, one backward per output element: jac[k][o * n_k + j].
  std::vector<VarD> leaves;
  for (const ArrayD& x : inputs) leaves.emplace_back(x, true);
  const VarD out = f(leaves);
  const std::size_t n_out = out.size();
  std::vector<std::vector<double>> analytic(inputs.size());
  for (std::size_t k = 0; k < inputs.size(); ++k) analytic[k].assign(n_out * inputs[k].size(), 0.0);
  for (std::size_t o = 0; o < n_out; ++o) {
    for (VarD& leaf : leaves) leaf.zero_grad();
    ArrayD seed = ArrayD::zeros(out.shape());
    seed.data()[o] = 1.0;
    if (out.requires_grad()) out.backward(seed, /*retain_graph=*/true);
    for (std::size_t k = 0; k < inputs.size(); ++k) {
      if (!leaves[k].has_grad()) continue;  // the output does not depend on this input
      const ArrayD& g = leaves[k].grad();
      std::copy_n(g.data(), g.size(), analytic[k].begin() + static_cast<std::ptrdiff_t>(o * g.size()));
    }
  }

  // Numeric Jacobian by central differences, without recording graphs.
  NoGradGuard no_grad;
  GradcheckReport report;
  double worst_ratio = -1.0;
  std::vector<VarD> probe;
  for (const ArrayD& x : inputs) probe.emplace_back(x, false);
  for (std::size_t k = 0; k < inputs.size(); ++k) {
    for (std::size_t j = 0; j < inputs[k].size(); ++j) {
      double& xj = probe[k].mutable_data().data()[j];
      const double saved = xj;
      xj = saved + options.eps;
      const ArrayD plus = f(probe).data();
      xj = saved - options.eps;
      const ArrayD minus = f(probe).data();
      xj = saved;
      for (std::size_t o = 0; o < n_out; ++o) {
        const double n = (plus.data()[o] - minus.data()[o]) / (2 * options.eps);
        const double a = analytic[k][o * inputs[k].size() + j];
        const double abs_error = std::abs(a - n);
        const double scale = std::max(std::abs(a), std::abs(n));
        const double ratio = abs_error / (options.atol + options.rtol * scale);
        if (!(ratio <= 1.0)) report.passed = false;  // NaN fails too
        if (ratio > worst_ratio || std::isnan(ratio)) {
          worst_ratio = std::isnan(ratio) ? INFINITY : ratio;
          report.input = k;
          report.input_index = j;
          report.output_index = o;
          report.analytic = a;
          report.numeric = n;
          report.abs_error = abs_error;
          report.rel_error = scale > 0 ? abs_error / scale : 0.0;
        }
      }
    }
  }
  return report;
}

}  // namespace gg
