#pragma once
// Dataset: labelled images as one (N, D) float matrix, and the splits the homework makes of it.
#include <gategrad/tensor/shape.hpp>
#include <gategrad/tensor/array.hpp>

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
  ArrayF images;                    // (N, D): row i is image i flattened in image_shape order
  std::vector<std::int64_t> labels;  // (N,): each in [0, num_classes)
  Shape image_shape;                 // (28, 28) or CHW (3, 32, 32); numel(image_shape) == D
  std::size_t num_classes = 0;
  std::vector<std::string> class_names;  // num_classes names, indexed by label

  std::size_t size() const { return labels.size(); }  // N
  std::size_t dim() const { return numel(image_shape); }  // D
  // Channels for per-channel statistics: image_shape[0] of a CHW image, 1 for (H, W).
  std::size_t channels() const { return image_shape.size() == 3 ? image_shape[0] : 1; }
};

// Throws std::invalid_argument naming `op` and the dataset unless images is (N, D) with
// N == labels.size() and D == numel(image_shape), and every label is in [0, num_classes).
void check_dataset(std::string_view op, const Dataset& data);

// The homework's split: train = rows [0, N - num_validation), validation = the last
// num_validation rows (CIFAR-10: 49,000 / 1,000; Fashion-MNIST: 59,000 / 1,000). No shuffling:
// the files are already in random order. `full` is taken by value: pass it with std::move and
// it is freed on return (a tensor cannot shrink in place, so the train rows are copied once:
// for CIFAR-10 the peak is the 614 MB of `full` plus the 602 MB of train).
// Throws std::invalid_argument unless 0 < num_validation < N.
struct TrainValidation {
  Dataset train, validation;
};
TrainValidation split_train_validation(Dataset full,
                                       std::size_t num_validation = 1000);

// The first n rows (the homework evaluates on the first 1,000 test images of CIFAR-10).
// Throws std::invalid_argument if n > N; n == N returns `data` itself, uncopied when moved in.
Dataset take_first(Dataset data, std::size_t n);

// Rows [first, first + count) as a new dataset named `name`. Throws std::invalid_argument when
// the range leaves [0, N).
Dataset slice_rows(const Dataset& data, std::size_t first, std::size_t count, std::string name);

}  // namespace gg::data
