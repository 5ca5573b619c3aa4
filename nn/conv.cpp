#include <gategrad/nn/conv.hpp>

#include <cmath>
#include <stdexcept>
#include <string>
#include <type_traits>

namespace gg::nn {
namespace {

template <std::size_t D>
std::string list_text(const ExpandingArray<D>& v) {
  std::string text = "[";
  for (std::size_t i = 0; i < D; ++i) text += (i ? ", " : "") + std::to_string(v[i]);
  return text + "]";
}

template <std::size_t D>
bool all_equal(const ExpandingArray<D>& v, std::int64_t value) {
  for (std::size_t i = 0; i < D; ++i) {
    if (v[i] != value) return false;
  }
  return true;
}

// conv1d/conv2d with a padding variant: sizes, "valid" or "same".
template <std::size_t D>
Tensor conv_nd(const Tensor& x, const Tensor& w, const Tensor& b, const ExpandingArray<D>& stride,
               const std::variant<ExpandingArray<D>, enumtype::kValid, enumtype::kSame>& padding,
               const ExpandingArray<D>& dilation, std::int64_t groups, Where where) {
  return std::visit(
      [&](const auto& pad) {
        using P = std::decay_t<decltype(pad)>;
        const auto run = [&](auto padding_arg) {
          if constexpr (D == 1) return gg::conv1d(x, w, b, *stride, padding_arg, *dilation, groups, where);
          else return gg::conv2d(x, w, b, *stride, padding_arg, *dilation, groups, where);
        };
        if constexpr (std::is_same_v<P, enumtype::kSame>) return run(std::string_view("same"));
        else if constexpr (std::is_same_v<P, enumtype::kValid>) return run(std::string_view("valid"));
        else return run(*pad);
      },
      padding);
}

// weight and bias as PyTorch's reset_parameters: kaiming_uniform_(a = sqrt(5)) gives bound
// 1/sqrt(fan_in), and so does the bias's uniform.
void init_conv(Module& m, const char* op, std::int64_t in, std::int64_t out, std::int64_t groups,
               SizeVector weight_sizes, bool with_bias, std::int64_t bias_size, Generator* gen,
               Tensor& weight, Tensor& bias) {
  if (in < 1 || out < 1 || groups < 1) {
    throw std::invalid_argument(std::string(op) + ": got in_channels " + std::to_string(in) + ", out_channels " +
                                std::to_string(out) + ", groups " + std::to_string(groups) +
                                ", expected each >= 1");
  }
  if (in % groups != 0 || out % groups != 0) {
    throw std::invalid_argument(std::string(op) + ": got in_channels " + std::to_string(in) + " and out_channels " +
                                std::to_string(out) + " with groups " + std::to_string(groups) +
                                ", expected both divisible by groups");
  }
  std::int64_t fan_in = weight_sizes[1];
  for (std::size_t d = 2; d < weight_sizes.size(); ++d) {
    if (weight_sizes[d] < 1) {
      throw std::invalid_argument(std::string(op) + ": got kernel_size with " + std::to_string(weight_sizes[d]) +
                                  ", expected kernel sizes >= 1");
    }
    fan_in *= weight_sizes[d];
  }
  Generator& g = gen != nullptr ? *gen : default_generator();
  const float bound = 1.0f / std::sqrt(static_cast<float>(fan_in));
  // float32, low + (high - low) u per element, as Linear's: weight first, then bias.
  const auto uniform = [&](IntArrayRef sizes) {
    Tensor t = gg::rand(sizes, g);
    float* p = t.data_ptr<float>();
    for (std::int64_t i = 0, n = t.numel(); i < n; ++i) p[i] = -bound + 2.0f * bound * p[i];
    return t;
  };
  weight = m.register_parameter("weight", uniform(weight_sizes));
  if (with_bias) bias = m.register_parameter("bias", uniform({bias_size}));
}

}  // namespace

template <std::size_t D>
ConvNd<D>::ConvNd(const ConvOptions<D>& options) : options_(options) {
  SizeVector sizes{options.out_channels(), options.groups() > 0 ? options.in_channels() / options.groups() : 0};
  for (std::size_t i = 0; i < D; ++i) sizes.push_back(options.kernel_size()[i]);
  init_conv(*this, D == 1 ? "Conv1d" : "Conv2d", options.in_channels(), options.out_channels(),
            options.groups(), sizes, options.bias(), options.out_channels(), options.generator(), weight_, bias_);
}

template <std::size_t D>
Tensor ConvNd<D>::forward(const Tensor& x) {
  return conv_nd<D>(x, weight_, bias_, options_.stride(), options_.padding(), options_.dilation(),
                    options_.groups(), Where::current());
}

template <std::size_t D>
std::string ConvNd<D>::describe() const {
  std::string text = std::string(D == 1 ? "Conv1d(" : "Conv2d(") + std::to_string(options_.in_channels()) + ", " +
                     std::to_string(options_.out_channels()) + ", kernel_size=" +
                     list_text(options_.kernel_size()) + ", stride=" + list_text(options_.stride());
  std::visit(
      [&](const auto& pad) {
        using P = std::decay_t<decltype(pad)>;
        if constexpr (std::is_same_v<P, enumtype::kSame>) text += ", padding=kSame";
        else if constexpr (std::is_same_v<P, enumtype::kValid>) text += ", padding=kValid";
        else if (!all_equal(pad, 0)) text += ", padding=" + list_text(pad);
      },
      options_.padding());
  if (!all_equal(options_.dilation(), 1)) text += ", dilation=" + list_text(options_.dilation());
  if (options_.groups() != 1) text += ", groups=" + std::to_string(options_.groups());
  if (!options_.bias()) text += ", bias=false";
  return text + ")";
}

template class ConvNd<1>;
template class ConvNd<2>;

ConvTranspose2d::ConvTranspose2d(const ConvTranspose2dOptions& options) : options_(options) {
  // Stored (in, out / groups, kH, kW); PyTorch's fan_in is then weight.size(1) kH kW.
  const SizeVector sizes{options.in_channels(), options.groups() > 0 ? options.out_channels() / options.groups() : 0,
                         options.kernel_size()[0], options.kernel_size()[1]};
  init_conv(*this, "ConvTranspose2d", options.in_channels(), options.out_channels(), options.groups(), sizes,
            options.bias(), options.out_channels(), options.generator(), weight_, bias_);
}

Tensor ConvTranspose2d::forward(const Tensor& x) {
  return gg::conv_transpose2d(x, weight_, bias_, *options_.stride(), *options_.padding(),
                              *options_.output_padding(), options_.groups(), *options_.dilation());
}

std::string ConvTranspose2d::describe() const {
  std::string text = "ConvTranspose2d(" + std::to_string(options_.in_channels()) + ", " +
                     std::to_string(options_.out_channels()) + ", kernel_size=" +
                     list_text(options_.kernel_size()) + ", stride=" + list_text(options_.stride());
  if (!all_equal(options_.padding(), 0)) text += ", padding=" + list_text(options_.padding());
  if (!all_equal(options_.output_padding(), 0)) text += ", output_padding=" + list_text(options_.output_padding());
  if (!all_equal(options_.dilation(), 1)) text += ", dilation=" + list_text(options_.dilation());
  if (options_.groups() != 1) text += ", groups=" + std::to_string(options_.groups());
  if (!options_.bias()) text += ", bias=false";
  return text + ")";
}

namespace functional {

Tensor conv1d(const Tensor& input, const Tensor& weight, const Conv1dFuncOptions& options, Where where) {
  return conv_nd<1>(input, weight, options.bias(), options.stride(), options.padding(), options.dilation(),
                    options.groups(), where);
}

Tensor conv2d(const Tensor& input, const Tensor& weight, const Conv2dFuncOptions& options, Where where) {
  return conv_nd<2>(input, weight, options.bias(), options.stride(), options.padding(), options.dilation(),
                    options.groups(), where);
}

Tensor conv_transpose2d(const Tensor& input, const Tensor& weight, const ConvTranspose2dFuncOptions& options,
                        Where where) {
  return gg::conv_transpose2d(input, weight, options.bias(), *options.stride(), *options.padding(),
                              *options.output_padding(), options.groups(), *options.dilation(), where);
}

}  // namespace functional
}  // namespace gg::nn
