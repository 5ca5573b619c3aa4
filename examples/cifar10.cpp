// A small CIFAR-10 CNN: three blocks of [conv 3x3, batch norm, ReLU, conv 3x3, batch norm, ReLU,
// max-pool 2x2] at 32, 64 and 128 channels (32x32 -> 4x4), then Linear(2048, 256), ReLU,
// Linear(256, 10). The recipe: random crops of 32 from images padded by 4 and random
// horizontal flips, per-channel normalisation with CIFAR-10's mean and deviation, SGD with
// momentum 0.9, Nesterov off, weight decay 5e-4, learning rate 0.05 annealed to 0 over the
// epochs by a cosine, batches of 128 drawn at random.
//
//   cifar10 --data DIR [--epochs 30] [--train-batches N] [--test-batches N] [--min-accuracy A]
//
// DIR holds CIFAR-10's binary version (cifar-10-batches-bin: data_batch_1.bin .. 5.bin and
// test_batch.bin). Prints each epoch's loss, test accuracy and time. The thread count is
// GG_NUM_THREADS (default: every core). --train-batches and --test-batches cap each epoch;
// the exit code is 1 if the last test accuracy is below --min-accuracy.
#include <gategrad/gategrad.hpp>

#include "classifier_run.hpp"

#include <cstdint>
#include <memory>
#include <string>

namespace {

namespace nn = gg::nn;

// conv-bn-relu twice, then a 2x2 max-pool: the spatial size halves.
std::shared_ptr<nn::Sequential> block(std::int64_t in, std::int64_t out) {
  return std::make_shared<nn::Sequential>(std::initializer_list<std::shared_ptr<nn::Module>>{
      std::make_shared<nn::Conv2d>(nn::Conv2dOptions(in, out, 3).padding(1).bias(false)),
      std::make_shared<nn::BatchNorm2d>(out), std::make_shared<nn::ReLU>(),
      std::make_shared<nn::Conv2d>(nn::Conv2dOptions(out, out, 3).padding(1).bias(false)),
      std::make_shared<nn::BatchNorm2d>(out), std::make_shared<nn::ReLU>(),
      std::make_shared<nn::MaxPool2d>(nn::MaxPool2dOptions(2))});
}

struct CifarNet : nn::Module {
  CifarNet()
      : features(register_module("features", std::make_shared<nn::Sequential>(
                                                 std::initializer_list<std::shared_ptr<nn::Module>>{
                                                     block(3, 32), block(32, 64), block(64, 128)}))),
        fc1(register_module("fc1", std::make_shared<nn::Linear>(128 * 4 * 4, 256))),
        fc2(register_module("fc2", std::make_shared<nn::Linear>(256, 10))) {}

  gg::Tensor forward(const gg::Tensor& input) override {
    gg::Tensor x = features->forward(input).flatten(1);  // (N, 2048)
    return fc2->forward(gg::relu(fc1->forward(x)));
  }

  std::shared_ptr<nn::Sequential> features;
  std::shared_ptr<nn::Linear> fc1, fc2;
};

}  // namespace

int main(int argc, char** argv) {
  examples::RunOptions options;
  options.epochs = 30;
  CLI::App app("A small CNN on CIFAR-10");
  examples::add_run_options(app, options);
  app.get_option("--data")->required();
  CLI11_PARSE(app, argc, argv);
  const std::string& data_dir = options.data;

  namespace data = gg::data;
  namespace transforms = data::transforms;
  const std::vector<double> mean = {0.4914, 0.4822, 0.4465}, stddev = {0.2470, 0.2435, 0.2616};
  gg::manual_seed(0);
  auto model = std::make_shared<CifarNet>();
  auto train_set = data::datasets::CIFAR10(data_dir)
                       .map(transforms::RandomCrop<>(32, 4, /*seed=*/1))
                       .map(transforms::RandomHorizontalFlip<>(0.5, /*seed=*/2))
                       .map(transforms::Normalize<>(mean, stddev))
                       .map(transforms::Stack<>());
  auto train_loader = data::make_data_loader(std::move(train_set), data::DataLoaderOptions(128).workers(1));
  auto test_set = data::datasets::CIFAR10(data_dir, data::datasets::CIFAR10::Mode::kTest)
                      .map(transforms::Normalize<>(mean, stddev))
                      .map(transforms::Stack<>());
  auto test_loader = data::make_data_loader<data::samplers::SequentialSampler>(std::move(test_set), 500);
  gg::optim::SGD optimizer(model->parameters(), gg::optim::SGDOptions(0.05).momentum(0.9).weight_decay(5e-4));
  gg::optim::CosineAnnealingLR schedule(optimizer, options.epochs);

  return examples::fit(*model, *train_loader, *test_loader, optimizer, options, [&] { schedule.step(); });
}
