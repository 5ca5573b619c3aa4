#pragma once
// Losses and penalties.
#include <gategrad/nn/module.hpp>

#include <cstdint>
#include <span>

namespace gg::nn {

// Mean softmax cross-entropy of logits (N, C) against labels in [0, C) (the fused gate).
Var cross_entropy(const Var& logits, std::span<const std::int64_t> labels);

// Mean squared error: mean((prediction - target)^2); shapes must match.
Var mse_loss(const Var& prediction, const Var& target);

// lambda * sum over the chosen parameters of sum(W^2). By default the weights only: every
// parameter whose name ends in "weight", as the homework regularises W1 and W2 but not biases.
Var l2_penalty(const Module& model, double lambda, bool include_biases = false);

}  // namespace gg::nn
