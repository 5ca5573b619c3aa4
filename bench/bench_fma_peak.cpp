// The machine's fp32 FMA peak, measured: the ceiling that docs/PERFORMANCE.md divides the
// training steps' GFLOP/s by. Each thread runs 24 independent chains of vector FMAs on
// registers (no memory traffic, enough chains to cover the FMA latency on two FMA ports).
//   fma_peak/threads:N   counter FLOPS = fp32 flops per second over all N threads
#include <gategrad/tensor/parallel.hpp>
#include <gategrad/tensor/thread_pool.hpp>

#include <benchmark/benchmark.h>
#include <xsimd/xsimd.hpp>

#include <array>
#include <cstddef>

namespace {

using Batch = xsimd::batch<float>;
constexpr int kChains = 24;
constexpr int kSteps = 1 << 16;

// kSteps rounds of kChains FMAs; returns a sum so the work cannot be dropped.
float fma_chains(float seed) {
  std::array<Batch, kChains> acc;
  for (int c = 0; c < kChains; ++c) acc[static_cast<std::size_t>(c)] = Batch(seed + static_cast<float>(c));
  const Batch a(0.999999f), b(1e-7f);
  for (int s = 0; s < kSteps; ++s) {
#pragma GCC unroll 24
    for (int c = 0; c < kChains; ++c) {
      acc[static_cast<std::size_t>(c)] = xsimd::fma(acc[static_cast<std::size_t>(c)], a, b);
    }
  }
  Batch total(0.0f);
  for (const Batch& v : acc) total += v;
  return xsimd::hadd(total);
}

void fma_peak(benchmark::State& state) {
  const int threads = static_cast<int>(state.range(0));
  gg::set_num_threads(threads);
  std::array<float, 64> sinks{};
  for (auto _ : state) {
    gg::parallel_run(threads, [&](int t) { sinks[static_cast<std::size_t>(t)] = fma_chains(static_cast<float>(t)); });
    benchmark::DoNotOptimize(sinks.data());
  }
  const double flops_per_iteration =
      2.0 * Batch::size * kChains * static_cast<double>(kSteps) * threads;
  state.counters["FLOPS"] = benchmark::Counter(flops_per_iteration, benchmark::Counter::kIsIterationInvariantRate);
}

}  // namespace

BENCHMARK(fma_peak)->ArgName("threads")->Arg(1)->Arg(2)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK_MAIN();
