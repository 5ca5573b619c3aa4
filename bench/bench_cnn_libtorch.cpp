// LibTorch baseline for bench_cnn: the same nets (f), (g), (h), the same training step and the
// same forward passes, under the same benchmark names (train/f ... forward/h1), so that
// bench/compare_cnn.py can put the two side by side. See bench_cnn.cpp for the nets.
//
// Threads as in every LibTorch baseline here (libtorch_baseline.hpp): TORCH_INTRAOP_THREADS
// sets ATen's pool, OPENBLAS_NUM_THREADS OpenBLAS's. BENCH_CHANNELS_LAST=1 stores the
// convolution weights and the input as channels_last (NHWC in memory), the layout in which
// oneDNN and ATen's pooling run fastest; compare_cnn.py tries both layouts.
#include "libtorch_baseline.hpp"

#include <benchmark/benchmark.h>
#include <torch/torch.h>

#include <array>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

namespace {

namespace nn = torch::nn;

bool channels_last() {
  const char* value = std::getenv("BENCH_CHANNELS_LAST");
  return value != nullptr && std::string(value) == "1";
}

nn::Sequential lenet5() {
  return nn::Sequential(nn::Conv2d(nn::Conv2dOptions(1, 6, 5).padding(2)), nn::ReLU(),
                        nn::MaxPool2d(nn::MaxPool2dOptions(2)), nn::Conv2d(nn::Conv2dOptions(6, 16, 5)),
                        nn::ReLU(), nn::MaxPool2d(nn::MaxPool2dOptions(2)), nn::Flatten(),
                        nn::Linear(400, 120), nn::ReLU(), nn::Linear(120, 84), nn::ReLU(),
                        nn::Linear(84, 10));
}

nn::Sequential mnist_net() {
  return nn::Sequential(nn::Conv2d(nn::Conv2dOptions(1, 10, 5)), nn::MaxPool2d(nn::MaxPool2dOptions(2)),
                        nn::ReLU(), nn::Conv2d(nn::Conv2dOptions(10, 20, 5)), nn::Dropout2d(),
                        nn::MaxPool2d(nn::MaxPool2dOptions(2)), nn::ReLU(), nn::Flatten(),
                        nn::Linear(320, 50), nn::ReLU(), nn::Dropout(0.5), nn::Linear(50, 10),
                        nn::LogSoftmax(1));
}

void add_block(nn::Sequential& net, int64_t in, int64_t out) {
  for (int64_t c : {in, out}) {
    net->push_back(nn::Conv2d(nn::Conv2dOptions(c, out, 3).padding(1).bias(false)));
    net->push_back(nn::BatchNorm2d(out));
    net->push_back(nn::ReLU());
  }
  net->push_back(nn::MaxPool2d(nn::MaxPool2dOptions(2)));
}

nn::Sequential cifar_net() {
  nn::Sequential net;
  add_block(net, 3, 32);
  add_block(net, 32, 64);
  add_block(net, 64, 128);
  net->push_back(nn::Flatten());
  net->push_back(nn::Linear(2048, 256));
  net->push_back(nn::ReLU());
  net->push_back(nn::Linear(256, 10));
  return net;
}

struct Net {
  const char* name;
  nn::Sequential (*make)();
  int64_t channels, size, batch;
  double lr, momentum;
  bool log_probs;
};

const Net kNets[] = {{"f", lenet5, 1, 28, 64, 0.01, 0.9, false},
                     {"g", mnist_net, 1, 28, 64, 0.01, 0.5, true},
                     {"h", cifar_net, 3, 32, 128, 0.05, 0.9, false}};

nn::Sequential make_model(const Net& net) {
  nn::Sequential model = net.make();
  if (channels_last()) {
    torch::NoGradGuard no_grad;
    for (auto& p : model->parameters()) {
      if (p.dim() == 4) p.set_data(p.contiguous(torch::MemoryFormat::ChannelsLast));
    }
  }
  return model;
}

struct Batch {
  torch::Tensor x;
  torch::Tensor labels;
};

Batch make_batch(const Net& net, int64_t batch) {
  torch::Tensor x = torch::randn({batch, net.channels, net.size, net.size});
  if (channels_last()) x = x.contiguous(torch::MemoryFormat::ChannelsLast);
  return {x, torch::randint(0, 10, {batch}, torch::kInt64)};
}

void train_step(benchmark::State& state, const Net& net) {
  torch::manual_seed(0);
  auto model = make_model(net);
  model->train();
  const Batch batch = make_batch(net, net.batch);
  torch::optim::SGD sgd(model->parameters(), torch::optim::SGDOptions(net.lr).momentum(net.momentum));
  for (auto _ : state) {
    const torch::Tensor out = model->forward(batch.x);
    const torch::Tensor loss = net.log_probs ? torch::nll_loss(out, batch.labels)
                                             : torch::nn::functional::cross_entropy(out, batch.labels);
    model->zero_grad(/*set_to_none=*/true);  // see bench_train_libtorch.cpp: its fastest form
    loss.backward();
    sgd.step();
    benchmark::DoNotOptimize(loss.item<float>());
  }
}

void forward(benchmark::State& state, const Net& net, int64_t batch_size) {
  torch::manual_seed(0);
  auto model = make_model(net);
  model->eval();
  const Batch batch = make_batch(net, batch_size);
  torch::NoGradGuard no_grad;
  for (auto _ : state) {
    const torch::Tensor logits = model->forward(batch.x);
    benchmark::DoNotOptimize(logits.data_ptr<float>());
    benchmark::ClobberMemory();
  }
}

// The convolutions of bench_cnn's conv/<pass>/<layer> (the same table): at::convolution
// forward and at::convolution_backward for one of its two gradients (oneDNN runs both here).
struct ConvLayer {
  const char* name;
  int64_t in, out, kernel, padding, size, batch;
  bool first;
  int64_t out_size() const { return size + 2 * padding - kernel + 1; }
};
const ConvLayer kConvLayers[] = {
    {"1", 3, 32, 3, 1, 32, 128, true},   {"2", 32, 32, 3, 1, 32, 128, false}, {"3", 32, 64, 3, 1, 16, 128, false},
    {"4", 64, 64, 3, 1, 16, 128, false}, {"5", 64, 128, 3, 1, 8, 128, false}, {"6", 128, 128, 3, 1, 8, 128, false},
    {"f1", 1, 6, 5, 2, 28, 64, true},    {"f2", 6, 16, 5, 0, 14, 64, false},  {"g1", 1, 10, 5, 0, 28, 64, true},
    {"g2", 10, 20, 5, 0, 12, 64, false}};

enum class Pass { fwd, bwd_data, bwd_weight };

void conv_pass(benchmark::State& state, const ConvLayer& layer, Pass pass) {
  const auto format = channels_last() ? torch::MemoryFormat::ChannelsLast : torch::MemoryFormat::Contiguous;
  const int64_t os = layer.out_size();
  const torch::Tensor x = torch::randn({layer.batch, layer.in, layer.size, layer.size}).contiguous(format);
  const torch::Tensor w = torch::randn({layer.out, layer.in, layer.kernel, layer.kernel}).contiguous(format);
  const torch::Tensor dy = torch::randn({layer.batch, layer.out, os, os}).contiguous(format);
  const std::vector<int64_t> stride{1, 1}, padding{layer.padding, layer.padding}, dilation{1, 1},
      output_padding{0, 0};
  torch::NoGradGuard no_grad;
  for (auto _ : state) {
    torch::Tensor r;
    if (pass == Pass::fwd) {
      r = at::convolution(x, w, {}, stride, padding, dilation, false, output_padding, 1);
    } else {
      const std::array<bool, 3> mask{pass == Pass::bwd_data, pass == Pass::bwd_weight, false};
      auto grads = at::convolution_backward(dy, x, w, c10::nullopt, stride, padding, dilation, false,
                                            output_padding, 1, mask);
      r = pass == Pass::bwd_data ? std::get<0>(grads) : std::get<1>(grads);
    }
    benchmark::DoNotOptimize(r.data_ptr<float>());
  }
  const double flops =
      2.0 * static_cast<double>(layer.batch * layer.out * layer.in * layer.kernel * layer.kernel * os * os);
  state.counters["GFLOPS"] = benchmark::Counter(flops * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
}

}  // namespace

int main(int argc, char** argv) {
  if (!gg_bench::configure_libtorch("bench_cnn_libtorch")) return 2;
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  gg_bench::add_libtorch_context();
  benchmark::AddCustomContext("channels_last", channels_last() ? "1" : "0");
  benchmark::AddCustomContext("mkldnn_enabled", at::hasMKLDNN() ? "1" : "0");
  for (const Net& net : kNets) {
    benchmark::RegisterBenchmark((std::string("train/") + net.name).c_str(), train_step, net)
        ->Unit(benchmark::kMicrosecond);
  }
  for (int64_t batch : {128, 1}) {
    benchmark::RegisterBenchmark(("forward/h" + std::to_string(batch)).c_str(), forward, kNets[2], batch)
        ->Unit(benchmark::kMicrosecond);
  }
  const std::pair<Pass, const char*> passes[] = {{Pass::fwd, "fwd"}, {Pass::bwd_data, "bwd_data"},
                                                 {Pass::bwd_weight, "bwd_weight"}};
  for (const auto& [pass, pass_name] : passes) {
    for (const ConvLayer& layer : kConvLayers) {
      if (pass == Pass::bwd_data && layer.first) continue;
      benchmark::RegisterBenchmark(("conv/" + std::string(pass_name) + "/" + layer.name).c_str(), conv_pass, layer,
                                   pass)
          ->Unit(benchmark::kMicrosecond);
    }
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
