// batch_norm, layer_norm, group_norm and embedding (autograd/normalization_ops.hpp), composed
// of differentiable ops: the statistics are gg::mean of x and of its centred square, so their
// gradients (and second derivatives) are those of mean, mul and rsqrt.
#include <gategrad/autograd/grad_mode.hpp>
#include <gategrad/autograd/normalization_ops.hpp>
#include <gategrad/tensor/native.hpp>

#include <cstdint>
#include <stdexcept>
#include <string>

namespace gg {
namespace {

// (1, C, 1, ..., 1) for an input of `rank` dims: a per-channel tensor's broadcasting view.
SizeVector channel_shape(std::int64_t rank, std::int64_t channels) {
  SizeVector s(static_cast<std::size_t>(rank), 1);
  s[1] = channels;
  return s;
}

void check_per_channel(const char* op, const char* name, const Tensor& t, const Tensor& input, std::int64_t channels) {
  if (!t.defined()) return;
  if (t.dim() != 1 || t.size(0) != channels) {
    throw ShapeError(std::string(op) + ": got " + name + " " + to_string(t.sizes()) + " for input " +
                     to_string(input.sizes()) + ", expected " + name + " (" + std::to_string(channels) + ")");
  }
}

// y * weight + bias, each viewed as `shape` and applied when defined.
Tensor affine(Tensor y, const Tensor& weight, const Tensor& bias, IntArrayRef shape, Where where) {
  if (weight.defined()) y = mul(y, view(weight, shape, where), where);
  if (bias.defined()) y = add(y, view(bias, shape, where), where);
  return y;
}

// (x - mean) rsqrt(var + eps), then the affine step.
Tensor normalize(const Tensor& centered, const Tensor& var, double eps, const Tensor& weight, const Tensor& bias,
                 IntArrayRef shape, Where where) {
  return affine(mul(centered, rsqrt(add(var, eps, where), where), where), weight, bias, shape, where);
}

}  // namespace

Tensor batch_norm(const Tensor& input, const Tensor& weight, const Tensor& bias, const Tensor& running_mean,
                  const Tensor& running_var, bool training, double momentum, double eps, bool /*cudnn_enabled*/,
                  Where where) {
  const char* op = "batch_norm";
  if (input.dim() < 2) {
    throw ShapeError(std::string(op) + ": got input " + to_string(input.sizes()) + ", expected (N, C, ...)");
  }
  if (!input.is_floating_point()) {
    throw std::invalid_argument(std::string(op) + ": got input of dtype " + to_string(input.dtype()) +
                                ", expected a floating dtype");
  }
  const std::int64_t C = input.size(1);
  check_per_channel(op, "weight", weight, input, C);
  check_per_channel(op, "bias", bias, input, C);
  check_per_channel(op, "running_mean", running_mean, input, C);
  check_per_channel(op, "running_var", running_var, input, C);
  const SizeVector shape = channel_shape(input.dim(), C);
  SizeVector dims{0};
  for (std::int64_t d = 2; d < input.dim(); ++d) dims.push_back(d);
  if (training) {
    const std::int64_t n = C == 0 ? 0 : input.numel() / C;
    if (n <= 1) {
      throw std::invalid_argument(std::string(op) + ": got input " + to_string(input.sizes()) +
                                  " in training, expected more than 1 value per channel");
    }
    const Tensor mean = gg::mean(input, dims, true, where);
    const Tensor centered = sub(input, mean, where);
    const Tensor var = gg::mean(mul(centered, centered, where), dims, true, where);
    if (running_mean.defined() || running_var.defined()) {
      NoGradGuard no_grad;
      if (running_mean.defined()) {
        native::mul_(running_mean, 1.0 - momentum);
        native::add_(running_mean, native::view(mean, {C}), momentum);
      }
      if (running_var.defined()) {
        const double unbiased = static_cast<double>(n) / static_cast<double>(n - 1);
        native::mul_(running_var, 1.0 - momentum);
        native::add_(running_var, native::view(var, {C}), momentum * unbiased);
      }
    }
    return normalize(centered, var, eps, weight, bias, shape, where);
  }
  if (!running_mean.defined() || !running_var.defined()) {
    throw std::invalid_argument(std::string(op) +
                                ": got training = false without running_mean and running_var, expected both");
  }
  const Tensor centered = sub(input, view(running_mean, shape, where), where);
  return normalize(centered, view(running_var, shape, where), eps, weight, bias, shape, where);
}

Tensor layer_norm(const Tensor& input, IntArrayRef normalized_shape, const Tensor& weight, const Tensor& bias,
                  double eps, bool /*cudnn_enable*/, Where where) {
  const char* op = "layer_norm";
  const auto k = static_cast<std::int64_t>(normalized_shape.size());
  bool fits = k >= 1 && input.dim() >= k;
  for (std::int64_t i = 0; fits && i < k; ++i) fits = input.size(input.dim() - k + i) == normalized_shape[static_cast<std::size_t>(i)];
  if (!fits) {
    throw ShapeError(std::string(op) + ": got input " + to_string(input.sizes()) + " and normalized_shape " +
                     to_string(normalized_shape) + ", expected an input of sizes [*, " +
                     to_string(normalized_shape).substr(1));
  }
  for (const Tensor* t : {&weight, &bias}) {
    if (t->defined() && !(t->sizes() == normalized_shape)) {
      throw ShapeError(std::string(op) + ": got " + (t == &weight ? "weight " : "bias ") + to_string(t->sizes()) +
                       ", expected normalized_shape " + to_string(normalized_shape));
    }
  }
  SizeVector dims;
  for (std::int64_t d = input.dim() - k; d < input.dim(); ++d) dims.push_back(d);
  const Tensor centered = sub(input, gg::mean(input, dims, true, where), where);
  const Tensor var = gg::mean(mul(centered, centered, where), dims, true, where);
  return normalize(centered, var, eps, weight, bias, normalized_shape, where);
}

Tensor group_norm(const Tensor& input, std::int64_t num_groups, const Tensor& weight, const Tensor& bias,
                  double eps, bool /*cudnn_enabled*/, Where where) {
  const char* op = "group_norm";
  if (input.dim() < 2) {
    throw ShapeError(std::string(op) + ": got input " + to_string(input.sizes()) + ", expected (N, C, ...)");
  }
  const std::int64_t N = input.size(0), C = input.size(1);
  if (num_groups < 1 || C % num_groups != 0) {
    throw std::invalid_argument(std::string(op) + ": got num_groups " + std::to_string(num_groups) + " for " +
                                std::to_string(C) + " channels, expected a divisor of the channel count");
  }
  check_per_channel(op, "weight", weight, input, C);
  check_per_channel(op, "bias", bias, input, C);
  const Tensor grouped = reshape(input, {N, num_groups, -1}, where);
  const Tensor centered = sub(grouped, gg::mean(grouped, {2}, true, where), where);
  const Tensor var = gg::mean(mul(centered, centered, where), {2}, true, where);
  const Tensor y = reshape(mul(centered, rsqrt(add(var, eps, where), where), where), input.sizes(), where);
  return affine(y, weight, bias, channel_shape(input.dim(), C), where);
}

Tensor embedding(const Tensor& weight, const Tensor& indices, std::int64_t padding_idx, bool scale_grad_by_freq,
                 bool sparse, Where where) {
  const char* op = "embedding";
  if (scale_grad_by_freq || sparse) {
    throw std::invalid_argument(std::string(op) + ": got scale_grad_by_freq or sparse = true, expected false "
                                "(not supported)");
  }
  if (weight.dim() != 2) {
    throw ShapeError(std::string(op) + ": got weight " + to_string(weight.sizes()) +
                     ", expected (num_embeddings, embedding_dim)");
  }
  if (indices.dtype() != kInt64) {
    throw std::invalid_argument(std::string(op) + ": got indices of dtype " + to_string(indices.dtype()) +
                                ", expected int64");
  }
  SizeVector sizes = indices.sizes().vec();
  sizes.push_back(weight.size(1));
  Tensor rows = view(index_select(weight, 0, native::reshape(indices, {-1}), where), sizes, where);
  if (padding_idx < 0 || !rows.requires_grad()) return rows;
  // The padding rows' values as they are, without a gradient: where(kept, rows, rows.detach()).
  SizeVector mask_sizes = indices.sizes().vec();
  mask_sizes.push_back(1);
  const Tensor kept = native::view(native::ne(indices, Scalar(padding_idx)), mask_sizes);
  return gg::where(kept, rows, rows.detach(), where);
}

}  // namespace gg
