#pragma once
// Differentiable normalisations and the embedding lookup, with at::'s names and argument order
// (at::batch_norm, at::layer_norm, at::group_norm, at::embedding). Each is a composition of
// the differentiable ops of autograd/ops.hpp (autograd/normalization.cpp), so its gradients of
// every order are theirs. Throws ShapeError or std::invalid_argument naming the op, what it
// got and what it expected.
#include <gategrad/autograd/ops.hpp>

#include <cstdint>

namespace gg {

// input (N, C, ...): per channel, (x - mean) / sqrt(var + eps) * weight + bias (weight, bias
// (C) or undefined). training: the batch's mean and biased variance over every dim but 1, and,
// when running_mean / running_var (C) are defined, those updated in place without recording:
// running = (1 - momentum) running + momentum batch (the variance unbiased, n / (n - 1)).
// Otherwise the running statistics normalise (both must then be defined).
Tensor batch_norm(const Tensor& input, const Tensor& weight, const Tensor& bias,
                  const Tensor& running_mean, const Tensor& running_var, bool training,
                  double momentum, double eps, bool cudnn_enabled = false,
                  Where where = Where::current());

// Over the last normalized_shape.size() dims, whose sizes must be normalized_shape: the mean
// and biased variance of each sample's slice; weight and bias (normalized_shape) or undefined.
Tensor layer_norm(const Tensor& input, IntArrayRef normalized_shape, const Tensor& weight = {},
                  const Tensor& bias = {}, double eps = 1e-5, bool cudnn_enable = false,
                  Where where = Where::current());

// input (N, C, ...): the C channels split into num_groups groups, each sample's group
// normalised over its channels and the other dims; weight and bias (C) or undefined.
Tensor group_norm(const Tensor& input, std::int64_t num_groups, const Tensor& weight = {},
                  const Tensor& bias = {}, double eps = 1e-5, bool cudnn_enabled = false,
                  Where where = Where::current());

// Rows of weight (num_embeddings, dim) at int64 indices of any sizes: (*indices.sizes, dim).
// The row padding_idx (when >= 0) gets no gradient, as torch's. scale_grad_by_freq and sparse
// are not supported (std::invalid_argument when true).
Tensor embedding(const Tensor& weight, const Tensor& indices, std::int64_t padding_idx = -1,
                 bool scale_grad_by_freq = false, bool sparse = false,
                 Where where = Where::current());

}  // namespace gg
