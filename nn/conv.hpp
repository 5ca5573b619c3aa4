#pragma once
// Convolution layers, as LibTorch's torch::nn::Conv1d / Conv2d / ConvTranspose2d with their
// options, and their functional forms (F::conv2d(x, w, F::Conv2dFuncOptions().stride(2))).
//
//   auto conv1 = std::make_shared<gg::nn::Conv2d>(gg::nn::Conv2dOptions(1, 10, /*kernel_size=*/5));
//   gg::Tensor y = conv1->forward(x);                   // x:(N, 1, 28, 28) -> (N, 10, 24, 24)
//
// The weight is stored (out_channels, in_channels / groups, kH, kW) as PyTorch's (for
// ConvTranspose2d: (in_channels, out_channels / groups, kH, kW)), so state dicts move between
// the two as they are. Initialised as PyTorch's reset_parameters: weight and bias uniform in
// +-1/sqrt(fan_in), fan_in = weight.size(1) kH kW. The ops are in autograd/conv_ops.hpp.
#include <gategrad/autograd/conv_ops.hpp>
#include <gategrad/nn/enum.hpp>
#include <gategrad/nn/expanding_array.hpp>
#include <gategrad/nn/module.hpp>
#include <gategrad/tensor/random.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>

namespace gg::nn {

template <std::size_t D>
struct ConvOptions {
  using padding_t = std::variant<ExpandingArray<D>, enumtype::kValid, enumtype::kSame>;
  using padding_mode_t = std::variant<enumtype::kZeros>;

  ConvOptions(std::int64_t in_channels, std::int64_t out_channels, ExpandingArray<D> kernel_size)
      : in_channels_(in_channels), out_channels_(out_channels), kernel_size_(kernel_size) {}
  ConvOptions& in_channels(std::int64_t v) { in_channels_ = v; return *this; }
  ConvOptions& out_channels(std::int64_t v) { out_channels_ = v; return *this; }
  ConvOptions& kernel_size(ExpandingArray<D> v) { kernel_size_ = v; return *this; }
  ConvOptions& stride(ExpandingArray<D> v) { stride_ = v; return *this; }
  ConvOptions& padding(padding_t v) { padding_ = v; return *this; }
  ConvOptions& padding(std::int64_t v) { padding_ = ExpandingArray<D>(v); return *this; }
  ConvOptions& dilation(ExpandingArray<D> v) { dilation_ = v; return *this; }
  ConvOptions& groups(std::int64_t v) { groups_ = v; return *this; }
  ConvOptions& bias(bool on) { bias_ = on; return *this; }
  ConvOptions& padding_mode(padding_mode_t v) { padding_mode_ = v; return *this; }
  // The generator used for initialisation; gg::default_generator() when not set.
  ConvOptions& generator(Generator& gen) { gen_ = &gen; return *this; }

  std::int64_t in_channels() const { return in_channels_; }
  std::int64_t out_channels() const { return out_channels_; }
  const ExpandingArray<D>& kernel_size() const { return kernel_size_; }
  const ExpandingArray<D>& stride() const { return stride_; }
  const padding_t& padding() const { return padding_; }
  const ExpandingArray<D>& dilation() const { return dilation_; }
  std::int64_t groups() const { return groups_; }
  bool bias() const { return bias_; }
  Generator* generator() const { return gen_; }

 private:
  std::int64_t in_channels_, out_channels_;
  ExpandingArray<D> kernel_size_;
  ExpandingArray<D> stride_ = 1;
  padding_t padding_ = ExpandingArray<D>(0);
  ExpandingArray<D> dilation_ = 1;
  std::int64_t groups_ = 1;
  bool bias_ = true;
  padding_mode_t padding_mode_ = enumtype::kZeros{};
  Generator* gen_ = nullptr;
};
using Conv1dOptions = ConvOptions<1>;
using Conv2dOptions = ConvOptions<2>;

template <std::size_t D>
struct ConvTransposeOptions {
  ConvTransposeOptions(std::int64_t in_channels, std::int64_t out_channels, ExpandingArray<D> kernel_size)
      : in_channels_(in_channels), out_channels_(out_channels), kernel_size_(kernel_size) {}
  ConvTransposeOptions& stride(ExpandingArray<D> v) { stride_ = v; return *this; }
  ConvTransposeOptions& padding(ExpandingArray<D> v) { padding_ = v; return *this; }
  ConvTransposeOptions& output_padding(ExpandingArray<D> v) { output_padding_ = v; return *this; }
  ConvTransposeOptions& dilation(ExpandingArray<D> v) { dilation_ = v; return *this; }
  ConvTransposeOptions& groups(std::int64_t v) { groups_ = v; return *this; }
  ConvTransposeOptions& bias(bool on) { bias_ = on; return *this; }
  ConvTransposeOptions& generator(Generator& gen) { gen_ = &gen; return *this; }

  std::int64_t in_channels() const { return in_channels_; }
  std::int64_t out_channels() const { return out_channels_; }
  const ExpandingArray<D>& kernel_size() const { return kernel_size_; }
  const ExpandingArray<D>& stride() const { return stride_; }
  const ExpandingArray<D>& padding() const { return padding_; }
  const ExpandingArray<D>& output_padding() const { return output_padding_; }
  const ExpandingArray<D>& dilation() const { return dilation_; }
  std::int64_t groups() const { return groups_; }
  bool bias() const { return bias_; }
  Generator* generator() const { return gen_; }

 private:
  std::int64_t in_channels_, out_channels_;
  ExpandingArray<D> kernel_size_;
  ExpandingArray<D> stride_ = 1, padding_ = 0, output_padding_ = 0, dilation_ = 1;
  std::int64_t groups_ = 1;
  bool bias_ = true;
  Generator* gen_ = nullptr;
};
using ConvTranspose2dOptions = ConvTransposeOptions<2>;

// Conv1d (input (N, C, L)) and Conv2d (input (N, C, H, W)); unbatched inputs too. Throws
// std::invalid_argument at construction when the channels do not divide by groups.
template <std::size_t D>
class ConvNd : public Module {
 public:
  explicit ConvNd(const ConvOptions<D>& options);
  ConvNd(std::int64_t in_channels, std::int64_t out_channels, ExpandingArray<D> kernel_size)
      : ConvNd(ConvOptions<D>(in_channels, out_channels, kernel_size)) {}
  Tensor forward(const Tensor& x) override;
  // "Conv2d(1, 10, kernel_size=[5, 5], stride=[1, 1])", as LibTorch prints it (without
  // "torch::nn::"), with padding, dilation, groups and bias when not their defaults.
  std::string describe() const override;
  const Tensor& weight() const { return weight_; }
  const Tensor& bias() const { return bias_; }  // undefined without a bias
  const ConvOptions<D>& options() const { return options_; }

 private:
  ConvOptions<D> options_;
  Tensor weight_, bias_;
};
using Conv1d = ConvNd<1>;
using Conv2d = ConvNd<2>;

class ConvTranspose2d : public Module {
 public:
  explicit ConvTranspose2d(const ConvTranspose2dOptions& options);
  ConvTranspose2d(std::int64_t in_channels, std::int64_t out_channels, ExpandingArray<2> kernel_size)
      : ConvTranspose2d(ConvTranspose2dOptions(in_channels, out_channels, kernel_size)) {}
  Tensor forward(const Tensor& x) override;
  std::string describe() const override;
  const Tensor& weight() const { return weight_; }
  const Tensor& bias() const { return bias_; }
  const ConvTranspose2dOptions& options() const { return options_; }

 private:
  ConvTranspose2dOptions options_;
  Tensor weight_, bias_;
};

// torch::nn::Unfold / Fold (im2col and col2im as layers).
struct UnfoldOptions {
  UnfoldOptions(ExpandingArray<2> kernel_size) : kernel_size_(kernel_size) {}  // NOLINT: implicit, as LibTorch's
  UnfoldOptions& dilation(ExpandingArray<2> v) { dilation_ = v; return *this; }
  UnfoldOptions& padding(ExpandingArray<2> v) { padding_ = v; return *this; }
  UnfoldOptions& stride(ExpandingArray<2> v) { stride_ = v; return *this; }
  const ExpandingArray<2>& kernel_size() const { return kernel_size_; }
  const ExpandingArray<2>& dilation() const { return dilation_; }
  const ExpandingArray<2>& padding() const { return padding_; }
  const ExpandingArray<2>& stride() const { return stride_; }

 private:
  ExpandingArray<2> kernel_size_, dilation_ = 1, padding_ = 0, stride_ = 1;
};

struct FoldOptions {
  FoldOptions(ExpandingArray<2> output_size, ExpandingArray<2> kernel_size)
      : output_size_(output_size), kernel_size_(kernel_size) {}
  FoldOptions& dilation(ExpandingArray<2> v) { dilation_ = v; return *this; }
  FoldOptions& padding(ExpandingArray<2> v) { padding_ = v; return *this; }
  FoldOptions& stride(ExpandingArray<2> v) { stride_ = v; return *this; }
  const ExpandingArray<2>& output_size() const { return output_size_; }
  const ExpandingArray<2>& kernel_size() const { return kernel_size_; }
  const ExpandingArray<2>& dilation() const { return dilation_; }
  const ExpandingArray<2>& padding() const { return padding_; }
  const ExpandingArray<2>& stride() const { return stride_; }

 private:
  ExpandingArray<2> output_size_, kernel_size_, dilation_ = 1, padding_ = 0, stride_ = 1;
};

class Unfold : public Module {
 public:
  explicit Unfold(const UnfoldOptions& options) : options_(options) {}
  Tensor forward(const Tensor& x) override {
    return gg::im2col(x, *options_.kernel_size(), *options_.dilation(), *options_.padding(), *options_.stride());
  }
  std::string describe() const override { return "Unfold"; }

 private:
  UnfoldOptions options_;
};

class Fold : public Module {
 public:
  explicit Fold(const FoldOptions& options) : options_(options) {}
  Tensor forward(const Tensor& x) override {
    return gg::col2im(x, *options_.output_size(), *options_.kernel_size(), *options_.dilation(), *options_.padding(),
                      *options_.stride());
  }
  std::string describe() const override { return "Fold"; }

 private:
  FoldOptions options_;
};

extern template class ConvNd<1>;
extern template class ConvNd<2>;

namespace functional {

template <std::size_t D>
struct ConvFuncOptions {
  using padding_t = std::variant<ExpandingArray<D>, enumtype::kValid, enumtype::kSame>;
  ConvFuncOptions& bias(const Tensor& b) { bias_ = b; return *this; }
  ConvFuncOptions& stride(ExpandingArray<D> v) { stride_ = v; return *this; }
  ConvFuncOptions& padding(padding_t v) { padding_ = v; return *this; }
  ConvFuncOptions& padding(std::int64_t v) { padding_ = ExpandingArray<D>(v); return *this; }
  ConvFuncOptions& dilation(ExpandingArray<D> v) { dilation_ = v; return *this; }
  ConvFuncOptions& groups(std::int64_t v) { groups_ = v; return *this; }
  const Tensor& bias() const { return bias_; }
  const ExpandingArray<D>& stride() const { return stride_; }
  const padding_t& padding() const { return padding_; }
  const ExpandingArray<D>& dilation() const { return dilation_; }
  std::int64_t groups() const { return groups_; }

 private:
  Tensor bias_;
  ExpandingArray<D> stride_ = 1;
  padding_t padding_ = ExpandingArray<D>(0);
  ExpandingArray<D> dilation_ = 1;
  std::int64_t groups_ = 1;
};
using Conv1dFuncOptions = ConvFuncOptions<1>;
using Conv2dFuncOptions = ConvFuncOptions<2>;

template <std::size_t D>
struct ConvTransposeFuncOptions {
  ConvTransposeFuncOptions& bias(const Tensor& b) { bias_ = b; return *this; }
  ConvTransposeFuncOptions& stride(ExpandingArray<D> v) { stride_ = v; return *this; }
  ConvTransposeFuncOptions& padding(ExpandingArray<D> v) { padding_ = v; return *this; }
  ConvTransposeFuncOptions& output_padding(ExpandingArray<D> v) { output_padding_ = v; return *this; }
  ConvTransposeFuncOptions& groups(std::int64_t v) { groups_ = v; return *this; }
  ConvTransposeFuncOptions& dilation(ExpandingArray<D> v) { dilation_ = v; return *this; }
  const Tensor& bias() const { return bias_; }
  const ExpandingArray<D>& stride() const { return stride_; }
  const ExpandingArray<D>& padding() const { return padding_; }
  const ExpandingArray<D>& output_padding() const { return output_padding_; }
  std::int64_t groups() const { return groups_; }
  const ExpandingArray<D>& dilation() const { return dilation_; }

 private:
  Tensor bias_;
  ExpandingArray<D> stride_ = 1, padding_ = 0, output_padding_ = 0, dilation_ = 1;
  std::int64_t groups_ = 1;
};
using ConvTranspose2dFuncOptions = ConvTransposeFuncOptions<2>;

using UnfoldFuncOptions = UnfoldOptions;
using FoldFuncOptions = FoldOptions;
inline Tensor unfold(const Tensor& input, const UnfoldFuncOptions& o, Where where = Where::current()) {
  return gg::im2col(input, *o.kernel_size(), *o.dilation(), *o.padding(), *o.stride(), where);
}
inline Tensor fold(const Tensor& input, const FoldFuncOptions& o, Where where = Where::current()) {
  return gg::col2im(input, *o.output_size(), *o.kernel_size(), *o.dilation(), *o.padding(), *o.stride(), where);
}

Tensor conv1d(const Tensor& input, const Tensor& weight, const Conv1dFuncOptions& options = {},
              Where where = Where::current());
Tensor conv2d(const Tensor& input, const Tensor& weight, const Conv2dFuncOptions& options = {},
              Where where = Where::current());
Tensor conv_transpose2d(const Tensor& input, const Tensor& weight,
                        const ConvTranspose2dFuncOptions& options = {}, Where where = Where::current());

}  // namespace functional
}  // namespace gg::nn
