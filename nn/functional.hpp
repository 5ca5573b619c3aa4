#pragma once
// gg::nn::functional: the functional forms of torch::nn::functional that are not layers'
// (linear is in nn/layers.hpp; the losses are in nn/loss.hpp). Here pad, in LibTorch's spelling:
//   namespace F = gg::nn::functional;
//   F::pad(x, F::PadFuncOptions({1, 2}).mode(gg::kConstant).value(0.5))
#include <gategrad/autograd/ops.hpp>
#include <gategrad/nn/enum.hpp>
#include <gategrad/nn/loss.hpp>  // the losses' functional forms, F::mse_loss(x, y, options)

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

}  // namespace gg::nn::functional
