#pragma once
// Resampling, as LibTorch's F::interpolate and torch::nn::Upsample with their options, for 4-D
// (N, C, H, W) inputs in the modes kNearest and kBilinear (the ops: gg::upsample_nearest2d and
// gg::upsample_bilinear2d, autograd/conv_ops.hpp).
//
//   F::interpolate(x, F::InterpolateFuncOptions().scale_factor({2, 2}).mode(gg::kBilinear))
#include <gategrad/autograd/conv_ops.hpp>
#include <gategrad/nn/enum.hpp>
#include <gategrad/nn/module.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace gg::nn {

struct UpsampleOptions {
  using mode_t = std::variant<enumtype::kNearest, enumtype::kBilinear>;
  UpsampleOptions& size(std::optional<std::vector<std::int64_t>> v) { size_ = std::move(v); return *this; }
  UpsampleOptions& scale_factor(std::optional<std::vector<double>> v) { scale_factor_ = std::move(v); return *this; }
  UpsampleOptions& mode(mode_t v) { mode_ = v; return *this; }
  UpsampleOptions& align_corners(std::optional<bool> v) { align_corners_ = v; return *this; }
  const std::optional<std::vector<std::int64_t>>& size() const { return size_; }
  const std::optional<std::vector<double>>& scale_factor() const { return scale_factor_; }
  const mode_t& mode() const { return mode_; }
  std::optional<bool> align_corners() const { return align_corners_; }

 private:
  std::optional<std::vector<std::int64_t>> size_;
  std::optional<std::vector<double>> scale_factor_;
  mode_t mode_ = enumtype::kNearest{};
  std::optional<bool> align_corners_;
};

class Upsample : public Module {
 public:
  explicit Upsample(const UpsampleOptions& options = {}) : options_(options) {}
  Tensor forward(const Tensor& x) override;
  std::string describe() const override;  // "Upsample(scale_factor=[2, 2], mode=kNearest)"
  const UpsampleOptions& options() const { return options_; }

 private:
  UpsampleOptions options_;
};

namespace functional {

struct InterpolateFuncOptions {
  using mode_t = std::variant<enumtype::kNearest, enumtype::kBilinear>;
  InterpolateFuncOptions& size(std::optional<std::vector<std::int64_t>> v) { size_ = std::move(v); return *this; }
  InterpolateFuncOptions& scale_factor(std::optional<std::vector<double>> v) { scale_factor_ = std::move(v); return *this; }
  InterpolateFuncOptions& mode(mode_t v) { mode_ = v; return *this; }
  InterpolateFuncOptions& align_corners(std::optional<bool> v) { align_corners_ = v; return *this; }
  InterpolateFuncOptions& recompute_scale_factor(std::optional<bool> v) { recompute_scale_factor_ = v; return *this; }
  const std::optional<std::vector<std::int64_t>>& size() const { return size_; }
  const std::optional<std::vector<double>>& scale_factor() const { return scale_factor_; }
  const mode_t& mode() const { return mode_; }
  std::optional<bool> align_corners() const { return align_corners_; }
  std::optional<bool> recompute_scale_factor() const { return recompute_scale_factor_; }

 private:
  std::optional<std::vector<std::int64_t>> size_;
  std::optional<std::vector<double>> scale_factor_;
  mode_t mode_ = enumtype::kNearest{};
  std::optional<bool> align_corners_, recompute_scale_factor_;
};

// The output size is `size`, or floor(input size * scale_factor) per spatial dim (exactly one
// of the two must be set; one value applies to both dims). Throws std::invalid_argument as
// torch does (both or neither set, align_corners with kNearest, a scale <= 0) and ShapeError
// for an input that is not 4-D.
Tensor interpolate(const Tensor& input, const InterpolateFuncOptions& options = {}, Where where = Where::current());

}  // namespace functional
}  // namespace gg::nn
