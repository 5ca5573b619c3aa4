// A whole training step of the CNNs issue 13 compares with LibTorch, and forward-only inference:
//   train/<net>     forward, loss, backward, SGD step with momentum
//   forward/<net>   eval mode, no gradient recording, forward to the logits
// Nets (float32, NCHW):
//   f  LeNet-5 on 1x28x28, batch 64: conv5x5(6, pad 2)-relu-maxpool2, conv5x5(16)-relu-maxpool2,
//      linear 400-120-84-10; cross-entropy; SGD lr 0.01 momentum 0.9
//   g  pytorch/examples' cpp/mnist Net, batch 64: conv5x5(10)-maxpool2-relu,
//      conv5x5(20)-dropout2d-maxpool2-relu, linear 320-50-relu-dropout-10, log_softmax + nll_loss;
//      SGD lr 0.01 momentum 0.5
//   h  CIFAR CNN on 3x32x32, batch 128: [conv3x3(c)-bn-relu-conv3x3(c)-bn-relu-maxpool2] for
//      c = 32, 64, 128, linear 2048-256-relu-10; cross-entropy; SGD lr 0.05 momentum 0.9
//   forward/h128, forward/h1: (i), net h in eval mode at batch 128 and batch 1
//   conv/<pass>/<layer>: one convolution alone on the native kernels (layers 1-6 of (h) at
//      batch 128, f1 f2 of (f) and g1 g2 of (g) at batch 64: kConvLayers below; no bias),
//      pass fwd, bwd_data or bwd_weight; counter GFLOPS
// Threads come from GG_NUM_THREADS (default: every core). bench/compare_cnn.sh runs this beside
// bench_cnn_libtorch (the same nets written against LibTorch, same names) and prints the ratios.
#include <gategrad/autograd/grad_mode.hpp>
#include <gategrad/nn/conv.hpp>
#include <gategrad/nn/layers.hpp>
#include <gategrad/nn/activation.hpp>
#include <gategrad/nn/loss.hpp>
#include <gategrad/nn/normalization.hpp>
#include <gategrad/nn/pooling.hpp>
#include <gategrad/optim/sgd.hpp>
#include <gategrad/tensor/conv.hpp>
#include <gategrad/tensor/factory.hpp>
#include <gategrad/tensor/parallel.hpp>
#include <gategrad/tensor/random.hpp>

#include <benchmark/benchmark.h>

#include <cstdint>
#include <memory>
#include <iterator>
#include <string>
#include <utility>

namespace {

namespace nn = gg::nn;
using Layers = std::initializer_list<std::shared_ptr<nn::Module>>;

std::shared_ptr<nn::Sequential> lenet5() {
  return std::make_shared<nn::Sequential>(Layers{
      std::make_shared<nn::Conv2d>(nn::Conv2dOptions(1, 6, 5).padding(2)), std::make_shared<nn::ReLU>(),
      std::make_shared<nn::MaxPool2d>(nn::MaxPool2dOptions(2)),
      std::make_shared<nn::Conv2d>(nn::Conv2dOptions(6, 16, 5)), std::make_shared<nn::ReLU>(),
      std::make_shared<nn::MaxPool2d>(nn::MaxPool2dOptions(2)), std::make_shared<nn::Flatten>(),
      std::make_shared<nn::Linear>(400, 120), std::make_shared<nn::ReLU>(),
      std::make_shared<nn::Linear>(120, 84), std::make_shared<nn::ReLU>(),
      std::make_shared<nn::Linear>(84, 10)});
}

std::shared_ptr<nn::Sequential> mnist_net() {
  return std::make_shared<nn::Sequential>(Layers{
      std::make_shared<nn::Conv2d>(nn::Conv2dOptions(1, 10, 5)),
      std::make_shared<nn::MaxPool2d>(nn::MaxPool2dOptions(2)), std::make_shared<nn::ReLU>(),
      std::make_shared<nn::Conv2d>(nn::Conv2dOptions(10, 20, 5)), std::make_shared<nn::Dropout2d>(),
      std::make_shared<nn::MaxPool2d>(nn::MaxPool2dOptions(2)), std::make_shared<nn::ReLU>(),
      std::make_shared<nn::Flatten>(), std::make_shared<nn::Linear>(320, 50),
      std::make_shared<nn::ReLU>(), std::make_shared<nn::Dropout>(0.5),
      std::make_shared<nn::Linear>(50, 10), std::make_shared<nn::LogSoftmax>(1)});
}

void add_block(nn::Sequential& net, std::int64_t in, std::int64_t out) {
  for (std::int64_t c : {in, out}) {
    net.push_back(std::make_shared<nn::Conv2d>(nn::Conv2dOptions(c, out, 3).padding(1).bias(false)));
    net.push_back(std::make_shared<nn::BatchNorm2d>(out));
    net.push_back(std::make_shared<nn::ReLU>());
  }
  net.push_back(std::make_shared<nn::MaxPool2d>(nn::MaxPool2dOptions(2)));
}

std::shared_ptr<nn::Sequential> cifar_net() {
  auto net = std::make_shared<nn::Sequential>();
  add_block(*net, 3, 32);
  add_block(*net, 32, 64);
  add_block(*net, 64, 128);
  net->push_back(std::make_shared<nn::Flatten>());
  net->push_back(std::make_shared<nn::Linear>(2048, 256));
  net->push_back(std::make_shared<nn::ReLU>());
  net->push_back(std::make_shared<nn::Linear>(256, 10));
  return net;
}

struct Net {
  const char* name;
  std::shared_ptr<nn::Sequential> (*make)();
  std::int64_t channels, size, batch;
  double lr, momentum;
  bool log_probs;  // the net ends in log_softmax: the loss is nll_loss, else cross_entropy
};

const Net kNets[] = {{"f", lenet5, 1, 28, 64, 0.01, 0.9, false},
                     {"g", mnist_net, 1, 28, 64, 0.01, 0.5, true},
                     {"h", cifar_net, 3, 32, 128, 0.05, 0.9, false}};

struct Data {
  gg::Tensor x;  // (batch, channels, size, size) float32
  gg::Tensor y;  // (batch) int64
};

Data make_data(const Net& net, std::int64_t batch) {
  gg::Generator gen(7);
  Data data{gg::randn({batch, net.channels, net.size, net.size}, gen), gg::empty({batch}, gg::kInt64)};
  for (std::int64_t i = 0; i < batch; ++i)
    data.y.data_ptr<std::int64_t>()[i] = static_cast<std::int64_t>(gen.next_u64() % 10);
  return data;
}

void train_step(benchmark::State& state, const Net& net) {
  gg::manual_seed(0);
  auto model = net.make();
  gg::optim::SGD optimizer(model->parameters(), gg::optim::SGDOptions(net.lr).momentum(net.momentum));
  const Data data = make_data(net, net.batch);
  for (auto _ : state) {
    optimizer.zero_grad();
    const gg::Tensor out = (*model)(data.x);
    const gg::Tensor loss = net.log_probs ? gg::nll_loss(out, data.y) : gg::nn::cross_entropy(out, data.y);
    loss.backward();
    optimizer.step();
    benchmark::DoNotOptimize(loss.item<float>());
  }
}

void forward(benchmark::State& state, const Net& net, std::int64_t batch) {
  gg::manual_seed(0);
  auto model = net.make();
  model->eval();
  const Data data = make_data(net, batch);
  gg::NoGradGuard no_grad;
  for (auto _ : state) {
    const gg::Tensor logits = (*model)(data.x);
    benchmark::DoNotOptimize(logits.data_ptr());
  }
}

// One convolution as bench_cnn runs it alone: (h)'s six layers at batch 128 (names 1-6: 3->32
// and 32->32 at 32x32, 32->64 and 64->64 at 16x16, 64->128 and 128->128 at 8x8, 3x3, padding
// 1) and the two of (f) and of (g) at batch 64 (f1, f2, g1, g2: 5x5). Sizes are the input's.
struct ConvLayer {
  const char* name;
  std::int64_t in, out, kernel, padding, size, batch;
  bool first;  // the net's first layer: its data needs no gradient, so no bwd_data row
  std::int64_t out_size() const { return size + 2 * padding - kernel + 1; }
};
const ConvLayer kConvLayers[] = {
    {"1", 3, 32, 3, 1, 32, 128, true},   {"2", 32, 32, 3, 1, 32, 128, false}, {"3", 32, 64, 3, 1, 16, 128, false},
    {"4", 64, 64, 3, 1, 16, 128, false}, {"5", 64, 128, 3, 1, 8, 128, false}, {"6", 128, 128, 3, 1, 8, 128, false},
    {"f1", 1, 6, 5, 2, 28, 64, true},    {"f2", 6, 16, 5, 0, 14, 64, false},  {"g1", 1, 10, 5, 0, 28, 64, true},
    {"g2", 10, 20, 5, 0, 12, 64, false}};

enum class Pass { fwd, bwd_data, bwd_weight };

void conv_pass(benchmark::State& state, const ConvLayer& layer, Pass pass) {
  gg::Generator gen(3);
  const std::int64_t os = layer.out_size();
  const gg::Tensor x = gg::randn({layer.batch, layer.in, layer.size, layer.size}, gen);
  const gg::Tensor w = gg::randn({layer.out, layer.in, layer.kernel, layer.kernel}, gen);
  const gg::Tensor dy = gg::randn({layer.batch, layer.out, os, os}, gen);
  gg::native::Conv2dParams params;
  params.padding = {layer.padding, layer.padding};
  for (auto _ : state) {
    gg::Tensor r;
    switch (pass) {
      case Pass::fwd: r = gg::native::conv2d(x, w, params); break;
      case Pass::bwd_data: r = gg::native::conv2d_backward_input(dy, w, x.sizes(), params); break;
      case Pass::bwd_weight: r = gg::native::conv2d_backward_weight(x, dy, w.sizes(), params); break;
    }
    benchmark::DoNotOptimize(r.data_ptr());
  }
  const double flops =
      2.0 * static_cast<double>(layer.batch * layer.out * layer.in * layer.kernel * layer.kernel * os * os);
  state.counters["GFLOPS"] = benchmark::Counter(flops * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::AddCustomContext("gategrad_threads", std::to_string(gg::num_threads()));
  for (const Net& net : kNets) {
    benchmark::RegisterBenchmark((std::string("train/") + net.name).c_str(),
                                 [&net](benchmark::State& s) { train_step(s, net); })
        ->Unit(benchmark::kMicrosecond)
        ->UseRealTime();
  }
  for (std::int64_t batch : {128, 1}) {
    benchmark::RegisterBenchmark(("forward/h" + std::to_string(batch)).c_str(),
                                 [batch](benchmark::State& s) { forward(s, kNets[2], batch); })
        ->Unit(benchmark::kMicrosecond)
        ->UseRealTime();
  }
  const std::pair<Pass, const char*> passes[] = {{Pass::fwd, "fwd"}, {Pass::bwd_data, "bwd_data"},
                                                 {Pass::bwd_weight, "bwd_weight"}};
  for (const auto& [pass, pass_name] : passes) {
    for (const ConvLayer& layer : kConvLayers) {
      if (pass == Pass::bwd_data && layer.first) continue;  // the data needs no gradient
      const Pass p = pass;
      benchmark::RegisterBenchmark(("conv/" + std::string(pass_name) + "/" + layer.name).c_str(),
                                   [&layer, p](benchmark::State& s) { conv_pass(s, layer, p); })
          ->Unit(benchmark::kMicrosecond)
          ->UseRealTime();
    }
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
}
