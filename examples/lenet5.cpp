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

#include "classifier_run.hpp"

#include <cstdint>
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
  examples::RunOptions options;
  options.data = gg::data::kFashionMnistDir;
  CLI::App app("LeNet-5 on Fashion-MNIST");
  examples::add_run_options(app, options);
  CLI11_PARSE(app, argc, argv);

  gg::manual_seed(0);
  auto model = std::make_shared<LeNet5>();
  auto [train_loader, test_loader] = examples::fashion_mnist_loaders(options.data);
  gg::optim::Adam optimizer(model->parameters(), gg::optim::AdamOptions(1e-3));

  return examples::fit(*model, *train_loader, *test_loader, optimizer, options, [] {});
}
