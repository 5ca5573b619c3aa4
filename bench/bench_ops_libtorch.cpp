// LibTorch baseline for bench_ops: the same ops, shapes and benchmark names, forward only,
// float32, under NoGradGuard, so that bench/compare_ops.py can put the two side by side.
//
// Threads: TORCH_INTRAOP_THREADS (default 1) sets ATen's intra-op pool through
// at::set_num_threads (torch::set_num_threads); the inter-op pool is pinned to 1. bmm goes to
// the BLAS LibTorch was built with (OpenBLAS on Debian), which sizes its own pool from
// OPENBLAS_NUM_THREADS. The settings a run had are written into the benchmark context.
#include <ATen/Parallel.h>
#include "libtorch_baseline.hpp"

#include <benchmark/benchmark.h>
#include <dlfcn.h>
#include <torch/torch.h>

#include <cstdint>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace {

using Op = std::function<torch::Tensor()>;

void run(benchmark::State& state, const Op& op) {
  torch::NoGradGuard no_grad;
  for (auto _ : state) {
    torch::Tensor out = op();
    benchmark::DoNotOptimize(out.data_ptr());
    benchmark::ClobberMemory();
  }
}

void add(const std::string& name, Op op) {
  benchmark::RegisterBenchmark(name.c_str(), [op](benchmark::State& state) { run(state, op); })
      ->Unit(benchmark::kMicrosecond);
}

std::string dims(int64_t a, int64_t b) { return std::to_string(a) + "x" + std::to_string(b); }

void register_all() {
  torch::manual_seed(42);
  for (const auto& shape : {std::pair<int64_t, int64_t>{256, 1000}, {4096, 10}}) {
    const torch::Tensor x = torch::randn({shape.first, shape.second});
    add("softmax/" + dims(shape.first, shape.second), [x] { return torch::softmax(x, 1); });
    add("log_softmax/" + dims(shape.first, shape.second),
        [x] { return torch::log_softmax(x, 1); });
  }

  const torch::Tensor layer = torch::randn({256, 1024});
  for (const int64_t dim : {0, 1}) {
    const std::string shape = std::to_string(dim) + "/256x1024";
    add("sum_dim" + shape, [layer, dim] { return torch::sum(layer, {dim}); });
    add("mean_dim" + shape, [layer, dim] { return torch::mean(layer, {dim}); });
    add("amax_dim" + shape, [layer, dim] { return torch::amax(layer, {dim}); });
  }
  const torch::Tensor flat = torch::randn({1 << 20});
  add("sum_all/1048576", [flat] { return torch::sum(flat); });

  const std::vector<torch::Tensor> parts = {torch::randn({256, 512}), torch::randn({256, 512}),
                                            torch::randn({256, 512}), torch::randn({256, 512})};
  for (const int64_t dim : {0, 1}) {
    add("cat_dim" + std::to_string(dim) + "/4x256x512",
        [parts, dim] { return torch::cat(parts, dim); });
  }

  const torch::Tensor table = torch::randn({10000, 128});
  for (const int64_t count : {256, 4096}) {
    const torch::Tensor index = torch::randint(0, 10000, {count}, torch::kInt64);
    add("index_select/" + std::to_string(count),
        [table, index] { return torch::index_select(table, 0, index); });
  }

  struct Bmm {
    int64_t B, M, K, N;
  };
  for (const Bmm& c : {Bmm{64, 64, 64, 64}, Bmm{256, 16, 16, 16}, Bmm{32, 128, 64, 128}}) {
    const torch::Tensor a = torch::randn({c.B, c.M, c.K});
    const torch::Tensor b = torch::randn({c.B, c.K, c.N});
    add("bmm/" + dims(c.B, c.M) + "x" + dims(c.K, c.N), [a, b] { return torch::bmm(a, b); });
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (!gg_bench::configure_libtorch("bench_ops_libtorch")) return 2;

  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;

  gg_bench::add_libtorch_context();

  register_all();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
