#pragma once
// Losses and penalties. Each takes the caller's line (`where`) for anomaly reports.
#include <gategrad/nn/module.hpp>

namespace gg::nn {

// Mean softmax cross-entropy of logits (N, C) against int64 class indices (N) in [0, C) (the
// fused gate, gg::cross_entropy).
Tensor cross_entropy(const Tensor& logits, const Tensor& target, Where where = Where::current());

// Mean squared error: mean((prediction - target)^2); sizes must match (ShapeError otherwise).
Tensor mse_loss(const Tensor& prediction, const Tensor& target, Where where = Where::current());

// lambda * sum over the chosen parameters of sum(W^2). By default the weights only: every
// parameter whose name ends in "weight", as the homework regularises W1 and W2 but not biases.
// A rank-0 tensor of the parameters' dtype (float32 when none is chosen).
Tensor l2_penalty(const Module& model, double lambda, bool include_biases = false,
                  Where where = Where::current());

}  // namespace gg::nn
