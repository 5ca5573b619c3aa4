// Convolution (im2col and our GEMM) and max pooling, NCHW: see tensor/conv.hpp.
#include <gategrad/tensor/conv.hpp>
#include <gategrad/tensor/factory.hpp>
#include <gategrad/tensor/gemm.hpp>
#include <gategrad/tensor/native.hpp>
#include <gategrad/tensor/parallel.hpp>
#include <gategrad/tensor/thread_pool.hpp>

#include <xsimd/xsimd.hpp>
#if XSIMD_WITH_AVX512F
#include <immintrin.h>
#endif

#include <algorithm>
#include <array>
#include <atomic>
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

// The least work worth a thread of its own (as tensor/linalg.cpp's batched products).
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

// col (Cg KH KW, (oh1 - oh0) OW) from output rows [oh0, oh1) of one image's group x (Cg, H,
// W); zeros where the window is in the padding. Scatter = true is col2im: x += col, each
// column element back to its pixel. The rows are short (an output row each, 32 values in a
// CIFAR net): plain loops that the compiler vectorizes in place, where std::copy_n's call to
// memmove cost as much as the copy (5% of (h)'s training step).
template <bool Scatter, class T>
void im2col(std::conditional_t<Scatter, T*, const T*> x, std::conditional_t<Scatter, const T*, T*> col,
            const ConvShape& s, const Conv2dParams& p, int64_t oh0, int64_t oh1) {
  const int64_t sh = p.stride[0], sw = p.stride[1];
  const int64_t cols = (oh1 - oh0) * s.OW;
  for (int64_t c = 0; c < s.Cg; ++c) {
    for (int64_t i = 0; i < s.KH; ++i) {
      for (int64_t j = 0; j < s.KW; ++j) {
        auto row = col + ((c * s.KH + i) * s.KW + j) * cols;
        const int64_t start_h = i * p.dilation[0] - p.padding[0];
        const int64_t start_w = j * p.dilation[1] - p.padding[1];
        const auto [wlo, whi] = valid_range(s.OW, s.W, sw, start_w);
        for (int64_t oh = oh0; oh < oh1; ++oh) {
          auto dst = row + (oh - oh0) * s.OW;
          const int64_t ih = oh * sh + start_h;
          if (ih < 0 || ih >= s.H) {
            if constexpr (!Scatter) {
              for (int64_t ow = 0; ow < s.OW; ++ow) dst[ow] = T(0);
            }
            continue;
          }
          auto src = x + (c * s.H + ih) * s.W + start_w;
          if constexpr (Scatter) {
            if (sw == 1) {
              for (int64_t ow = wlo; ow < whi; ++ow) src[ow] += dst[ow];
            } else {
              for (int64_t ow = wlo; ow < whi; ++ow) src[ow * sw] += dst[ow];
            }
          } else {
            for (int64_t ow = 0; ow < wlo; ++ow) dst[ow] = T(0);
            if (sw == 1) {
              for (int64_t ow = wlo; ow < whi; ++ow) dst[ow] = src[ow];
            } else {
              for (int64_t ow = wlo; ow < whi; ++ow) dst[ow] = src[ow * sw];
            }
            for (int64_t ow = whi; ow < s.OW; ++ow) dst[ow] = T(0);
          }
        }
      }
    }
  }
}

// Output rows per column block: an image's column matrix is lowered and multiplied a block of
// rows at a time, so the block (K x rows OW) stays in L2 between being written and being read
// by the GEMM. Whole, the matrix of (h)'s second convolution is 1.2 MB (288 x 1024 floats).
int64_t block_rows(const ConvShape& s, std::size_t element_bytes) {
  constexpr double kBlockBytes = 192 * 1024;
  const double row_bytes = static_cast<double>(s.K * s.OW) * static_cast<double>(element_bytes);
  return std::clamp<int64_t>(static_cast<int64_t>(kBlockBytes / std::max(row_bytes, 1.0)), 1, std::max<int64_t>(s.OH, 1));
}

// How many tasks share the batch. Each task takes its own images, lowers them into its own
// column buffer and multiplies them on one thread, so the lowering, the GEMM's packing and the
// products all run in parallel with one fork and join per call. The GEMM shares one image's
// product out across the pool itself (tasks = 1) only when there are fewer images than
// threads and each is large. (The GEMM on the pool for every image, as before, left the
// lowering on the calling thread and forked once per image: (h)'s training step ran at 1.1x
// its 1-thread speed on 2 threads.)
int batch_tasks(const ConvShape& s) {
  const double flops = 2.0 * static_cast<double>(s.OC) * static_cast<double>(s.K) *
                       static_cast<double>(s.P);
  const double pool = static_cast<double>(num_threads());
  const double images = static_cast<double>(s.N);
  if (images < pool && flops >= pool * kFlopsPerThread) return 1;
  return static_cast<int>(std::max(1.0, std::min({pool, images, flops * images / kFlopsPerThread})));
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

namespace {

// body(n, g, oh0, oh1, width) for every image of task `task` of `tasks` (an even share of the
// batch), each group, and each block of `rows` output rows [oh0, oh1) (width = its pixels):
// the loops of every path (the shifted rows take all rows as one block).
template <class Body>
void for_row_blocks(const ConvShape& s, int task, int tasks, int64_t rows, const Body& body) {
  for (int64_t n = s.N * task / tasks, end = s.N * (task + 1) / tasks; n < end; ++n) {
    for (int64_t g = 0; g < s.groups; ++g) {
      for (int64_t oh0 = 0; oh0 < s.OH; oh0 += rows) {
        const int64_t oh1 = std::min(s.OH, oh0 + rows);
        body(n, g, oh0, oh1, static_cast<std::size_t>((oh1 - oh0) * s.OW));
      }
    }
  }
}

// partial (tasks, count): the tasks' sums of a weight gradient, added into row 0 in task order
// (the result does not depend on which thread ran which task), returned as `sizes`.
template <class T>
Tensor sum_partials(const Tensor& partial, int tasks, IntArrayRef sizes) {
  T* pp = partial.data_ptr<T>();
  const int64_t count = partial.size(1);
  for (int t = 1; t < tasks; ++t) {
    const T* from = pp + t * count;
    for (int64_t i = 0; i < count; ++i) pp[i] += from[i];
  }
  if (tasks == 1) return view(partial, sizes);
  return view(clone(narrow(partial, 0, 0, 1)), sizes);
}

constexpr int64_t kRowSlack = 32;  // values readable past a B row's end (gemm_b_rows)

int64_t round_up64(int64_t x, int64_t m) { return (x + m - 1) / m * m; }

// Whether the shifted-rows GEMM takes this convolution: stride 1 and not 1x1 (that one reads
// the image itself).
bool shifted(const ConvShape& s, const Conv2dParams& p) {
  return !s.direct && p.stride[0] == 1 && p.stride[1] == 1;
}

// The stride-1 convolution without a column matrix. The image's group is copied, zero-padded,
// into xp: channel c is Hp rows of Wp values from c CS on (CS = Hp Wp + pw), the image's pixel
// (h, w) at row h + ph, column w + pw. Output pixel (oh, ow) is then column oh Wp + ow of a
// product C' (OCg, Np) = W_g (OCg, K) B, where row k = (c, i, j) of B is the Np contiguous
// values of xp from c CS + i dh Wp + j dw on: a shifted row of the padded image, read in place
// by gemm_b_rows. Neighbouring rows share their padding: Wp is W + pw, not W + 2 pw (a window
// past a row's right edge reads the next row's left padding; the pw zeros after the last row
// stand in for the one after it), unless the output rows are wider (a padding beyond the
// kernel's reach). Columns ow >= OW of C' (Wp - OW per output row: 1 of 33 for a 3x3 kernel
// with padding 1 on 32x32, 1 of 9 on 8x8) are computed and dropped when C' is copied out.
// Nothing is written K times over as an im2col matrix is (1.2 MB per image for (h)'s second
// convolution).
struct Shifted {
  int64_t Hp, Wp, CS, Np;
  int64_t ld;               // C' rows apart: Np rounded up to whole vectors (zeros past Np)
  int64_t xp_size, c_size;  // elements of xp (with its slack) and of C'
  int64_t scratch() const { return xp_size + c_size; }
};

Shifted shifted_layout(const ConvShape& s, const Conv2dParams& p) {
  Shifted l{};
  l.Hp = s.H + 2 * p.padding[0];
  l.Wp = std::max(s.W + p.padding[1], s.OW);
  l.CS = l.Hp * l.Wp + p.padding[1];
  l.Np = (s.OH - 1) * l.Wp + s.OW;
  l.xp_size = round_up64(s.Cg * l.CS + kRowSlack, 16);
  l.ld = round_up64(l.Np, 16);
  l.c_size = s.OCg * l.ld;
  return l;
}

// rows[k] for k = (c, i, j), or k = (i, c, j) when taps_outer (below): where row k of the
// shifted-rows B starts in xp.
void shifted_rows(std::ptrdiff_t* rows, const ConvShape& s, const Conv2dParams& p, const Shifted& l,
                  bool taps_outer = false) {
  for (int64_t c = 0; c < s.Cg; ++c) {
    for (int64_t i = 0; i < s.KH; ++i) {
      for (int64_t j = 0; j < s.KW; ++j) {
        const int64_t k = taps_outer ? (i * s.Cg + c) * s.KW + j : (c * s.KH + i) * s.KW + j;
        rows[k] = static_cast<std::ptrdiff_t>(c * l.CS + i * p.dilation[0] * l.Wp + j * p.dilation[1]);
      }
    }
  }
}

// The kernel rows [lo, hi) whose taps land on the image, not in the padding above or below
// it, for output row oh of a stride-1 convolution.
std::pair<int64_t, int64_t> image_taps(const ConvShape& s, const Conv2dParams& p, int64_t oh) {
  const int64_t ph = p.padding[0], dh = p.dilation[0];
  const int64_t lo = ph > oh ? (ph - oh + dh - 1) / dh : 0;
  const int64_t last = ph + s.H - 1 - oh;  // the last tap row on the image, times dh
  const int64_t hi = last < 0 ? 0 : std::min(s.KH, last / dh + 1);
  return {lo, std::max(lo, hi)};
}

// Taps outermost: where many output rows' windows reach into the padding above or below the
// image (the input gradient of a 5x5 convolution on a small map, whose flipped convolution
// pads by 4: LeNet-5's and the MNIST net's second layers, a third of the work on zeros), a
// kernel row's taps are zero for a whole output row. With K ordered (i, c, j) they are one
// range of K per output row, which gemm_b_rows skips (k_begin, k_end per column of C'): the
// weights are permuted to match. Taken when more than a tenth of the work is such taps.
bool taps_outer(const ConvShape& s, const Conv2dParams& p) {
  int64_t on_image = 0;
  for (int64_t oh = 0; oh < s.OH; ++oh) {
    const auto [lo, hi] = image_taps(s, p, oh);
    on_image += hi - lo;
  }
  return on_image * 10 < s.OH * s.KH * 9;
}

// The K range [k_begin[j], k_end[j]) that column j of C' needs, with K ordered (i, c, j).
void tap_ranges(const ConvShape& s, const Conv2dParams& p, const Shifted& l, std::size_t* k_begin,
                std::size_t* k_end) {
  const int64_t per_row = s.Cg * s.KW;
  for (int64_t j = 0; j < l.Np; ++j) {
    const auto [lo, hi] = image_taps(s, p, j / l.Wp);
    k_begin[j] = static_cast<std::size_t>(lo * per_row);
    k_end[j] = static_cast<std::size_t>(hi * per_row);
  }
}

// rows of `width` values from src (rows src_stride apart) to dst (rows dst_stride apart): the
// copies between an image's (H, W) and the shifted rows' padded (Hp, Wp) layouts.
template <class T>
void copy_rows(const T* src, int64_t src_stride, T* dst, int64_t dst_stride, int64_t rows, int64_t width) {
  for (int64_t r = 0; r < rows; ++r) {
    const T* from = src + r * src_stride;
    T* to = dst + r * dst_stride;
    for (int64_t v = 0; v < width; ++v) to[v] = from[v];
  }
}

// x (Cg, H, W) into the inside of xp (the layout above); its padding and slack are zeroed first
// when `zero` (they stay zero from one image to the next).
template <class T>
void pad_image(const T* x, T* xp, const ConvShape& s, const Conv2dParams& p, const Shifted& l, bool zero) {
  if (zero) std::fill(xp, xp + l.xp_size, T(0));
  for (int64_t c = 0; c < s.Cg; ++c) {
    copy_rows(x + c * s.H * s.W, s.W, xp + c * l.CS + p.padding[0] * l.Wp + p.padding[1], l.Wp, s.H, s.W);
  }
}

// One image group: x (Cg, H, W), w the group's weights (OCg, K) packed by pack_a_blocks, out
// (OCg, OH, OW). scratch holds l.scratch() values and rows s.K offsets (filled here on first
// use: first_use). `threads` > 1 shares the columns of C' out across the pool (an image alone
// in its batch).
// K ordered (i, c, j) and the K range of each column of C' (taps_outer), or neither.
struct TapOrder {
  bool outer = false;
  const std::size_t* k_begin = nullptr;
  const std::size_t* k_end = nullptr;
};

// An image alone in its batch, its product shared out by rows of the weights: part t takes
// output channels [row[t], row[t + 1]), packing its own weights (from weights, K values per
// channel) at packed + offset[t] in its own task.
template <class T>
struct RowParts {
  static constexpr int kMost = 8;
  int count = 0;
  std::array<int64_t, kMost + 1> row{}, offset{};
  const T* weights = nullptr;
  T* packed = nullptr;
};

template <class T>
void conv_shifted(const T* x, const T* w, T* out, const ConvShape& s, const Conv2dParams& p, const Shifted& l,
                  T* scratch, std::ptrdiff_t* rows, bool first_use, int threads, const TapOrder& taps,
                  const RowParts<T>& parts) {
  T* xp = scratch;
  T* cp = scratch + l.xp_size;
  if (first_use) shifted_rows(rows, s, p, l, taps.outer);
  pad_image(x, xp, s, p, l, first_use);
  const auto columns = [&](int64_t j0, int64_t j1) {
    gemm_b_rows<T>(static_cast<std::size_t>(s.OCg), static_cast<std::size_t>(j1 - j0), static_cast<std::size_t>(s.K),
                   T(1), w, xp + j0, rows, T(0), cp + j0, static_cast<std::size_t>(l.Np),
                   taps.outer ? taps.k_begin + j0 : nullptr, taps.outer ? taps.k_end + j0 : nullptr);
  };
  if (parts.count > 1) {
    parallel_run(parts.count, [&](int t) {
      const auto u = static_cast<std::size_t>(t);
      const int64_t r0 = parts.row[u], r1 = parts.row[u + 1];
      T* packed = parts.packed + parts.offset[u];
      pack_a_blocks<T>(static_cast<std::size_t>(r1 - r0), static_cast<std::size_t>(s.K), parts.weights + r0 * s.K,
                       static_cast<std::size_t>(s.K), packed);
      gemm_b_rows<T>(static_cast<std::size_t>(r1 - r0), static_cast<std::size_t>(l.Np), static_cast<std::size_t>(s.K),
                     T(1), packed, xp, rows, T(0), cp + r0 * l.Np,
                     static_cast<std::size_t>(l.Np), taps.outer ? taps.k_begin : nullptr,
                     taps.outer ? taps.k_end : nullptr);
    });
  } else if (threads <= 1) {
    columns(0, l.Np);
  } else {
    const int64_t panels = (l.Np + 31) / 32;
    parallel_run(threads, [&](int t) {
      columns(std::min(l.Np, panels * t / threads * 32), std::min(l.Np, panels * (t + 1) / threads * 32));
    });
  }
  for (int64_t oc = 0; oc < s.OCg; ++oc) copy_rows(cp + oc * l.Np, l.Wp, out + oc * s.P, s.OW, s.OH, s.OW);
}

// out (N, OC, OH, OW) = the convolution of x (N, C, H, W) with w (OC, Cg, KH, KW), both
// contiguous, on the shifted-rows GEMM at stride 1 and im2col otherwise.
template <class T>
void conv_forward(const T* px, const T* pw, T* po, const ConvShape& s, const Conv2dParams& params) {
  const int tasks = batch_tasks(s);
  if (shifted(s, params)) {
    const Shifted l = shifted_layout(s, params);
    // An image alone in its batch (batch-1 inference) shares its product out instead: by
    // columns, 128 or more per thread, or where the map is too small for that (8x8: 71
    // columns) and there are channels enough, by rows of the weights. (By columns only, the
    // 8x8 layers of (h) ran on one thread: forward/h1 on 2 threads at 1.2x its 1-thread speed.)
    const bool alone = tasks == 1 && s.N == 1;
    const int threads = alone ? static_cast<int>(std::min<int64_t>(num_threads(), std::max<int64_t>(1, l.Np / 128))) : 1;
    RowParts<T> parts;
    if (alone && threads < num_threads() && s.groups == 1 &&
        2.0 * static_cast<double>(s.OC * s.K * l.Np) >= 2 * kFlopsPerThread) {
      parts.count = static_cast<int>(std::min<int64_t>({num_threads(), s.OC / 16, RowParts<T>::kMost}));
      for (int t = 0; t <= parts.count; ++t) parts.row[static_cast<std::size_t>(t)] = s.OC * t / parts.count;
    }
    // The weights are packed once for every image, before the tasks start (permuted to K =
    // (i, c, j) first when the taps go outermost).
    TapOrder taps;
    taps.outer = taps_outer(s, params);
    Tensor permuted, ranges;
    if (taps.outer) {
      permuted = empty({s.OC, s.K}, TensorOptions().dtype(dtype_of<T>));
      T* to = permuted.data_ptr<T>();
      for (int64_t o = 0; o < s.OC; ++o) {
        for (int64_t c = 0; c < s.Cg; ++c) {
          for (int64_t i = 0; i < s.KH; ++i) {
            for (int64_t j = 0; j < s.KW; ++j) {
              to[o * s.K + (i * s.Cg + c) * s.KW + j] = pw[o * s.K + (c * s.KH + i) * s.KW + j];
            }
          }
        }
      }
      pw = to;
      ranges = empty({2, l.Np}, TensorOptions().dtype(kInt64));
      auto* k_begin = reinterpret_cast<std::size_t*>(ranges.data_ptr<int64_t>());
      tap_ranges(s, params, l, k_begin, k_begin + l.Np);
      taps.k_begin = k_begin;
      taps.k_end = k_begin + l.Np;
    }
    auto a_size = static_cast<int64_t>(packed_a_size<T>(static_cast<std::size_t>(s.OCg), static_cast<std::size_t>(s.K)));
    if (parts.count > 1) {  // each part's weights packed alone, one after the other
      a_size = 0;
      for (int t = 0; t < parts.count; ++t) {
        const auto u = static_cast<std::size_t>(t);
        parts.offset[u] = a_size;
        a_size += static_cast<int64_t>(packed_a_size<T>(static_cast<std::size_t>(parts.row[u + 1] - parts.row[u]),
                                                        static_cast<std::size_t>(s.K)));
      }
    }
    const Tensor packed = empty({s.groups, a_size}, TensorOptions().dtype(dtype_of<T>));
    if (parts.count > 1) {  // packed by the parts themselves (conv_shifted)
      parts.weights = pw;
      parts.packed = packed.data_ptr<T>();
    } else {
      for (int64_t g = 0; g < s.groups; ++g) {
        pack_a_blocks<T>(static_cast<std::size_t>(s.OCg), static_cast<std::size_t>(s.K), pw + g * s.OCg * s.K,
                         static_cast<std::size_t>(s.K), packed.data_ptr<T>() + g * a_size);
      }
    }
    const Tensor scratch = empty({tasks, l.scratch()}, TensorOptions().dtype(dtype_of<T>));
    const Tensor offsets = empty({tasks, s.K}, TensorOptions().dtype(kInt64));
    parallel_run(tasks, [&](int task) {
      T* buffer = scratch.data_ptr<T>() + task * l.scratch();
      auto* rows = reinterpret_cast<std::ptrdiff_t*>(offsets.data_ptr<int64_t>() + task * s.K);
      bool first = true;
      for_row_blocks(s, task, tasks, s.OH, [&](int64_t n, int64_t g, int64_t, int64_t, std::size_t) {
        conv_shifted(px + (n * s.C + g * s.Cg) * s.H * s.W, packed.data_ptr<T>() + g * a_size,
                     po + (n * s.OC + g * s.OCg) * s.P, s, params, l, buffer, rows, first, threads, taps, parts);
        first = false;
      });
    });
    return;
  }
  const int64_t rows = s.direct ? s.OH : block_rows(s, sizeof(T));
  const int64_t block = rows * s.OW;
  const Tensor cols = s.direct ? Tensor() : empty({tasks, s.K * block}, TensorOptions().dtype(dtype_of<T>));
  const auto P = static_cast<std::size_t>(s.P);
  parallel_run(tasks, [&](int task) {
    T* col = s.direct ? nullptr : cols.data_ptr<T>() + task * s.K * block;
    for_row_blocks(s, task, tasks, rows, [&](int64_t n, int64_t g, int64_t oh0, int64_t oh1, std::size_t width) {
      const T* image = px + (n * s.C + g * s.Cg) * s.H * s.W;
      if (!s.direct) im2col<false, T>(image, col, s, params, oh0, oh1);
      gemm<T>(Trans::No, Trans::No, static_cast<std::size_t>(s.OCg), width, static_cast<std::size_t>(s.K), T(1),
              pw + g * s.OCg * s.K, static_cast<std::size_t>(s.K), s.direct ? image : col, s.direct ? P : width,
              T(0), po + (n * s.OC + g * s.OCg) * s.P + oh0 * s.OW, P);
    });
  });
}

}  // namespace

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
  visit_dtype(input.dtype(), [&]<class T>() {
    if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double>) {
      conv_forward(x.data_ptr<T>(), w.data_ptr<T>(), out.data_ptr<T>(), s, params);
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
  const std::array<int64_t, 2> flipped_padding{(s.KH - 1) * params.dilation[0] - params.padding[0],
                                                (s.KW - 1) * params.dilation[1] - params.padding[1]};
  if (shifted(s, params) && flipped_padding[0] >= 0 && flipped_padding[1] >= 0 && s.N > 0 && s.C > 0 && s.P > 0 &&
      s.OC > 0) {
    // At stride 1, dx is itself a stride-1 convolution: of dy, padded by (k - 1) d - p, with
    // the kernel flipped and its two channel dims swapped within each group,
    //   wt[g Cg + c, o, i, j] = w[g OCg + o, c, KH - 1 - i, KW - 1 - j],
    // so it runs on the shifted-rows GEMM too, with no col2im scatter.
    Conv2dParams t = params;
    t.padding = flipped_padding;
    Tensor wt = empty({s.C, s.OCg, s.KH, s.KW}, TensorOptions().dtype(weight.dtype()));
    const ConvShape ts = conv_shape(op, dy.sizes(), wt.sizes(), t);
    Tensor dx = empty(input_sizes, TensorOptions().dtype(weight.dtype()));
    visit_dtype(weight.dtype(), [&]<class T>() {
      if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double>) {
        const T* pw = w.data_ptr<T>();
        T* pt = wt.data_ptr<T>();
        const int64_t taps = s.KH * s.KW;
        for (int64_t g = 0; g < s.groups; ++g) {
          for (int64_t c = 0; c < s.Cg; ++c) {
            for (int64_t o = 0; o < s.OCg; ++o) {
              const T* from = pw + ((g * s.OCg + o) * s.Cg + c) * taps;
              T* to = pt + ((g * s.Cg + c) * s.OCg + o) * taps;
              for (int64_t q = 0; q < taps; ++q) to[q] = from[taps - 1 - q];
            }
          }
        }
        conv_forward(dy.data_ptr<T>(), pt, dx.data_ptr<T>(), ts, t);
      }
    });
    return dx;
  }
  Tensor dx = zeros(input_sizes, TensorOptions().dtype(weight.dtype()));
  if (dx.numel() == 0 || s.K == 0 || s.OC == 0 || s.P == 0) return dx;
  const int tasks = batch_tasks(s);
  const int64_t rows = s.direct ? s.OH : block_rows(s, element_size(weight.dtype()));
  const int64_t block = rows * s.OW;
  const Tensor cols = s.direct ? Tensor() : empty({tasks, s.K * block}, TensorOptions().dtype(weight.dtype()));
  visit_dtype(weight.dtype(), [&]<class T>() {
    if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double>) {
      const T* pdy = dy.data_ptr<T>();
      const T* pw = w.data_ptr<T>();
      T* pdx = dx.data_ptr<T>();
      const auto P = static_cast<std::size_t>(s.P);
      parallel_run(tasks, [&](int task) {
        T* col = s.direct ? nullptr : cols.data_ptr<T>() + task * s.K * block;
        for_row_blocks(s, task, tasks, rows, [&](int64_t n, int64_t g, int64_t oh0, int64_t oh1, std::size_t width) {
          T* image = pdx + (n * s.C + g * s.Cg) * s.H * s.W;
          // col (K, width) = W_g^T (K, OCg) dY (OCg, width); W_g is stored (OCg, K).
          gemm<T>(Trans::Yes, Trans::No, static_cast<std::size_t>(s.K), width, static_cast<std::size_t>(s.OCg), T(1),
                  pw + g * s.OCg * s.K, static_cast<std::size_t>(s.K), pdy + (n * s.OC + g * s.OCg) * s.P + oh0 * s.OW,
                  P, T(0), s.direct ? image : col, s.direct ? P : width);
          if (!s.direct) im2col<true, T>(image, col, s, params, oh0, oh1);
        });
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
  Tensor result;
  if (shifted(s, params)) {
    // dW_g (OCg, K) = sum over images of dY' (OCg, Np) B^T, B the shifted rows of the padded
    // image (conv_shifted) and dY' the output's gradient laid out as C' is, with zeros in
    // the Wp - OW columns past each output row: they meet the values B has there (pixels of
    // the next row, or padding) and add nothing. gemm_b_columns packs B^T straight from the
    // padded image, with no column matrix in between.
    const Shifted l = shifted_layout(s, params);
    // Few output channels and many pixels (the first layers of LeNet-5 and of the MNIST net: 6
    // or 10 channels, K = 25 taps, 670-840 pixels) take the dot products, which pack nothing:
    // 545 -> 299 and 658 -> 442 us per batch of 64 (bench_cnn conv/bwd_weight/f1 and g1, 1
    // thread). Everywhere else the packed GEMM was faster: by 1.1x on f2 (16 channels, 136
    // pixels) and 1.3x on g2 (20, 92), 1.1-2x on (h)'s layers (its packing pays once 16 or more
    // channels share it).
    const bool dot = s.OCg <= 12 && l.Np >= 512;
    // The dot products sum `chunk` images per call: their padded images and gradients side by
    // side, a quarter MiB in all (in L2 while the tiles sweep them).
    const int64_t images_per_task = (s.N + tasks - 1) / tasks;
    const int64_t chunk = dot ? std::clamp<int64_t>(static_cast<int64_t>((256 * 1024) / (l.scratch() * static_cast<int64_t>(element_size(input.dtype())))), 1, images_per_task) : 1;
    const Tensor offsets = empty({tasks, s.K}, TensorOptions().dtype(kInt64));
    visit_dtype(input.dtype(), [&]<class T>() {
      if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double>) {
        const T* px = x.data_ptr<T>();
        const T* pdy = dy.data_ptr<T>();
        T* pp = partial.data_ptr<T>();
        // Each task's padded image, padded gradient and packing space, taken here: see
        // gemm_b_columns_scratch.
        const auto packing = round_up64(static_cast<int64_t>(gemm_b_columns_scratch<T>(
                                            static_cast<std::size_t>(s.OCg), static_cast<std::size_t>(s.K),
                                            static_cast<std::size_t>(l.Np))),
                                        16);
        const int64_t per_task = dot ? chunk * l.scratch() : l.scratch() + packing;
        const Tensor scratch = empty({tasks, per_task}, TensorOptions().dtype(input.dtype()));
        parallel_run(tasks, [&](int task) {
          T* xp = scratch.data_ptr<T>() + task * per_task;
          T* dyp = xp + l.xp_size;
          T* pack = xp + l.scratch();
          auto* rows = reinterpret_cast<std::ptrdiff_t*>(offsets.data_ptr<int64_t>() + task * s.K);
          shifted_rows(rows, s, params, l);
          std::fill(dyp, dyp + l.c_size, T(0));
          T* dw = pp + task * wnumel;
          const int64_t begin = s.N * task / tasks, end = s.N * (task + 1) / tasks;
          if (begin == end) std::fill(dw, dw + wnumel, T(0));
          if (dot) {
            const int64_t S = l.scratch();
            for (int64_t e = 1; e < chunk; ++e) std::fill(xp + e * S + l.xp_size, xp + (e + 1) * S, T(0));
            for (int64_t g = 0; g < s.groups; ++g) {
              for (int64_t n0 = begin; n0 < end; n0 += chunk) {
                const int64_t count = std::min(chunk, end - n0);
                for (int64_t e = 0; e < count; ++e) {
                  T* image = xp + e * S;
                  pad_image(px + ((n0 + e) * s.C + g * s.Cg) * s.H * s.W, image, s, params, l, n0 == begin && g == 0);
                  const T* grad = pdy + ((n0 + e) * s.OC + g * s.OCg) * s.P;
                  for (int64_t oc = 0; oc < s.OCg; ++oc) {
                    copy_rows(grad + oc * s.P, s.OW, image + l.xp_size + oc * l.ld, l.Wp, s.OH, s.OW);
                  }
                }
                gemm_dot_rows<T>(static_cast<std::size_t>(s.OCg), static_cast<std::size_t>(s.K),
                                 static_cast<std::size_t>(l.Np), T(1), dyp, static_cast<std::size_t>(l.ld), xp, rows,
                                 n0 == begin ? T(0) : T(1), dw + g * s.OCg * s.K, static_cast<std::size_t>(s.K),
                                 static_cast<std::size_t>(count), static_cast<std::size_t>(S),
                                 static_cast<std::size_t>(S));
              }
            }
            return;
          }
          for_row_blocks(s, task, tasks, s.OH, [&](int64_t n, int64_t g, int64_t, int64_t, std::size_t) {
            pad_image(px + (n * s.C + g * s.Cg) * s.H * s.W, xp, s, params, l, n == begin && g == 0);
            const T* grad = pdy + (n * s.OC + g * s.OCg) * s.P;
            for (int64_t oc = 0; oc < s.OCg; ++oc) copy_rows(grad + oc * s.P, s.OW, dyp + oc * l.ld, l.Wp, s.OH, s.OW);
            gemm_b_columns<T>(static_cast<std::size_t>(s.OCg), static_cast<std::size_t>(s.K),
                              static_cast<std::size_t>(l.Np), T(1), dyp, static_cast<std::size_t>(l.ld), xp, rows,
                              n == begin ? T(0) : T(1), dw + g * s.OCg * s.K, static_cast<std::size_t>(s.K), pack);
          });
        });
        result = sum_partials<T>(partial, tasks, weight_sizes);
      }
    });
    return result;
  }
  const int64_t rows = s.direct ? s.OH : block_rows(s, element_size(input.dtype()));
  const int64_t block = rows * s.OW;
  const Tensor cols = s.direct ? Tensor() : empty({tasks, s.K * block}, TensorOptions().dtype(input.dtype()));
  visit_dtype(input.dtype(), [&]<class T>() {
    if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double>) {
      const T* px = x.data_ptr<T>();
      const T* pdy = dy.data_ptr<T>();
      T* pp = partial.data_ptr<T>();
      const auto P = static_cast<std::size_t>(s.P);
      parallel_run(tasks, [&](int task) {
        T* col = s.direct ? nullptr : cols.data_ptr<T>() + task * s.K * block;
        T* dw = pp + task * wnumel;
        const int64_t begin = s.N * task / tasks;
        if (begin == s.N * (task + 1) / tasks) std::fill(dw, dw + wnumel, T(0));
        for_row_blocks(s, task, tasks, rows, [&](int64_t n, int64_t g, int64_t oh0, int64_t oh1, std::size_t width) {
          const T* image = px + (n * s.C + g * s.Cg) * s.H * s.W;
          if (!s.direct) im2col<false, T>(image, col, s, params, oh0, oh1);
          // dW_g (OCg, K) += dY (OCg, width) col^T (width, K); col is stored (K, width).
          gemm<T>(Trans::No, Trans::Yes, static_cast<std::size_t>(s.OCg), static_cast<std::size_t>(s.K), width, T(1),
                  pdy + (n * s.OC + g * s.OCg) * s.P + oh0 * s.OW, P, s.direct ? image + oh0 * s.OW : col,
                  s.direct ? P : width, n == begin && oh0 == 0 ? T(0) : T(1), dw + g * s.OCg * s.K,
                  static_cast<std::size_t>(s.K));
        });
      });
      result = sum_partials<T>(partial, tasks, weight_sizes);
    }
  });
  return result;
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
        im2col<false, T>(x.data_ptr<T>() + n * s.C * s.H * s.W, out.data_ptr<T>() + n * s.K * s.P, s, params, 0, s.OH);
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
        im2col<true, T>(out.data_ptr<T>() + n * s.C * s.H * s.W, cols.data_ptr<T>() + n * s.K * s.P, s, params, 0, s.OH);
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

#if XSIMD_WITH_AVX512F
// 16 outputs of one row of 2x2 windows (n <= 16 of them valid), float32: the two input rows'
// 2n values split into even and odd columns by permutes, compared in the window's order, the
// plane indices chosen alongside (int32 lanes, widened to int64 on the store).
inline void maxima_2x2_16(const float* r0, const float* r1, int64_t n, int32_t base, int32_t W, float* out,
                          int64_t* at) {
  const auto twice = static_cast<unsigned>(2 * n);
  const auto lo = static_cast<__mmask16>(twice >= 16 ? 0xFFFFu : (1u << twice) - 1u);
  const auto hi = static_cast<__mmask16>(twice <= 16 ? 0u : (1u << (twice - 16)) - 1u);
  const __m512i even = _mm512_set_epi32(30, 28, 26, 24, 22, 20, 18, 16, 14, 12, 10, 8, 6, 4, 2, 0);
  const __m512i odd = _mm512_add_epi32(even, _mm512_set1_epi32(1));
  const __m512 a_lo = _mm512_maskz_loadu_ps(lo, r0), a_hi = _mm512_maskz_loadu_ps(hi, r0 + 16);
  const __m512 b_lo = _mm512_maskz_loadu_ps(lo, r1), b_hi = _mm512_maskz_loadu_ps(hi, r1 + 16);
  __m512 best = _mm512_permutex2var_ps(a_lo, even, a_hi);
  __m512i offset = _mm512_setzero_si512();
  const __m512 candidates[3] = {_mm512_permutex2var_ps(a_lo, odd, a_hi), _mm512_permutex2var_ps(b_lo, even, b_hi),
                                _mm512_permutex2var_ps(b_lo, odd, b_hi)};
  const int32_t offsets[3] = {1, W, W + 1};
  for (int k = 0; k < 3; ++k) {
    const __m512 v = candidates[k];
    const __mmask16 wins = static_cast<__mmask16>(_mm512_cmp_ps_mask(v, best, _CMP_GT_OQ) |
                                                  _mm512_cmp_ps_mask(v, v, _CMP_UNORD_Q));
    best = _mm512_mask_blend_ps(wins, best, v);
    offset = _mm512_mask_blend_epi32(wins, offset, _mm512_set1_epi32(offsets[k]));
  }
  // even also holds each output's column in the row pair (2 ow).
  const __m512i where = _mm512_add_epi32(_mm512_add_epi32(_mm512_set1_epi32(base), even), offset);
  const auto valid = static_cast<__mmask16>(n >= 16 ? 0xFFFFu : (1u << n) - 1u);
  _mm512_mask_storeu_ps(out, valid, best);
  _mm512_mask_storeu_epi64(at, static_cast<__mmask8>(valid & 0xFF), _mm512_cvtepi32_epi64(_mm512_castsi512_si256(where)));
  _mm512_mask_storeu_epi64(at + 8, static_cast<__mmask8>(valid >> 8),
                           _mm512_cvtepi32_epi64(_mm512_extracti64x4_epi64(where, 1)));
}
#endif

// One plane's 2x2 windows at stride 2 without padding or dilation (the pooling of nearly
// every CNN), with the general kernel's rule: the window is read in the order (0,0) (0,1)
// (1,0) (1,1), a later element wins when greater or NaN. float32 under AVX-512 takes 16
// outputs at a time (maxima_2x2_16, for any row length: LeNet's are 14); otherwise a
// branch-free loop.
template <class T>
void maxima_2x2(const T* src, int64_t W, int64_t OH, int64_t OW, T* out, int64_t* at) {
#if XSIMD_WITH_AVX512F
  if constexpr (std::is_same_v<T, float>) {
    if (2 * OH * W < std::numeric_limits<int32_t>::max()) {
      for (int64_t oh = 0; oh < OH; ++oh) {
        for (int64_t ow = 0; ow < OW; ow += 16) {
          const float* r0 = src + 2 * oh * W + 2 * ow;
          maxima_2x2_16(r0, r0 + W, std::min<int64_t>(16, OW - ow), static_cast<int32_t>(2 * oh * W + 2 * ow),
                        static_cast<int32_t>(W), out + oh * OW + ow, at + oh * OW + ow);
        }
      }
      return;
    }
  }
#endif
  for (int64_t oh = 0; oh < OH; ++oh) {
    const T* r0 = src + 2 * oh * W;
    const T* r1 = r0 + W;
    T* o = out + oh * OW;
    int64_t* a = at + oh * OW;
    const int64_t base = 2 * oh * W;
    for (int64_t ow = 0; ow < OW; ++ow) {
      T best = r0[2 * ow];
      int64_t where = base + 2 * ow;
      const T candidates[3] = {r0[2 * ow + 1], r1[2 * ow], r1[2 * ow + 1]};
      const int64_t offsets[3] = {1, W, W + 1};
      for (int k = 0; k < 3; ++k) {
        const T v = candidates[k];
        const bool wins = v > best || v != v;
        best = wins ? v : best;
        where = wins ? base + 2 * ow + offsets[k] : where;
      }
      o[ow] = best;
      a[ow] = where;
    }
  }
}

// The maxima of input (N, C, H, W) over the windows rows(oh) x cols(ow) of an (OH, OW)
// output, and where each was in its plane (h * W + w): the first of equal maxima, and a NaN
// is the maximum (the last NaN, torch's rule). Every window holds at least one input element.
// `two_by_two`: the windows are 2x2 at stride 2 inside the input (maxima_2x2). The planes are
// shared out across the pool when the input is large.
template <class Rows, class Cols>
std::pair<Tensor, Tensor> window_maxima(const Tensor& input, int64_t OH, int64_t OW, const Rows& rows,
                                        const Cols& cols, bool two_by_two = false) {
  const int64_t N = input.size(0), C = input.size(1), H = input.size(2), W = input.size(3);
  const Tensor x = contiguous(input);
  Tensor out = empty({N, C, OH, OW}, TensorOptions().dtype(input.dtype()));
  Tensor indices = empty({N, C, OH, OW}, TensorOptions().dtype(kInt64));
  visit_dtype(input.dtype(), [&]<class T>() {
    if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double>) {
      const T* px = x.data_ptr<T>();
      T* po = out.data_ptr<T>();
      int64_t* pi = indices.data_ptr<int64_t>();
      const auto plane_maxima = [&](int64_t plane) {
        const T* src = px + plane * H * W;
        if (two_by_two) {
          maxima_2x2(src, W, OH, OW, po + plane * OH * OW, pi + plane * OH * OW);
          return;
        }
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
      };
      const int64_t planes = N * C;
      const int tasks = static_cast<int>(std::min<int64_t>(
          planes, tasks_for_bytes(static_cast<std::size_t>(x.numel()) * sizeof(T))));
      parallel_run(std::max(tasks, 1), [&](int task) {
        for (int64_t plane = planes * task / tasks, end = planes * (task + 1) / tasks; plane < end; ++plane) {
          plane_maxima(plane);
        }
      });
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
      [&](int64_t ow) { return WindowDim{ow * p.stride[1] - p.padding[1], p.dilation[1], p.kernel[1]}; },
      p.kernel == std::array<int64_t, 2>{2, 2} && p.stride == p.kernel && p.padding == std::array<int64_t, 2>{0, 0} &&
          p.dilation == std::array<int64_t, 2>{1, 1} && 2 * OH <= H && 2 * OW <= W);
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

Tensor max_pool2d_backward(const Tensor& grad_output, const Tensor& indices, IntArrayRef input_sizes) {
  const char* op = "max_pool2d_backward";
  if (input_sizes.size() != 4 || grad_output.dim() != 4 || grad_output.sizes() != indices.sizes() ||
      grad_output.size(0) != input_sizes[0] || grad_output.size(1) != input_sizes[1]) {
    throw ShapeError(std::string(op) + ": got grad_output " + to_string(grad_output.sizes()) + ", indices " +
                     to_string(indices.sizes()) + " and input " + to_string(input_sizes) +
                     ", expected grad_output and indices (N, C, OH, OW) of one input (N, C, H, W)");
  }
  check_floating_input(op, grad_output);
  if (indices.dtype() != kInt64) {
    throw std::invalid_argument(std::string(op) + ": got indices of dtype " + to_string(indices.dtype()) +
                                ", expected int64");
  }
  const Tensor dy = contiguous(grad_output), at = contiguous(indices);
  Tensor dx = empty(input_sizes, TensorOptions().dtype(grad_output.dtype()));
  const int64_t planes = input_sizes[0] * input_sizes[1], area = input_sizes[2] * input_sizes[3];
  const int64_t outputs = planes == 0 ? 0 : dy.numel() / planes;
  std::atomic<int64_t> bad{-1};  // the flat position of an index outside its plane
  visit_dtype(dx.dtype(), [&]<class T>() {
    if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double>) {
      const T* g = dy.data_ptr<T>();
      const int64_t* where = at.data_ptr<int64_t>();
      T* out = dx.data_ptr<T>();
      const int tasks = static_cast<int>(std::max<int64_t>(1, std::min<int64_t>(
          planes, tasks_for_bytes(static_cast<std::size_t>(dx.numel()) * sizeof(T)))));
      parallel_run(tasks, [&](int task) {
        for (int64_t plane = planes * task / tasks, end = planes * (task + 1) / tasks; plane < end; ++plane) {
          T* dst = out + plane * area;
          std::fill(dst, dst + area, T(0));
          const T* src = g + plane * outputs;
          const int64_t* idx = where + plane * outputs;
          for (int64_t o = 0; o < outputs; ++o) {
            const int64_t i = idx[o];
            if (i < 0 || i >= area) {
              bad.store(plane * outputs + o);
              return;
            }
            dst[i] += src[o];
          }
        }
      });
    }
  });
  if (const int64_t b = bad.load(); b >= 0) {
    throw std::out_of_range(std::string(op) + ": got index " + std::to_string(at.data_ptr<int64_t>()[b]) +
                            " at flat position " + std::to_string(b) + ", expected 0 <= index < " +
                            std::to_string(area) + " (H * W)");
  }
  return dx;
}

}  // namespace gg::native
