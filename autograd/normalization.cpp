// batch_norm, layer_norm, group_norm and embedding (autograd/normalization_ops.hpp).
// layer_norm and group_norm are composed of differentiable ops: the statistics are gg::mean of
// x and of its centred square, so their gradients (and second derivatives) are those of mean,
// mul and rsqrt. batch_norm runs on the fused kernels of tensor/batch_norm.hpp (one read of x
// for the statistics, one for y; one of x and dy for the sums of the backward, one for dx),
// its gate (BatchNormGate) giving the same gradients as the composition; under create_graph
// its backward is that composition, so higher derivatives record as before.
#include <gategrad/autograd/grad_mode.hpp>
#include <gategrad/autograd/normalization_ops.hpp>
#include <gategrad/autograd/recording.hpp>
#include <gategrad/tensor/batch_norm.hpp>
#include <gategrad/tensor/factory.hpp>
#include <gategrad/tensor/native.hpp>

#include <cmath>
#include <cstdint>
#include <span>
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

// The dims a batch norm reduces over: every one but 1.
SizeVector batch_dims(std::int64_t rank) {
  SizeVector dims{0};
  for (std::int64_t d = 2; d < rank; ++d) dims.push_back(d);
  return dims;
}

// out[c] = f(c) for c < C, computed in double and stored in `dtype` (float32 or float64).
template <class F>
Tensor per_channel(std::int64_t C, Dtype dtype, const F& f) {
  Tensor out = empty({C}, TensorOptions().dtype(dtype));
  visit_dtype(dtype, [&]<class T>() {
    if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double>) {
      T* o = out.data_ptr<T>();
      for (std::int64_t c = 0; c < C; ++c) o[c] = static_cast<T>(f(c));
    }
  });
  return out;
}

// t[c] as a double, t (C) float32 or float64; 1 (or 0) when t is undefined.
double at(const Tensor& t, std::int64_t c, double undefined) {
  if (!t.defined()) return undefined;
  return t.dtype() == kFloat32 ? static_cast<double>(t.data_ptr<float>()[c]) : t.data_ptr<double>()[c];
}

// y = (x - mean) invstd weight + bias with the batch's statistics. Inputs: x, and weight and
// bias when the norm is affine.
struct BatchNormGate final : autograd::Node {
  static constexpr const char* kName = "BatchNormGate";
  autograd::SavedTensor x, weight;
  Tensor mean, invstd;  // (C), plain: the batch's statistics
  double eps = 0;
  bool affine = false;
  void backward(const Tensor& dout, std::span<Tensor> din) override {
    const Tensor input = x.unpack(*this);
    const Tensor w = affine ? weight.unpack(*this) : Tensor();
    if (is_grad_enabled()) {  // create_graph: the composition, differentiable again
      composed_backward(input, w, dout, din);
      return;
    }
    const std::int64_t C = input.size(1);
    const double n = static_cast<double>(input.numel() / C);
    const auto sums = native::batch_norm_backward_sums(dout, input, mean);
    const Tensor& sum = sums.first;  // per channel: sum of dy
    const Tensor& dot = sums.second;  // and of dy (x - mean)
    const Dtype dtype = input.dtype();
    if (needs_grad(0)) {
      // dx = w invstd (dy - sum/n - (x - mean) invstd^2 dot/n) = a dy + b x + k.
      const Tensor a = per_channel(C, dtype, [&](std::int64_t c) { return at(w, c, 1) * at(invstd, c, 0); });
      const Tensor b = per_channel(C, dtype, [&](std::int64_t c) {
        const double s = at(invstd, c, 0);
        return -at(a, c, 0) * s * s * at(dot, c, 0) / n;
      });
      const Tensor k = per_channel(C, dtype, [&](std::int64_t c) {
        return -at(a, c, 0) * at(sum, c, 0) / n - at(b, c, 0) * at(mean, c, 0);
      });
      din[0] = native::channel_affine2(dout, a, input, b, k);
    }
    if (affine && needs_grad(1)) {
      din[1] = per_channel(C, dtype, [&](std::int64_t c) { return at(dot, c, 0) * at(invstd, c, 0); });
    }
    if (affine && needs_grad(2)) din[2] = sum;
  }
  void composed_backward(const Tensor& input, const Tensor& w, const Tensor& dout, std::span<Tensor> din) {
    const SizeVector dims = batch_dims(input.dim());
    const SizeVector shape = channel_shape(input.dim(), input.size(1));
    const Tensor centered = sub(input, gg::mean(input, dims, true));
    const Tensor istd = rsqrt(add(gg::mean(mul(centered, centered), dims, true), eps));
    const Tensor xhat = mul(centered, istd);
    if (needs_grad(0)) {
      const Tensor g = w.defined() ? mul(dout, view(w, shape)) : dout;
      din[0] = mul(istd, sub(sub(g, gg::mean(g, dims, true)), mul(xhat, gg::mean(mul(g, xhat), dims, true))));
    }
    if (affine && needs_grad(1)) din[1] = sum(mul(dout, xhat), dims);
    if (affine && needs_grad(2)) din[2] = sum(dout, dims);
  }
  void release() override {
    x.reset();
    weight.reset();
  }
};

// running = (1 - momentum) running + momentum batch, the variance unbiased (n / (n - 1));
// not recorded. mean and var (C).
void update_running(const Tensor& running_mean, const Tensor& running_var, const Tensor& mean, const Tensor& var,
                    double momentum, std::int64_t n) {
  NoGradGuard no_grad;
  if (running_mean.defined()) {
    native::mul_(running_mean, 1.0 - momentum);
    native::add_(running_mean, mean, momentum);
  }
  if (running_var.defined()) {
    const double unbiased = static_cast<double>(n) / static_cast<double>(n - 1);
    native::mul_(running_var, 1.0 - momentum);
    native::add_(running_var, var, momentum * unbiased);
  }
}

// Whether the fused kernels take this batch norm: float32 or float64 throughout, and weight
// and bias both given or both not (the composition handles the rest).
bool fused(const Tensor& input, const Tensor& weight, const Tensor& bias) {
  if (input.dtype() != kFloat32 && input.dtype() != kFloat64) return false;
  if (weight.defined() != bias.defined()) return false;
  return !weight.defined() || (weight.dtype() == input.dtype() && bias.dtype() == input.dtype());
}

// y = x scale + shift per channel, scale = weight invstd and shift = bias - mean scale.
Tensor normalize_fused(const Tensor& input, const Tensor& weight, const Tensor& bias, const Tensor& mean,
                       const Tensor& invstd) {
  const std::int64_t C = input.size(1);
  const Tensor scale = per_channel(C, input.dtype(), [&](std::int64_t c) { return at(weight, c, 1) * at(invstd, c, 0); });
  const Tensor shift = per_channel(C, input.dtype(), [&](std::int64_t c) {
    return at(bias, c, 0) - at(mean, c, 0) * at(scale, c, 0);
  });
  return native::channel_affine(input, scale, shift);
}

// 1 / sqrt(var + eps) per channel.
Tensor inverse_std(const Tensor& var, double eps) {
  return per_channel(var.size(0), var.dtype(), [&](std::int64_t c) { return 1.0 / std::sqrt(at(var, c, 0) + eps); });
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
  const SizeVector dims = batch_dims(input.dim());
  if (training) {
    const std::int64_t n = C == 0 ? 0 : input.numel() / C;
    if (n <= 1) {
      throw std::invalid_argument(std::string(op) + ": got input " + to_string(input.sizes()) +
                                  " in training, expected more than 1 value per channel");
    }
    if (fused(input, weight, bias)) {
      const auto stats = native::batch_norm_stats(input);
      const Tensor& mean = stats.first;
      const Tensor& var = stats.second;
      update_running(running_mean, running_var, mean, var, momentum, n);
      const Tensor invstd = inverse_std(var, eps);
      Tensor y = normalize_fused(input, weight, bias, mean, invstd);
      const auto save = [&](BatchNormGate& gate) {
        gate.affine = weight.defined();
        gate.eps = eps;
        gate.mean = mean;
        gate.invstd = invstd;
        gate.x = gate.save(input);
        if (gate.affine) gate.weight = gate.save(weight);
      };
      if (weight.defined()) return autograd::record<BatchNormGate>(std::move(y), {&input, &weight, &bias}, where, save);
      return autograd::record<BatchNormGate>(std::move(y), {&input}, where, save);
    }
    const Tensor mean = gg::mean(input, dims, true, where);
    const Tensor centered = sub(input, mean, where);
    const Tensor var = gg::mean(mul(centered, centered, where), dims, true, where);
    update_running(running_mean, running_var, native::view(mean, {C}), native::view(var, {C}), momentum, n);
    return normalize(centered, var, eps, weight, bias, shape, where);
  }
  if (!running_mean.defined() || !running_var.defined()) {
    throw std::invalid_argument(std::string(op) +
                                ": got training = false without running_mean and running_var, expected both");
  }
  if (fused(input, weight, bias) && running_mean.dtype() == input.dtype() && running_var.dtype() == input.dtype() &&
      !autograd::should_record({&input, &weight, &bias})) {
    // Inference: one pass, y = x scale + shift.
    return normalize_fused(input, weight, bias, running_mean, inverse_std(running_var, eps));
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
