#pragma once
// gradcheck: compares the analytic gradient of any function of gg::Tensors with central finite
// differences in float64, element by element of the full Jacobian (as torch.autograd.gradcheck,
// which LibTorch's C++ API lacks).
#include <gategrad/tensor/tensor.hpp>

#include <functional>
#include <string>
#include <vector>

namespace gg {

struct GradcheckOptions {
  double eps = 1e-6;   // finite-difference step
  double rtol = 1e-6;  // an element passes when |analytic - numeric| <= atol + rtol * max(|a|, |n|)
  double atol = 1e-9;
};

struct GradcheckReport {
  bool passed = true;
  // The worst element: the largest |a - n| / (atol + rtol * max(|a|, |n|)).
  std::size_t input = 0;         // which input it belongs to
  std::size_t input_index = 0;   // flat index within that input
  std::size_t output_index = 0;  // flat index of the output whose derivative it is
  double analytic = 0, numeric = 0;
  double abs_error = 0, rel_error = 0;  // rel: |a - n| / max(|a|, |n|), 0 when both are 0
  std::size_t of_gradient = 0;  // gradgradcheck: the input whose first derivative this checks
  std::string to_string() const;
};

// Calls f on leaves made from contiguous clones of `inputs` (each requiring grad); f may return
// a floating tensor of any sizes, and may itself differentiate (autograd::grad inside f). The
// inputs must be float64 (throws std::invalid_argument otherwise): the finite differences need
// double precision. The numeric Jacobian perturbs the clones' elements one at a time. f must be deterministic (reseed any
// generator it uses on each call) and differentiable at the inputs (keep away from kinks such
// as ReLU at 0).
using GradcheckFunction = std::function<Tensor(const std::vector<Tensor>&)>;
GradcheckReport gradcheck(const GradcheckFunction& f, const std::vector<Tensor>& inputs,
                          const GradcheckOptions& options = {});

// The second derivatives of f, as torch.autograd.gradcheck's gradgradcheck: for each input k,
// gradcheck of the first derivative g_k(inputs, v) = autograd::grad(f(inputs), inputs[k], v,
// create_graph = true) in all of its arguments, the output gradient v included. So every
// gate's backward is checked to be itself differentiable, and right. v is `grad_output`, or,
// undefined, a seeded random float64 tensor of f's output sizes. The report is the worst of
// the checks: its `input` counts the inputs, then v (index inputs.size()), and `of_gradient`
// says which first derivative it belongs to.
GradcheckReport gradgradcheck(const GradcheckFunction& f, const std::vector<Tensor>& inputs,
                              const Tensor& grad_output = {}, const GradcheckOptions& options = {});

}  // namespace gg
