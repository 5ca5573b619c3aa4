// Single ops, forward only, float32, on the differentiable gg:: free functions a user calls, on
// tensors that do not require grad. bench/bench_ops_libtorch.cpp is the LibTorch twin under the
// same benchmark names; bench/compare_ops.sh runs the two side by side.
//   softmax/RxC, log_softmax/RxC        x:(R,C) -> (R,C), along dim 1
//   sum_dim0/256x1024 ... amax_dim1     x:(256,1024) -> (1024) or (256)
//   sum_all/1048576                     x:(1048576) -> ()
//   cat_dim0/4x256x512, cat_dim1/...    4 x (256,512) -> (1024,512) or (256,2048)
//   index_select/I                      table:(10000,128), I random int64 rows -> (I,128)
//   bmm/BxMxKxN                         a:(B,M,K) b:(B,K,N) -> (B,M,N)
// Threads: GG_NUM_THREADS, else the number of cores.
#include <gategrad/autograd/ops.hpp>
#include <gategrad/tensor/factory.hpp>
#include <gategrad/tensor/random.hpp>

#include <benchmark/benchmark.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace {

using Op = std::function<gg::Tensor()>;

void run(benchmark::State& state, const Op& op) {
  for (auto _ : state) {
    gg::Tensor out = op();
    benchmark::DoNotOptimize(out.data_ptr());
    benchmark::ClobberMemory();
  }
}

void add(const std::string& name, Op op) {
  benchmark::RegisterBenchmark(name.c_str(), [op](benchmark::State& state) { run(state, op); })
      ->Unit(benchmark::kMicrosecond);
}

std::string dims(std::int64_t a, std::int64_t b) {
  return std::to_string(a) + "x" + std::to_string(b);
}

void register_all() {
  gg::Generator gen(42);
  for (const auto& [rows, cols] : {std::pair<std::int64_t, std::int64_t>{256, 1000}, {4096, 10}}) {
    const gg::Tensor x = gg::randn({rows, cols}, gen);
    add("softmax/" + dims(rows, cols), [x] { return gg::softmax(x, 1); });
    add("log_softmax/" + dims(rows, cols), [x] { return gg::log_softmax(x, 1); });
  }

  const gg::Tensor layer = gg::randn({256, 1024}, gen);
  for (const std::int64_t dim : {0, 1}) {
    const std::string shape = std::to_string(dim) + "/256x1024";
    add("sum_dim" + shape, [layer, dim] { return gg::sum(layer, {dim}); });
    add("mean_dim" + shape, [layer, dim] { return gg::mean(layer, {dim}); });
    add("amax_dim" + shape, [layer, dim] { return gg::amax(layer, {dim}); });
  }
  const gg::Tensor flat = gg::randn({1 << 20}, gen);
  add("sum_all/1048576", [flat] { return gg::sum(flat); });

  const std::vector<gg::Tensor> parts = {gg::randn({256, 512}, gen), gg::randn({256, 512}, gen),
                                         gg::randn({256, 512}, gen), gg::randn({256, 512}, gen)};
  for (const std::int64_t dim : {0, 1}) {
    add("cat_dim" + std::to_string(dim) + "/4x256x512", [parts, dim] { return gg::cat(parts, dim); });
  }

  const gg::Tensor table = gg::randn({10000, 128}, gen);
  for (const std::int64_t count : {256, 4096}) {
    const gg::Tensor index = gg::randint(10000, {count}, gen);
    add("index_select/" + std::to_string(count),
        [table, index] { return gg::index_select(table, 0, index); });
  }

  struct Bmm {
    std::int64_t B, M, K, N;
  };
  for (const Bmm& c : {Bmm{64, 64, 64, 64}, Bmm{256, 16, 16, 16}, Bmm{32, 128, 64, 128}}) {
    const gg::Tensor a = gg::randn({c.B, c.M, c.K}, gen);
    const gg::Tensor b = gg::randn({c.B, c.K, c.N}, gen);
    add("bmm/" + dims(c.B, c.M) + "x" + dims(c.K, c.N), [a, b] { return gg::bmm(a, b); });
  }
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  register_all();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
