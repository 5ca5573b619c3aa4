// The elementwise and reduction ops of an MLP training step, each measured three ways on the
// same float32 data:
//   ours          the gg::native kernel on gg::Tensor as the autograd gates call it (checks,
//                 broadcasting, dtype dispatch, a new output)
//   xsimd_loop    the baseline: a plain xsimd loop into a preallocated output
//   xtensor_naive the same op written as a plain xtensor expression over the same memory, for
//                 reference
// bench/compare_elementwise.py runs this and prints ours / xsimd_loop as a ratio.
#include <gategrad/tensor/factory.hpp>
#include <gategrad/tensor/native.hpp>

#include <benchmark/benchmark.h>
#include <xsimd/xsimd.hpp>
#include <xtensor/xadapt.hpp>
#include <xtensor/xarray.hpp>
#include <xtensor/xmath.hpp>
#include <xtensor/xnoalias.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

namespace {

namespace native = gg::native;
using gg::Tensor;
using Batch = xsimd::batch<float>;
constexpr std::int64_t L = static_cast<std::int64_t>(Batch::size);

// U[-1, 1) float32 values, seeded.
Tensor input(gg::IntArrayRef sizes, std::uint64_t seed) {
  gg::Generator gen(seed);
  return native::sub(native::mul(gg::rand(sizes, gen), 2.0), 1.0);
}

float* values(const Tensor& t) { return t.data_ptr<float>(); }

// The tensor's memory as an xtensor array, no copy (the tensors here are contiguous).
auto xview(const Tensor& t) {
  const std::vector<std::size_t> shape(t.sizes().begin(), t.sizes().end());
  return xt::adapt(values(t), static_cast<std::size_t>(t.numel()), xt::no_ownership(), shape);
}

// Traffic of one call in bytes (reads + writes), for the GB/s counter.
void report_bytes(benchmark::State& state, std::int64_t floats_moved) {
  state.SetBytesProcessed(state.iterations() * floats_moved * static_cast<std::int64_t>(sizeof(float)));
}

std::string label(const char* op, std::int64_t rows, std::int64_t cols, const char* impl) {
  return std::string(op) + "/" + std::to_string(rows) + "x" + std::to_string(cols) + "/" + impl;
}

// ---- bias broadcast add: out(B,N) = x(B,N) + b(N) -------------------------------------
void register_bias_add(std::int64_t B, std::int64_t N) {
  const std::int64_t moved = 2 * B * N + N;
  benchmark::RegisterBenchmark(label("bias_add", B, N, "ours").c_str(), [=](benchmark::State& s) {
    const auto x = input({B, N}, 1), b = input({N}, 2);
    for (auto _ : s) benchmark::DoNotOptimize(native::add(x, b));
    report_bytes(s, moved);
  });
  benchmark::RegisterBenchmark(label("bias_add", B, N, "xsimd_loop").c_str(), [=](benchmark::State& s) {
    const auto x = input({B, N}, 1), b = input({N}, 2);
    const Tensor out = gg::empty({B, N});
    const float *xv = values(x), *bv = values(b);
    float* yv = values(out);
    for (auto _ : s) {
      for (std::int64_t r = 0; r < B; ++r) {
        const float* xr = xv + r * N;
        float* yr = yv + r * N;
        std::int64_t i = 0;
        for (; i + L <= N; i += L)
          (Batch::load_unaligned(xr + i) + Batch::load_unaligned(bv + i)).store_unaligned(yr + i);
        for (; i < N; ++i) yr[i] = xr[i] + bv[i];
      }
      benchmark::DoNotOptimize(yv);
      benchmark::ClobberMemory();
    }
    report_bytes(s, moved);
  });
  benchmark::RegisterBenchmark(label("bias_add", B, N, "xtensor_naive").c_str(), [=](benchmark::State& s) {
    const auto x = input({B, N}, 1), b = input({N}, 2);
    for (auto _ : s) {
      xt::xarray<float> out = xview(x) + xview(b);
      benchmark::DoNotOptimize(out.data());
    }
    report_bytes(s, moved);
  });
}

// ---- relu forward and its backward mask -------------------------------------------------
void register_relu(std::int64_t B, std::int64_t N) {
  benchmark::RegisterBenchmark(label("relu", B, N, "ours").c_str(), [=](benchmark::State& s) {
    const auto x = input({B, N}, 3);
    for (auto _ : s) benchmark::DoNotOptimize(native::relu(x));
    report_bytes(s, 2 * B * N);
  });
  benchmark::RegisterBenchmark(label("relu", B, N, "xsimd_loop").c_str(), [=](benchmark::State& s) {
    const auto x = input({B, N}, 3);
    const Tensor out = gg::empty({B, N});
    const std::int64_t n = B * N;
    const float* xv = values(x);
    float* yv = values(out);
    for (auto _ : s) {
      std::int64_t i = 0;
      for (; i + L <= n; i += L) xsimd::max(Batch::load_unaligned(xv + i), Batch(0.0f)).store_unaligned(yv + i);
      for (; i < n; ++i) yv[i] = std::max(xv[i], 0.0f);
      benchmark::DoNotOptimize(yv);
      benchmark::ClobberMemory();
    }
    report_bytes(s, 2 * B * N);
  });
  benchmark::RegisterBenchmark(label("relu", B, N, "xtensor_naive").c_str(), [=](benchmark::State& s) {
    const auto x = input({B, N}, 3);
    for (auto _ : s) {
      xt::xarray<float> out = xt::maximum(xview(x), 0.0f);
      benchmark::DoNotOptimize(out.data());
    }
    report_bytes(s, 2 * B * N);
  });

  benchmark::RegisterBenchmark(label("relu_mask", B, N, "ours").c_str(), [=](benchmark::State& s) {
    const Tensor y = native::relu(input({B, N}, 4)), dy = input({B, N}, 5);
    // ReluGate's backward: dx = dy where y > 0, else 0.
    for (auto _ : s) benchmark::DoNotOptimize(native::relu_backward(dy, y));
    report_bytes(s, 3 * B * N);
  });
  benchmark::RegisterBenchmark(label("relu_mask", B, N, "xsimd_loop").c_str(), [=](benchmark::State& s) {
    const Tensor y = native::relu(input({B, N}, 4)), dy = input({B, N}, 5);
    const Tensor out = gg::empty({B, N});
    const std::int64_t n = B * N;
    const float *yv = values(y), *dyv = values(dy);
    float* dxv = values(out);
    for (auto _ : s) {
      std::int64_t i = 0;
      for (; i + L <= n; i += L) {
        const Batch yb = Batch::load_unaligned(yv + i);
        xsimd::select(yb > Batch(0.0f), Batch::load_unaligned(dyv + i), Batch(0.0f)).store_unaligned(dxv + i);
      }
      for (; i < n; ++i) dxv[i] = yv[i] > 0 ? dyv[i] : 0.0f;
      benchmark::DoNotOptimize(dxv);
      benchmark::ClobberMemory();
    }
    report_bytes(s, 3 * B * N);
  });
  benchmark::RegisterBenchmark(label("relu_mask", B, N, "xtensor_naive").c_str(), [=](benchmark::State& s) {
    const Tensor y = native::relu(input({B, N}, 4)), dy = input({B, N}, 5);
    for (auto _ : s) {
      xt::xarray<float> out = xt::where(xview(y) > 0.0f, xview(dy), 0.0f);
      benchmark::DoNotOptimize(out.data());
    }
    report_bytes(s, 3 * B * N);
  });
}

// ---- row softmax --------------------------------------------------------------------------
void register_softmax(std::int64_t B, std::int64_t N) {
  benchmark::RegisterBenchmark(label("softmax", B, N, "ours").c_str(), [=](benchmark::State& s) {
    const auto x = input({B, N}, 6);
    for (auto _ : s) benchmark::DoNotOptimize(native::softmax(x, 1));
    report_bytes(s, 2 * B * N);
  });
  benchmark::RegisterBenchmark(label("softmax", B, N, "xsimd_loop").c_str(), [=](benchmark::State& s) {
    const auto x = input({B, N}, 6);
    const Tensor out = gg::empty({B, N});
    const float* xv = values(x);
    float* yv = values(out);
    for (auto _ : s) {
      for (std::int64_t r = 0; r < B; ++r) {
        const float* xr = xv + r * N;
        float* yr = yv + r * N;
        float m = xr[0];
        std::int64_t i = 0;
        if (N >= L) {
          Batch vm = Batch::load_unaligned(xr);
          for (i = L; i + L <= N; i += L) vm = xsimd::max(vm, Batch::load_unaligned(xr + i));
          alignas(64) float lanes[L];
          vm.store_aligned(lanes);
          for (float v : lanes) m = std::max(m, v);
        }
        for (; i < N; ++i) m = std::max(m, xr[i]);
        Batch vs(0.0f);
        for (i = 0; i + L <= N; i += L) {
          const Batch e = xsimd::exp(Batch::load_unaligned(xr + i) - Batch(m));
          e.store_unaligned(yr + i);
          vs += e;
        }
        float total = xsimd::hadd(vs);
        for (; i < N; ++i) total += (yr[i] = std::exp(xr[i] - m));
        const Batch inv(1.0f / total);
        for (i = 0; i + L <= N; i += L) (Batch::load_unaligned(yr + i) * inv).store_unaligned(yr + i);
        for (; i < N; ++i) yr[i] /= total;
      }
      benchmark::DoNotOptimize(yv);
      benchmark::ClobberMemory();
    }
    report_bytes(s, 2 * B * N);
  });
  benchmark::RegisterBenchmark(label("softmax", B, N, "xtensor_naive").c_str(), [=](benchmark::State& s) {
    const auto x = input({B, N}, 6);
    for (auto _ : s) {
      const auto xv = xview(x);
      xt::xarray<float> m = xt::amax(xv, {1}, xt::keep_dims);
      xt::xarray<float> e = xt::exp(xv - m);
      xt::xarray<float> out = e / xt::sum(e, {1}, xt::keep_dims);
      benchmark::DoNotOptimize(out.data());
    }
    report_bytes(s, 2 * B * N);
  });
}

// ---- column sums (bias gradient): out(N) = sum over rows of dy(B,N) ---------------------------
void register_column_sum(std::int64_t B, std::int64_t N) {
  benchmark::RegisterBenchmark(label("column_sum", B, N, "ours").c_str(), [=](benchmark::State& s) {
    const auto x = input({B, N}, 7);
    for (auto _ : s) benchmark::DoNotOptimize(native::sum(x, {0}));
    report_bytes(s, B * N + N);
  });
  benchmark::RegisterBenchmark(label("column_sum", B, N, "xsimd_loop").c_str(), [=](benchmark::State& s) {
    const auto x = input({B, N}, 7);
    const Tensor out = gg::empty({N});
    const float* xv = values(x);
    float* sums = values(out);
    for (auto _ : s) {
      std::copy_n(xv, N, sums);
      for (std::int64_t r = 1; r < B; ++r) {
        const float* xr = xv + r * N;
        std::int64_t i = 0;
        for (; i + L <= N; i += L)
          (Batch::load_unaligned(sums + i) + Batch::load_unaligned(xr + i)).store_unaligned(sums + i);
        for (; i < N; ++i) sums[i] += xr[i];
      }
      benchmark::DoNotOptimize(sums);
      benchmark::ClobberMemory();
    }
    report_bytes(s, B * N + N);
  });
  benchmark::RegisterBenchmark(label("column_sum", B, N, "xtensor_naive").c_str(), [=](benchmark::State& s) {
    const auto x = input({B, N}, 7);
    for (auto _ : s) {
      xt::xarray<float> out = xt::sum(xview(x), {0});
      benchmark::DoNotOptimize(out.data());
    }
    report_bytes(s, B * N + N);
  });
}

// ---- scaled add (SGD update): w += alpha * g ---------------------------------------------
void register_axpy(std::int64_t rows, std::int64_t cols) {
  const std::int64_t n = rows * cols;
  benchmark::RegisterBenchmark(label("axpy", rows, cols, "ours").c_str(), [=](benchmark::State& s) {
    const auto g = input({rows, cols}, 8);
    const Tensor w = input({rows, cols}, 9);
    // torch's w.add_(g, alpha): one pass, no temporary.
    for (auto _ : s) {
      native::add_(w, g, -1e-3f);
      benchmark::ClobberMemory();
    }
    report_bytes(s, 3 * n);
  });
  benchmark::RegisterBenchmark(label("axpy", rows, cols, "xsimd_loop").c_str(), [=](benchmark::State& s) {
    const auto g = input({rows, cols}, 8);
    const Tensor w = input({rows, cols}, 9);
    const float* gv = values(g);
    float* wv = values(w);
    for (auto _ : s) {
      std::int64_t i = 0;
      const Batch alpha(-1e-3f);
      for (; i + L <= n; i += L)
        xsimd::fma(alpha, Batch::load_unaligned(gv + i), Batch::load_unaligned(wv + i)).store_unaligned(wv + i);
      for (; i < n; ++i) wv[i] += -1e-3f * gv[i];
      benchmark::ClobberMemory();
    }
    report_bytes(s, 3 * n);
  });
  benchmark::RegisterBenchmark(label("axpy", rows, cols, "xtensor_naive").c_str(), [=](benchmark::State& s) {
    const auto g = input({rows, cols}, 8);
    const Tensor w = input({rows, cols}, 9);
    auto wv = xview(w);
    const auto gv = xview(g);
    for (auto _ : s) {
      xt::noalias(wv) += -1e-3f * gv;
      benchmark::ClobberMemory();
    }
    report_bytes(s, 3 * n);
  });
}

}  // namespace

int main(int argc, char** argv) {
  // Shapes of the homework's nets at batch 200: hidden 50 and 100, wide 512, logits of 10.
  for (auto [B, N] : {std::pair<std::int64_t, std::int64_t>{200, 50}, {200, 100}, {200, 512}}) {
    register_bias_add(B, N);
    register_relu(B, N);
    register_column_sum(B, N);
  }
  register_softmax(200, 10);
  register_softmax(200, 512);
  register_axpy(3072, 50);
  register_axpy(512, 512);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
