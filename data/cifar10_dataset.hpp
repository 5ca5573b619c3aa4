#pragma once
// CIFAR-10 as a torch::data-style dataset (torchvision's datasets.CIFAR10, which LibTorch lacks):
// the binary batches in `root` (data_batch_1..5.bin or test_batch.bin, as
// data/cifar10.hpp reads them) as examples {image (3, 32, 32) float32 in [0, 1], label ()
// int64}.
//
//   auto train = gg::data::datasets::CIFAR10(dir)
//                    .map(gg::data::transforms::RandomCrop<>(32, 4))
//                    .map(gg::data::transforms::RandomHorizontalFlip<>())
//                    .map(gg::data::transforms::Stack<>());
#include <gategrad/data/datasets.hpp>

#include <cstddef>
#include <optional>
#include <string>

namespace gg::data::datasets {

class CIFAR10 : public Dataset<CIFAR10> {
 public:
  enum class Mode { kTrain, kTest };

  // Throws DataError (data/error.hpp) naming a missing or malformed file.
  explicit CIFAR10(const std::string& root, Mode mode = Mode::kTrain);

  // Image and label `index`: views of images() and targets(). Throws std::out_of_range for an
  // index >= size().
  Example<> get(std::size_t index) override;
  std::optional<std::size_t> size() const override;

  bool is_train() const noexcept { return mode_ == Mode::kTrain; }
  const Tensor& images() const { return images_; }    // float32 (N, 3, 32, 32)
  const Tensor& targets() const { return targets_; }  // int64 (N,)

 private:
  Tensor images_, targets_;
  Mode mode_;
};

}  // namespace gg::data::datasets
