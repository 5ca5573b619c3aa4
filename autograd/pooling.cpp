// Pooling and channel dropout (autograd/conv_ops.hpp), composed of differentiable ops, so
// that their gradients (and second derivatives) are those ops':
//   max_pool2d      the native kernel finds each window's maximum and where it is; its gate
//                   (MaxPool2dGate) adds the gradient back at those indices, natively, or
//                   under create_graph as a scatter_add (whose backward is a gather)
//   avg_pool2d      zero padding to the windows' extent, a sum as a depthwise convolution with
//                   a kernel of ones, and a division by each window's count
//   adaptive_avg_pool2d   avg_pool2d when the sizes divide, else a mean per row band and
//                   column band
//   adaptive_max_pool2d   as max_pool2d (the same gate), on the native kernel of the cells' maxima
//   feature_dropout x times a (N, C, 1, ...) mask of 0 and 1/(1-p)
#include <gategrad/autograd/conv_args.hpp>
#include <gategrad/autograd/conv_ops.hpp>
#include <gategrad/autograd/grad_mode.hpp>
#include <gategrad/autograd/recording.hpp>
#include <gategrad/tensor/conv.hpp>
#include <gategrad/tensor/native.hpp>

#include <algorithm>
#include <array>
#include <span>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

namespace gg {
namespace {

using std::int64_t;

native::Pool2dParams pool_params(const char* op, IntArrayRef kernel_size, IntArrayRef stride,
                                 IntArrayRef padding, IntArrayRef dilation, bool ceil_mode) {
  native::Pool2dParams p;
  p.kernel = detail::spatial_pair(op, "kernel_size", kernel_size);
  p.stride = stride.empty() ? p.kernel : detail::spatial_pair(op, "stride", stride);
  p.padding = detail::spatial_pair(op, "padding", padding);
  p.dilation = detail::spatial_pair(op, "dilation", dilation);
  p.ceil_mode = ceil_mode;
  return p;
}

// y = the maxima of x (N, C, H, W) at their plane indices (N, C, OH, OW): dx = dy added at
// those indices, by the native kernel; under create_graph by a scatter_add (its own backward a
// gather), so that higher derivatives record.
struct MaxPool2dGate final : autograd::Node {
  static constexpr const char* kName = "MaxPool2dGate";
  Tensor indices;  // int64, not differentiable
  void backward(const Tensor& dout, std::span<Tensor> din) override {
    const IntArrayRef sizes(edges[0].sizes);
    if (!is_grad_enabled()) {
      din[0] = native::max_pool2d_backward(dout, indices, sizes);
      return;
    }
    const int64_t N = sizes[0], C = sizes[1];
    const Tensor flat = scatter_add(zeros({N, C, sizes[2] * sizes[3]}, dout.dtype()), 2,
                                    native::view(indices, {N, C, -1}), reshape(dout, {N, C, -1}));
    din[0] = view(flat, sizes);
  }
  void release() override { indices = Tensor(); }
};

// The kernel's maxima of x, recorded as MaxPool2dGate when a gradient is needed.
Tensor maxima_at(const Tensor& x, const Tensor& values, const Tensor& indices, Where where) {
  return autograd::record<MaxPool2dGate>(values, {&x}, where, [&](MaxPool2dGate& g) { g.indices = indices; });
}

// The divisor of each avg_pool2d window along one dim: the window [o s - pad, o s - pad + k)
// counted within [-pad, in + pad) (count_include_pad) or within [0, in).
std::vector<double> window_counts(int64_t out, int64_t in, int64_t k, int64_t s, int64_t pad,
                                  bool count_include_pad) {
  std::vector<double> counts(static_cast<std::size_t>(out));
  for (int64_t o = 0; o < out; ++o) {
    int64_t start = o * s - pad, end = std::min(start + k, in + pad);
    if (!count_include_pad) {
      start = std::max<int64_t>(start, 0);
      end = std::min(end, in);
    }
    counts[static_cast<std::size_t>(o)] = static_cast<double>(end - start);
  }
  return counts;
}

}  // namespace

std::tuple<Tensor, Tensor> max_pool2d_with_indices(const Tensor& input, IntArrayRef kernel_size,
                                                   IntArrayRef stride, IntArrayRef padding,
                                                   IntArrayRef dilation, bool ceil_mode, Where where) {
  const char* op = "max_pool2d";
  bool batched = true;
  const Tensor x = detail::batched_image(op, input, batched, where);
  auto [maxima, indices] =
      native::max_pool2d_with_indices(x, pool_params(op, kernel_size, stride, padding, dilation, ceil_mode), op);
  const Tensor values = maxima_at(x, maxima, indices, where);
  if (!batched) return {squeeze(values, 0, where), native::squeeze(indices, 0)};
  return {values, indices};
}

Tensor max_pool2d(const Tensor& input, IntArrayRef kernel_size, IntArrayRef stride, IntArrayRef padding,
                  IntArrayRef dilation, bool ceil_mode, Where where) {
  return std::get<0>(max_pool2d_with_indices(input, kernel_size, stride, padding, dilation, ceil_mode, where));
}

Tensor avg_pool2d(const Tensor& input, IntArrayRef kernel_size, IntArrayRef stride, IntArrayRef padding,
                  bool ceil_mode, bool count_include_pad, std::optional<int64_t> divisor_override,
                  Where where) {
  const char* op = "avg_pool2d";
  bool batched = true;
  const Tensor x = detail::batched_image(op, input, batched, where);
  const native::Pool2dParams p = pool_params(op, kernel_size, stride, padding, 1, ceil_mode);
  for (int d = 0; d < 2; ++d) {
    if (p.kernel[d] < 1 || p.stride[d] < 1 || p.padding[d] < 0 || p.padding[d] > p.kernel[d] / 2) {
      throw std::invalid_argument(std::string(op) + ": got kernel_size " + to_string(kernel_size) +
                                  ", stride " + to_string(stride) + ", padding " + to_string(padding) +
                                  ", expected kernel sizes and strides >= 1 and paddings in [0, kernel / 2]");
    }
  }
  if (divisor_override && *divisor_override == 0) {
    throw std::invalid_argument(std::string(op) + ": got divisor_override 0, expected a nonzero divisor");
  }
  if (!x.is_floating_point()) {
    throw std::invalid_argument(std::string(op) + ": got input of dtype " + to_string(x.dtype()) +
                                ", expected a floating dtype");
  }
  const int64_t N = x.size(0), C = x.size(1), H = x.size(2), W = x.size(3);
  const int64_t OH = native::pool_output_size(H, p.kernel[0], p.stride[0], p.padding[0], 1, ceil_mode);
  const int64_t OW = native::pool_output_size(W, p.kernel[1], p.stride[1], p.padding[1], 1, ceil_mode);
  if (OH < 1 || OW < 1) {
    throw ShapeError(std::string(op) + ": got input " + to_string(input.sizes()) + " and kernel_size " +
                     to_string(kernel_size) + ", which give an output of (" + std::to_string(OH) + ", " +
                     std::to_string(OW) + "), expected at least 1 x 1");
  }
  // Pad (or crop) to exactly the extent the windows cover: [-pad, (O - 1) s + k - pad).
  const int64_t right_h = (OH - 1) * p.stride[0] + p.kernel[0] - p.padding[0] - H;
  const int64_t right_w = (OW - 1) * p.stride[1] + p.kernel[1] - p.padding[1] - W;
  const Tensor padded = constant_pad_nd(x, {p.padding[1], right_w, p.padding[0], right_h}, 0, where);
  const TensorOptions like = TensorOptions().dtype(x.dtype());
  const Tensor planes = reshape(padded, {N * C, 1, padded.size(2), padded.size(3)}, where);
  const Tensor sums = reshape(conv2d(planes, ones({1, 1, p.kernel[0], p.kernel[1]}, like), {}, {p.stride[0], p.stride[1]}),
                              {N, C, OH, OW}, where);
  Tensor divisor;
  if (divisor_override) {
    divisor = full({1}, *divisor_override, like);
  } else {
    const std::vector<double> ch = window_counts(OH, H, p.kernel[0], p.stride[0], p.padding[0], count_include_pad);
    const std::vector<double> cw = window_counts(OW, W, p.kernel[1], p.stride[1], p.padding[1], count_include_pad);
    std::vector<double> counts;
    counts.reserve(static_cast<std::size_t>(OH * OW));
    for (double a : ch) for (double b : cw) counts.push_back(a * b);
    divisor = native::to(from_values(std::span<const double>(counts), {OH, OW}), x.dtype());
  }
  const Tensor y = div(sums, divisor, where);
  return batched ? y : squeeze(y, 0, where);
}

Tensor adaptive_avg_pool2d(const Tensor& input, IntArrayRef output_size, Where where) {
  const char* op = "adaptive_avg_pool2d";
  bool batched = true;
  const Tensor x = detail::batched_image(op, input, batched, where);
  const std::array<int64_t, 2> out = detail::spatial_pair(op, "output_size", output_size);
  const int64_t H = x.size(2), W = x.size(3);
  if (out[0] < 1 || out[1] < 1 || H < 1 || W < 1) {
    throw ShapeError(std::string(op) + ": got input " + to_string(input.sizes()) + " and output_size " +
                     to_string(output_size) + ", expected a non-empty input and an output_size >= 1");
  }
  Tensor y;
  if (H % out[0] == 0 && W % out[1] == 0) {
    y = avg_pool2d(x, {H / out[0], W / out[1]}, {}, 0, false, true, std::nullopt, where);
  } else {
    // One mean per band of rows, then per band of columns: cell i spans
    // [floor(i n / o), ceil((i + 1) n / o)).
    const auto bands = [&](const Tensor& t, int64_t dim, int64_t n, int64_t o) {
      std::vector<Tensor> parts;
      for (int64_t i = 0; i < o; ++i) {
        const int64_t start = i * n / o, end = ((i + 1) * n + o - 1) / o;
        parts.push_back(mean(narrow(t, dim, start, end - start, where), dim, true, where));
      }
      return cat(parts, dim, where);
    };
    y = bands(bands(x, 2, H, out[0]), 3, W, out[1]);
  }
  return batched ? y : squeeze(y, 0, where);
}

std::tuple<Tensor, Tensor> adaptive_max_pool2d(const Tensor& input, IntArrayRef output_size, Where where) {
  const char* op = "adaptive_max_pool2d";
  bool batched = true;
  const Tensor x = detail::batched_image(op, input, batched, where);
  auto [maxima, indices] =
      native::adaptive_max_pool2d_with_indices(x, detail::spatial_pair(op, "output_size", output_size));
  const Tensor values = maxima_at(x, maxima, indices, where);
  if (!batched) return {squeeze(values, 0, where), native::squeeze(indices, 0)};
  return {values, indices};
}

namespace {

void check_resample(const char* op, const Tensor& input, IntArrayRef output_size) {
  if (input.dim() != 4 || output_size.size() != 2 || output_size[0] < 1 || output_size[1] < 1) {
    throw ShapeError(std::string(op) + ": got input " + to_string(input.sizes()) + " and output_size " +
                     to_string(output_size) + ", expected input (N, C, H, W) and two output sizes >= 1");
  }
  if (input.dtype() != kFloat32 && input.dtype() != kFloat64) {
    throw std::invalid_argument(std::string(op) + ": got input of dtype " + to_string(input.dtype()) +
                                ", expected float32 or float64");
  }
}

// torch's area_pixel_compute_scale: the input distance between two output pixels.
template <class T>
T pixel_scale(int64_t in, int64_t out, bool align_corners, std::optional<double> scale) {
  if (align_corners) return out > 1 ? static_cast<T>(in - 1) / static_cast<T>(out - 1) : T(0);
  return scale && *scale > 0 ? static_cast<T>(1.0 / *scale) : static_cast<T>(in) / static_cast<T>(out);
}

// The source index of each output pixel along one dim, nearest neighbour, as torch's
// nearest_idx (float arithmetic).
Tensor nearest_indices(int64_t in, int64_t out, std::optional<double> scale) {
  Tensor idx = empty({out}, kInt64);
  std::int64_t* p = idx.data_ptr<std::int64_t>();
  const float s = pixel_scale<float>(in, out, false, scale);
  for (int64_t o = 0; o < out; ++o) {
    if (out == in) p[o] = o;
    else if (out == 2 * in) p[o] = o >> 1;
    else p[o] = std::min(static_cast<int64_t>(std::floor(static_cast<float>(o) * s)), in - 1);
  }
  return idx;
}

// (out, in) bilinear weights along one dim, in T, as torch's upsample_bilinear2d computes them.
template <class T>
Tensor bilinear_weights(int64_t in, int64_t out, bool align_corners, std::optional<double> scale, Dtype dtype) {
  Tensor a = zeros({out, in}, dtype);
  T* p = a.data_ptr<T>();
  const T s = pixel_scale<T>(in, out, align_corners, scale);
  for (int64_t o = 0; o < out; ++o) {
    T src = align_corners ? s * static_cast<T>(o) : s * (static_cast<T>(o) + T(0.5)) - T(0.5);
    if (!align_corners && src < 0) src = 0;
    const auto i0 = static_cast<int64_t>(src);
    const int64_t i1 = i0 + (i0 < in - 1 ? 1 : 0);
    const T l1 = src - static_cast<T>(i0), l0 = T(1) - l1;
    p[o * in + i0] += l0;
    p[o * in + i1] += l1;
  }
  return a;
}

}  // namespace

Tensor upsample_nearest2d(const Tensor& input, IntArrayRef output_size, std::optional<double> scales_h,
                          std::optional<double> scales_w, Where where) {
  check_resample("upsample_nearest2d", input, output_size);
  const Tensor rows = index_select(input, 2, nearest_indices(input.size(2), output_size[0], scales_h), where);
  return index_select(rows, 3, nearest_indices(input.size(3), output_size[1], scales_w), where);
}

Tensor upsample_bilinear2d(const Tensor& input, IntArrayRef output_size, bool align_corners,
                           std::optional<double> scales_h, std::optional<double> scales_w, Where where) {
  check_resample("upsample_bilinear2d", input, output_size);
  Tensor ah, aw;
  visit_dtype(input.dtype(), [&]<class T>() {
    if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double>) {
      ah = bilinear_weights<T>(input.size(2), output_size[0], align_corners, scales_h, input.dtype());
      aw = bilinear_weights<T>(input.size(3), output_size[1], align_corners, scales_w, input.dtype());
    }
  });
  // (oH, H) x (N, C, H, W) x (W, oW)
  return matmul(matmul(ah, input, where), aw.t(), where);
}

Tensor feature_dropout(const Tensor& input, double p, bool train, Generator& gen, Where where) {
  const char* op = "feature_dropout";
  if (!(p >= 0.0 && p <= 1.0)) {
    throw std::invalid_argument(std::string(op) + ": got p = " + std::to_string(p) +
                                ", expected a probability 0 <= p <= 1");
  }
  if (input.dim() < 2) {
    throw ShapeError(std::string(op) + ": got input " + to_string(input.sizes()) +
                     ", expected at least (N, C)");
  }
  if (!input.is_floating_point()) {
    throw std::invalid_argument(std::string(op) + ": got input of dtype " + to_string(input.dtype()) +
                                ", expected a floating dtype");
  }
  if (!train || p == 0.0) return input;
  SizeVector mask_sizes(static_cast<std::size_t>(input.dim()), 1);
  mask_sizes[0] = input.size(0);
  mask_sizes[1] = input.size(1);
  Tensor mask = empty(mask_sizes, TensorOptions().dtype(kFloat64));
  const double keep = p < 1.0 ? 1.0 / (1.0 - p) : 0.0;
  double* m = mask.data_ptr<double>();
  for (int64_t i = 0, n = mask.numel(); i < n; ++i) m[i] = gen.uniform01() >= p ? keep : 0.0;
  return mul(input, native::to(mask, input.dtype()), where);
}

Tensor feature_dropout(const Tensor& input, double p, bool train, Where where) {
  return feature_dropout(input, p, train, default_generator(), where);
}

}  // namespace gg
