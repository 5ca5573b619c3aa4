// Convolution (im2col and our GEMM) and max pooling, NCHW: see tensor/conv.hpp.
#include <gategrad/tensor/conv.hpp>
#include <gategrad/tensor/factory.hpp>
#include <gategrad/tensor/gemm.hpp>
#include <gategrad/tensor/native.hpp>
#include <gategrad/tensor/parallel.hpp>
#include <gategrad/tensor/thread_pool.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string>
#include <type_traits>

namespace gg::native {
namespace {

using std::int64_t;

std::string pair_text(const std::array<int64_t, 2>& v) {
  return "(" + std::to_string(v[0]) + ", " + std::to_string(v[1]) + ")";
}

// Below this many flops an image's products run on one thread, and the batch is shared out
// across the pool instead (as tensor/linalg.cpp's batched products).
constexpr double kFlopsPerThread = 1.0e6;

// The sizes of one convolution, checked.
struct ConvShape {
  int64_t N, C, H, W;        // input
  int64_t OC, KH, KW;        // weight (OC, C / groups, KH, KW)
  int64_t OH, OW;            // output
  int64_t groups, Cg, OCg;   // channels per group
  int64_t K, P;              // GEMM inner size (Cg KH KW) and output pixels (OH OW)
  bool direct;               // 1x1, stride 1, no padding: the image is its own column matrix
};

void check_params(const char* op, const Conv2dParams& p) {
  for (int d = 0; d < 2; ++d) {
    if (p.stride[d] < 1 || p.dilation[d] < 1 || p.padding[d] < 0) {
      throw std::invalid_argument(std::string(op) + ": got stride " + pair_text(p.stride) +
                                  ", padding " + pair_text(p.padding) + ", dilation " +
                                  pair_text(p.dilation) +
                                  ", expected strides and dilations >= 1 and paddings >= 0");
    }
  }
  if (p.groups < 1) {
    throw std::invalid_argument(std::string(op) + ": got groups = " + std::to_string(p.groups) +
                                ", expected groups >= 1");
  }
}

void check_floating(const char* op, const Tensor& a, const char* a_name, const Tensor& b,
                    const char* b_name) {
  if (a.dtype() != b.dtype() || (a.dtype() != kFloat32 && a.dtype() != kFloat64)) {
    throw std::invalid_argument(std::string(op) + ": got " + a_name + " of dtype " +
                                to_string(a.dtype()) + " and " + b_name + " of dtype " +
                                to_string(b.dtype()) + ", expected both float32 or both float64");
  }
}

void check_floating_input(const char* op, const Tensor& input) {
  if (input.dtype() != kFloat32 && input.dtype() != kFloat64) {
    throw std::invalid_argument(std::string(op) + ": got input of dtype " + to_string(input.dtype()) +
                                ", expected float32 or float64");
  }
}

// input_sizes (N, C, H, W) and weight_sizes (OC, C / groups, KH, KW).
ConvShape conv_shape(const char* op, IntArrayRef input_sizes, IntArrayRef weight_sizes,
                     const Conv2dParams& p) {
  check_params(op, p);
  if (input_sizes.size() != 4 || weight_sizes.size() != 4) {
    throw ShapeError(std::string(op) + ": got input " + to_string(input_sizes) + " and weight " +
                     to_string(weight_sizes) +
                     ", expected input (N, C, H, W) and weight (out_channels, C / groups, kH, kW)");
  }
  ConvShape s{};
  s.N = input_sizes[0], s.C = input_sizes[1], s.H = input_sizes[2], s.W = input_sizes[3];
  s.OC = weight_sizes[0], s.KH = weight_sizes[2], s.KW = weight_sizes[3];
  s.groups = p.groups;
  if (s.C != weight_sizes[1] * p.groups) {
    throw ShapeError(std::string(op) + ": got input " + to_string(input_sizes) + " and weight " +
                     to_string(weight_sizes) + " with groups = " + std::to_string(p.groups) +
                     ", expected input to have weight.size(1) * groups = " +
                     std::to_string(weight_sizes[1] * p.groups) + " channels, but got " +
                     std::to_string(s.C) + " channels");
  }
  if (s.OC % p.groups != 0) {
    throw ShapeError(std::string(op) + ": got weight " + to_string(weight_sizes) +
                     " with groups = " + std::to_string(p.groups) +
                     ", expected out_channels divisible by groups");
  }
  if (s.KH < 1 || s.KW < 1) {
    throw ShapeError(std::string(op) + ": got weight " + to_string(weight_sizes) +
                     ", expected a kernel of at least 1 x 1");
  }
  s.Cg = weight_sizes[1];
  s.OCg = s.OC / p.groups;
  const int64_t eff_h = p.dilation[0] * (s.KH - 1) + 1, eff_w = p.dilation[1] * (s.KW - 1) + 1;
  if (s.H + 2 * p.padding[0] < eff_h || s.W + 2 * p.padding[1] < eff_w) {
    throw ShapeError(std::string(op) + ": got input " + to_string(input_sizes) +
                     ", padded to (" + std::to_string(s.H + 2 * p.padding[0]) + ", " +
                     std::to_string(s.W + 2 * p.padding[1]) + "), expected it no smaller than the (dilated) kernel (" +
                     std::to_string(eff_h) + ", " + std::to_string(eff_w) + ")");
  }
  s.OH = conv_output_size(s.H, s.KH, p.stride[0], p.padding[0], p.dilation[0]);
  s.OW = conv_output_size(s.W, s.KW, p.stride[1], p.padding[1], p.dilation[1]);
  s.K = s.Cg * s.KH * s.KW;
  s.P = s.OH * s.OW;
  s.direct = s.KH == 1 && s.KW == 1 && p.stride[0] == 1 && p.stride[1] == 1 &&
             p.padding[0] == 0 && p.padding[1] == 0;
  return s;
}

// grad_output must have the convolution's output sizes (N, OC, OH, OW).
void check_grad_output(const char* op, const Tensor& grad_output, const ConvShape& s, IntArrayRef input_sizes,
                       IntArrayRef weight_sizes) {
  const SizeVector expected{s.N, s.OC, s.OH, s.OW};
  if (!(grad_output.sizes() == IntArrayRef(expected))) {
    throw ShapeError(std::string(op) + ": got grad_output " + to_string(grad_output.sizes()) + ", expected " +
                     to_string(expected) + " for input " + to_string(input_sizes) + " and weight " +
                     to_string(weight_sizes));
  }
}

// The range [lo, hi) of output positions o whose input position o * stride - pad + offset is
// inside [0, in).
std::pair<int64_t, int64_t> valid_range(int64_t out, int64_t in, int64_t stride, int64_t start) {
  // start = offset - pad: input position = o * stride + start.
  int64_t lo = 0;
  if (start < 0) lo = (-start + stride - 1) / stride;
  int64_t hi = 0;
  if (in - 1 - start >= 0) hi = (in - 1 - start) / stride + 1;
  hi = std::min(hi, out);
  lo = std::min(lo, hi);
  return {lo, hi};
}

// col (Cg KH KW, OH OW) from one image's group x (Cg, H, W); zeros where the window is in
// the padding. Scatter = true is col2im: x += col, each column element back to its pixel.
template <bool Scatter, class T>
void im2col(std::conditional_t<Scatter, T*, const T*> x, std::conditional_t<Scatter, const T*, T*> col,
            const ConvShape& s, const Conv2dParams& p) {
  const int64_t sh = p.stride[0], sw = p.stride[1];
  for (int64_t c = 0; c < s.Cg; ++c) {
    for (int64_t i = 0; i < s.KH; ++i) {
      for (int64_t j = 0; j < s.KW; ++j) {
        auto row = col + ((c * s.KH + i) * s.KW + j) * s.P;
        const int64_t start_h = i * p.dilation[0] - p.padding[0];
        const int64_t start_w = j * p.dilation[1] - p.padding[1];
        const auto [wlo, whi] = valid_range(s.OW, s.W, sw, start_w);
        for (int64_t oh = 0; oh < s.OH; ++oh) {
          auto dst = row + oh * s.OW;
          const int64_t ih = oh * sh + start_h;
          if (ih < 0 || ih >= s.H) {
            if constexpr (!Scatter) std::fill(dst, dst + s.OW, T(0));
            continue;
          }
          auto src = x + (c * s.H + ih) * s.W;
          if constexpr (Scatter) {
            for (int64_t ow = wlo; ow < whi; ++ow) src[ow * sw + start_w] += dst[ow];
          } else {
            std::fill(dst, dst + wlo, T(0));
            if (sw == 1) {
              std::copy_n(src + wlo + start_w, whi - wlo, dst + wlo);
            } else {
              for (int64_t ow = wlo; ow < whi; ++ow) dst[ow] = src[ow * sw + start_w];
            }
            std::fill(dst + whi, dst + s.OW, T(0));
          }
        }
      }
    }
  }
}

// How many tasks share the batch: one (each GEMM on the whole pool) when an image's products
// are large, else up to the pool's size.
int batch_tasks(const ConvShape& s) {
  const double flops = 2.0 * static_cast<double>(s.OC) * static_cast<double>(s.K) *
                       static_cast<double>(s.P);
  const double pool = static_cast<double>(num_threads());
  if (flops >= pool * kFlopsPerThread) return 1;
  return static_cast<int>(std::max(1.0, std::min({pool, static_cast<double>(s.N),
                                                  flops * static_cast<double>(s.N) / kFlopsPerThread})));
}

}  // namespace

// a / b rounded down (b > 0), as torch's div_rtn: a negative span gives an output below 1.
namespace {
int64_t floor_div(int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }
}  // namespace

int64_t conv_output_size(int64_t in, int64_t kernel, int64_t stride, int64_t padding,
                         int64_t dilation) {
  return floor_div(in + 2 * padding - dilation * (kernel - 1) - 1, stride) + 1;
}

Tensor conv2d(const Tensor& input, const Tensor& weight, const Conv2dParams& params,
              const char* op) {
  const ConvShape s = conv_shape(op, input.sizes(), weight.sizes(), params);
  check_floating(op, input, "input", weight, "weight");
  const Tensor x = contiguous(input), w = contiguous(weight);
  Tensor out = empty({s.N, s.OC, s.OH, s.OW}, TensorOptions().dtype(input.dtype()));
  if (out.numel() == 0) return out;
  if (s.K == 0 || s.N == 0) {
    fill_(out, 0);
    return out;
  }
  const int tasks = batch_tasks(s);
  const Tensor cols = s.direct ? Tensor() : empty({tasks, s.K * s.P}, TensorOptions().dtype(input.dtype()));
  visit_dtype(input.dtype(), [&]<class T>() {
    if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double>) {
      const T* px = x.data_ptr<T>();
      const T* pw = w.data_ptr<T>();
      T* po = out.data_ptr<T>();
      parallel_run(tasks, [&](int task) {
        T* col = s.direct ? nullptr : cols.data_ptr<T>() + task * s.K * s.P;
        for (int64_t n = s.N * task / tasks, end = s.N * (task + 1) / tasks; n < end; ++n) {
          for (int64_t g = 0; g < s.groups; ++g) {
            const T* image = px + (n * s.C + g * s.Cg) * s.H * s.W;
            if (!s.direct) im2col<false, T>(image, col, s, params);
            gemm<T>(Trans::No, Trans::No, static_cast<std::size_t>(s.OCg),
                    static_cast<std::size_t>(s.P), static_cast<std::size_t>(s.K), T(1),
                    pw + g * s.OCg * s.K, static_cast<std::size_t>(s.K), s.direct ? image : col,
                    static_cast<std::size_t>(s.P), T(0),
                    po + (n * s.OC + g * s.OCg) * s.P, static_cast<std::size_t>(s.P));
          }
        }
      });
    }
  });
  return out;
}

Tensor conv2d_backward_input(const Tensor& grad_output, const Tensor& weight,
                             IntArrayRef input_sizes, const Conv2dParams& params, const char* op) {
  const ConvShape s = conv_shape(op, input_sizes, weight.sizes(), params);
  check_floating(op, grad_output, "grad_output", weight, "weight");
  check_grad_output(op, grad_output, s, input_sizes, weight.sizes());
  const Tensor dy = contiguous(grad_output), w = contiguous(weight);
  Tensor dx = zeros(input_sizes, TensorOptions().dtype(weight.dtype()));
  if (dx.numel() == 0 || s.K == 0 || s.OC == 0 || s.P == 0) return dx;
  const int tasks = batch_tasks(s);
  const Tensor cols = s.direct ? Tensor() : empty({tasks, s.K * s.P}, TensorOptions().dtype(weight.dtype()));
  visit_dtype(weight.dtype(), [&]<class T>() {
    if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double>) {
      const T* pdy = dy.data_ptr<T>();
      const T* pw = w.data_ptr<T>();
      T* pdx = dx.data_ptr<T>();
      parallel_run(tasks, [&](int task) {
        T* col = s.direct ? nullptr : cols.data_ptr<T>() + task * s.K * s.P;
        for (int64_t n = s.N * task / tasks, end = s.N * (task + 1) / tasks; n < end; ++n) {
          for (int64_t g = 0; g < s.groups; ++g) {
            T* image = pdx + (n * s.C + g * s.Cg) * s.H * s.W;
            // col (K, P) = W_g^T (K, OCg) dY (OCg, P); W_g is stored (OCg, K).
            gemm<T>(Trans::Yes, Trans::No, static_cast<std::size_t>(s.K),
                    static_cast<std::size_t>(s.P), static_cast<std::size_t>(s.OCg), T(1),
                    pw + g * s.OCg * s.K, static_cast<std::size_t>(s.K),
                    pdy + (n * s.OC + g * s.OCg) * s.P, static_cast<std::size_t>(s.P), T(0),
                    s.direct ? image : col, static_cast<std::size_t>(s.P));
            if (!s.direct) im2col<true, T>(image, col, s, params);
          }
        }
      });
    }
  });
  return dx;
}

Tensor conv2d_backward_weight(const Tensor& input, const Tensor& grad_output,
                              IntArrayRef weight_sizes, const Conv2dParams& params, const char* op) {
  const ConvShape s = conv_shape(op, input.sizes(), weight_sizes, params);
  check_floating(op, input, "input", grad_output, "grad_output");
  check_grad_output(op, grad_output, s, input.sizes(), weight_sizes);
  const Tensor x = contiguous(input), dy = contiguous(grad_output);
  const int64_t wnumel = s.OC * s.K;
  if (wnumel == 0) return zeros(weight_sizes, TensorOptions().dtype(input.dtype()));
  if (s.N == 0 || s.P == 0) return zeros(weight_sizes, TensorOptions().dtype(input.dtype()));
  const int tasks = batch_tasks(s);
  // Each task sums its images into its own slice; the slices are added in task order, so the
  // result does not depend on which thread ran which task.
  Tensor partial = empty({tasks, wnumel}, TensorOptions().dtype(input.dtype()));
  const Tensor cols = s.direct ? Tensor() : empty({tasks, s.K * s.P}, TensorOptions().dtype(input.dtype()));
  visit_dtype(input.dtype(), [&]<class T>() {
    if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double>) {
      const T* px = x.data_ptr<T>();
      const T* pdy = dy.data_ptr<T>();
      T* pp = partial.data_ptr<T>();
      parallel_run(tasks, [&](int task) {
        T* col = s.direct ? nullptr : cols.data_ptr<T>() + task * s.K * s.P;
        T* dw = pp + task * wnumel;
        const int64_t begin = s.N * task / tasks, end = s.N * (task + 1) / tasks;
        if (begin == end) std::fill(dw, dw + wnumel, T(0));
        for (int64_t n = begin; n < end; ++n) {
          for (int64_t g = 0; g < s.groups; ++g) {
            const T* image = px + (n * s.C + g * s.Cg) * s.H * s.W;
            if (!s.direct) im2col<false, T>(image, col, s, params);
            // dW_g (OCg, K) += dY (OCg, P) col^T (P, K); col is stored (K, P).
            gemm<T>(Trans::No, Trans::Yes, static_cast<std::size_t>(s.OCg),
                    static_cast<std::size_t>(s.K), static_cast<std::size_t>(s.P), T(1),
                    pdy + (n * s.OC + g * s.OCg) * s.P, static_cast<std::size_t>(s.P),
                    s.direct ? image : col, static_cast<std::size_t>(s.P), n == begin ? T(0) : T(1),
                    dw + g * s.OCg * s.K, static_cast<std::size_t>(s.K));
          }
        }
      });
      for (int t = 1; t < tasks; ++t) {
        const T* from = pp + t * wnumel;
        for (int64_t i = 0; i < wnumel; ++i) pp[i] += from[i];
      }
    }
  });
  if (tasks == 1) return view(partial, weight_sizes);
  return view(clone(narrow(partial, 0, 0, 1)), weight_sizes);
}

Tensor unfold(const Tensor& input, IntArrayRef kernel_size, const Conv2dParams& params, const char* op) {
  if (input.dim() != 4 || kernel_size.size() != 2) {
    throw ShapeError(std::string(op) + ": got input " + to_string(input.sizes()) + " and kernel_size " +
                     to_string(kernel_size) + ", expected input (N, C, H, W) and two kernel sizes");
  }
  check_floating_input(op, input);
  const SizeVector weight{1, input.size(1), kernel_size[0], kernel_size[1]};
  const ConvShape s = conv_shape(op, input.sizes(), weight, params);
  const Tensor x = contiguous(input);
  Tensor out = empty({s.N, s.K, s.P}, TensorOptions().dtype(input.dtype()));
  if (out.numel() == 0) return out;
  visit_dtype(input.dtype(), [&]<class T>() {
    if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double>) {
      for (int64_t n = 0; n < s.N; ++n) {
        im2col<false, T>(x.data_ptr<T>() + n * s.C * s.H * s.W, out.data_ptr<T>() + n * s.K * s.P, s, params);
      }
    }
  });
  return out;
}

Tensor fold(const Tensor& input, IntArrayRef output_size, IntArrayRef kernel_size, const Conv2dParams& params,
            const char* op) {
  if (input.dim() != 3 || output_size.size() != 2 || kernel_size.size() != 2) {
    throw ShapeError(std::string(op) + ": got input " + to_string(input.sizes()) + ", output_size " +
                     to_string(output_size) + " and kernel_size " + to_string(kernel_size) +
                     ", expected input (N, C kH kW, L) and two sizes each");
  }
  check_floating_input(op, input);
  const int64_t window = kernel_size[0] * kernel_size[1];
  if (window < 1 || input.size(1) % window != 0) {
    throw ShapeError(std::string(op) + ": got input " + to_string(input.sizes()) + " and kernel_size " +
                     to_string(kernel_size) + ", expected input.size(1) divisible by kH kW = " + std::to_string(window));
  }
  const int64_t C = input.size(1) / window;
  const SizeVector image{input.size(0), C, output_size[0], output_size[1]};
  const SizeVector weight{1, C, kernel_size[0], kernel_size[1]};
  const ConvShape s = conv_shape(op, image, weight, params);
  if (input.size(2) != s.P) {
    throw ShapeError(std::string(op) + ": got input " + to_string(input.sizes()) + ", expected " +
                     std::to_string(s.P) + " windows (L) for output_size " + to_string(output_size));
  }
  const Tensor cols = contiguous(input);
  Tensor out = zeros(image, TensorOptions().dtype(input.dtype()));
  if (out.numel() == 0 || s.P == 0) return out;
  visit_dtype(input.dtype(), [&]<class T>() {
    if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double>) {
      for (int64_t n = 0; n < s.N; ++n) {
        im2col<true, T>(out.data_ptr<T>() + n * s.C * s.H * s.W, cols.data_ptr<T>() + n * s.K * s.P, s, params);
      }
    }
  });
  return out;
}

int64_t pool_output_size(int64_t in, int64_t kernel, int64_t stride, int64_t padding,
                         int64_t dilation, bool ceil_mode) {
  const int64_t span = in + 2 * padding - dilation * (kernel - 1) - 1;
  int64_t out = floor_div(span + (ceil_mode ? stride - 1 : 0), stride) + 1;
  // torch: the last window must start inside the input or its left padding.
  if (ceil_mode && (out - 1) * stride >= in + padding) --out;
  return out;
}

namespace {

// One dim of a pooling window: positions start + i * step for i < count; those outside the
// input (its padding) are skipped.
struct WindowDim {
  int64_t start, step, count;
};

// The maxima of input (N, C, H, W) over the windows rows(oh) x cols(ow) of an (OH, OW)
// output, and where each was in its plane (h * W + w): the first of equal maxima, and a NaN
// is the maximum (the last NaN, torch's rule). Every window holds at least one input element.
template <class Rows, class Cols>
std::pair<Tensor, Tensor> window_maxima(const Tensor& input, int64_t OH, int64_t OW, const Rows& rows,
                                        const Cols& cols) {
  const int64_t N = input.size(0), C = input.size(1), H = input.size(2), W = input.size(3);
  const Tensor x = contiguous(input);
  Tensor out = empty({N, C, OH, OW}, TensorOptions().dtype(input.dtype()));
  Tensor indices = empty({N, C, OH, OW}, TensorOptions().dtype(kInt64));
  visit_dtype(input.dtype(), [&]<class T>() {
    if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double>) {
      const T* px = x.data_ptr<T>();
      T* po = out.data_ptr<T>();
      int64_t* pi = indices.data_ptr<int64_t>();
      for (int64_t plane = 0; plane < N * C; ++plane) {
        const T* src = px + plane * H * W;
        for (int64_t oh = 0; oh < OH; ++oh) {
          const WindowDim r = rows(oh);
          for (int64_t ow = 0; ow < OW; ++ow) {
            const WindowDim c = cols(ow);
            T best = -std::numeric_limits<T>::infinity();
            int64_t at = -1;
            for (int64_t i = 0; i < r.count; ++i) {
              const int64_t h = r.start + i * r.step;
              if (h < 0 || h >= H) continue;
              for (int64_t j = 0; j < c.count; ++j) {
                const int64_t w = c.start + j * c.step;
                if (w < 0 || w >= W) continue;
                const T v = src[h * W + w];
                if (at < 0 || v > best || std::isnan(v)) {
                  best = v;
                  at = h * W + w;
                }
              }
            }
            po[(plane * OH + oh) * OW + ow] = best;
            pi[(plane * OH + oh) * OW + ow] = at;
          }
        }
      }
    }
  });
  return {out, indices};
}

}  // namespace

std::pair<Tensor, Tensor> max_pool2d_with_indices(const Tensor& input, const Pool2dParams& p,
                                                  const char* op) {
  const auto fail = [&](const std::string& what) {
    throw std::invalid_argument(std::string(op) + ": got kernel_size " + pair_text(p.kernel) +
                                ", stride " + pair_text(p.stride) + ", padding " +
                                pair_text(p.padding) + ", dilation " + pair_text(p.dilation) +
                                ", expected " + what);
  };
  for (int d = 0; d < 2; ++d) {
    if (p.kernel[d] < 1 || p.stride[d] < 1 || p.dilation[d] < 1) fail("kernel sizes, strides and dilations >= 1");
    if (p.padding[d] < 0 || p.padding[d] > p.kernel[d] / 2) fail("paddings >= 0 and at most half the kernel size");
  }
  if (input.dim() != 4) {
    throw ShapeError(std::string(op) + ": got input " + to_string(input.sizes()) +
                     ", expected (N, C, H, W) or (C, H, W)");
  }
  check_floating_input(op, input);
  const int64_t H = input.size(2), W = input.size(3);
  const int64_t OH = pool_output_size(H, p.kernel[0], p.stride[0], p.padding[0], p.dilation[0], p.ceil_mode);
  const int64_t OW = pool_output_size(W, p.kernel[1], p.stride[1], p.padding[1], p.dilation[1], p.ceil_mode);
  if (OH < 1 || OW < 1 || H < 1 || W < 1) {
    throw ShapeError(std::string(op) + ": got input " + to_string(input.sizes()) + " and kernel_size " +
                     pair_text(p.kernel) + ", which gives an output of (" + std::to_string(OH) +
                     ", " + std::to_string(OW) + "), expected an output of at least 1 x 1");
  }
  return window_maxima(
      input, OH, OW,
      [&](int64_t oh) { return WindowDim{oh * p.stride[0] - p.padding[0], p.dilation[0], p.kernel[0]}; },
      [&](int64_t ow) { return WindowDim{ow * p.stride[1] - p.padding[1], p.dilation[1], p.kernel[1]}; });
}

std::pair<Tensor, Tensor> adaptive_max_pool2d_with_indices(const Tensor& input,
                                                           std::array<std::int64_t, 2> output_size) {
  const char* op = "adaptive_max_pool2d";
  if (input.dim() != 4 || input.size(2) < 1 || input.size(3) < 1 || output_size[0] < 1 ||
      output_size[1] < 1) {
    throw ShapeError(std::string(op) + ": got input " + to_string(input.sizes()) + " and output_size " +
                     to_string(IntArrayRef(output_size.data(), output_size.size())) +
                     ", expected a non-empty input (N, C, H, W) or (C, H, W) " +
                     "and an output_size >= 1");
  }
  check_floating_input(op, input);
  const int64_t H = input.size(2), W = input.size(3);
  const int64_t OH = output_size[0], OW = output_size[1];
  // Cell i spans [floor(i in / o), ceil((i + 1) in / o)).
  const auto cell = [](int64_t i, int64_t in, int64_t o) {
    const int64_t start = i * in / o, end = ((i + 1) * in + o - 1) / o;
    return WindowDim{start, 1, end - start};
  };
  return window_maxima(
      input, OH, OW, [&](int64_t oh) { return cell(oh, H, OH); }, [&](int64_t ow) { return cell(ow, W, OW); });
}

}  // namespace gg::native
