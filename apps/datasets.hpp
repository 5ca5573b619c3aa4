#pragma once
// The homework's data: which dataset, where, split how, preprocessed how.
#include <gategrad/data/data.hpp>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace gg::app {

enum class Preprocess {
  MeanImage,  // the two-layer homework: raw pixel values 0..255 minus the training mean image
  Symmetric,  // the PyTorch part: ToTensor() then Normalize(0.5, 0.5), i.e. x / 255 * 2 - 1
};

struct DataOptions {
  std::string dataset = "fashion-mnist";  // or "cifar10"
  std::filesystem::path dir;              // empty: the dataset's default folder
  std::size_t validation = 1000;          // the last rows of the training files
  Preprocess preprocess = Preprocess::MeanImage;
};

struct Splits {
  data::Dataset train, validation, test;
  Tensor mean_image;  // float32 (D,), subtracted from every split under MeanImage (zeros otherwise)
};

// Loads and splits as the homework does: CIFAR-10 49,000 / 1,000 / the first 1,000 test images;
// Fashion-MNIST 59,000 / 1,000 / all 10,000 test images. Throws std::invalid_argument for an
// unknown dataset name or test images whose size or classes differ from the training images',
// and the data layer's errors (which say how to get the files).
Splits load_splits(const DataOptions& options);

// The image shape of a dataset's samples, before loading it: (28, 28) for fashion-mnist,
// (3, 32, 32) for cifar10 (load_splits then checks the files against it). Throws
// std::invalid_argument for another name.
std::vector<std::int64_t> image_shape_of(const std::string& dataset);

}  // namespace gg::app
