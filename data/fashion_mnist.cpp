#include <gategrad/data/error.hpp>
#include <gategrad/data/fashion_mnist.hpp>
#include <gategrad/data/idx.hpp>
#include <gategrad/tensor/factory.hpp>

#include <algorithm>
#include <string>

namespace gg::data {
namespace {

// `name`.gz if it exists, else `name` (whose absence read_idx then reports).
std::filesystem::path find_idx(const std::filesystem::path& dir, const std::string& name) {
  std::error_code ec;
  const std::filesystem::path gz = dir / (name + ".gz");
  return std::filesystem::exists(gz, ec) ? gz : dir / name;
}

}  // namespace

Dataset load_fashion_mnist(const std::filesystem::path& dir, Split split) {
  const std::string prefix = split == Split::Train ? "train" : "t10k";
  const std::filesystem::path images_path = find_idx(dir, prefix + "-images-idx3-ubyte");
  const std::filesystem::path labels_path = find_idx(dir, prefix + "-labels-idx1-ubyte");
  std::error_code ec;
  if (!std::filesystem::exists(images_path, ec) || !std::filesystem::exists(labels_path, ec)) {
    const auto& missing = std::filesystem::exists(images_path, ec) ? labels_path : images_path;
    throw DataError("load_fashion_mnist: " + missing.string() + "(.gz): no such file. Install "
                    "Fashion-MNIST with `apt-get install dataset-fashion-mnist` (into " +
                    std::string(kFashionMnistDir) +
                    ") or pass the folder holding its four IDX files");
  }

  const IdxArray images = read_idx(images_path);
  if (images.dims.size() != 3) {
    throw DataError("load_fashion_mnist: " + images_path.string() + ": " +
                    std::to_string(images.dims.size()) +
                    " dimensions, expected 3 (count, rows, columns)");
  }
  const IdxArray labels = read_idx(labels_path);
  if (labels.dims.size() != 1) {
    throw DataError("load_fashion_mnist: " + labels_path.string() + ": " +
                    std::to_string(labels.dims.size()) + " dimensions, expected 1 (count)");
  }
  const std::int64_t n = images.dims[0];
  if (labels.dims[0] != n) {
    throw DataError("load_fashion_mnist: " + images_path.string() + " holds " +
                    std::to_string(n) + " images but " + labels_path.string() + " holds " +
                    std::to_string(labels.dims[0]) + " labels: expected one label per image");
  }
  const auto bad = std::find_if(labels.bytes.begin(), labels.bytes.end(),
                                [](std::uint8_t label) { return label > 9; });
  if (bad != labels.bytes.end()) {
    throw DataError("load_fashion_mnist: " + labels_path.string() + ": label " +
                    std::to_string(*bad) + " at index " +
                    std::to_string(bad - labels.bytes.begin()) + ", expected 0 to 9");
  }

  // With no images, read_idx's bound on the byte count says nothing about rows * columns.
  std::int64_t D = 0;
  if (__builtin_mul_overflow(images.dims[1], images.dims[2], &D)) {
    throw DataError("load_fashion_mnist: " + images_path.string() + ": images of " +
                    std::to_string(images.dims[1]) + " x " + std::to_string(images.dims[2]) +
                    " pixels hold more than 2^63 values");
  }

  Dataset out;
  out.name = std::string("Fashion-MNIST ") + std::string(to_string(split));
  out.image_shape = {images.dims[1], images.dims[2]};
  out.images = empty({n, D}, kFloat32);
  std::copy(images.bytes.begin(), images.bytes.end(), out.images.data_ptr<float>());
  out.labels = empty({n}, kInt64);
  std::copy(labels.bytes.begin(), labels.bytes.end(), out.labels.data_ptr<std::int64_t>());
  out.num_classes = 10;
  out.class_names = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                     "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};
  return out;
}

}  // namespace gg::data
