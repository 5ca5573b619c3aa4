#pragma once
// torch::data::datasets::MNIST in gg::data::datasets: the IDX files of MNIST or Fashion-MNIST
// (the same four names and format) in `root`, gzip-compressed or plain (LibTorch reads plain
// files only), as a dataset of examples {image (1, 28, 28) float32 in [0, 1], label () int64}.
//
//   auto train = gg::data::datasets::MNIST("/usr/share/datasets/fashion-mnist")
//                    .map(gg::data::transforms::Stack<>());
#include <gategrad/data/datasets.hpp>

#include <cstddef>
#include <optional>
#include <string>

namespace gg::data::datasets {

class MNIST : public Dataset<MNIST> {
 public:
  enum class Mode { kTrain, kTest };

  // Reads train-{images-idx3,labels-idx1}-ubyte (kTrain) or t10k-... (kTest) through
  // load_fashion_mnist (data/fashion_mnist.hpp), whose DataError names a missing or malformed
  // file.
  explicit MNIST(const std::string& root, Mode mode = Mode::kTrain);

  // Image and label `index`: views of images() and targets(). Throws std::out_of_range for an
  // index >= size().
  Example<> get(std::size_t index) override;
  std::optional<std::size_t> size() const override;

  bool is_train() const noexcept { return mode_ == Mode::kTrain; }
  const Tensor& images() const { return images_; }    // float32 (N, 1, rows, columns)
  const Tensor& targets() const { return targets_; }  // int64 (N,)

 private:
  Tensor images_, targets_;
  Mode mode_;
};

}  // namespace gg::data::datasets
