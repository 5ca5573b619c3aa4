#pragma once
// gg::native's convolution and pooling kernels (tensor/conv.cpp), NCHW as PyTorch's, float32
// and float64. No autograd: the differentiable forms are in autograd/conv_ops.hpp.
//
// A convolution is one GEMM per image and group on a column matrix (im2col): for image n and
// group g, out[n, g] (OC/g, OH*OW) = W_g (OC/g, C/g*KH*KW) x col (C/g*KH*KW, OH*OW). A 1x1
// kernel with stride 1 and no padding reads the image itself as the column matrix. Its two
// adjoints run on the same GEMM: the input's gradient as W_g^T dY scattered back (col2im),
// the weight's as dY col^T summed over images. Small images share the thread pool out across
// the batch (each image's GEMM then runs inline), large ones split each GEMM.
#include <gategrad/tensor/shape.hpp>  // ShapeError
#include <gategrad/tensor/tensor.hpp>

#include <array>
#include <cstdint>
#include <utility>

namespace gg::native {

// Stride, padding (zeros, the same on both sides of a dim) and dilation per spatial dim
// (height, width), and the groups, as torch's conv2d arguments.
struct Conv2dParams {
  std::array<std::int64_t, 2> stride{1, 1};
  std::array<std::int64_t, 2> padding{0, 0};
  std::array<std::int64_t, 2> dilation{1, 1};
  std::int64_t groups = 1;
};

// input (N, C, H, W), weight (OC, C / groups, KH, KW) -> (N, OC, OH, OW), with
// OH = (H + 2 padding - dilation (KH - 1) - 1) / stride + 1 (likewise OW). One floating dtype
// for both (float32 or float64). Throws ShapeError naming `op` when the ranks, the channels
// or the groups do not fit, or the padded input is smaller than the dilated kernel, and
// std::invalid_argument for a stride, dilation or groups below 1, a negative padding, or
// another dtype.
Tensor conv2d(const Tensor& input, const Tensor& weight, const Conv2dParams& params,
              const char* op = "conv2d");

// The adjoint of conv2d in its input: the gradient of conv2d(x, weight) for x of
// `input_sizes` (N, C, H, W) given the output's gradient (N, OC, OH, OW). It is also
// conv_transpose2d of grad_output with `weight`.
Tensor conv2d_backward_input(const Tensor& grad_output, const Tensor& weight,
                             IntArrayRef input_sizes, const Conv2dParams& params,
                             const char* op = "conv2d_backward_input");

// The adjoint of conv2d in its weight: the gradient of conv2d(input, w) for w of
// `weight_sizes` (OC, C / groups, KH, KW), summed over the batch.
Tensor conv2d_backward_weight(const Tensor& input, const Tensor& grad_output,
                              IntArrayRef weight_sizes, const Conv2dParams& params,
                              const char* op = "conv2d_backward_weight");

// torch's unfold (im2col as an op): input (N, C, H, W) -> (N, C kH kW, L), column l holding
// the l-th window (row-major over the output positions), rows ordered (channel, i, j); the
// params' groups must be 1. fold is its adjoint: (N, C kH kW, L) summed back into
// (N, C, output_size), overlapping windows adding up. float32 or float64. Throws ShapeError
// naming `op` when the sizes do not fit.
Tensor unfold(const Tensor& input, IntArrayRef kernel_size, const Conv2dParams& params, const char* op = "unfold");
Tensor fold(const Tensor& input, IntArrayRef output_size, IntArrayRef kernel_size, const Conv2dParams& params,
            const char* op = "fold");

// The output size of a convolution or pooling along one dim.
std::int64_t conv_output_size(std::int64_t in, std::int64_t kernel, std::int64_t stride,
                              std::int64_t padding, std::int64_t dilation);

// Kernel, stride, padding (with -inf, never chosen) and dilation per spatial dim, and
// ceil_mode, as torch's max_pool2d arguments.
struct Pool2dParams {
  std::array<std::int64_t, 2> kernel{1, 1};
  std::array<std::int64_t, 2> stride{1, 1};
  std::array<std::int64_t, 2> padding{0, 0};
  std::array<std::int64_t, 2> dilation{1, 1};
  bool ceil_mode = false;
};

// The output size of a pooling along one dim, as torch's pooling_output_shape: with ceil_mode
// rounded up, but the last window must start inside the input or its left padding.
std::int64_t pool_output_size(std::int64_t in, std::int64_t kernel, std::int64_t stride,
                              std::int64_t padding, std::int64_t dilation, bool ceil_mode);

// input (N, C, H, W) -> the window maxima (N, C, OH, OW) and, as int64, where each was in its
// plane (h * W + w), the first of equal maxima; a NaN in a window is its maximum, as torch's.
// float32 or float64. Throws ShapeError or std::invalid_argument naming `op` as torch does
// (a padding above half the kernel, an output size below 1).
std::pair<Tensor, Tensor> max_pool2d_with_indices(const Tensor& input, const Pool2dParams& params,
                                                  const char* op = "max_pool2d");

// input (N, C, H, W) -> the maxima (N, C, OH, OW) of the cells that split each plane into
// output_size, and their int64 indices in the plane (h * W + w): cell (i, j) spans rows
// [floor(i H / OH), ceil((i + 1) H / OH)) and the columns alike, as torch's
// adaptive_max_pool2d. The first of equal maxima; a NaN is the maximum (the last NaN, as
// torch's). float32 or float64.
std::pair<Tensor, Tensor> adaptive_max_pool2d_with_indices(const Tensor& input,
                                                           std::array<std::int64_t, 2> output_size);

// The gradient of a max pooling: dx (input_sizes (N, C, H, W)) zero but for dx[n, c, i] +=
// grad_output[n, c, o] at i = indices[n, c, o] (int64 plane positions, as the two functions
// above return them). float32 or float64. Throws ShapeError when the sizes do not match and
// std::out_of_range naming the index when one is outside its plane.
Tensor max_pool2d_backward(const Tensor& grad_output, const Tensor& indices, IntArrayRef input_sizes);

}  // namespace gg::native
