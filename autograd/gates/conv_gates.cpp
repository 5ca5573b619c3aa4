// Convolutions: conv2d, conv1d and conv_transpose2d (autograd/conv_ops.hpp), on the kernels of
// tensor/conv.hpp. Three gates, closed under differentiation: a convolution y = conv(x, w) is
// bilinear, and so are its two adjoints,
//   Conv2dGate             y = conv(x, w) (+ b)   dx = input_grad(dy, w)   dw = weight_grad(x, dy)
//   Conv2dInputGradGate    z = input_grad(g, w)   dg = conv(dz, w)         dw = weight_grad(dz, g)
//   Conv2dWeightGradGate   v = weight_grad(x, g)  dx = input_grad(g, dv)   dg = conv(x, dv)
// (each from <conv(x, w), g> = <x, input_grad(g, w)> = <w, weight_grad(x, g)>), so each
// backward is made of the three ops and records under create_graph.
#include <gategrad/autograd/conv_args.hpp>
#include <gategrad/autograd/conv_ops.hpp>
#include <gategrad/autograd/recording.hpp>
#include <gategrad/tensor/conv.hpp>
#include <gategrad/tensor/native.hpp>

#include <array>
#include <cstdint>
#include <stdexcept>
#include <string>

namespace gg {
namespace {

using native::Conv2dParams;

Tensor conv_op(const Tensor& x, const Tensor& w, const Tensor& b, const Conv2dParams& p, Where where);
Tensor input_grad_op(const Tensor& g, const Tensor& w, IntArrayRef input_sizes, const Conv2dParams& p,
                     Where where);
Tensor weight_grad_op(const Tensor& x, const Tensor& g, IntArrayRef weight_sizes, const Conv2dParams& p,
                      Where where);

struct Conv2dGate final : autograd::Node {
  static constexpr const char* kName = "Conv2dGate";
  autograd::SavedTensor x, w;
  Conv2dParams params;
  void backward(const Tensor& dout, std::span<Tensor> din) override {
    const Where here = Where::current();
    if (needs_grad(0)) din[0] = input_grad_op(dout, w.unpack(*this), IntArrayRef(edges[0].sizes), params, here);
    if (needs_grad(1)) din[1] = weight_grad_op(x.unpack(*this), dout, IntArrayRef(edges[1].sizes), params, here);
    if (edges.size() > 2 && needs_grad(2)) din[2] = sum(dout, {0, 2, 3});
  }
  void release() override { x.reset(); w.reset(); }
};

struct Conv2dInputGradGate final : autograd::Node {
  static constexpr const char* kName = "Conv2dInputGradGate";
  autograd::SavedTensor g, w;
  Conv2dParams params;
  void backward(const Tensor& dout, std::span<Tensor> din) override {
    const Where here = Where::current();
    if (needs_grad(0)) din[0] = conv_op(dout, w.unpack(*this), Tensor(), params, here);
    if (needs_grad(1)) din[1] = weight_grad_op(dout, g.unpack(*this), IntArrayRef(edges[1].sizes), params, here);
  }
  void release() override { g.reset(); w.reset(); }
};

struct Conv2dWeightGradGate final : autograd::Node {
  static constexpr const char* kName = "Conv2dWeightGradGate";
  autograd::SavedTensor x, g;
  Conv2dParams params;
  void backward(const Tensor& dout, std::span<Tensor> din) override {
    const Where here = Where::current();
    if (needs_grad(0)) din[0] = input_grad_op(g.unpack(*this), dout, IntArrayRef(edges[0].sizes), params, here);
    if (needs_grad(1)) din[1] = conv_op(x.unpack(*this), dout, Tensor(), params, here);
  }
  void release() override { x.reset(); g.reset(); }
};

Tensor conv_op(const Tensor& x, const Tensor& w, const Tensor& b, const Conv2dParams& p, Where where) {
  Tensor y = native::conv2d(x, w, p);
  if (b.defined()) {
    if (b.dim() != 1 || b.size(0) != w.size(0)) {
      throw ShapeError("conv2d: got bias " + to_string(b.sizes()) + " for weight " +
                       to_string(w.sizes()) + ", expected bias (" + std::to_string(w.size(0)) + ")");
    }
    if (b.dtype() != y.dtype()) {
      throw std::invalid_argument("conv2d: got bias of dtype " + to_string(b.dtype()) +
                                  ", expected the input's, " + to_string(y.dtype()));
    }
    native::add_(y, native::view(b, {1, b.size(0), 1, 1}));
  }
  const auto save = [&](Conv2dGate& gate) {
    gate.params = p;
    if (gate.needs_grad(1)) gate.x = gate.save(x);
    if (gate.needs_grad(0)) gate.w = gate.save(w);
  };
  if (b.defined()) return autograd::record<Conv2dGate>(std::move(y), {&x, &w, &b}, where, save);
  return autograd::record<Conv2dGate>(std::move(y), {&x, &w}, where, save);
}

Tensor input_grad_op(const Tensor& g, const Tensor& w, IntArrayRef input_sizes, const Conv2dParams& p,
                     Where where) {
  return autograd::record<Conv2dInputGradGate>(
      native::conv2d_backward_input(g, w, input_sizes, p), {&g, &w}, where,
      [&](Conv2dInputGradGate& gate) {
        gate.params = p;
        if (gate.needs_grad(1)) gate.g = gate.save(g);
        if (gate.needs_grad(0)) gate.w = gate.save(w);
      });
}

Tensor weight_grad_op(const Tensor& x, const Tensor& g, IntArrayRef weight_sizes, const Conv2dParams& p,
                      Where where) {
  return autograd::record<Conv2dWeightGradGate>(
      native::conv2d_backward_weight(x, g, weight_sizes, p), {&x, &g}, where,
      [&](Conv2dWeightGradGate& gate) {
        gate.params = p;
        if (gate.needs_grad(1)) gate.x = gate.save(x);
        if (gate.needs_grad(0)) gate.g = gate.save(g);
      });
}

// conv1d's input (N, C, L) or (C, L) and weight (OC, C / groups, k).
void check_conv1d(const Tensor& input, const Tensor& weight) {
  if (input.dim() != 2 && input.dim() != 3) {
    throw ShapeError("conv1d: got input " + to_string(input.sizes()) + ", expected (N, C, L) or unbatched (C, L)");
  }
  if (weight.dim() != 3) {
    throw ShapeError("conv1d: got weight " + to_string(weight.sizes()) + ", expected (out_channels, C / groups, k)");
  }
}

Conv2dParams conv_params(const char* op, IntArrayRef stride, IntArrayRef padding, IntArrayRef dilation,
                         std::int64_t groups) {
  Conv2dParams p;
  p.stride = detail::spatial_pair(op, "stride", stride);
  p.padding = detail::spatial_pair(op, "padding", padding);
  p.dilation = detail::spatial_pair(op, "dilation", dilation);
  p.groups = groups;
  return p;
}

// UnfoldGate (im2col) and FoldGate (col2im): linear, each the other's adjoint.
struct UnfoldGate final : autograd::Node {
  static constexpr const char* kName = "UnfoldGate";
  std::array<std::int64_t, 2> kernel{}, image{};
  Conv2dParams params;
  void backward(const Tensor& dout, std::span<Tensor> din) override;
  void release() override {}
};

struct FoldGate final : autograd::Node {
  static constexpr const char* kName = "FoldGate";
  std::array<std::int64_t, 2> kernel{};
  Conv2dParams params;
  void backward(const Tensor& dout, std::span<Tensor> din) override;
  void release() override {}
};

Tensor unfold_op(const Tensor& x, const std::array<std::int64_t, 2>& kernel, const Conv2dParams& p, Where where) {
  return autograd::record<UnfoldGate>(native::unfold(x, {kernel[0], kernel[1]}, p, "im2col"), {&x}, where,
                                      [&](UnfoldGate& g) {
                                        g.kernel = kernel;
                                        g.image = {x.size(2), x.size(3)};
                                        g.params = p;
                                      });
}

Tensor fold_op(const Tensor& x, const std::array<std::int64_t, 2>& image, const std::array<std::int64_t, 2>& kernel,
               const Conv2dParams& p, Where where) {
  return autograd::record<FoldGate>(native::fold(x, {image[0], image[1]}, {kernel[0], kernel[1]}, p, "col2im"), {&x},
                                    where, [&](FoldGate& g) {
                                      g.kernel = kernel;
                                      g.params = p;
                                    });
}

void UnfoldGate::backward(const Tensor& dout, std::span<Tensor> din) {
  din[0] = fold_op(dout, image, kernel, params, Where::current());
}

void FoldGate::backward(const Tensor& dout, std::span<Tensor> din) {
  din[0] = unfold_op(dout, kernel, params, Where::current());
}

}  // namespace

std::array<std::int64_t, 2> detail::spatial_pair(const char* op, const char* name, IntArrayRef v) {
  if (v.size() == 1) return {v[0], v[0]};
  if (v.size() == 2) return {v[0], v[1]};
  throw std::invalid_argument(std::string(op) + ": got " + name + " " + to_string(v) +
                              ", expected one value or two (height, width)");
}

Tensor detail::batched_image(const char* op, const Tensor& input, bool& batched, Where where) {
  if (input.dim() == 4) {
    batched = true;
    return input;
  }
  if (input.dim() == 3) {
    batched = false;
    return unsqueeze(input, 0, where);
  }
  throw ShapeError(std::string(op) + ": got input " + to_string(input.sizes()) +
                   ", expected (N, C, H, W) or unbatched (C, H, W)");
}

Tensor im2col(const Tensor& input, IntArrayRef kernel_size, IntArrayRef dilation, IntArrayRef padding,
              IntArrayRef stride, Where where) {
  const char* op = "im2col";
  bool batched = true;
  const Tensor x = detail::batched_image(op, input, batched, where);
  const Tensor y = unfold_op(x, detail::spatial_pair(op, "kernel_size", kernel_size), conv_params(op, stride, padding, dilation, 1),
                             where);
  return batched ? y : squeeze(y, 0, where);
}

Tensor col2im(const Tensor& input, IntArrayRef output_size, IntArrayRef kernel_size, IntArrayRef dilation,
              IntArrayRef padding, IntArrayRef stride, Where where) {
  const char* op = "col2im";
  if (input.dim() != 2 && input.dim() != 3) {
    throw ShapeError(std::string(op) + ": got input " + to_string(input.sizes()) +
                     ", expected (N, C kH kW, L) or unbatched (C kH kW, L)");
  }
  const bool batched = input.dim() == 3;
  const Tensor x = batched ? input : unsqueeze(input, 0, where);
  const Tensor y = fold_op(x, detail::spatial_pair(op, "output_size", output_size), detail::spatial_pair(op, "kernel_size", kernel_size),
                           conv_params(op, stride, padding, dilation, 1), where);
  return batched ? y : squeeze(y, 0, where);
}

Tensor conv2d(const Tensor& input, const Tensor& weight, const Tensor& bias, IntArrayRef stride,
              IntArrayRef padding, IntArrayRef dilation, std::int64_t groups, Where where) {
  bool batched = true;
  const Tensor x = detail::batched_image("conv2d", input, batched, where);
  const Tensor y = conv_op(x, weight, bias, conv_params("conv2d", stride, padding, dilation, groups), where);
  return batched ? y : squeeze(y, 0, where);
}

Tensor detail::conv2d_named_padding(const Tensor& input, const Tensor& weight, const Tensor& bias,
                                    IntArrayRef stride, std::string_view padding, IntArrayRef dilation,
                                    std::int64_t groups, Where where) {
  if (padding == "valid") return conv2d(input, weight, bias, stride, 0, dilation, groups, where);
  if (padding != "same") {
    throw std::invalid_argument("conv2d: got padding \"" + std::string(padding) +
                                "\", expected \"same\", \"valid\" or padding sizes");
  }
  Conv2dParams p = conv_params("conv2d", stride, 0, dilation, groups);
  if (p.stride[0] != 1 || p.stride[1] != 1) {
    throw std::invalid_argument("conv2d: got padding \"same\" with stride (" + std::to_string(p.stride[0]) +
                                ", " + std::to_string(p.stride[1]) + "), expected stride 1 (as torch's)");
  }
  if (weight.dim() != 4) return conv2d(input, weight, bias, stride, 0, dilation, groups, where);  // its error
  // The total padding of a dim is dilation (k - 1); an odd total puts the extra one at the end.
  std::array<std::int64_t, 2> total{p.dilation[0] * (weight.size(2) - 1), p.dilation[1] * (weight.size(3) - 1)};
  if (total[0] % 2 == 0 && total[1] % 2 == 0) {
    return conv2d(input, weight, bias, stride, {total[0] / 2, total[1] / 2}, dilation, groups, where);
  }
  const Tensor padded = constant_pad_nd(input, {total[1] / 2, total[1] - total[1] / 2, total[0] / 2,
                                                total[0] - total[0] / 2}, 0, where);
  return conv2d(padded, weight, bias, stride, 0, dilation, groups, where);
}

Tensor conv1d(const Tensor& input, const Tensor& weight, const Tensor& bias, IntArrayRef stride,
              IntArrayRef padding, IntArrayRef dilation, std::int64_t groups, Where where) {
  check_conv1d(input, weight);
  const auto one = [](const char* name, IntArrayRef v) {
    if (v.size() != 1) {
      throw std::invalid_argument(std::string("conv1d: got ") + name + " " + to_string(v) + ", expected one value");
    }
    return v[0];
  };
  const std::int64_t s = one("stride", stride), pad = one("padding", padding), d = one("dilation", dilation);
  const Tensor y = conv2d(unsqueeze(input, -2, where), unsqueeze(weight, 2, where), bias, {1, s}, {0, pad},
                          {1, d}, groups, where);
  return squeeze(y, -2, where);
}

Tensor detail::conv1d_named_padding(const Tensor& input, const Tensor& weight, const Tensor& bias,
                                    IntArrayRef stride, std::string_view padding, IntArrayRef dilation,
                                    std::int64_t groups, Where where) {
  check_conv1d(input, weight);
  if (stride.size() != 1 || dilation.size() != 1) {
    throw std::invalid_argument("conv1d: got stride " + to_string(stride) + " and dilation " + to_string(dilation) +
                                ", expected one value each");
  }
  const Tensor y = conv2d(unsqueeze(input, -2, where), unsqueeze(weight, 2, where), bias, {1, stride[0]}, padding,
                          {1, dilation[0]}, groups, where);
  return squeeze(y, -2, where);
}

Tensor conv_transpose2d(const Tensor& input, const Tensor& weight, const Tensor& bias, IntArrayRef stride,
                        IntArrayRef padding, IntArrayRef output_padding, std::int64_t groups,
                        IntArrayRef dilation, Where where) {
  const char* op = "conv_transpose2d";
  bool batched = true;
  const Tensor x = detail::batched_image(op, input, batched, where);
  const Conv2dParams p = conv_params(op, stride, padding, dilation, groups);
  const std::array<std::int64_t, 2> extra = detail::spatial_pair(op, "output_padding", output_padding);
  if (weight.dim() != 4) {
    throw ShapeError(std::string(op) + ": got weight " + to_string(weight.sizes()) +
                     ", expected (in_channels, out_channels / groups, kH, kW)");
  }
  for (int d = 0; d < 2; ++d) {
    if (extra[d] < 0 || extra[d] >= p.stride[d]) {
      throw std::invalid_argument(std::string(op) + ": got output_padding (" + std::to_string(extra[0]) + ", " +
                                  std::to_string(extra[1]) + ") with stride (" + std::to_string(p.stride[0]) +
                                  ", " + std::to_string(p.stride[1]) + "), expected 0 <= output_padding < stride");
    }
  }
  if (x.size(1) != weight.size(0)) {
    throw ShapeError(std::string(op) + ": got input " + to_string(input.sizes()) + " and weight " +
                     to_string(weight.sizes()) + ", expected input to have weight.size(0) = " +
                     std::to_string(weight.size(0)) + " channels");
  }
  const std::int64_t oh = (x.size(2) - 1) * p.stride[0] - 2 * p.padding[0] + p.dilation[0] * (weight.size(2) - 1) + extra[0] + 1;
  const std::int64_t ow = (x.size(3) - 1) * p.stride[1] - 2 * p.padding[1] + p.dilation[1] * (weight.size(3) - 1) + extra[1] + 1;
  const std::int64_t out_channels = weight.size(1) * groups;
  if (oh < 1 || ow < 1) {
    throw ShapeError(std::string(op) + ": got input " + to_string(input.sizes()) + " and weight " +
                     to_string(weight.sizes()) + ", which give an output of (" + std::to_string(oh) + ", " +
                     std::to_string(ow) + "), expected at least 1 x 1");
  }
  Tensor y = input_grad_op(x, weight, {x.size(0), out_channels, oh, ow}, p, where);
  if (bias.defined()) {
    if (bias.dim() != 1 || bias.size(0) != out_channels) {
      throw ShapeError(std::string(op) + ": got bias " + to_string(bias.sizes()) + ", expected (" +
                       std::to_string(out_channels) + ")");
    }
    y = add(y, view(bias, {1, out_channels, 1, 1}, where), where);
  }
  return batched ? y : squeeze(y, 0, where);
}

}  // namespace gg
