#pragma once
// Differentiable convolution, pooling and channel dropout, with LibTorch's names and argument
// order (at::conv2d, at::max_pool2d, ...), NCHW. The kernels are gg::native's (tensor/conv.hpp).
//
//   Tensor y = gg::conv2d(x, w, b, /*stride=*/1, /*padding=*/1);        // x:(N,C,H,W)
//   Tensor p = gg::max_pool2d(gg::relu(y), 2);                          // 2x2, stride 2
//
// A size argument takes one value for both spatial dims (`2`) or one per dim (`{2, 3}`); an
// empty pooling stride means the kernel size, as torch's. An unbatched input (C, H, W) gives an
// unbatched output. The convolution's two gradients are convolutions themselves
// (autograd/gates/conv_gates.cpp), so they record under create_graph: every op here has
// second derivatives. Throws ShapeError or std::invalid_argument naming the op, what it got
// and what it expected.
#include <gategrad/autograd/ops.hpp>
#include <gategrad/tensor/random.hpp>

#include <cstdint>
#include <optional>
#include <string_view>
#include <tuple>
#include <type_traits>

namespace gg {

// --- convolution (autograd/gates/conv_gates.cpp) ---------------------------------------------
// input (N, C, H, W), weight (OC, C / groups, kH, kW), bias (OC) or undefined.
Tensor conv2d(const Tensor& input, const Tensor& weight, const Tensor& bias = {},
              IntArrayRef stride = 1, IntArrayRef padding = 0, IntArrayRef dilation = 1,
              std::int64_t groups = 1, Where where = Where::current());
// padding "valid" (none) or "same" (the output has the input's size; stride 1 only; an odd
// total padding puts the extra row or column at the end, as torch's).
// (A template, so that a literal 0 is never taken for a null string: conv2d(x, w, b, 1, 0) is
// the padding sizes.)
template <class Padding>
  requires std::is_convertible_v<const Padding&, std::string_view>
Tensor conv2d(const Tensor& input, const Tensor& weight, const Tensor& bias, IntArrayRef stride,
              const Padding& padding, IntArrayRef dilation = 1, std::int64_t groups = 1,
              Where where = Where::current());
// input (N, C, L), weight (OC, C / groups, k): conv2d on a height of 1.
Tensor conv1d(const Tensor& input, const Tensor& weight, const Tensor& bias = {},
              IntArrayRef stride = 1, IntArrayRef padding = 0, IntArrayRef dilation = 1,
              std::int64_t groups = 1, Where where = Where::current());
template <class Padding>
  requires std::is_convertible_v<const Padding&, std::string_view>
Tensor conv1d(const Tensor& input, const Tensor& weight, const Tensor& bias, IntArrayRef stride,
              const Padding& padding, IntArrayRef dilation = 1, std::int64_t groups = 1,
              Where where = Where::current());
// input (N, C, H, W), weight (C, OC / groups, kH, kW) -> (N, OC, OH, OW) with
// OH = (H - 1) stride - 2 padding + dilation (kH - 1) + output_padding + 1: the adjoint of
// conv2d, as torch's (its argument order: groups before dilation).
Tensor conv_transpose2d(const Tensor& input, const Tensor& weight, const Tensor& bias = {},
                        IntArrayRef stride = 1, IntArrayRef padding = 0,
                        IntArrayRef output_padding = 0, std::int64_t groups = 1,
                        IntArrayRef dilation = 1, Where where = Where::current());

// at::im2col / F::unfold: input (N, C, H, W) -> (N, C kH kW, L), one column per window
// (row-major over the output positions). at::col2im / F::fold, its adjoint: (N, C kH kW, L)
// summed back into (N, C, output_size). Each is the other's gradient (UnfoldGate, FoldGate).
Tensor im2col(const Tensor& input, IntArrayRef kernel_size, IntArrayRef dilation = 1, IntArrayRef padding = 0,
              IntArrayRef stride = 1, Where where = Where::current());
Tensor col2im(const Tensor& input, IntArrayRef output_size, IntArrayRef kernel_size, IntArrayRef dilation = 1,
              IntArrayRef padding = 0, IntArrayRef stride = 1, Where where = Where::current());

// --- pooling (autograd/pooling.cpp) ----------------------------------------------------------
// Max over each window; the gradient goes to the (first) maximum of each window.
Tensor max_pool2d(const Tensor& input, IntArrayRef kernel_size, IntArrayRef stride = {},
                  IntArrayRef padding = 0, IntArrayRef dilation = 1, bool ceil_mode = false,
                  Where where = Where::current());
// The maxima and, as int64, where each was in its plane (h * W + w), as torch's indices.
std::tuple<Tensor, Tensor> max_pool2d_with_indices(const Tensor& input, IntArrayRef kernel_size,
                                                   IntArrayRef stride = {}, IntArrayRef padding = 0,
                                                   IntArrayRef dilation = 1, bool ceil_mode = false,
                                                   Where where = Where::current());
// The mean of each window: count_include_pad counts the zero padding in the divisor;
// divisor_override, when set, is the divisor of every window.
Tensor avg_pool2d(const Tensor& input, IntArrayRef kernel_size, IntArrayRef stride = {},
                  IntArrayRef padding = 0, bool ceil_mode = false, bool count_include_pad = true,
                  std::optional<std::int64_t> divisor_override = std::nullopt,
                  Where where = Where::current());
// Means over windows that split each plane into output_size (oH, oW) cells: cell i spans
// rows [floor(i H / oH), ceil((i + 1) H / oH)), as torch's.
Tensor adaptive_avg_pool2d(const Tensor& input, IntArrayRef output_size,
                           Where where = Where::current());
// The maxima of the same cells and, as int64, where each was in its plane (h * W + w), as
// at::adaptive_max_pool2d (which returns both); the gradient goes to each cell's maximum.
std::tuple<Tensor, Tensor> adaptive_max_pool2d(const Tensor& input, IntArrayRef output_size,
                                               Where where = Where::current());

// --- resampling (autograd/pooling.cpp) -------------------------------------------------------
// input (N, C, H, W) -> (N, C, output_size), as at::upsample_nearest2d: output pixel (i, j)
// copies input pixel (min(floor(i s_h), H - 1), min(floor(j s_w), W - 1)), with s = 1 / scale
// when a scale is given, else input size / output size (torch's float arithmetic). An index
// gather along each dim, so the gradient sums back to the pixels copied.
Tensor upsample_nearest2d(const Tensor& input, IntArrayRef output_size, std::optional<double> scales_h = std::nullopt,
                          std::optional<double> scales_w = std::nullopt, Where where = Where::current());
// As at::upsample_bilinear2d: each output pixel the bilinear mix of the four input pixels around
// its source point, (i + 0.5) s - 0.5 clamped at 0, or i (H - 1) / (oH - 1) with align_corners.
// Two matrix products with the interpolation weights, A_h x A_w^T.
Tensor upsample_bilinear2d(const Tensor& input, IntArrayRef output_size, bool align_corners,
                           std::optional<double> scales_h = std::nullopt, std::optional<double> scales_w = std::nullopt,
                           Where where = Where::current());

// --- channel dropout (autograd/pooling.cpp) --------------------------------------------------
// torch::feature_dropout / F::dropout2d: in training, zeroes each channel (a whole (H, W)
// plane, or the trailing dims of (N, C, ...)) with probability p and scales the others by
// 1/(1-p); the identity otherwise. Draws one gen.uniform01() per (n, c) in row-major order.
Tensor feature_dropout(const Tensor& input, double p, bool train, Generator& gen,
                       Where where = Where::current());
Tensor feature_dropout(const Tensor& input, double p, bool train, Where where = Where::current());

namespace detail {
Tensor conv2d_named_padding(const Tensor& input, const Tensor& weight, const Tensor& bias, IntArrayRef stride,
                            std::string_view padding, IntArrayRef dilation, std::int64_t groups, Where where);
Tensor conv1d_named_padding(const Tensor& input, const Tensor& weight, const Tensor& bias, IntArrayRef stride,
                            std::string_view padding, IntArrayRef dilation, std::int64_t groups, Where where);
}  // namespace detail

template <class Padding>
  requires std::is_convertible_v<const Padding&, std::string_view>
Tensor conv2d(const Tensor& input, const Tensor& weight, const Tensor& bias, IntArrayRef stride,
              const Padding& padding, IntArrayRef dilation, std::int64_t groups, Where where) {
  return detail::conv2d_named_padding(input, weight, bias, stride, padding, dilation, groups, where);
}

template <class Padding>
  requires std::is_convertible_v<const Padding&, std::string_view>
Tensor conv1d(const Tensor& input, const Tensor& weight, const Tensor& bias, IntArrayRef stride,
              const Padding& padding, IntArrayRef dilation, std::int64_t groups, Where where) {
  return detail::conv1d_named_padding(input, weight, bias, stride, padding, dilation, groups, where);
}

}  // namespace gg
