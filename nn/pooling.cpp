#include <gategrad/nn/pooling.hpp>

#include <string>

namespace gg::nn {
namespace {

std::string list_text(const ExpandingArray<2>& v) {
  return "[" + std::to_string(v[0]) + ", " + std::to_string(v[1]) + "]";
}

}  // namespace

Tensor MaxPool2d::forward(const Tensor& x) { return functional::max_pool2d(x, options_); }

std::tuple<Tensor, Tensor> MaxPool2d::forward_with_indices(const Tensor& x) {
  return functional::max_pool2d_with_indices(x, options_);
}

std::string MaxPool2d::describe() const {
  return "MaxPool2d(kernel_size=" + list_text(options_.kernel_size()) + ", stride=" + list_text(options_.stride()) +
         ", padding=" + list_text(options_.padding()) + ", dilation=" + list_text(options_.dilation()) +
         ", ceil_mode=" + (options_.ceil_mode() ? "true" : "false") + ")";
}

Tensor AvgPool2d::forward(const Tensor& x) { return functional::avg_pool2d(x, options_); }

std::string AvgPool2d::describe() const {
  return "AvgPool2d(kernel_size=" + list_text(options_.kernel_size()) + ", stride=" + list_text(options_.stride()) +
         ", padding=" + list_text(options_.padding()) + ")";
}

Tensor AdaptiveAvgPool2d::forward(const Tensor& x) { return functional::adaptive_avg_pool2d(x, options_); }

std::string AdaptiveAvgPool2d::describe() const {
  return "AdaptiveAvgPool2d(output_size=" + list_text(options_.output_size()) + ")";
}

Tensor AdaptiveMaxPool2d::forward(const Tensor& x) { return functional::adaptive_max_pool2d(x, options_); }

std::tuple<Tensor, Tensor> AdaptiveMaxPool2d::forward_with_indices(const Tensor& x) {
  return functional::adaptive_max_pool2d_with_indices(x, options_);
}

std::string AdaptiveMaxPool2d::describe() const {
  return "AdaptiveMaxPool2d(output_size=" + list_text(options_.output_size()) + ")";
}

namespace functional {

Tensor max_pool2d(const Tensor& input, const MaxPool2dFuncOptions& o, Where where) {
  return gg::max_pool2d(input, *o.kernel_size(), *o.stride(), *o.padding(), *o.dilation(), o.ceil_mode(), where);
}

std::tuple<Tensor, Tensor> max_pool2d_with_indices(const Tensor& input, const MaxPool2dFuncOptions& o,
                                                   Where where) {
  return gg::max_pool2d_with_indices(input, *o.kernel_size(), *o.stride(), *o.padding(), *o.dilation(),
                                     o.ceil_mode(), where);
}

Tensor avg_pool2d(const Tensor& input, const AvgPool2dFuncOptions& o, Where where) {
  return gg::avg_pool2d(input, *o.kernel_size(), *o.stride(), *o.padding(), o.ceil_mode(), o.count_include_pad(),
                        o.divisor_override(), where);
}

Tensor adaptive_avg_pool2d(const Tensor& input, const AdaptiveAvgPool2dFuncOptions& o, Where where) {
  return gg::adaptive_avg_pool2d(input, *o.output_size(), where);
}

Tensor adaptive_max_pool2d(const Tensor& input, const AdaptiveMaxPool2dFuncOptions& o, Where where) {
  return std::get<0>(gg::adaptive_max_pool2d(input, *o.output_size(), where));
}

std::tuple<Tensor, Tensor> adaptive_max_pool2d_with_indices(const Tensor& input,
                                                            const AdaptiveMaxPool2dFuncOptions& o, Where where) {
  return gg::adaptive_max_pool2d(input, *o.output_size(), where);
}

}  // namespace functional
}  // namespace gg::nn
