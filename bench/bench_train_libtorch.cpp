// LibTorch baseline for bench_train: the same nets (a) to (e), the same training step and the
// same forward pass, under the same benchmark names (train/a ... forward/e), so that
// bench/compare_train.py can put the two side by side.
//
// One training step: forward, softmax cross-entropy (mean over the batch), zero_grad, backward,
// SGD with lr 1e-3 and no momentum. One forward: eval mode, no autograd, logits only.
//
// Threads: TORCH_INTRAOP_THREADS (default 1) sets ATen's intra-op pool; the inter-op pool is
// pinned to 1 (nothing here runs ops concurrently). OpenBLAS, which does LibTorch's sgemm here,
// sizes its own pool from OPENBLAS_NUM_THREADS. The settings a run had are written into the
// benchmark context, so its JSON records them.
#include <ATen/Parallel.h>
#include "libtorch_baseline.hpp"

#include <benchmark/benchmark.h>
#include <dlfcn.h>
#include <torch/torch.h>

#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

constexpr int64_t kClasses = 10;
constexpr double kLearningRate = 1e-3;

// widths: input, hidden..., classes. Hidden layers are Linear+ReLU, the last is Linear.
struct Net {
  std::string name;
  std::vector<int64_t> widths;
  int64_t batch;
};

const std::vector<Net>& nets() {
  static const std::vector<Net> all = {
      {"a", {3072, 50, kClasses}, 200},
      {"b", {784, 100, kClasses}, 200},
      {"c", {3072, 512, 512, 512, kClasses}, 200},
      {"d", {784, 256, 128, 100, kClasses}, 128},
      {"e", {3072, 50, kClasses}, 1},
  };
  return all;
}

// Default LibTorch initialization (Linear's kaiming-uniform weights and uniform bias).
torch::nn::Sequential make_model(const Net& net) {
  torch::nn::Sequential model;
  for (size_t i = 0; i + 1 < net.widths.size(); ++i) {
    model->push_back(torch::nn::Linear(net.widths[i], net.widths[i + 1]));
    if (i + 2 < net.widths.size()) model->push_back(torch::nn::ReLU());
  }
  return model;
}

// x:(B,in) float32 normal; labels:(B) int64 in [0, 10). Made once, outside the timed loop.
struct Batch {
  torch::Tensor x;
  torch::Tensor labels;
};

Batch make_batch(const Net& net) {
  return {torch::randn({net.batch, net.widths.front()}),
          torch::randint(0, kClasses, {net.batch}, torch::kInt64)};
}

void train_step(benchmark::State& state, const Net& net) {
  torch::manual_seed(0);
  auto model = make_model(net);
  model->train();
  const Batch batch = make_batch(net);
  torch::optim::SGD sgd(model->parameters(), torch::optim::SGDOptions(kLearningRate));
  for (auto _ : state) {
    const torch::Tensor logits = model->forward(batch.x);
    const torch::Tensor loss = torch::nn::functional::cross_entropy(logits, batch.labels);
    // LibTorch 1.13's Optimizer::zero_grad() has no set_to_none; Module's has. Dropping the
    // gradients lets backward hand its freshly computed gradient straight to .grad instead of
    // zero-filling the old buffers and adding into them: measured 122 against 165 us on (e)
    // and 16.6 against 18.2 ms on (c), 1 thread.
    model->zero_grad(/*set_to_none=*/true);
    loss.backward();
    sgd.step();
    benchmark::DoNotOptimize(loss.item<float>());  // also waits for the step to finish
  }
}

void forward(benchmark::State& state, const Net& net) {
  torch::manual_seed(0);
  auto model = make_model(net);
  model->eval();
  const Batch batch = make_batch(net);
  torch::NoGradGuard no_grad;
  for (auto _ : state) {
    const torch::Tensor logits = model->forward(batch.x);
    benchmark::DoNotOptimize(logits.data_ptr<float>());
    benchmark::ClobberMemory();
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (!gg_bench::configure_libtorch("bench_train_libtorch")) return 2;

  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;

  gg_bench::add_libtorch_context();
  benchmark::AddCustomContext("zero_grad", "Module::zero_grad(set_to_none=true)");

  for (const Net& net : nets()) {
    benchmark::RegisterBenchmark(("train/" + net.name).c_str(), train_step, net)
        ->Unit(benchmark::kMicrosecond);
  }
  for (const Net& net : nets()) {
    benchmark::RegisterBenchmark(("forward/" + net.name).c_str(), forward, net)
        ->Unit(benchmark::kMicrosecond);
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
