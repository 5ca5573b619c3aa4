#include <gategrad/apps/datasets.hpp>

#include <gategrad/tensor/factory.hpp>

#include <cstdint>
#include <stdexcept>

namespace gg::app {

std::vector<std::int64_t> image_shape_of(const std::string& dataset) {
  if (dataset == "fashion-mnist") return {28, 28};
  if (dataset == "cifar10") return {3, 32, 32};
  throw std::invalid_argument("--dataset: got '" + dataset + "', expected fashion-mnist or cifar10");
}

Splits load_splits(const DataOptions& options) {
  data::Dataset full, test;
  std::size_t test_size = 0;  // 0: all
  if (options.dataset == "fashion-mnist") {
    const std::filesystem::path dir = options.dir.empty() ? data::kFashionMnistDir : options.dir;
    full = data::load_fashion_mnist(dir, data::Split::Train);
    test = data::load_fashion_mnist(dir, data::Split::Test);
  } else if (options.dataset == "cifar10") {
    if (options.dir.empty()) {
      throw std::invalid_argument("--dataset cifar10 needs --data-dir: the folder holding CIFAR-10's "
                                  "binary version (data_batch_1.bin .. data_batch_5.bin, test_batch.bin)");
    }
    full = data::load_cifar10(options.dir, data::Split::Train);
    test = data::load_cifar10(options.dir, data::Split::Test);
    test_size = 1000;  // the homework evaluates on the first 1,000 test images
  } else {
    throw std::invalid_argument("--dataset: got '" + options.dataset +
                                "', expected fashion-mnist or cifar10");
  }
  // Checked now, not at the final evaluation after every configuration has trained.
  if (test.image_shape != full.image_shape || test.num_classes != full.num_classes) {
    throw std::invalid_argument("--data-dir: the " + test.name + " images are " + to_string(test.image_shape) + " with " +
                                std::to_string(test.num_classes) + " classes but the " + full.name + " images are " +
                                to_string(full.image_shape) + " with " + std::to_string(full.num_classes) +
                                " classes; expected the same (are the files from two different datasets?)");
  }
  if (test_size > 0 && test.size() > test_size) test = data::take_first(std::move(test), test_size);
  auto [train, validation] = data::split_train_validation(std::move(full), options.validation);
  Splits s{std::move(train), std::move(validation), std::move(test), gg::zeros({0})};
  if (options.preprocess == Preprocess::MeanImage) {
    s.mean_image = data::mean_image(s.train);
    for (data::Dataset* d : {&s.train, &s.validation, &s.test}) data::subtract_mean_image(*d, s.mean_image);
  } else {
    s.mean_image = gg::zeros({static_cast<std::int64_t>(s.train.dim())});
    for (data::Dataset* d : {&s.train, &s.validation, &s.test}) data::scale_to_symmetric(*d);
  }
  return s;
}

}  // namespace gg::app
