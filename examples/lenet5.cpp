// LeNet-5 (LeCun et al., 1998) on Fashion-MNIST (Debian's dataset-fashion-mnist), in the form
// PyTorch users write it: conv 5x5 to 6 channels (padding 2, so 28x28 stays 28x28), ReLU,
// max-pool 2x2, conv 5x5 to 16 channels, ReLU, max-pool 2x2, then Linear(400, 120), ReLU,
// Linear(120, 84), ReLU, Linear(84, 10); cross-entropy, Adam at 1e-3, batches of 64 drawn at
// random, images normalised with Fashion-MNIST's mean 0.2860 and deviation 0.3530.
//
//   lenet5 [--data DIR] [--epochs 5] [--train-batches N] [--test-batches N] [--min-accuracy A]
//
// Prints the loss and the test accuracy after each epoch, and the epoch's time. The thread
// count is GG_NUM_THREADS (default: every core). --train-batches and --test-batches cap each
// epoch (for a quick run); the exit code is 1 if the last test accuracy is below --min-accuracy.
#include <gategrad/gategrad.hpp>

#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <memory>
#include <string>

namespace {

namespace nn = gg::nn;

struct LeNet5 : nn::Module {
  LeNet5()
      : conv1(register_module("conv1", std::make_shared<nn::Conv2d>(nn::Conv2dOptions(1, 6, 5).padding(2)))),
        conv2(register_module("conv2", std::make_shared<nn::Conv2d>(nn::Conv2dOptions(6, 16, 5)))),
        fc1(register_module("fc1", std::make_shared<nn::Linear>(16 * 5 * 5, 120))),
        fc2(register_module("fc2", std::make_shared<nn::Linear>(120, 84))),
        fc3(register_module("fc3", std::make_shared<nn::Linear>(84, 10))) {}

  gg::Tensor forward(const gg::Tensor& input) override {
    gg::Tensor x = gg::max_pool2d(gg::relu(conv1->forward(input)), 2);  // (N, 6, 14, 14)
    x = gg::max_pool2d(gg::relu(conv2->forward(x)), 2);                 // (N, 16, 5, 5)
    x = x.flatten(1);
    x = gg::relu(fc1->forward(x));
    x = gg::relu(fc2->forward(x));
    return fc3->forward(x);
  }

  std::shared_ptr<nn::Conv2d> conv1, conv2;
  std::shared_ptr<nn::Linear> fc1, fc2, fc3;
};

}  // namespace

int main(int argc, char** argv) {
  std::string data_dir = gg::data::kFashionMnistDir;
  std::int64_t epochs = 5;
  std::int64_t train_batches = std::numeric_limits<std::int64_t>::max();
  std::int64_t test_batches = std::numeric_limits<std::int64_t>::max();
  double min_accuracy = 0;
  const CLI::Range positive(std::int64_t{1}, std::int64_t{1000000000});
  CLI::App app("LeNet-5 on Fashion-MNIST");
  app.add_option("--data", data_dir, "folder of the MNIST-format files")->check(CLI::ExistingDirectory);
  app.add_option("--epochs", epochs, "epochs")->check(positive);
  app.add_option("--train-batches", train_batches, "at most this many batches per epoch")->check(positive);
  app.add_option("--test-batches", test_batches, "test on at most this many batches of 1000")->check(positive);
  app.add_option("--min-accuracy", min_accuracy, "exit 1 below this test accuracy")->check(CLI::Range(0.0, 1.0));
  CLI11_PARSE(app, argc, argv);

  namespace data = gg::data;
  gg::manual_seed(0);
  auto model = std::make_shared<LeNet5>();
  auto train_set = data::datasets::MNIST(data_dir)
                       .map(data::transforms::Normalize<>(0.2860, 0.3530))
                       .map(data::transforms::Stack<>());
  auto train_loader = data::make_data_loader(std::move(train_set), data::DataLoaderOptions(64).workers(1));
  auto test_set = data::datasets::MNIST(data_dir, data::datasets::MNIST::Mode::kTest)
                      .map(data::transforms::Normalize<>(0.2860, 0.3530))
                      .map(data::transforms::Stack<>());
  auto test_loader = data::make_data_loader<data::samplers::SequentialSampler>(std::move(test_set), 1000);
  gg::optim::Adam optimizer(model->parameters(), gg::optim::AdamOptions(1e-3));

  double accuracy = 0;
  for (std::int64_t epoch = 1; epoch <= epochs; ++epoch) {
    const auto start = std::chrono::steady_clock::now();
    model->train();
    double loss_sum = 0;
    std::int64_t batches = 0;
    for (auto& batch : *train_loader) {
      if (batches >= train_batches) break;
      optimizer.zero_grad();
      gg::Tensor loss = gg::nn::functional::cross_entropy(model->forward(batch.data), batch.target);
      loss.backward();
      optimizer.step();
      loss_sum += loss.item<double>();
      ++batches;
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

    gg::NoGradGuard no_grad;
    model->eval();
    std::int64_t correct = 0, seen = 0, test_seen = 0;
    for (const auto& batch : *test_loader) {
      if (test_seen++ >= test_batches) break;
      correct += model->forward(batch.data).argmax(1).eq(batch.target).sum().item<std::int64_t>();
      seen += batch.data.size(0);
    }
    accuracy = static_cast<double>(correct) / static_cast<double>(seen);
    std::printf("epoch %lld: train loss %.4f, test accuracy %.4f, %.1f s\n", static_cast<long long>(epoch),
                loss_sum / static_cast<double>(batches), accuracy, seconds);
  }
  return accuracy >= min_accuracy ? 0 : 1;
}
