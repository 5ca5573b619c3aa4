// The view kernels on a (64, 128) float32 tensor: each builds a new TensorImpl over the same
// storage and touches no data, so its cost is metadata only. Baselines in the same run:
//   handle_copy  copying a Tensor handle (one refcount increment and decrement)
//   alias        a new TensorImpl with the same geometry: the floor under every view op
// The target is < 300 ns per view op.
#include <gategrad/tensor/factory.hpp>
#include <gategrad/tensor/native.hpp>

#include <benchmark/benchmark.h>

namespace {

namespace native = gg::native;
using gg::Tensor;

Tensor input() { return gg::zeros({64, 128}); }

void handle_copy(benchmark::State& state) {
  const Tensor x = input();
  for (auto _ : state) {
    Tensor copy(x);
    benchmark::DoNotOptimize(copy);
  }
}

void alias(benchmark::State& state) {
  const Tensor x = input();
  for (auto _ : state) {
    Tensor v = native::alias(x);
    benchmark::DoNotOptimize(v);
  }
}

void view(benchmark::State& state) {
  const Tensor x = input();
  for (auto _ : state) {
    Tensor v = native::view(x, {32, -1});
    benchmark::DoNotOptimize(v);
  }
}

void transpose(benchmark::State& state) {
  const Tensor x = input();
  for (auto _ : state) {
    Tensor v = native::transpose(x, 0, 1);
    benchmark::DoNotOptimize(v);
  }
}

void narrow(benchmark::State& state) {
  const Tensor x = input();
  for (auto _ : state) {
    Tensor v = native::narrow(x, 1, 16, 64);
    benchmark::DoNotOptimize(v);
  }
}

void permute(benchmark::State& state) {
  const Tensor x = input();
  for (auto _ : state) {
    Tensor v = native::permute(x, {1, 0});
    benchmark::DoNotOptimize(v);
  }
}

// A new leading dim of 4: (64, 128) -> (4, 64, 128) with stride 0 on dim 0.
void expand(benchmark::State& state) {
  const Tensor x = input();
  for (auto _ : state) {
    Tensor v = native::expand(x, {4, 64, 128});
    benchmark::DoNotOptimize(v);
  }
}

}  // namespace

BENCHMARK(handle_copy)->Name("views/handle_copy");
BENCHMARK(alias)->Name("views/alias");
BENCHMARK(view)->Name("views/view");
BENCHMARK(transpose)->Name("views/transpose");
BENCHMARK(narrow)->Name("views/narrow");
BENCHMARK(permute)->Name("views/permute");
BENCHMARK(expand)->Name("views/expand");
BENCHMARK_MAIN();
