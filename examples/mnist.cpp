// pytorch/examples' cpp/mnist in gategrad, on Fashion-MNIST (Debian's dataset-fashion-mnist):
// two convolutions (5x5, 10 and 20 channels) each max-pooled 2x2 and the second under
// channel dropout, then Linear(320, 50), dropout and Linear(50, 10), log_softmax and the
// negative log-likelihood; SGD with momentum 0.5 at learning rate 0.01, batches of 64,
// images normalised with MNIST's mean 0.1307 and deviation 0.3081 as the original does.
//
//   mnist [--data DIR] [--epochs N] [--train-batches N] [--test-batches N] [--min-accuracy A]
//
// --train-batches and --test-batches cap each epoch (for a quick run); the program exits 1 if
// the last test accuracy is below --min-accuracy (default 0).
#include <gategrad/gategrad.hpp>

#include <charconv>
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

namespace {

struct Net : gg::nn::Module {
  Net()
      : conv1(register_module("conv1", std::make_shared<gg::nn::Conv2d>(gg::nn::Conv2dOptions(1, 10, /*kernel_size=*/5)))),
        conv2(register_module("conv2", std::make_shared<gg::nn::Conv2d>(gg::nn::Conv2dOptions(10, 20, /*kernel_size=*/5)))),
        conv2_drop(register_module("conv2_drop", std::make_shared<gg::nn::Dropout2d>())),
        fc1(register_module("fc1", std::make_shared<gg::nn::Linear>(320, 50))),
        fc2(register_module("fc2", std::make_shared<gg::nn::Linear>(50, 10))) {}

  gg::Tensor forward(const gg::Tensor& input) override {
    gg::Tensor x = gg::relu(gg::max_pool2d(conv1->forward(input), 2));
    x = gg::relu(gg::max_pool2d(conv2_drop->forward(conv2->forward(x)), 2));
    x = x.view({-1, 320});
    x = gg::relu(fc1->forward(x));
    x = gg::dropout(x, /*p=*/0.5, /*train=*/is_training());
    x = fc2->forward(x);
    return gg::log_softmax(x, /*dim=*/1);
  }

  std::shared_ptr<gg::nn::Conv2d> conv1, conv2;
  std::shared_ptr<gg::nn::Dropout2d> conv2_drop;
  std::shared_ptr<gg::nn::Linear> fc1, fc2;
};

struct Options {
  std::string data = gg::data::kFashionMnistDir;
  std::int64_t epochs = 10;
  std::int64_t train_batches = std::numeric_limits<std::int64_t>::max();
  std::int64_t test_batches = std::numeric_limits<std::int64_t>::max();
  double min_accuracy = 0;
};

constexpr std::size_t kTrainBatchSize = 64;
constexpr std::size_t kTestBatchSize = 1000;
constexpr std::int64_t kLogInterval = 10;

template <class Loader>
void train(std::int64_t epoch, Net& model, Loader& loader, gg::optim::Optimizer& optimizer,
           std::size_t dataset_size, std::int64_t max_batches) {
  model.train();
  std::int64_t batch_idx = 0;
  for (auto& batch : loader) {
    if (batch_idx >= max_batches) break;
    optimizer.zero_grad();
    gg::Tensor output = model.forward(batch.data);
    gg::Tensor loss = gg::nll_loss(output, batch.target);
    loss.backward();
    optimizer.step();
    if (batch_idx++ % kLogInterval == 0) {
      std::printf("\rTrain Epoch: %lld [%5lld/%5zu] Loss: %.4f", static_cast<long long>(epoch),
                  static_cast<long long>(batch_idx * static_cast<std::int64_t>(batch.data.size(0))), dataset_size,
                  loss.template item<float>());
    }
  }
  std::printf("\n");
}

template <class Loader>
double test(Net& model, Loader& loader, std::int64_t max_batches) {
  gg::NoGradGuard no_grad;
  model.eval();
  double test_loss = 0;
  std::int64_t correct = 0, seen = 0, batches = 0;
  for (const auto& batch : loader) {
    if (batches++ >= max_batches) break;
    gg::Tensor output = model.forward(batch.data);
    test_loss += gg::nll_loss(output, batch.target, {}, gg::Reduction::Sum).template item<float>();
    gg::Tensor pred = output.argmax(1);
    correct += pred.eq(batch.target).sum().template item<std::int64_t>();
    seen += batch.data.size(0);
  }
  test_loss /= static_cast<double>(seen);
  const double accuracy = static_cast<double>(correct) / static_cast<double>(seen);
  std::printf("\nTest set: Average loss: %.4f | Accuracy: %.3f\n", test_loss, accuracy);
  return accuracy;
}

std::optional<Options> parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string_view flag(argv[i]), value(argv[i + 1]);
    const auto integer = [&](std::int64_t& out) {
      const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), out);
      return error == std::errc() && end == value.data() + value.size() && out >= 1;
    };
    bool ok = true;
    if (flag == "--data") o.data = std::string(value);
    else if (flag == "--epochs") ok = integer(o.epochs);
    else if (flag == "--train-batches") ok = integer(o.train_batches);
    else if (flag == "--test-batches") ok = integer(o.test_batches);
    else if (flag == "--min-accuracy") {
      const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), o.min_accuracy);
      ok = error == std::errc() && end == value.data() + value.size() && o.min_accuracy >= 0 && o.min_accuracy <= 1;
    } else ok = false;
    if (!ok) return std::nullopt;
  }
  if (argc % 2 == 0) return std::nullopt;  // a flag without its value
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  const std::optional<Options> options = parse(argc, argv);
  if (!options) {
    std::cerr << "usage: mnist [--data DIR] [--epochs N] [--train-batches N] [--test-batches N] "
                 "[--min-accuracy A]   (N >= 1, 0 <= A <= 1)\n";
    return 2;
  }
  gg::manual_seed(1);

  Net model;
  namespace data = gg::data;
  auto train_dataset = data::datasets::MNIST(options->data)
                           .map(data::transforms::Normalize<>(0.1307, 0.3081))
                           .map(data::transforms::Stack<>());
  const std::size_t train_dataset_size = train_dataset.size().value();
  auto train_loader = data::make_data_loader<data::samplers::SequentialSampler>(std::move(train_dataset), kTrainBatchSize);

  auto test_dataset = data::datasets::MNIST(options->data, data::datasets::MNIST::Mode::kTest)
                          .map(data::transforms::Normalize<>(0.1307, 0.3081))
                          .map(data::transforms::Stack<>());
  auto test_loader = data::make_data_loader(std::move(test_dataset), kTestBatchSize);

  gg::optim::SGD optimizer(model.parameters(), gg::optim::SGDOptions(0.01).momentum(0.5));

  double accuracy = 0;
  for (std::int64_t epoch = 1; epoch <= options->epochs; ++epoch) {
    train(epoch, model, *train_loader, optimizer, train_dataset_size, options->train_batches);
    accuracy = test(model, *test_loader, options->test_batches);
  }
  return accuracy >= options->min_accuracy ? 0 : 1;
}
