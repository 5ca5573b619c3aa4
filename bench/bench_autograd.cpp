// Autograd overhead on tiny tensors, where bookkeeping is all there is:
//   chain1000/autograd     1,000 adds on a 1-element tensor that requires grad, then backward
//                          through all of them (issue 11's bound: under 1 us per recorded add)
//   chain1000/record_only  the same without backward: recording and teardown alone
//   chain1000/tensor       the same 1,000 adds as gg::native kernels (arithmetic and allocation)
//   twolayer_b1/autograd   forward + backward of the homework's 3072-50-10 net at batch 1
//   twolayer_b1/by_hand    the same step written with kernels and a closed-form backward, as
//                          the homework's numpy code computes it
// Counter time_per_op = wall time / 1,000 (per add: recorded, and run backward where it is).
// The names are the old core's (before commit b3d9006), so bench/compare_builds.py pairs a
// build of each.
#include <gategrad/autograd/autograd.hpp>
#include <gategrad/tensor/native.hpp>

#include <benchmark/benchmark.h>

#include <cmath>

namespace {

namespace native = gg::native;

constexpr int kChain = 1000;

// Seconds per operation of the chain (shown with an SI prefix: 500n is 500 ns).
void report_per_op(benchmark::State& state) {
  state.counters["time_per_op"] = benchmark::Counter(
      kChain, benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

void chain_core_autograd(benchmark::State& state) {
  const gg::Tensor x = gg::ones({1}, gg::requires_grad());
  const gg::Tensor one = gg::ones({1});
  for (auto _ : state) {
    gg::Tensor y = x;
    for (int i = 0; i < kChain; ++i) y = y + one;
    y.backward();
    benchmark::DoNotOptimize(y.data_ptr());
  }
  report_per_op(state);
}

void chain_core_record(benchmark::State& state) {
  const gg::Tensor x = gg::ones({1}, gg::requires_grad());
  const gg::Tensor one = gg::ones({1});
  for (auto _ : state) {
    gg::Tensor y = x;
    for (int i = 0; i < kChain; ++i) y = y + one;
    benchmark::DoNotOptimize(y.data_ptr());
  }
  report_per_op(state);
}

void chain_core_tensor(benchmark::State& state) {
  const gg::Tensor x = gg::ones({1});
  const gg::Tensor one = gg::ones({1});
  for (auto _ : state) {
    gg::Tensor y = x;
    for (int i = 0; i < kChain; ++i) y = native::add(y, one);
    benchmark::DoNotOptimize(y.data_ptr());
  }
  report_per_op(state);
}

void twolayer_b1_core(benchmark::State& state) {
  gg::Generator gen{0};
  const gg::Tensor X = gg::randn({1, 3072}, gen);
  const gg::Tensor y = gg::tensor({3});
  const gg::Tensor W1 = native::mul(gg::randn({3072, 50}, gen), 1e-4).requires_grad_();
  const gg::Tensor b1 = gg::zeros({50}, gg::requires_grad());
  const gg::Tensor W2 = native::mul(gg::randn({50, 10}, gen), 1e-4).requires_grad_();
  const gg::Tensor b2 = gg::zeros({10}, gg::requires_grad());
  for (auto _ : state) {
    const gg::Tensor z3 = gg::mm(gg::relu(gg::mm(X, W1) + b1), W2) + b2;
    const gg::Tensor J = gg::cross_entropy(z3, y) + (gg::sum(W1 * W1) + gg::sum(W2 * W2)) * 0.25;
    J.backward();
    benchmark::DoNotOptimize(W1.grad().data_ptr());
  }
}


// The same step as the homework's numpy code computes it: explicit forward, closed-form backward.
void twolayer_b1_by_hand(benchmark::State& state) {
  gg::Generator gen{0};
  const gg::Tensor X = gg::randn({1, 3072}, gen);
  const gg::Tensor W1 = native::mul(gg::randn({3072, 50}, gen), 1e-4);
  const gg::Tensor b1 = gg::zeros({50});
  const gg::Tensor W2 = native::mul(gg::randn({50, 10}, gen), 1e-4);
  const gg::Tensor b2 = gg::zeros({10});
  const double reg = 0.25;
  for (auto _ : state) {
    const gg::Tensor a2 = native::relu(native::add(native::mm(X, W1), b1));
    const gg::Tensor z3 = native::add(native::mm(a2, W2), b2);
    const gg::Tensor G = native::softmax(z3, 1);
    float* g = G.data_ptr<float>();
    double loss = -std::log(g[3]);
    g[3] -= 1.0f;  // (softmax - onehot) / N with N = 1
    loss += reg * (native::sum(native::square(W1)).item<double>() +
                   native::sum(native::square(W2)).item<double>());
    const gg::Tensor dW2 = native::add(native::mm(native::t(a2), G), native::mul(W2, 2 * reg));
    const gg::Tensor db2 = native::sum(G, {0});
    const gg::Tensor dh = native::mul(native::mm(G, native::t(W2)), native::gt(a2, 0));
    const gg::Tensor dW1 = native::add(native::mm(native::t(X), dh), native::mul(W1, 2 * reg));
    const gg::Tensor db1 = native::sum(dh, {0});
    benchmark::DoNotOptimize(loss);
    benchmark::DoNotOptimize(dW1.data_ptr());
    benchmark::DoNotOptimize(dW2.data_ptr());
    benchmark::DoNotOptimize(db1.data_ptr());
    benchmark::DoNotOptimize(db2.data_ptr());
  }
}

}  // namespace

BENCHMARK(chain_core_autograd)->Name("chain1000/autograd");
BENCHMARK(chain_core_record)->Name("chain1000/record_only");
BENCHMARK(chain_core_tensor)->Name("chain1000/tensor");
BENCHMARK(twolayer_b1_core)->Name("twolayer_b1/autograd");
BENCHMARK(twolayer_b1_by_hand)->Name("twolayer_b1/by_hand");
BENCHMARK_MAIN();
