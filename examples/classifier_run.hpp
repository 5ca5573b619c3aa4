#pragma once
// What the image-classifier examples (lenet5.cpp, fashion_cnn.cpp, cifar10.cpp) share: their
// command-line options and one epoch of training and of testing. A program of your own copies
// this header beside it.
#include <gategrad/gategrad.hpp>

#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <string>
#include <utility>

namespace examples {

struct RunOptions {
  std::string data;
  std::int64_t epochs = 5;
  std::int64_t train_batches = std::numeric_limits<std::int64_t>::max();
  std::int64_t test_batches = std::numeric_limits<std::int64_t>::max();
  double min_accuracy = 0;
};

// --data, --epochs, --train-batches, --test-batches and --min-accuracy, into `o`.
inline void add_run_options(CLI::App& app, RunOptions& o) {
  const CLI::Range positive(std::int64_t{1}, std::int64_t{1000000000});
  app.add_option("--data", o.data, "folder of the dataset's files")->check(CLI::ExistingDirectory);
  app.add_option("--epochs", o.epochs, "epochs")->check(positive);
  app.add_option("--train-batches", o.train_batches, "at most this many batches per epoch")->check(positive);
  app.add_option("--test-batches", o.test_batches, "test on at most this many batches")->check(positive);
  app.add_option("--min-accuracy", o.min_accuracy, "exit 1 below this test accuracy")->check(CLI::Range(0.0, 1.0));
}

// One epoch of cross-entropy training on at most max_batches batches: the mean loss and the
// number of batches.
template <class Model, class Loader>
std::pair<double, std::int64_t> train_epoch(Model& model, Loader& loader, gg::optim::Optimizer& optimizer,
                                            std::int64_t max_batches) {
  model.train();
  double loss_sum = 0;
  std::int64_t batches = 0;
  for (auto& batch : loader) {
    if (batches >= max_batches) break;
    optimizer.zero_grad();
    gg::Tensor loss = gg::nn::functional::cross_entropy(model.forward(batch.data), batch.target);
    loss.backward();
    optimizer.step();
    loss_sum += loss.template item<double>();
    ++batches;
  }
  return {loss_sum / static_cast<double>(batches), batches};
}

// The accuracy of the model's argmax on at most max_batches batches.
template <class Model, class Loader>
double test_accuracy(Model& model, Loader& loader, std::int64_t max_batches) {
  gg::NoGradGuard no_grad;
  model.eval();
  std::int64_t correct = 0, seen = 0, batches = 0;
  for (const auto& batch : loader) {
    if (batches++ >= max_batches) break;
    correct += model.forward(batch.data).argmax(1).eq(batch.target).sum().template item<std::int64_t>();
    seen += batch.data.size(0);
  }
  return static_cast<double>(correct) / static_cast<double>(seen);
}

// Fashion-MNIST from `dir` (MNIST's file format) normalised with its mean 0.2860 and deviation
// 0.3530: a loader of training batches of 64 drawn at random (prepared on a worker thread)
// and one of test batches of 1000 in order.
inline auto fashion_mnist_loaders(const std::string& dir) {
  namespace data = gg::data;
  auto train_set = data::datasets::MNIST(dir)
                       .map(data::transforms::Normalize<>(0.2860, 0.3530))
                       .map(data::transforms::Stack<>());
  auto test_set = data::datasets::MNIST(dir, data::datasets::MNIST::Mode::kTest)
                      .map(data::transforms::Normalize<>(0.2860, 0.3530))
                      .map(data::transforms::Stack<>());
  return std::make_pair(data::make_data_loader(std::move(train_set), data::DataLoaderOptions(64).workers(1)),
                        data::make_data_loader<data::samplers::SequentialSampler>(std::move(test_set), 1000));
}

// options.epochs epochs of train_epoch and test_accuracy, a line printed for each;
// after_epoch() runs after each epoch's training (a scheduler's step). Returns the exit code:
// 1 if the last test accuracy is below options.min_accuracy.
template <class Model, class TrainLoader, class TestLoader, class AfterEpoch>
int fit(Model& model, TrainLoader& train_loader, TestLoader& test_loader, gg::optim::Optimizer& optimizer,
        const RunOptions& options, AfterEpoch after_epoch) {
  double accuracy = 0;
  for (std::int64_t epoch = 1; epoch <= options.epochs; ++epoch) {
    const auto start = std::chrono::steady_clock::now();
    const auto [loss, batches] = train_epoch(model, train_loader, optimizer, options.train_batches);
    after_epoch();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    accuracy = test_accuracy(model, test_loader, options.test_batches);
    std::printf("epoch %lld: train loss %.4f, test accuracy %.4f, %.1f s (%lld batches)\n",
                static_cast<long long>(epoch), loss, accuracy, seconds, static_cast<long long>(batches));
  }
  return accuracy >= options.min_accuracy ? 0 : 1;
}

}  // namespace examples
