#include <gategrad/data/dataset.hpp>
#include <gategrad/tensor/native.hpp>

#include <stdexcept>
#include <string>

namespace gg::data {

std::string_view to_string(Split split) {
  return split == Split::Train ? "train" : "test";
}

std::size_t Dataset::size() const {
  return labels.defined() ? static_cast<std::size_t>(labels.numel()) : 0;
}

std::size_t Dataset::dim() const {
  std::size_t d = 1;  // unsigned: a hostile image_shape wraps (and check_dataset refuses it)
  for (std::int64_t s : image_shape) d *= static_cast<std::size_t>(s);
  return d;
}

std::size_t Dataset::channels() const {
  return image_shape.size() == 3 ? static_cast<std::size_t>(image_shape[0]) : 1;
}

namespace {

// "float32 (N, D) = [60000, 784]", "undefined": what a dataset's tensor is, for an error message.
std::string describe(const Tensor& t) {
  if (!t.defined()) return "undefined";
  return std::string(name(t.dtype())) + " of sizes " + gg::to_string(t.sizes()) +
         (t.is_contiguous() ? "" : " (not contiguous)");
}

}  // namespace

void check_dataset(std::string_view op, const Dataset& data) {
  const std::string where = std::string(op) + ": dataset \"" + data.name + "\"";
  const std::int64_t N = static_cast<std::int64_t>(data.size());
  const std::int64_t D = static_cast<std::int64_t>(data.dim());
  for (std::int64_t s : data.image_shape) {
    if (s < 0) {
      throw std::invalid_argument(where + ": image shape " + gg::to_string(data.image_shape) +
                                  ", expected non-negative sizes");
    }
  }
  const Tensor& labels = data.labels;
  if (!labels.defined() || labels.dtype() != kInt64 || labels.dim() != 1 || !labels.is_contiguous()) {
    throw std::invalid_argument(where + ": labels are " + describe(labels) +
                                ", expected a contiguous int64 tensor of sizes [N]");
  }
  const Tensor& images = data.images;
  if (!images.defined() || images.dtype() != kFloat32 || images.dim() != 2 || images.size(0) != N ||
      images.size(1) != D || !images.is_contiguous()) {
    throw std::invalid_argument(where + ": images are " + describe(images) +
                                ", expected a contiguous float32 tensor of sizes [N, D] = [" +
                                std::to_string(N) + ", " + std::to_string(D) + "] from its " +
                                std::to_string(N) + " labels and image shape " +
                                gg::to_string(data.image_shape));
  }
  const std::int64_t* label = labels.data_ptr<std::int64_t>();
  for (std::int64_t i = 0; i < N; ++i) {
    if (label[i] < 0 || static_cast<std::size_t>(label[i]) >= data.num_classes) {
      throw std::invalid_argument(where + ": label " + std::to_string(label[i]) + " at row " +
                                  std::to_string(i) + ", expected 0 to " +
                                  std::to_string(data.num_classes) + " - 1");
    }
  }
}

namespace {

// Rows [first, first + count) of `data` as views of its tensors, named `name`.
Dataset view_rows(const Dataset& data, std::size_t first, std::size_t count, std::string name) {
  const auto begin = static_cast<std::int64_t>(first), length = static_cast<std::int64_t>(count);
  Dataset out;
  out.name = std::move(name);
  out.images = native::narrow(data.images, 0, begin, length);
  out.labels = native::narrow(data.labels, 0, begin, length);
  out.image_shape = data.image_shape;
  out.num_classes = data.num_classes;
  out.class_names = data.class_names;
  return out;
}

}  // namespace

Dataset slice_rows(const Dataset& data, std::size_t first, std::size_t count, std::string name) {
  const std::size_t n = data.size();
  if (first > n || count > n - first) {
    throw std::invalid_argument("slice_rows: rows [" + std::to_string(first) + ", " +
                                std::to_string(first + count) + ") of dataset \"" + data.name +
                                "\", which has " + std::to_string(n) + " rows");
  }
  check_dataset("slice_rows", data);
  Dataset out = view_rows(data, first, count, std::move(name));
  out.images = native::clone(out.images);
  out.labels = native::clone(out.labels);
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
  out.validation = view_rows(full, num_train, num_validation, base + " validation");
  out.train = view_rows(full, 0, num_train, base + " train");
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
