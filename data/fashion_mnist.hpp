#pragma once
// Fashion-MNIST (Zalando, 2017): 28x28 grey images of clothing, 60,000 train and 10,000 test,
// 10 classes with 6,000 train images each. Debian ships it: `apt-get install
// dataset-fashion-mnist` puts {train,t10k}-{images-idx3,labels-idx1}-ubyte.gz into
// /usr/share/datasets/fashion-mnist.
#include <gategrad/data/dataset.hpp>

#include <filesystem>

namespace gg::data {

inline constexpr const char* kFashionMnistDir = "/usr/share/datasets/fashion-mnist";

// Images (N, 784) as floats 0..255 (0 is background), image_shape (28, 28), labels 0..9.
// Reads `<prefix>-images-idx3-ubyte` and `<prefix>-labels-idx1-ubyte` in `dir`, gzip-compressed
// (".gz") or plain; prefix "train" or "t10k". Throws DataError when a file is missing or
// malformed, or when the images and labels disagree on their count or a label is above 9.
Dataset load_fashion_mnist(const std::filesystem::path& dir = kFashionMnistDir,
                           Split split = Split::Train);

}  // namespace gg::data
