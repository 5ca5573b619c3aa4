// Batched matrix products, float32: native::bmm (one GEMM call per matrix, shared across the
// thread pool when the matrices are small, each GEMM on the whole pool when they are large)
// beside the loop a user would write without it, one native::mm per matrix on select views, as
// the baseline of every ratio. GFLOP/s = 2*B*M*N*K per iteration as a rate.
//   bmm/B=.../NN      a:(B,M,K) b:(B,K,N), contiguous
//   bmm/B=.../NT      b as the transposed view of a contiguous (B,N,K): q k^T of attention,
//                     read by the GEMM in place
//   mm_loop/...       the baseline, same operands
// Threads: GG_NUM_THREADS, else the number of cores.
#include <gategrad/tensor/factory.hpp>
#include <gategrad/tensor/native.hpp>
#include <gategrad/tensor/parallel.hpp>

#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>
#include <vector>

namespace {

struct Case {
  std::int64_t B, M, K, N;
  bool transposed_b;
};

// Attention-sized heads ((batch x heads), tokens, head dim), many tiny matrices, and a few
// large ones.
const std::vector<Case> kCases = {
    {64, 64, 64, 64, false},  {64, 64, 64, 64, true},     {256, 16, 16, 16, false},
    {32, 128, 64, 128, true}, {4, 256, 256, 256, false},
};

std::string case_name(const Case& c) {
  return "B=" + std::to_string(c.B) + ",M=" + std::to_string(c.M) + ",K=" + std::to_string(c.K) +
         ",N=" + std::to_string(c.N) + (c.transposed_b ? "/NT" : "/NN");
}

struct Operands {
  gg::Tensor a, b;
  explicit Operands(const Case& c) {
    gg::Generator gen(42);
    a = gg::rand({c.B, c.M, c.K}, gen);
    b = c.transposed_b ? gg::native::transpose(gg::rand({c.B, c.N, c.K}, gen), 1, 2)
                       : gg::rand({c.B, c.K, c.N}, gen);
  }
};

void set_flops(benchmark::State& state, const Case& c) {
  state.counters["GFLOP/s"] = benchmark::Counter(
      2.0 * static_cast<double>(c.B * c.M * c.N * c.K), benchmark::Counter::kIsIterationInvariantRate,
      benchmark::Counter::kIs1000);
}

void bench_bmm(benchmark::State& state, Case c) {
  const Operands op(c);
  for (auto _ : state) {
    gg::Tensor out = gg::native::bmm(op.a, op.b);
    benchmark::DoNotOptimize(out.data_ptr());
  }
  set_flops(state, c);
}

void bench_mm_loop(benchmark::State& state, Case c) {
  const Operands op(c);
  for (auto _ : state) {
    gg::Tensor out = gg::empty({c.B, c.M, c.N});
    for (std::int64_t i = 0; i < c.B; ++i) {
      gg::native::select(out, 0, i).copy_(gg::native::mm(gg::native::select(op.a, 0, i), gg::native::select(op.b, 0, i)));
    }
    benchmark::DoNotOptimize(out.data_ptr());
  }
  set_flops(state, c);
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::AddCustomContext("threads", std::to_string(gg::num_threads()));
  for (const Case& c : kCases) {
    benchmark::RegisterBenchmark(("bmm/" + case_name(c)).c_str(), bench_bmm, c)
        ->Unit(benchmark::kMicrosecond)->UseRealTime();
    benchmark::RegisterBenchmark(("mm_loop/" + case_name(c)).c_str(), bench_mm_loop, c)
        ->Unit(benchmark::kMicrosecond)->UseRealTime();
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
