#pragma once
// gg::native's batch-norm kernels (tensor/batch_norm.cpp): per-channel statistics and the
// per-channel affine maps a batch norm's forward and backward are made of, for an input
// (N, C, *) of float32 or float64, read as N x C planes of S = prod(*) contiguous values.
// No autograd: the differentiable batch_norm is autograd/normalization.cpp's.
//
// Each kernel reads its operands once from memory (a plane is read twice, the second time from
// L1), and shares the channels out across the thread pool, so the values do not depend on the
// thread count.
#include <gategrad/tensor/tensor.hpp>

#include <utility>

namespace gg::native {

// The mean and biased variance (each (C), x's dtype) of every channel of x (N, C, *),
// accumulated in float64: blocks of at most 1024 values are centred on their own mean and
// merged by Chan's formula, so a large mean does not swamp the variance.
std::pair<Tensor, Tensor> batch_norm_stats(const Tensor& x);

// y[n, c, s] = x[n, c, s] * scale[c] + shift[c]; scale, shift (C) of x's dtype.
Tensor channel_affine(const Tensor& x, const Tensor& scale, const Tensor& shift);

// sum over n, s of dy[n, c, s] and of dy[n, c, s] * (x[n, c, s] - mean[c]), per channel
// ((C) each, x's dtype): what the gradients of a batch norm are made of. dy of x's sizes.
std::pair<Tensor, Tensor> batch_norm_backward_sums(const Tensor& dy, const Tensor& x, const Tensor& mean);

// out[n, c, s] = a[c] dy[n, c, s] + b[c] x[n, c, s] + k[c]: a batch norm's input gradient.
Tensor channel_affine2(const Tensor& dy, const Tensor& a, const Tensor& x, const Tensor& b, const Tensor& k);

}  // namespace gg::native
