// Our GEMM (gg::gemm<float>) beside OpenBLAS's cblas_sgemm on the same shapes, row-major,
// C := A B with the same transposes. GFLOP/s = 2*M*N*K per iteration as a rate.
//
// Threads: --threads=N (removed before Google Benchmark sees the flags), else GG_NUM_THREADS,
// else the number of cores; applied to both libraries. OpenBLAS's pthreads and gategrad's pool
// threads spin after a call and steal cores from each other, so compare them in separate
// processes: bench/compare_matmul.sh runs this binary once with --benchmark_filter=^ours/
// and once with ^openblas/.
#include <gategrad/tensor/gemm.hpp>
#include <gategrad/tensor/gemm/simd.hpp>
#include <gategrad/tensor/parallel.hpp>

#include <benchmark/benchmark.h>
#include <cblas.h>

#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

namespace {

struct Case {
  std::size_t M, K, N;
  gg::Trans trans_a, trans_b;
};

const std::vector<Case>& cases() {
  using gg::Trans;
  static const std::vector<Case> all = {
      {64, 64, 64, Trans::No, Trans::No},          {128, 128, 128, Trans::No, Trans::No},
      {256, 256, 256, Trans::No, Trans::No},       {512, 512, 512, Trans::No, Trans::No},
      {1024, 1024, 1024, Trans::No, Trans::No},    {2048, 2048, 2048, Trans::No, Trans::No},
      // MLP shapes (M, K, N): forward X W, dW = X^T dY (A stored (200,3072)), dX = dY W^T.
      {200, 3072, 50, Trans::No, Trans::No},       {3072, 200, 50, Trans::Yes, Trans::No},
      {200, 50, 3072, Trans::No, Trans::Yes},      {200, 50, 10, Trans::No, Trans::No},
      {200, 784, 100, Trans::No, Trans::No},       {784, 200, 100, Trans::No, Trans::No},
      {200, 3072, 512, Trans::No, Trans::No},      {3072, 200, 512, Trans::No, Trans::No},
      {200, 512, 512, Trans::No, Trans::No},       {128, 784, 256, Trans::No, Trans::No},
      {1, 784, 256, Trans::No, Trans::No}};
  return all;
}

std::string case_name(const Case& c) {
  return "M=" + std::to_string(c.M) + ",K=" + std::to_string(c.K) + ",N=" + std::to_string(c.N) +
         "/" + (c.trans_a == gg::Trans::Yes ? "T" : "N") +
         (c.trans_b == gg::Trans::Yes ? "T" : "N");
}

// Row-major operands of one case, stored as the transposes say, with random entries.
struct Operands {
  std::size_t lda, ldb, ldc;
  std::vector<float> A, B, C;
  explicit Operands(const Case& c)
      : lda(c.trans_a == gg::Trans::Yes ? c.M : c.K),
        ldb(c.trans_b == gg::Trans::Yes ? c.K : c.N),
        ldc(c.N),
        A(c.M * c.K),
        B(c.K * c.N),
        C(c.M * c.N) {
    std::mt19937 rng(42);
    std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
    for (float& x : A) x = dist(rng);
    for (float& x : B) x = dist(rng);
  }
};

void set_flops(benchmark::State& state, const Case& c) {
  state.counters["GFLOP/s"] =
      benchmark::Counter(2.0 * static_cast<double>(c.M) * static_cast<double>(c.N) *
                             static_cast<double>(c.K),
                         benchmark::Counter::kIsIterationInvariantRate, benchmark::Counter::kIs1000);
  // kIs1000 with a rate gives flop/s; Google Benchmark prints it with a G suffix.
}

void bench_ours(benchmark::State& state, Case c) {
  Operands op(c);
  for (auto _ : state) {
    gg::gemm<float>(c.trans_a, c.trans_b, c.M, c.N, c.K, 1.0f, op.A.data(), op.lda, op.B.data(),
                    op.ldb, 0.0f, op.C.data(), op.ldc);
    benchmark::DoNotOptimize(op.C.data());
    benchmark::ClobberMemory();
  }
  set_flops(state, c);
}

void bench_openblas(benchmark::State& state, Case c) {
  Operands op(c);
  const auto ta = c.trans_a == gg::Trans::Yes ? CblasTrans : CblasNoTrans;
  const auto tb = c.trans_b == gg::Trans::Yes ? CblasTrans : CblasNoTrans;
  for (auto _ : state) {
    cblas_sgemm(CblasRowMajor, ta, tb, static_cast<blasint>(c.M), static_cast<blasint>(c.N),
                static_cast<blasint>(c.K), 1.0f, op.A.data(), static_cast<blasint>(op.lda),
                op.B.data(), static_cast<blasint>(op.ldb), 0.0f, op.C.data(),
                static_cast<blasint>(op.ldc));
    benchmark::DoNotOptimize(op.C.data());
    benchmark::ClobberMemory();
  }
  set_flops(state, c);
}

// --threads=N from the command line (removed from argv), else GG_NUM_THREADS, else all cores.
int take_threads_flag(int& argc, char** argv) {
  int threads = gg::num_threads();
  int out = 1;
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], "--threads=", 10) == 0) {
      threads = std::atoi(argv[i] + 10);
    } else {
      argv[out++] = argv[i];
    }
  }
  argc = out;
  return threads;
}

}  // namespace

int main(int argc, char** argv) {
  const int threads = take_threads_flag(argc, argv);
  gg::set_num_threads(threads);
  openblas_set_num_threads(threads);
  benchmark::AddCustomContext("threads", std::to_string(threads));
  benchmark::AddCustomContext("openblas_corename", openblas_get_corename());
  benchmark::AddCustomContext("gategrad_simd", gg::gemm_detail::simd_name);
  for (const Case& c : cases()) {
    benchmark::RegisterBenchmark(("ours/" + case_name(c)).c_str(), bench_ours, c)
        ->Unit(benchmark::kMicrosecond)->UseRealTime();
    benchmark::RegisterBenchmark(("openblas/" + case_name(c)).c_str(), bench_openblas, c)
        ->Unit(benchmark::kMicrosecond)->UseRealTime();
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
