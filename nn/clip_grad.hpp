#pragma once
// Gradient clipping, as torch::nn::utils: in place on each parameter's .grad() (parameters
// without a gradient are skipped). Gradients are float32 or float64 (each its own).
#include <gategrad/tensor/tensor.hpp>

#include <vector>

namespace gg::nn::utils {

// Scales every gradient by max_norm / (total_norm + 1e-6) when that is below 1, where
// total_norm is the p-norm (norm_type > 0, or infinity for the largest magnitude) of all
// gradients' elements together, accumulated in double. Returns total_norm. A NaN or infinite
// total_norm throws std::runtime_error naming it if error_if_nonfinite, else scales as torch
// does (by 0 for infinity, by NaN for NaN).
double clip_grad_norm_(const std::vector<Tensor>& parameters, double max_norm, double norm_type = 2.0,
                       bool error_if_nonfinite = false);
double clip_grad_norm_(const Tensor& parameter, double max_norm, double norm_type = 2.0,
                       bool error_if_nonfinite = false);

// Clamps every gradient element to [-clip_value, clip_value] (NaN stays NaN; a negative
// clip_value sets every element to clip_value, as torch's clamp with min > max).
void clip_grad_value_(const std::vector<Tensor>& parameters, double clip_value);
void clip_grad_value_(const Tensor& parameter, double clip_value);

}  // namespace gg::nn::utils
