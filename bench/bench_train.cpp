// A whole training step of the nets issue 6 compares with LibTorch, and forward-only inference:
//   train/<net>    forward, softmax cross-entropy, backward, SGD step (lr 1e-3)
//   forward/<net>  eval mode, no gradient recording, forward to the logits
// Nets (hidden layers Linear + ReLU, 10 classes):
//   a 3072-50-10 B=200   b 784-100-10 B=200   c 3072-512-512-512-10 B=200
//   d 784-256-128-100-10 B=128   e 3072-50-10 B=1
// Threads come from GG_NUM_THREADS (default: every core). bench/compare_train.sh runs this
// beside bench_train_libtorch (the same steps written against LibTorch) and prints the ratios.
#include <gategrad/autograd/grad_mode.hpp>
#include <gategrad/nn/layers.hpp>
#include <gategrad/nn/loss.hpp>
#include <gategrad/optim/sgd.hpp>
#include <gategrad/tensor/parallel.hpp>
#include <gategrad/tensor/factory.hpp>
#include <gategrad/tensor/random.hpp>

#include <benchmark/benchmark.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace {

struct Net {
  const char* name;
  std::vector<std::int64_t> widths;
  std::int64_t batch;
};

const std::vector<Net>& nets() {
  static const std::vector<Net> all = {{"a", {3072, 50, 10}, 200},
                                       {"b", {784, 100, 10}, 200},
                                       {"c", {3072, 512, 512, 512, 10}, 200},
                                       {"d", {784, 256, 128, 100, 10}, 128},
                                       {"e", {3072, 50, 10}, 1}};
  return all;
}

std::shared_ptr<gg::nn::Sequential> make_model(const Net& net) {
  auto model = std::make_shared<gg::nn::Sequential>();
  for (std::size_t i = 0; i + 1 < net.widths.size(); ++i) {
    model->push_back(
        std::make_shared<gg::nn::Linear>(gg::nn::LinearOptions(net.widths[i], net.widths[i + 1])));
    if (i + 2 < net.widths.size()) model->push_back(std::make_shared<gg::nn::ReLU>());
  }
  return model;
}

struct Data {
  gg::Tensor x;  // (batch, widths[0]) float32
  gg::Tensor y;  // (batch) int64
};

Data make_data(const Net& net) {
  gg::Generator gen(7);
  Data data{gg::randn({net.batch, net.widths.front()}, gen), gg::empty({net.batch}, gg::kInt64)};
  for (std::int64_t i = 0; i < net.batch; ++i)
    data.y.data_ptr<std::int64_t>()[i] = static_cast<std::int64_t>(gen.next_u64() % 10);
  return data;
}

void train_step(benchmark::State& state, const Net& net) {
  gg::manual_seed(0);
  auto model = make_model(net);
  gg::optim::SGD optimizer(model->parameters(), gg::optim::SGDOptions(1e-3));
  const Data data = make_data(net);
  for (auto _ : state) {
    optimizer.zero_grad();
    const gg::Tensor loss = gg::nn::cross_entropy((*model)(data.x), data.y);
    loss.backward();
    optimizer.step();
    benchmark::DoNotOptimize(loss.item<float>());
  }
}

void forward(benchmark::State& state, const Net& net) {
  gg::manual_seed(0);
  auto model = make_model(net);
  model->eval();
  const Data data = make_data(net);
  gg::NoGradGuard no_grad;
  for (auto _ : state) {
    const gg::Tensor logits = (*model)(data.x);
    benchmark::DoNotOptimize(logits.data_ptr());
  }
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::AddCustomContext("gategrad_threads", std::to_string(gg::num_threads()));
  for (const Net& net : nets()) {
    benchmark::RegisterBenchmark((std::string("train/") + net.name).c_str(),
                                 [&net](benchmark::State& s) { train_step(s, net); })
        ->Unit(benchmark::kMicrosecond)
        ->UseRealTime();
  }
  for (const Net& net : nets()) {
    benchmark::RegisterBenchmark((std::string("forward/") + net.name).c_str(),
                                 [&net](benchmark::State& s) { forward(s, net); })
        ->Unit(benchmark::kMicrosecond)
        ->UseRealTime();
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
}
