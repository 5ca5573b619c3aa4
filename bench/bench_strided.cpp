// Elementwise add on the strided gg::Tensor (issue 11), float32 unless named, in layouts that
// take different paths through the strided loop (tensor/detail/strided_loop.hpp):
//   contiguous       native::add(a, b) on 512x512: one flat run, the baseline of every ratio
//   both_transposed  native::add(a.t(), b.t()): the output is transposed too, one flat run
//   one_transposed   native::add(a.t(), b): one operand against the other's memory order,
//                    packed tile by tile (an in-register transpose) before the contiguous kernel
//   one_transposed_f64   the same in float64 (half as many elements per vector and per line)
//   batched_transposed   (4,256,256): x.transpose(1, 2) + y, a plane of tiles per batch
//   reversed_3d          (64,64,64): x.permute({2, 1, 0}) + y, not packed (no dimension of x
//                        next to the output's inner one is contiguous): for scale
//   copy_of_transposed   contiguous(a.t()): the copy that packs alone, for scale
//   clone                clone(a) of a contiguous 512x512: one memcpy, the baseline of cat's
//   cat_dim0, cat_dim1   native::cat of 4 contiguous 256x512 along dim 0 (one memcpy per
//                        input) and dim 1 (one per row of each input); the same 1 MiB
//                        read and written as clone's, in 4 and 1024 blocks
// Every case moves the same 3 MiB (2 MiB for the copy, 6 MiB in float64). Issue 11's target:
// one_transposed / contiguous <= 3; both_transposed / contiguous stays near 1.
#include <gategrad/tensor/factory.hpp>
#include <gategrad/tensor/native.hpp>

#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

namespace {

constexpr std::int64_t N = 512;

// Bytes moved per call: `tensors` tensors of N * N elements of `element` bytes read or
// written (3 for an add).
void report_bytes(benchmark::State& state, std::int64_t tensors = 3, std::int64_t element = 4) {
  state.SetBytesProcessed(state.iterations() * tensors * N * N * element);
}

gg::Tensor input(std::uint64_t seed, gg::IntArrayRef sizes, gg::Dtype dtype = gg::kFloat32) {
  gg::Generator gen(seed);
  return gg::rand(sizes, gen, gg::dtype(dtype));
}

void contiguous(benchmark::State& state) {
  const gg::Tensor a = input(1, {N, N}), b = input(2, {N, N});
  for (auto _ : state) benchmark::DoNotOptimize(gg::native::add(a, b));
  report_bytes(state);
}

void both_transposed(benchmark::State& state) {
  const gg::Tensor a = gg::native::transpose(input(1, {N, N}), 0, 1);
  const gg::Tensor b = gg::native::transpose(input(2, {N, N}), 0, 1);
  for (auto _ : state) benchmark::DoNotOptimize(gg::native::add(a, b));
  report_bytes(state);
}

void one_transposed(benchmark::State& state) {
  const gg::Tensor a = gg::native::transpose(input(1, {N, N}), 0, 1);
  const gg::Tensor b = input(2, {N, N});
  for (auto _ : state) benchmark::DoNotOptimize(gg::native::add(a, b));
  report_bytes(state);
}

void one_transposed_f64(benchmark::State& state) {
  const gg::Tensor a = gg::native::transpose(input(1, {N, N}, gg::kFloat64), 0, 1);
  const gg::Tensor b = input(2, {N, N}, gg::kFloat64);
  for (auto _ : state) benchmark::DoNotOptimize(gg::native::add(a, b));
  report_bytes(state, 3, 8);
}

void batched_transposed(benchmark::State& state) {
  const gg::Tensor a = gg::native::transpose(input(1, {4, 256, 256}), 1, 2);
  const gg::Tensor b = input(2, {4, 256, 256});
  for (auto _ : state) benchmark::DoNotOptimize(gg::native::add(a, b));
  report_bytes(state);
}

void reversed_3d(benchmark::State& state) {
  const gg::Tensor a = gg::native::permute(input(1, {64, 64, 64}), {2, 1, 0});
  const gg::Tensor b = input(2, {64, 64, 64});
  for (auto _ : state) benchmark::DoNotOptimize(gg::native::add(a, b));
  report_bytes(state);
}

void copy_of_transposed(benchmark::State& state) {
  const gg::Tensor a = gg::native::transpose(input(1, {N, N}), 0, 1);
  for (auto _ : state) benchmark::DoNotOptimize(gg::native::contiguous(a));
  report_bytes(state, 2);
}

void clone(benchmark::State& state) {
  const gg::Tensor a = input(1, {N, N});
  for (auto _ : state) benchmark::DoNotOptimize(gg::native::clone(a));
  report_bytes(state, 2);
}

void cat_along(benchmark::State& state, std::int64_t dim) {
  const std::vector<gg::Tensor> parts = {input(1, {256, 512}), input(2, {256, 512}), input(3, {256, 512}),
                                         input(4, {256, 512})};
  for (auto _ : state) benchmark::DoNotOptimize(gg::native::cat(parts, dim));
  report_bytes(state, 2);
}
void cat_dim0(benchmark::State& state) { cat_along(state, 0); }
void cat_dim1(benchmark::State& state) { cat_along(state, 1); }

BENCHMARK(contiguous)->Name("add/512x512/contiguous");
BENCHMARK(both_transposed)->Name("add/512x512/both_transposed");
BENCHMARK(one_transposed)->Name("add/512x512/one_transposed");
BENCHMARK(one_transposed_f64)->Name("add/512x512/one_transposed_f64");
BENCHMARK(batched_transposed)->Name("add/4x256x256/batched_transposed");
BENCHMARK(reversed_3d)->Name("add/64x64x64/reversed_3d");
BENCHMARK(copy_of_transposed)->Name("copy/512x512/copy_of_transposed");
BENCHMARK(clone)->Name("copy/512x512/clone");
BENCHMARK(cat_dim0)->Name("cat/4x256x512/dim0");
BENCHMARK(cat_dim1)->Name("cat/4x256x512/dim1");

}  // namespace

BENCHMARK_MAIN();
