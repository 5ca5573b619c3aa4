// Elementwise add of two 512x512 float32 matrices on the strided gg::Tensor (issue 11), in
// three layouts, beside the old contiguous core's gg::add on gg::ArrayF as the baseline:
//   old_core         gg::add(ArrayF, ArrayF): the contiguous path the new one must not lose to
//   contiguous       native::add(a, b)
//   both_transposed  native::add(a.t(), b.t()): the output is transposed too, one flat run
//   one_transposed   native::add(a.t(), b): one operand against the other's memory order,
//                    walked in tiles by the strided loop
// Issue 11's targets: contiguous / old_core <= 1, both_transposed / contiguous <= 3.
#include <gategrad/tensor/factory.hpp>
#include <gategrad/tensor/native.hpp>

#include <benchmark/benchmark.h>

#include <cstdint>

namespace {

constexpr std::int64_t N = 512;

// Bytes moved per call: `matrices` N x N float32 matrices read or written (3 for an add).
void report_bytes(benchmark::State& state, std::int64_t matrices = 3) {
  const auto bytes = matrices * N * N * static_cast<std::int64_t>(sizeof(float));
  state.SetBytesProcessed(state.iterations() * bytes);
}

gg::Tensor input(std::uint64_t seed) {
  gg::Generator gen(seed);
  return gg::rand({N, N}, gen);
}

// x.t() as a view written with as_strided, the layout a transposed operand has.
gg::Tensor transposed(const gg::Tensor& x) { return gg::native::as_strided(x, {N, N}, {1, N}, 0); }

void contiguous(benchmark::State& state) {
  const gg::Tensor a = input(1), b = input(2);
  for (auto _ : state) benchmark::DoNotOptimize(gg::native::add(a, b));
  report_bytes(state);
}

void both_transposed(benchmark::State& state) {
  const gg::Tensor a = transposed(input(1)), b = transposed(input(2));
  for (auto _ : state) benchmark::DoNotOptimize(gg::native::add(a, b));
  report_bytes(state);
}

void one_transposed(benchmark::State& state) {
  const gg::Tensor a = transposed(input(1)), b = input(2);
  for (auto _ : state) benchmark::DoNotOptimize(gg::native::add(a, b));
  report_bytes(state);
}

// Not a target: the copy that contiguous() makes of a transposed matrix, for scale.
void contiguous_copy_of_transposed(benchmark::State& state) {
  const gg::Tensor a = transposed(input(1));
  for (auto _ : state) benchmark::DoNotOptimize(gg::native::contiguous(a));
  report_bytes(state, 2);
}

BENCHMARK(contiguous)->Name("add/512x512/contiguous");
BENCHMARK(both_transposed)->Name("add/512x512/both_transposed");
BENCHMARK(one_transposed)->Name("add/512x512/one_transposed");
BENCHMARK(contiguous_copy_of_transposed)->Name("copy/512x512/contiguous_of_transposed");

}  // namespace

BENCHMARK_MAIN();
