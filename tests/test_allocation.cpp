// Steady-state zero allocation: after the first step, a training step of a fixed-shape model
// makes no heap allocation (tensor storage and graph nodes come back from the caching
// allocator). alloc_counter.cpp replaces operator new (and malloc outside ASan builds).
#include "alloc_counter.hpp"

#include <gategrad/autograd/grad_mode.hpp>
#include <gategrad/nn/conv.hpp>
#include <gategrad/nn/layers.hpp>
#include <gategrad/nn/normalization.hpp>
#include <gategrad/nn/pooling.hpp>
#include <gategrad/nn/loss.hpp>
#include <gategrad/optim/adam.hpp>
#include <gategrad/optim/sgd.hpp>
#include <gategrad/tensor/allocator.hpp>
#include <gategrad/tensor/factory.hpp>
#include <gategrad/tensor/parallel.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace {

namespace nn = gg::nn;

std::shared_ptr<nn::Sequential> mlp(const std::vector<std::int64_t>& widths, double dropout) {
  auto model = std::make_shared<nn::Sequential>();
  for (std::size_t i = 0; i + 1 < widths.size(); ++i) {
    model->push_back(std::make_shared<nn::Linear>(nn::LinearOptions(widths[i], widths[i + 1])));
    if (i + 2 < widths.size()) {
      model->push_back(std::make_shared<nn::ReLU>());
      if (dropout > 0) model->push_back(std::make_shared<nn::Dropout>(dropout));
    }
  }
  return model;
}

struct Case {
  std::vector<std::int64_t> widths;
  std::int64_t batch;
  int threads;
  bool adam;
  double dropout;
  gg::Dtype dtype;  // the model's, after Module::to
};

std::string describe(const Case& c) {
  std::string s;
  for (std::int64_t w : c.widths) s += (s.empty() ? "" : "-") + std::to_string(w);
  return s + " batch " + std::to_string(c.batch) + ", " + std::to_string(c.threads) +
         " thread(s), " + (c.adam ? "Adam" : "SGD with momentum") +
         (c.dropout > 0 ? ", dropout" : "") + (c.dtype == gg::kFloat32 ? "" : ", " + gg::to_string(c.dtype));
}

// Allocations counted over steps 2-10 of a training step (forward, loss, backward, update).
std::size_t allocations_in_steps_2_to_10(const Case& c) {
  gg::release_cached_memory();  // a cold cache: as in a fresh process
  const int default_threads = gg::num_threads();
  gg::set_num_threads(c.threads);
  gg::manual_seed(1);
  auto model = mlp(c.widths, c.dropout);
  model->to(c.dtype);
  std::unique_ptr<gg::optim::Optimizer> optimizer;
  if (c.adam) {
    optimizer = std::make_unique<gg::optim::Adam>(model->parameters(), gg::optim::AdamOptions(1e-3));
  } else {
    optimizer = std::make_unique<gg::optim::SGD>(model->parameters(),
                                                 gg::optim::SGDOptions(1e-2).momentum(0.9));
  }
  gg::Generator gen(3);
  const gg::Tensor x = gg::randn({c.batch, c.widths.front()}, gen, c.dtype);
  const gg::Tensor labels = gg::empty({c.batch}, gg::kInt64);
  for (std::int64_t i = 0; i < c.batch; ++i) labels.data_ptr<std::int64_t>()[i] = i % c.widths.back();

  double first_loss = 0, last_loss = 0;
  std::size_t counted = 0;
  for (int step = 1; step <= 10; ++step) {
    if (step == 2) gg::test::start_counting_allocations();
    optimizer->zero_grad();
    const gg::Tensor loss = nn::cross_entropy((*model)(x), labels);
    loss.backward();
    optimizer->step();
    (step == 1 ? first_loss : last_loss) = loss.item<double>();
  }
  counted = gg::test::stop_counting_allocations();
  gg::set_num_threads(default_threads);
  // The steps really trained: the loss on this fixed batch went down.
  CHECK(last_loss < first_loss);
  return counted;
}

}  // namespace

TEST_CASE("the allocation counter sees operator new and, outside ASan, malloc") {
  gg::test::start_counting_allocations();
  // volatile: clang elides a new/delete pair whose pointer does not escape (C++14 allows it).
  int* volatile p = new int(1);
  std::vector<float> v(1000);
  float* volatile data = v.data();
  const std::size_t with_new = gg::test::stop_counting_allocations();
  delete p;
  CHECK(data != nullptr);
  CHECK(with_new == 2);

  gg::test::start_counting_allocations();
  void* volatile m = std::malloc(64);  // volatile: the call may not be optimised away
  const std::size_t with_malloc = gg::test::stop_counting_allocations();
  std::free(m);
  CHECK(with_malloc == (gg::test::counts_malloc() ? 1u : 0u));
}

TEST_CASE("a training step allocates nothing after the first") {
  const std::vector<Case> cases = {
      {{3072, 50, 10}, 1, 1, false, 0.0, gg::kFloat32},         // batch 1: the few-rows GEMM path
      {{784, 100, 10}, 200, 1, false, 0.0, gg::kFloat32},       // packed GEMM
      {{784, 100, 10}, 200, 2, false, 0.0, gg::kFloat32},       // packed GEMM on two threads
      {{784, 64, 32, 10}, 64, 2, true, 0.5, gg::kFloat32},      // Adam, dropout, three layers
      {{3072, 50, 10}, 1, 2, true, 0.0, gg::kFloat32},          // batch 1 on two threads
      {{784, 64, 32, 10}, 64, 2, true, 0.5, gg::kFloat64},      // the same nets in float64
      {{784, 100, 10}, 200, 1, false, 0.0, gg::kFloat64},
      // The rest of bench/bench_train.cpp's nets: (b) and (e) are the second and first above.
      {{3072, 50, 10}, 200, 1, false, 0.0, gg::kFloat32},             // (a)
      {{3072, 512, 512, 512, 10}, 200, 2, false, 0.0, gg::kFloat32},  // (c)
      {{784, 256, 128, 100, 10}, 128, 2, false, 0.0, gg::kFloat32},   // (d)
  };
  for (const Case& c : cases) {
    INFO(describe(c));
    CHECK(allocations_in_steps_2_to_10(c) == 0);
  }
}

TEST_CASE("inference allocates nothing after the first batch") {
  gg::release_cached_memory();
  gg::manual_seed(2);
  auto model = mlp({784, 100, 10}, 0.0);
  model->eval();
  gg::Generator gen(4);
  const gg::Tensor x = gg::randn({200, 784}, gen);
  gg::NoGradGuard no_grad;
  float checksum = 0;
  for (int i = 1; i <= 5; ++i) {
    if (i == 2) gg::test::start_counting_allocations();
    checksum += (*model)(x).data_ptr<float>()[0];
  }
  CHECK(gg::test::stop_counting_allocations() == 0);
  CHECK(checksum == checksum);  // finite: the forward really ran
}

namespace {

using Layers = std::initializer_list<std::shared_ptr<nn::Module>>;

// bench/bench_cnn.cpp's (f): LeNet-5 on 1x28x28.
std::shared_ptr<nn::Sequential> lenet5() {
  return std::make_shared<nn::Sequential>(Layers{
      std::make_shared<nn::Conv2d>(nn::Conv2dOptions(1, 6, 5).padding(2)), std::make_shared<nn::ReLU>(),
      std::make_shared<nn::MaxPool2d>(nn::MaxPool2dOptions(2)), std::make_shared<nn::Conv2d>(nn::Conv2dOptions(6, 16, 5)),
      std::make_shared<nn::ReLU>(), std::make_shared<nn::MaxPool2d>(nn::MaxPool2dOptions(2)),
      std::make_shared<nn::Flatten>(), std::make_shared<nn::Linear>(400, 120), std::make_shared<nn::ReLU>(),
      std::make_shared<nn::Linear>(120, 84), std::make_shared<nn::ReLU>(), std::make_shared<nn::Linear>(84, 10)});
}

// bench/bench_cnn.cpp's (h): three conv-bn-relu-conv-bn-relu-maxpool blocks on 3x32x32.
std::shared_ptr<nn::Sequential> cifar_net() {
  auto net = std::make_shared<nn::Sequential>();
  for (const auto& [in, out] : {std::pair<std::int64_t, std::int64_t>{3, 32}, {32, 64}, {64, 128}}) {
    for (std::int64_t c : {in, out}) {
      net->push_back(std::make_shared<nn::Conv2d>(nn::Conv2dOptions(c, out, 3).padding(1).bias(false)));
      net->push_back(std::make_shared<nn::BatchNorm2d>(out));
      net->push_back(std::make_shared<nn::ReLU>());
    }
    net->push_back(std::make_shared<nn::MaxPool2d>(nn::MaxPool2dOptions(2)));
  }
  net->push_back(std::make_shared<nn::Flatten>());
  net->push_back(std::make_shared<nn::Linear>(2048, 256));
  net->push_back(std::make_shared<nn::ReLU>());
  net->push_back(std::make_shared<nn::Linear>(256, 10));
  return net;
}

// Allocations over steps 2-5 of SGD with momentum on a fixed batch of `input` sizes.
std::size_t cnn_allocations(const std::shared_ptr<nn::Sequential>& model, std::vector<std::int64_t> input,
                            int threads) {
  gg::release_cached_memory();
  const int default_threads = gg::num_threads();
  gg::set_num_threads(threads);
  gg::optim::SGD optimizer(model->parameters(), gg::optim::SGDOptions(1e-2).momentum(0.9));
  gg::Generator gen(5);
  const gg::Tensor x = gg::randn(input, gen);
  const gg::Tensor labels = gg::empty({input[0]}, gg::kInt64);
  for (std::int64_t i = 0; i < input[0]; ++i) labels.data_ptr<std::int64_t>()[i] = i % 10;
  double first_loss = 0, last_loss = 0;
  for (int step = 1; step <= 5; ++step) {
    if (step == 2) gg::test::start_counting_allocations();
    optimizer.zero_grad();
    const gg::Tensor loss = nn::cross_entropy((*model)(x), labels);
    loss.backward();
    optimizer.step();
    (step == 1 ? first_loss : last_loss) = loss.item<double>();
  }
  const std::size_t counted = gg::test::stop_counting_allocations();
  gg::set_num_threads(default_threads);
  CHECK(last_loss < first_loss);
  return counted;
}

}  // namespace

TEST_CASE("a CNN training step allocates nothing after the first: (f) and (h)") {
  for (int threads : {1, 2}) {
    INFO(threads << " thread(s)");
    gg::manual_seed(3);
    CHECK(cnn_allocations(lenet5(), {64, 1, 28, 28}, threads) == 0);
    // (h) at batch 8, not 128: the same kernels and graph, a sanitizer run's time.
    gg::manual_seed(4);
    CHECK(cnn_allocations(cifar_net(), {8, 3, 32, 32}, threads) == 0);
  }
}
