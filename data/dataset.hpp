#pragma once
// Dataset: labelled images as one (N, D) float32 tensor, and the splits the homework makes of it.
#include <gategrad/tensor/tensor.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace gg::data {

enum class Split { Train, Test };
std::string_view to_string(Split split);  // "train", "test"

struct Dataset {
  std::string name;                  // e.g. "Fashion-MNIST train", used in error messages
  // The data layer reads and writes both through data_ptr, so both must be contiguous
  // (check_dataset refuses a strided view: pass native::contiguous(view)). Copying a Dataset
  // copies the handles, which share the values as torch.Tensor's do; native::clone each tensor
  // for a copy that preprocessing in place leaves alone.
  Tensor images;      // float32 (N, D): row i is image i flattened in image_shape order
  Tensor labels;      // int64 (N,): each in [0, num_classes)
  SizeVector image_shape;  // (28, 28) or CHW (3, 32, 32); its product is D
  std::size_t num_classes = 0;
  std::vector<std::string> class_names;  // num_classes names, indexed by label

  // N: the number of labels (0 while labels is undefined).
  std::size_t size() const;
  // D: the product of image_shape.
  std::size_t dim() const;
  // Channels for per-channel statistics: image_shape[0] of a CHW image, 1 for (H, W).
  std::size_t channels() const;
};

// Throws std::invalid_argument naming `op` and the dataset unless images is a contiguous
// float32 (N, D) tensor and labels a contiguous int64 (N,) one, with D the product of
// image_shape, and every label is in [0, num_classes).
void check_dataset(std::string_view op, const Dataset& data);

// The homework's split: train = rows [0, N - num_validation), validation = the last
// num_validation rows (CIFAR-10: 49,000 / 1,000; Fashion-MNIST: 59,000 / 1,000). No shuffling:
// the files are already in random order. `full` is taken by value (pass it with std::move):
// both splits are views of its rows (narrow), so nothing is copied and the peak stays the
// 614 MB of CIFAR-10's `full`. The two views share one storage but no element, so each may be
// changed in place (preprocessing) without touching the other.
// Throws std::invalid_argument unless 0 < num_validation < N.
struct TrainValidation {
  Dataset train, validation;
};
TrainValidation split_train_validation(Dataset full,
                                       std::size_t num_validation = 1000);

// The first n rows (the homework evaluates on the first 1,000 test images of CIFAR-10), copied
// so that the rest is freed. Throws std::invalid_argument if n > N; n == N returns `data`
// itself, uncopied when moved in.
Dataset take_first(Dataset data, std::size_t n);

// Rows [first, first + count) as a new dataset named `name`, copied: changing it in place
// leaves `data` as it was. Throws std::invalid_argument when the range leaves [0, N).
Dataset slice_rows(const Dataset& data, std::size_t first, std::size_t count, std::string name);

}  // namespace gg::data
