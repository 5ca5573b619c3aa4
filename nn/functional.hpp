#pragma once
// gg::nn::functional: the functional forms of torch::nn::functional that are not layers'
// (linear is in nn/layers.hpp; the losses are in nn/loss.hpp). Here pad, in LibTorch's spelling:
//   namespace F = gg::nn::functional;
//   F::pad(x, F::PadFuncOptions({1, 2}).mode(gg::kConstant).value(0.5))
#include <gategrad/autograd/conv_ops.hpp>
#include <gategrad/autograd/ops.hpp>
#include <gategrad/nn/enum.hpp>
#include <gategrad/nn/conv.hpp>     // F::conv1d, F::conv2d, F::conv_transpose2d
#include <gategrad/nn/loss.hpp>  // the losses' functional forms, F::mse_loss(x, y, options)
#include <gategrad/nn/normalization.hpp>  // F::batch_norm, F::layer_norm, F::group_norm, F::embedding
#include <gategrad/nn/pooling.hpp>  // F::max_pool2d, F::avg_pool2d, F::adaptive_avg_pool2d
#include <gategrad/nn/upsampling.hpp>  // F::interpolate
#include <gategrad/tensor/random.hpp>

#include <cstdint>
#include <utility>
#include <variant>
#include <vector>

namespace gg::nn::functional {

struct PadFuncOptions {
  using mode_t = std::variant<enumtype::kConstant>;
  PadFuncOptions(std::vector<std::int64_t> pad) : pad_(std::move(pad)) {}  // NOLINT: implicit, as LibTorch's
  PadFuncOptions& pad(std::vector<std::int64_t> value) { pad_ = std::move(value); return *this; }
  PadFuncOptions& mode(mode_t value) { mode_ = value; return *this; }
  PadFuncOptions& value(double v) { value_ = v; return *this; }
  const std::vector<std::int64_t>& pad() const { return pad_; }
  const mode_t& mode() const { return mode_; }
  double value() const { return value_; }

 private:
  std::vector<std::int64_t> pad_;
  mode_t mode_ = enumtype::kConstant{};
  double value_ = 0;
};

// torch::nn::functional::pad: constant padding (gg::constant_pad_nd): pad = (left, right) of
// the last dim, then of the one before, ...; negative pads crop.
inline Tensor pad(const Tensor& input, const PadFuncOptions& options, Where where = Where::current()) {
  return constant_pad_nd(input, options.pad(), options.value(), where);
}

struct DropoutFuncOptions {
  DropoutFuncOptions& p(double v) { p_ = v; return *this; }
  DropoutFuncOptions& training(bool on) { training_ = on; return *this; }
  double p() const { return p_; }
  bool training() const { return training_; }

 private:
  double p_ = 0.5;
  bool training_ = true;
};
using Dropout2dFuncOptions = DropoutFuncOptions;

// torch::nn::functional::dropout (gg::dropout) and dropout2d (gg::feature_dropout on an
// (N, C, H, W) or unbatched (C, H, W) input), drawing from `gen`.
inline Tensor dropout(const Tensor& input, const DropoutFuncOptions& options = {},
                      Generator& gen = default_generator(), Where where = Where::current()) {
  return gg::dropout(input, options.p(), gen, options.training(), where);
}

inline Tensor dropout2d(const Tensor& input, const Dropout2dFuncOptions& options = {},
                        Generator& gen = default_generator(), Where where = Where::current()) {
  if (input.dim() != 3 && input.dim() != 4) {
    throw ShapeError("dropout2d: got input " + to_string(input.sizes()) +
                     ", expected (N, C, H, W) or unbatched (C, H, W)");
  }
  if (input.dim() == 4) return gg::feature_dropout(input, options.p(), options.training(), gen, where);
  return gg::squeeze(gg::feature_dropout(gg::unsqueeze(input, 0, where), options.p(), options.training(), gen, where),
                     0, where);
}

}  // namespace gg::nn::functional
