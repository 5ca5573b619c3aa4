#include <gategrad/data/dataset.hpp>

#include <algorithm>
#include <stdexcept>
#include <string>

namespace gg::data {

std::string_view to_string(Split split) {
  return split == Split::Train ? "train" : "test";
}

void check_dataset(std::string_view op, const Dataset& data) {
  const std::string where = std::string(op) + ": dataset \"" + data.name + "\"";
  const Shape& shape = data.images.shape();
  if (shape.size() != 2 || shape[0] != data.labels.size() || shape[1] != data.dim()) {
    throw std::invalid_argument(where + ": images have shape " + gg::to_string(shape) +
                                ", expected (N, D) = (" + std::to_string(data.labels.size()) +
                                ", " + std::to_string(data.dim()) + ") from its " +
                                std::to_string(data.labels.size()) + " labels and image shape " +
                                gg::to_string(data.image_shape));
  }
  for (std::size_t i = 0; i < data.labels.size(); ++i) {
    const std::int64_t label = data.labels[i];
    if (label < 0 || static_cast<std::size_t>(label) >= data.num_classes) {
      throw std::invalid_argument(where + ": label " + std::to_string(label) + " at row " +
                                  std::to_string(i) + ", expected 0 to " +
                                  std::to_string(data.num_classes) + " - 1");
    }
  }
}

Dataset slice_rows(const Dataset& data, std::size_t first, std::size_t count, std::string name) {
  const std::size_t n = data.size();
  if (first > n || count > n - first) {
    throw std::invalid_argument("slice_rows: rows [" + std::to_string(first) + ", " +
                                std::to_string(first + count) + ") of dataset \"" + data.name +
                                "\", which has " + std::to_string(n) + " rows");
  }
  const std::size_t D = data.dim();
  Dataset out;
  out.name = std::move(name);
  out.images = ArrayF::empty({count, D});
  std::copy_n(data.images.data() + first * D, count * D, out.images.data());
  out.labels.assign(data.labels.begin() + static_cast<std::ptrdiff_t>(first),
                    data.labels.begin() + static_cast<std::ptrdiff_t>(first + count));
  out.image_shape = data.image_shape;
  out.num_classes = data.num_classes;
  out.class_names = data.class_names;
  return out;
}

TrainValidation split_train_validation(Dataset full, std::size_t num_validation) {
  const std::size_t n = full.size();
  if (num_validation == 0 || num_validation >= n) {
    throw std::invalid_argument("split_train_validation: " + std::to_string(num_validation) +
                                " validation rows out of the " + std::to_string(n) +
                                " of dataset \"" + full.name +
                                "\": expected at least 1 and fewer than " + std::to_string(n) +
                                ", so that both splits are non-empty");
  }
  check_dataset("split_train_validation", full);
  const std::size_t num_train = n - num_validation;
  const std::string base = full.name.ends_with(" train")
                               ? full.name.substr(0, full.name.size() - 6)
                               : full.name;
  TrainValidation out;
  out.validation = slice_rows(full, num_train, num_validation, base + " validation");
  out.train = slice_rows(full, 0, num_train, base + " train");
  return out;
}

Dataset take_first(Dataset data, std::size_t n) {
  if (n > data.size()) {
    throw std::invalid_argument("take_first: " + std::to_string(n) + " rows of dataset \"" +
                                data.name + "\", which has only " + std::to_string(data.size()));
  }
  if (n == data.size()) return data;
  return slice_rows(data, 0, n, data.name + " (first " + std::to_string(n) + ")");
}

}  // namespace gg::data
