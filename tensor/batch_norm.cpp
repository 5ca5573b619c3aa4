// Batch-norm kernels: see tensor/batch_norm.hpp.
#include <gategrad/tensor/batch_norm.hpp>
#include <gategrad/tensor/detail/simd.hpp>
#include <gategrad/tensor/factory.hpp>
#include <gategrad/tensor/native.hpp>
#include <gategrad/tensor/parallel.hpp>
#include <gategrad/tensor/shape.hpp>
#include <gategrad/tensor/thread_pool.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <type_traits>

namespace gg::native {
namespace {

using std::int64_t;
using detail::Batch;
using detail::kLanes;

// x (N, C, *) as N planes per channel of S values each.
struct Planes {
  int64_t N, C, S;
};

Planes planes_of(const char* op, const Tensor& x) {
  if (x.dim() < 2) {
    throw ShapeError(std::string(op) + ": got input " + to_string(x.sizes()) + ", expected (N, C, ...)");
  }
  if (x.dtype() != kFloat32 && x.dtype() != kFloat64) {
    throw std::invalid_argument(std::string(op) + ": got dtype " + to_string(x.dtype()) +
                                ", expected float32 or float64");
  }
  const int64_t N = x.size(0), C = x.size(1);
  return {N, C, N * C == 0 ? 0 : x.numel() / (N * C)};
}

void check_per_channel(const char* op, const char* name, const Tensor& t, const Tensor& x, int64_t C) {
  if (t.dim() != 1 || t.size(0) != C || t.dtype() != x.dtype()) {
    throw ShapeError(std::string(op) + ": got " + name + " " + to_string(t.sizes()) + " of dtype " +
                     to_string(t.dtype()) + " for input " + to_string(x.sizes()) + ", expected (" +
                     std::to_string(C) + ") of dtype " + to_string(x.dtype()));
  }
}

void check_same(const char* op, const char* name, const Tensor& t, const Tensor& x) {
  if (t.sizes() != x.sizes() || t.dtype() != x.dtype()) {
    throw ShapeError(std::string(op) + ": got " + name + " " + to_string(t.sizes()) + " of dtype " +
                     to_string(t.dtype()) + ", expected the input's " + to_string(x.sizes()) + " of dtype " +
                     to_string(x.dtype()));
  }
}

// body(c) for every channel, the channels shared out across the pool when the tensor is large.
template <class Body>
void for_channels(int64_t C, std::size_t bytes, const Body& body) {
  const int tasks = static_cast<int>(std::min<int64_t>(C, tasks_for_bytes(bytes)));
  parallel_run(std::max(tasks, 1), [&](int t) {
    for (int64_t c = C * t / tasks, end = C * (t + 1) / tasks; c < end; ++c) body(c);
  });
}

// sum of (x[i] - m)^2 over n contiguous values.
template <class T>
T centred_squares(const T* x, std::size_t n, T m) {
  constexpr std::size_t L = kLanes<T>;
  const Batch<T> mean(m);
  Batch<T> acc0(T(0)), acc1(T(0));
  std::size_t i = 0;
  for (; i + 2 * L <= n; i += 2 * L) {
    const Batch<T> d0 = Batch<T>::load_unaligned(x + i) - mean;
    const Batch<T> d1 = Batch<T>::load_unaligned(x + i + L) - mean;
    acc0 = xsimd::fma(d0, d0, acc0);
    acc1 = xsimd::fma(d1, d1, acc1);
  }
  T total = n >= 2 * L ? xsimd::hadd(acc0 + acc1) : T(0);
  for (; i < n; ++i) total += (x[i] - m) * (x[i] - m);
  return total;
}

// sum of dy[i] and of dy[i] (x[i] - m) over n contiguous values.
template <class T>
std::pair<T, T> gradient_sums(const T* dy, const T* x, std::size_t n, T m) {
  constexpr std::size_t L = kLanes<T>;
  const Batch<T> mean(m);
  Batch<T> s0(T(0)), s1(T(0)), p0(T(0)), p1(T(0));
  std::size_t i = 0;
  for (; i + 2 * L <= n; i += 2 * L) {
    const Batch<T> g0 = Batch<T>::load_unaligned(dy + i), g1 = Batch<T>::load_unaligned(dy + i + L);
    s0 += g0;
    s1 += g1;
    p0 = xsimd::fma(g0, Batch<T>::load_unaligned(x + i) - mean, p0);
    p1 = xsimd::fma(g1, Batch<T>::load_unaligned(x + i + L) - mean, p1);
  }
  T sum = 0, dot = 0;
  if (n >= 2 * L) {
    sum = xsimd::hadd(s0 + s1);
    dot = xsimd::hadd(p0 + p1);
  }
  for (; i < n; ++i) {
    sum += dy[i];
    dot += dy[i] * (x[i] - m);
  }
  return {sum, dot};
}

constexpr int64_t kBlock = 1024;  // values per block of the statistics

}  // namespace

std::pair<Tensor, Tensor> batch_norm_stats(const Tensor& input) {
  const char* op = "batch_norm_stats";
  const Planes p = planes_of(op, input);
  const Tensor x = contiguous(input);
  Tensor mean = empty({p.C}, TensorOptions().dtype(x.dtype()));
  Tensor var = empty({p.C}, TensorOptions().dtype(x.dtype()));
  visit_dtype(x.dtype(), [&]<class T>() {
    if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double>) {
      const T* px = x.data_ptr<T>();
      T* pm = mean.data_ptr<T>();
      T* pv = var.data_ptr<T>();
      for_channels(p.C, static_cast<std::size_t>(x.numel()) * sizeof(T), [&](int64_t c) {
        double count = 0, m = 0, m2 = 0;  // Chan's running (n, mean, sum of squared deviations)
        for (int64_t n = 0; n < p.N; ++n) {
          const T* plane = px + (n * p.C + c) * p.S;
          for (int64_t at = 0; at < p.S; at += kBlock) {
            const auto len = static_cast<std::size_t>(std::min(kBlock, p.S - at));
            const T block_mean = detail::contiguous_sum(plane + at, len) / static_cast<T>(len);
            const double block_m2 = centred_squares(plane + at, len, block_mean);
            const double nb = static_cast<double>(len), total = count + nb;
            const double delta = static_cast<double>(block_mean) - m;
            m += delta * nb / total;
            m2 += block_m2 + delta * delta * count * nb / total;
            count = total;
          }
        }
        pm[c] = count > 0 ? static_cast<T>(m) : std::numeric_limits<T>::quiet_NaN();
        pv[c] = count > 0 ? static_cast<T>(m2 / count) : std::numeric_limits<T>::quiet_NaN();
      });
    }
  });
  return {mean, var};
}

Tensor channel_affine(const Tensor& input, const Tensor& scale, const Tensor& shift) {
  const char* op = "channel_affine";
  const Planes p = planes_of(op, input);
  check_per_channel(op, "scale", scale, input, p.C);
  check_per_channel(op, "shift", shift, input, p.C);
  const Tensor x = contiguous(input), a = contiguous(scale), b = contiguous(shift);
  Tensor out = empty(x.sizes(), TensorOptions().dtype(x.dtype()));
  visit_dtype(x.dtype(), [&]<class T>() {
    if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double>) {
      const T* px = x.data_ptr<T>();
      T* po = out.data_ptr<T>();
      const T* pa = a.data_ptr<T>();
      const T* pb = b.data_ptr<T>();
      for_channels(p.C, static_cast<std::size_t>(x.numel()) * sizeof(T) * 2, [&](int64_t c) {
        const Batch<T> va(pa[c]), vb(pb[c]);
        constexpr int64_t L = kLanes<T>;
        for (int64_t n = 0; n < p.N; ++n) {
          const T* src = px + (n * p.C + c) * p.S;
          T* dst = po + (n * p.C + c) * p.S;
          int64_t i = 0;
          for (; i + L <= p.S; i += L) xsimd::fma(Batch<T>::load_unaligned(src + i), va, vb).store_unaligned(dst + i);
          for (; i < p.S; ++i) dst[i] = std::fma(src[i], pa[c], pb[c]);
        }
      });
    }
  });
  return out;
}

std::pair<Tensor, Tensor> batch_norm_backward_sums(const Tensor& grad, const Tensor& input, const Tensor& mean_in) {
  const char* op = "batch_norm_backward_sums";
  const Planes p = planes_of(op, input);
  check_same(op, "grad_output", grad, input);
  check_per_channel(op, "mean", mean_in, input, p.C);
  const Tensor dy = contiguous(grad), x = contiguous(input), mean = contiguous(mean_in);
  Tensor sum = empty({p.C}, TensorOptions().dtype(x.dtype()));
  Tensor dot = empty({p.C}, TensorOptions().dtype(x.dtype()));
  visit_dtype(x.dtype(), [&]<class T>() {
    if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double>) {
      const T* pdy = dy.data_ptr<T>();
      const T* px = x.data_ptr<T>();
      const T* pm = mean.data_ptr<T>();
      T* ps = sum.data_ptr<T>();
      T* pd = dot.data_ptr<T>();
      for_channels(p.C, static_cast<std::size_t>(x.numel()) * sizeof(T) * 2, [&](int64_t c) {
        double s = 0, d = 0;
        for (int64_t n = 0; n < p.N; ++n) {
          const int64_t at = (n * p.C + c) * p.S;
          for (int64_t b = 0; b < p.S; b += kBlock) {
            const auto len = static_cast<std::size_t>(std::min(kBlock, p.S - b));
            const auto [bs, bd] = gradient_sums(pdy + at + b, px + at + b, len, pm[c]);
            s += bs;
            d += bd;
          }
        }
        ps[c] = static_cast<T>(s);
        pd[c] = static_cast<T>(d);
      });
    }
  });
  return {sum, dot};
}

Tensor channel_affine2(const Tensor& grad, const Tensor& a_in, const Tensor& input, const Tensor& b_in,
                       const Tensor& k_in) {
  const char* op = "channel_affine2";
  const Planes p = planes_of(op, input);
  check_same(op, "dy", grad, input);
  check_per_channel(op, "a", a_in, input, p.C);
  check_per_channel(op, "b", b_in, input, p.C);
  check_per_channel(op, "k", k_in, input, p.C);
  const Tensor dy = contiguous(grad), x = contiguous(input);
  const Tensor a = contiguous(a_in), b = contiguous(b_in), k = contiguous(k_in);
  Tensor out = empty(x.sizes(), TensorOptions().dtype(x.dtype()));
  visit_dtype(x.dtype(), [&]<class T>() {
    if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double>) {
      const T* pdy = dy.data_ptr<T>();
      const T* px = x.data_ptr<T>();
      T* po = out.data_ptr<T>();
      const T *pa = a.data_ptr<T>(), *pb = b.data_ptr<T>(), *pk = k.data_ptr<T>();
      for_channels(p.C, static_cast<std::size_t>(x.numel()) * sizeof(T) * 3, [&](int64_t c) {
        const Batch<T> va(pa[c]), vb(pb[c]), vk(pk[c]);
        constexpr int64_t L = kLanes<T>;
        for (int64_t n = 0; n < p.N; ++n) {
          const int64_t at = (n * p.C + c) * p.S;
          const T* g = pdy + at;
          const T* v = px + at;
          T* dst = po + at;
          int64_t i = 0;
          for (; i + L <= p.S; i += L) {
            const Batch<T> lin = xsimd::fma(Batch<T>::load_unaligned(v + i), vb, vk);
            xsimd::fma(Batch<T>::load_unaligned(g + i), va, lin).store_unaligned(dst + i);
          }
          for (; i < p.S; ++i) dst[i] = std::fma(g[i], pa[c], std::fma(v[i], pb[c], pk[c]));
        }
      });
    }
  });
  return out;
}

}  // namespace gg::native
