// The elementwise and reduction ops of an MLP training step, each measured three ways on the
// same float32 data:
//   ours          the gategrad op as a user calls it (shape checks, broadcasting, new output)
//   xsimd_loop    the baseline: a plain xsimd loop into a preallocated output
//   xtensor_naive the same op written as a plain xtensor expression, for reference
// bench/compare_elementwise.py runs this and prints ours / xsimd_loop as a ratio.
#include <gategrad/tensor/ops.hpp>

#include <benchmark/benchmark.h>
#include <xsimd/xsimd.hpp>
#include <xtensor/xarray.hpp>
#include <xtensor/xmath.hpp>
#include <xtensor/xnoalias.hpp>
#include <xtensor/xsort.hpp>

#include <string>

namespace {

using gg::Shape;
using gg::ArrayF;
using Batch = xsimd::batch<float>;
constexpr std::size_t L = Batch::size;

ArrayF input(const Shape& shape, std::uint64_t seed) {
  gg::Generator gen(seed);
  return ArrayF::uniform(shape, gen, -1.0f, 1.0f);
}

// Traffic of one call in bytes (reads + writes), for the GB/s counter.
void report_bytes(benchmark::State& state, std::size_t floats_moved) {
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * floats_moved * sizeof(float)));
}

std::string label(const char* op, std::size_t rows, std::size_t cols, const char* impl) {
  return std::string(op) + "/" + std::to_string(rows) + "x" + std::to_string(cols) + "/" + impl;
}

// ---- bias broadcast add: out(B,N) = x(B,N) + b(N) -------------------------------------
void register_bias_add(std::size_t B, std::size_t N) {
  const std::size_t moved = 2 * B * N + N;
  benchmark::RegisterBenchmark(label("bias_add", B, N, "ours").c_str(), [=](benchmark::State& s) {
    const auto x = input({B, N}, 1), b = input({N}, 2);
    for (auto _ : s) benchmark::DoNotOptimize(x + b);
    report_bytes(s, moved);
  });
  benchmark::RegisterBenchmark(label("bias_add", B, N, "xsimd_loop").c_str(), [=](benchmark::State& s) {
    const auto x = input({B, N}, 1), b = input({N}, 2);
    auto out = ArrayF::empty({B, N});
    for (auto _ : s) {
      for (std::size_t r = 0; r < B; ++r) {
        const float* xr = x.data() + r * N;
        float* yr = out.data() + r * N;
        std::size_t i = 0;
        for (; i + L <= N; i += L)
          (Batch::load_unaligned(xr + i) + Batch::load_unaligned(b.data() + i)).store_unaligned(yr + i);
        for (; i < N; ++i) yr[i] = xr[i] + b.data()[i];
      }
      benchmark::DoNotOptimize(out.data());
      benchmark::ClobberMemory();
    }
    report_bytes(s, moved);
  });
  benchmark::RegisterBenchmark(label("bias_add", B, N, "xtensor_naive").c_str(), [=](benchmark::State& s) {
    const auto x = input({B, N}, 1), b = input({N}, 2);
    for (auto _ : s) {
      xt::xarray<float> out = x.xarray() + b.xarray();
      benchmark::DoNotOptimize(out.data());
    }
    report_bytes(s, moved);
  });
}

// ---- relu forward and its backward mask -------------------------------------------------
void register_relu(std::size_t B, std::size_t N) {
  benchmark::RegisterBenchmark(label("relu", B, N, "ours").c_str(), [=](benchmark::State& s) {
    const auto x = input({B, N}, 3);
    for (auto _ : s) benchmark::DoNotOptimize(gg::relu(x));
    report_bytes(s, 2 * B * N);
  });
  benchmark::RegisterBenchmark(label("relu", B, N, "xsimd_loop").c_str(), [=](benchmark::State& s) {
    const auto x = input({B, N}, 3);
    auto out = ArrayF::empty({B, N});
    const std::size_t n = B * N;
    for (auto _ : s) {
      std::size_t i = 0;
      for (; i + L <= n; i += L)
        xsimd::max(Batch::load_unaligned(x.data() + i), Batch(0.0f)).store_unaligned(out.data() + i);
      for (; i < n; ++i) out.data()[i] = std::max(x.data()[i], 0.0f);
      benchmark::DoNotOptimize(out.data());
      benchmark::ClobberMemory();
    }
    report_bytes(s, 2 * B * N);
  });
  benchmark::RegisterBenchmark(label("relu", B, N, "xtensor_naive").c_str(), [=](benchmark::State& s) {
    const auto x = input({B, N}, 3);
    for (auto _ : s) {
      xt::xarray<float> out = xt::maximum(x.xarray(), 0.0f);
      benchmark::DoNotOptimize(out.data());
    }
    report_bytes(s, 2 * B * N);
  });

  benchmark::RegisterBenchmark(label("relu_mask", B, N, "ours").c_str(), [=](benchmark::State& s) {
    const auto y = gg::relu(input({B, N}, 4)), dy = input({B, N}, 5);
    for (auto _ : s) benchmark::DoNotOptimize(gg::relu_backward(y, dy));
    report_bytes(s, 3 * B * N);
  });
  benchmark::RegisterBenchmark(label("relu_mask", B, N, "xsimd_loop").c_str(), [=](benchmark::State& s) {
    const auto y = gg::relu(input({B, N}, 4)), dy = input({B, N}, 5);
    auto out = ArrayF::empty({B, N});
    const std::size_t n = B * N;
    for (auto _ : s) {
      std::size_t i = 0;
      for (; i + L <= n; i += L) {
        const Batch yv = Batch::load_unaligned(y.data() + i);
        xsimd::select(yv > Batch(0.0f), Batch::load_unaligned(dy.data() + i), Batch(0.0f))
            .store_unaligned(out.data() + i);
      }
      for (; i < n; ++i) out.data()[i] = y.data()[i] > 0 ? dy.data()[i] : 0.0f;
      benchmark::DoNotOptimize(out.data());
      benchmark::ClobberMemory();
    }
    report_bytes(s, 3 * B * N);
  });
  benchmark::RegisterBenchmark(label("relu_mask", B, N, "xtensor_naive").c_str(), [=](benchmark::State& s) {
    const auto y = gg::relu(input({B, N}, 4)), dy = input({B, N}, 5);
    for (auto _ : s) {
      xt::xarray<float> out = xt::where(y.xarray() > 0.0f, dy.xarray(), 0.0f);
      benchmark::DoNotOptimize(out.data());
    }
    report_bytes(s, 3 * B * N);
  });
}

// ---- row softmax --------------------------------------------------------------------------
void register_softmax(std::size_t B, std::size_t N) {
  benchmark::RegisterBenchmark(label("softmax", B, N, "ours").c_str(), [=](benchmark::State& s) {
    const auto x = input({B, N}, 6);
    for (auto _ : s) benchmark::DoNotOptimize(gg::softmax(x));
    report_bytes(s, 2 * B * N);
  });
  benchmark::RegisterBenchmark(label("softmax", B, N, "xsimd_loop").c_str(), [=](benchmark::State& s) {
    const auto x = input({B, N}, 6);
    auto out = ArrayF::empty({B, N});
    for (auto _ : s) {
      for (std::size_t r = 0; r < B; ++r) {
        const float* xr = x.data() + r * N;
        float* yr = out.data() + r * N;
        float m = xr[0];
        std::size_t i = 0;
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
      benchmark::DoNotOptimize(out.data());
      benchmark::ClobberMemory();
    }
    report_bytes(s, 2 * B * N);
  });
  benchmark::RegisterBenchmark(label("softmax", B, N, "xtensor_naive").c_str(), [=](benchmark::State& s) {
    const auto x = input({B, N}, 6);
    for (auto _ : s) {
      xt::xarray<float> m = xt::amax(x.xarray(), {1}, xt::keep_dims);
      xt::xarray<float> e = xt::exp(x.xarray() - m);
      xt::xarray<float> out = e / xt::sum(e, {1}, xt::keep_dims);
      benchmark::DoNotOptimize(out.data());
    }
    report_bytes(s, 2 * B * N);
  });
}

// ---- column sums (bias gradient): out(N) = sum over rows of dy(B,N) ---------------------------
void register_column_sum(std::size_t B, std::size_t N) {
  benchmark::RegisterBenchmark(label("column_sum", B, N, "ours").c_str(), [=](benchmark::State& s) {
    const auto x = input({B, N}, 7);
    for (auto _ : s) benchmark::DoNotOptimize(gg::sum(x, 0));
    report_bytes(s, B * N + N);
  });
  benchmark::RegisterBenchmark(label("column_sum", B, N, "xsimd_loop").c_str(), [=](benchmark::State& s) {
    const auto x = input({B, N}, 7);
    auto out = ArrayF::empty({N});
    for (auto _ : s) {
      std::copy_n(x.data(), N, out.data());
      for (std::size_t r = 1; r < B; ++r) {
        const float* xr = x.data() + r * N;
        std::size_t i = 0;
        for (; i + L <= N; i += L)
          (Batch::load_unaligned(out.data() + i) + Batch::load_unaligned(xr + i)).store_unaligned(out.data() + i);
        for (; i < N; ++i) out.data()[i] += xr[i];
      }
      benchmark::DoNotOptimize(out.data());
      benchmark::ClobberMemory();
    }
    report_bytes(s, B * N + N);
  });
  benchmark::RegisterBenchmark(label("column_sum", B, N, "xtensor_naive").c_str(), [=](benchmark::State& s) {
    const auto x = input({B, N}, 7);
    for (auto _ : s) {
      xt::xarray<float> out = xt::sum(x.xarray(), {0});
      benchmark::DoNotOptimize(out.data());
    }
    report_bytes(s, B * N + N);
  });
}

// ---- scaled add (SGD update): w += alpha * g ---------------------------------------------
void register_axpy(std::size_t rows, std::size_t cols) {
  const std::size_t n = rows * cols;
  benchmark::RegisterBenchmark(label("axpy", rows, cols, "ours").c_str(), [=](benchmark::State& s) {
    const auto g = input({rows, cols}, 8);
    auto w = input({rows, cols}, 9);
    for (auto _ : s) {
      gg::axpy_(-1e-3f, g, w);
      benchmark::ClobberMemory();
    }
    report_bytes(s, 3 * n);
  });
  benchmark::RegisterBenchmark(label("axpy", rows, cols, "xsimd_loop").c_str(), [=](benchmark::State& s) {
    const auto g = input({rows, cols}, 8);
    auto w = input({rows, cols}, 9);
    for (auto _ : s) {
      std::size_t i = 0;
      const Batch alpha(-1e-3f);
      for (; i + L <= n; i += L)
        xsimd::fma(alpha, Batch::load_unaligned(g.data() + i), Batch::load_unaligned(w.data() + i))
            .store_unaligned(w.data() + i);
      for (; i < n; ++i) w.data()[i] += -1e-3f * g.data()[i];
      benchmark::ClobberMemory();
    }
    report_bytes(s, 3 * n);
  });
  benchmark::RegisterBenchmark(label("axpy", rows, cols, "xtensor_naive").c_str(), [=](benchmark::State& s) {
    const auto g = input({rows, cols}, 8);
    auto w = input({rows, cols}, 9);
    for (auto _ : s) {
      xt::noalias(w.xarray()) += -1e-3f * g.xarray();
      benchmark::ClobberMemory();
    }
    report_bytes(s, 3 * n);
  });
}

}  // namespace

int main(int argc, char** argv) {
  // Shapes of the homework's nets at batch 200: hidden 50 and 100, wide 512, logits of 10.
  for (auto [B, N] : {std::pair<std::size_t, std::size_t>{200, 50}, {200, 100}, {200, 512}}) {
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
