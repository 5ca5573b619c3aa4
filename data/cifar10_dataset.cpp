#include <gategrad/data/cifar10.hpp>
#include <gategrad/data/cifar10_dataset.hpp>
#include <gategrad/tensor/native.hpp>

#include <stdexcept>
#include <string>
#include <utility>

namespace gg::data::datasets {

CIFAR10::CIFAR10(const std::string& root, Mode mode) : mode_(mode) {
  gg::data::Dataset loaded = load_cifar10(root, mode == Mode::kTrain ? Split::Train : Split::Test);
  // (N, 3 * 32 * 32) floats 0..255, CHW order -> (N, 3, 32, 32) in [0, 1], in place.
  const std::int64_t N = loaded.images.size(0);
  float* pixels = loaded.images.data_ptr<float>();
  for (std::int64_t i = 0, n = loaded.images.numel(); i < n; ++i) pixels[i] /= 255.0f;
  images_ = native::view(loaded.images, {N, loaded.image_shape[0], loaded.image_shape[1], loaded.image_shape[2]});
  targets_ = std::move(loaded.labels);
}

Example<> CIFAR10::get(std::size_t index) {
  const auto N = static_cast<std::size_t>(images_.size(0));
  if (index >= N) {
    throw std::out_of_range("CIFAR10::get: index " + std::to_string(index) + " of a dataset of " +
                            std::to_string(N) + " examples, expected an index in [0, " + std::to_string(N) + ")");
  }
  const auto i = static_cast<std::int64_t>(index);
  return {native::select(images_, 0, i), native::select(targets_, 0, i)};
}

std::optional<std::size_t> CIFAR10::size() const { return static_cast<std::size_t>(images_.size(0)); }

}  // namespace gg::data::datasets
