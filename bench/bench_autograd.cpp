// Autograd overhead on tiny tensors, where bookkeeping is all there is:
//   chain/autograd   1,000 adds on a 1-element Variable, then backward through all of them
//   chain/tensor     the same 1,000 adds on plain Tensors (the arithmetic and allocation alone)
//   twolayer_b1/*    forward + backward of the homework's 3072-50-10 net at batch 1, with
//                    autograd, and written by hand with tensor ops (the homework's numpy way)
//   chain/record_only  the autograd chain without backward: recording and teardown alone
//   */tensor_core    the same on gg::Tensor, the runtime-typed strided core of issue 11, beside
//                    the old core's Variable (issue 11's bound: under 1 us per recorded add)
// Counter time_per_op = wall time / 1,000 (per add: recorded, and run backward where it is).
#include <gategrad/autograd/autograd.hpp>
#include <gategrad/autograd/tensor_ops.hpp>
#include <gategrad/tensor/native.hpp>

#include <benchmark/benchmark.h>

namespace {

using gg::ArrayF;
using gg::Trans;
using gg::Var;

constexpr int kChain = 1000;

// Seconds per operation of the chain (shown with an SI prefix: 500n is 500 ns).
void report_per_op(benchmark::State& state) {
  state.counters["time_per_op"] = benchmark::Counter(
      kChain, benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

void chain_autograd(benchmark::State& state) {
  Var x(ArrayF::from({1}, {1.0f}), true);
  const Var one(ArrayF::from({1}, {1.0f}));
  for (auto _ : state) {
    Var y = x;
    for (int i = 0; i < kChain; ++i) y = y + one;
    y.backward();
    x.zero_grad();
    benchmark::DoNotOptimize(y.item());
  }
  report_per_op(state);
}

// Recording only: the graph is built and dropped, never run backward.
void chain_record(benchmark::State& state) {
  Var x(ArrayF::from({1}, {1.0f}), true);
  const Var one(ArrayF::from({1}, {1.0f}));
  for (auto _ : state) {
    Var y = x;
    for (int i = 0; i < kChain; ++i) y = y + one;
    benchmark::DoNotOptimize(y.item());
  }
  report_per_op(state);
}

void chain_tensor(benchmark::State& state) {
  const ArrayF x = ArrayF::from({1}, {1.0f});
  const ArrayF one = ArrayF::from({1}, {1.0f});
  for (auto _ : state) {
    ArrayF y = x;
    for (int i = 0; i < kChain; ++i) y = y + one;
    benchmark::DoNotOptimize(y.data());
  }
  report_per_op(state);
}

struct TwoLayer {
  gg::Generator gen{0};
  ArrayF X = ArrayF::randn({1, 3072}, gen);
  std::vector<std::int64_t> y = {3};
  Var W1{ArrayF::randn({3072, 50}, gen, 0.0f, 1e-4f), true};
  Var b1{ArrayF::zeros({50}), true};
  Var W2{ArrayF::randn({50, 10}, gen, 0.0f, 1e-4f), true};
  Var b2{ArrayF::zeros({10}), true};
};

void twolayer_b1_autograd(benchmark::State& state) {
  TwoLayer net;
  const Var X(net.X);
  for (auto _ : state) {
    const Var z3 = gg::matmul(gg::relu(gg::matmul(X, net.W1) + net.b1), net.W2) + net.b2;
    const Var J = gg::cross_entropy(z3, net.y) +
                  (gg::l2_penalty(net.W1, 0.25) + gg::l2_penalty(net.W2, 0.25));
    J.backward();
    benchmark::DoNotOptimize(net.W1.grad().data());
    net.W1.zero_grad(); net.b1.zero_grad(); net.W2.zero_grad(); net.b2.zero_grad();
  }
}

// The same step as the homework's numpy code computes it: explicit forward, closed-form backward.
void twolayer_b1_by_hand(benchmark::State& state) {
  TwoLayer net;
  const ArrayF& W1 = net.W1.data();
  const ArrayF& W2 = net.W2.data();
  const float reg = 0.25f;
  for (auto _ : state) {
    const ArrayF a2 = gg::relu(gg::matmul(net.X, W1) + net.b1.data());
    const ArrayF z3 = gg::matmul(a2, W2) + net.b2.data();
    ArrayF G = gg::softmax(z3);
    float loss = -std::log(G.at({0, 3}));
    G.at({0, 3}) -= 1.0f;  // (softmax - onehot) / N with N = 1
    loss += reg * (gg::sum(gg::square(W1)).item() + gg::sum(gg::square(W2)).item());
    ArrayF dW2 = gg::matmul(a2, G, Trans::Yes) + 2 * reg * W2;
    ArrayF db2 = gg::sum(G, 0);
    const ArrayF dh = gg::relu_backward(a2, gg::matmul(G, W2, Trans::No, Trans::Yes));
    ArrayF dW1 = gg::matmul(net.X, dh, Trans::Yes) + 2 * reg * W1;
    ArrayF db1 = gg::sum(dh, 0);
    benchmark::DoNotOptimize(loss);
    benchmark::DoNotOptimize(dW1.data());
    benchmark::DoNotOptimize(dW2.data());
    benchmark::DoNotOptimize(db1.data());
    benchmark::DoNotOptimize(db2.data());
  }
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
    for (int i = 0; i < kChain; ++i) y = gg::native::add(y, one);
    benchmark::DoNotOptimize(y.data_ptr());
  }
  report_per_op(state);
}

void twolayer_b1_core(benchmark::State& state) {
  gg::Generator gen{0};
  const gg::Tensor X = gg::randn({1, 3072}, gen);
  const gg::Tensor y = gg::tensor({3});
  const gg::Tensor W1 = gg::native::mul(gg::randn({3072, 50}, gen), 1e-4).requires_grad_();
  const gg::Tensor b1 = gg::zeros({50}, gg::requires_grad());
  const gg::Tensor W2 = gg::native::mul(gg::randn({50, 10}, gen), 1e-4).requires_grad_();
  const gg::Tensor b2 = gg::zeros({10}, gg::requires_grad());
  for (auto _ : state) {
    const gg::Tensor z3 = gg::mm(gg::relu(gg::mm(X, W1) + b1), W2) + b2;
    const gg::Tensor J = gg::cross_entropy(z3, y) + (gg::sum(W1 * W1) + gg::sum(W2 * W2)) * 0.25;
    J.backward();
    benchmark::DoNotOptimize(W1.grad().data_ptr());
  }
}

}  // namespace

BENCHMARK(chain_core_autograd)->Name("chain1000/autograd/tensor_core");
BENCHMARK(chain_core_record)->Name("chain1000/record_only/tensor_core");
BENCHMARK(chain_core_tensor)->Name("chain1000/tensor/tensor_core");
BENCHMARK(twolayer_b1_core)->Name("twolayer_b1/autograd/tensor_core");
BENCHMARK(chain_autograd)->Name("chain1000/autograd");
BENCHMARK(chain_record)->Name("chain1000/record_only");
BENCHMARK(chain_tensor)->Name("chain1000/tensor");
BENCHMARK(twolayer_b1_autograd)->Name("twolayer_b1/autograd");
BENCHMARK(twolayer_b1_by_hand)->Name("twolayer_b1/by_hand");
BENCHMARK_MAIN();
