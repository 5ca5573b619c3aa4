#pragma once
// Pooling layers, as LibTorch's torch::nn::MaxPool2d / AvgPool2d / AdaptiveAvgPool2d /
// AdaptiveMaxPool2d with their options, and their functional forms
// (F::max_pool2d(x, F::MaxPool2dFuncOptions(2))).
// The ops are in autograd/conv_ops.hpp (gg::max_pool2d(x, 2) as torch::max_pool2d).
#include <gategrad/autograd/conv_ops.hpp>
#include <gategrad/nn/expanding_array.hpp>
#include <gategrad/nn/module.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <tuple>

namespace gg::nn {

struct MaxPool2dOptions {
  MaxPool2dOptions(ExpandingArray<2> kernel_size) : kernel_size_(kernel_size), stride_(kernel_size) {}  // NOLINT
  MaxPool2dOptions& kernel_size(ExpandingArray<2> v) { kernel_size_ = v; return *this; }
  MaxPool2dOptions& stride(ExpandingArray<2> v) { stride_ = v; return *this; }  // default: kernel_size
  MaxPool2dOptions& padding(ExpandingArray<2> v) { padding_ = v; return *this; }
  MaxPool2dOptions& dilation(ExpandingArray<2> v) { dilation_ = v; return *this; }
  MaxPool2dOptions& ceil_mode(bool on) { ceil_mode_ = on; return *this; }
  const ExpandingArray<2>& kernel_size() const { return kernel_size_; }
  const ExpandingArray<2>& stride() const { return stride_; }
  const ExpandingArray<2>& padding() const { return padding_; }
  const ExpandingArray<2>& dilation() const { return dilation_; }
  bool ceil_mode() const { return ceil_mode_; }

 private:
  ExpandingArray<2> kernel_size_, stride_, padding_ = 0, dilation_ = 1;
  bool ceil_mode_ = false;
};

struct AvgPool2dOptions {
  AvgPool2dOptions(ExpandingArray<2> kernel_size) : kernel_size_(kernel_size), stride_(kernel_size) {}  // NOLINT
  AvgPool2dOptions& kernel_size(ExpandingArray<2> v) { kernel_size_ = v; return *this; }
  AvgPool2dOptions& stride(ExpandingArray<2> v) { stride_ = v; return *this; }  // default: kernel_size
  AvgPool2dOptions& padding(ExpandingArray<2> v) { padding_ = v; return *this; }
  AvgPool2dOptions& ceil_mode(bool on) { ceil_mode_ = on; return *this; }
  AvgPool2dOptions& count_include_pad(bool on) { count_include_pad_ = on; return *this; }
  AvgPool2dOptions& divisor_override(std::optional<std::int64_t> v) { divisor_override_ = v; return *this; }
  const ExpandingArray<2>& kernel_size() const { return kernel_size_; }
  const ExpandingArray<2>& stride() const { return stride_; }
  const ExpandingArray<2>& padding() const { return padding_; }
  bool ceil_mode() const { return ceil_mode_; }
  bool count_include_pad() const { return count_include_pad_; }
  std::optional<std::int64_t> divisor_override() const { return divisor_override_; }

 private:
  ExpandingArray<2> kernel_size_, stride_, padding_ = 0;
  bool ceil_mode_ = false, count_include_pad_ = true;
  std::optional<std::int64_t> divisor_override_;
};

struct AdaptiveAvgPool2dOptions {
  AdaptiveAvgPool2dOptions(ExpandingArray<2> output_size) : output_size_(output_size) {}  // NOLINT
  AdaptiveAvgPool2dOptions& output_size(ExpandingArray<2> v) { output_size_ = v; return *this; }
  const ExpandingArray<2>& output_size() const { return output_size_; }

 private:
  ExpandingArray<2> output_size_;
};

struct AdaptiveMaxPool2dOptions {
  AdaptiveMaxPool2dOptions(ExpandingArray<2> output_size) : output_size_(output_size) {}  // NOLINT
  AdaptiveMaxPool2dOptions& output_size(ExpandingArray<2> v) { output_size_ = v; return *this; }
  const ExpandingArray<2>& output_size() const { return output_size_; }

 private:
  ExpandingArray<2> output_size_;
};

class MaxPool2d : public Module {
 public:
  explicit MaxPool2d(const MaxPool2dOptions& options) : options_(options) {}
  Tensor forward(const Tensor& x) override;
  // The maxima and their int64 indices, as LibTorch's forward_with_indices.
  std::tuple<Tensor, Tensor> forward_with_indices(const Tensor& x);
  std::string describe() const override;  // "MaxPool2d(kernel_size=[2, 2], stride=[2, 2], ...)"
  const MaxPool2dOptions& options() const { return options_; }

 private:
  MaxPool2dOptions options_;
};

class AvgPool2d : public Module {
 public:
  explicit AvgPool2d(const AvgPool2dOptions& options) : options_(options) {}
  Tensor forward(const Tensor& x) override;
  std::string describe() const override;
  const AvgPool2dOptions& options() const { return options_; }

 private:
  AvgPool2dOptions options_;
};

class AdaptiveAvgPool2d : public Module {
 public:
  explicit AdaptiveAvgPool2d(const AdaptiveAvgPool2dOptions& options) : options_(options) {}
  Tensor forward(const Tensor& x) override;
  std::string describe() const override;
  const AdaptiveAvgPool2dOptions& options() const { return options_; }

 private:
  AdaptiveAvgPool2dOptions options_;
};

class AdaptiveMaxPool2d : public Module {
 public:
  explicit AdaptiveMaxPool2d(const AdaptiveMaxPool2dOptions& options) : options_(options) {}
  Tensor forward(const Tensor& x) override;
  // The maxima and their int64 indices, as LibTorch's forward_with_indices.
  std::tuple<Tensor, Tensor> forward_with_indices(const Tensor& x);
  std::string describe() const override;
  const AdaptiveMaxPool2dOptions& options() const { return options_; }

 private:
  AdaptiveMaxPool2dOptions options_;
};

namespace functional {

using MaxPool2dFuncOptions = MaxPool2dOptions;
using AdaptiveMaxPool2dFuncOptions = AdaptiveMaxPool2dOptions;
using AvgPool2dFuncOptions = AvgPool2dOptions;
using AdaptiveAvgPool2dFuncOptions = AdaptiveAvgPool2dOptions;

Tensor max_pool2d(const Tensor& input, const MaxPool2dFuncOptions& options, Where where = Where::current());
std::tuple<Tensor, Tensor> max_pool2d_with_indices(const Tensor& input, const MaxPool2dFuncOptions& options,
                                                   Where where = Where::current());
Tensor avg_pool2d(const Tensor& input, const AvgPool2dFuncOptions& options, Where where = Where::current());
Tensor adaptive_avg_pool2d(const Tensor& input, const AdaptiveAvgPool2dFuncOptions& options,
                           Where where = Where::current());
Tensor adaptive_max_pool2d(const Tensor& input, const AdaptiveMaxPool2dFuncOptions& options,
                           Where where = Where::current());
std::tuple<Tensor, Tensor> adaptive_max_pool2d_with_indices(const Tensor& input,
                                                            const AdaptiveMaxPool2dFuncOptions& options,
                                                            Where where = Where::current());

}  // namespace functional
}  // namespace gg::nn
