#include <gategrad/data/transforms.hpp>
#include <gategrad/tensor/factory.hpp>
#include <gategrad/tensor/native.hpp>
#include <gategrad/tensor/random.hpp>

#include <algorithm>
#include <cmath>
#include <mutex>
#include <stdexcept>
#include <string>

namespace gg::data::transforms {
namespace {

std::string list_text(const std::vector<double>& values) {
  std::string text = "[";
  for (std::size_t i = 0; i < values.size(); ++i) {
    text += (i ? ", " : "") + std::to_string(values[i]);
  }
  return text + "]";
}

// values as a float32 (C,1,1) tensor, C = values.size().
Tensor channel_column(const std::vector<double>& values) {
  const auto C = static_cast<std::int64_t>(values.size());
  Tensor column = empty({C, 1, 1}, kFloat32);
  float* out = column.data_ptr<float>();
  for (std::size_t c = 0; c < values.size(); ++c) out[c] = static_cast<float>(values[c]);
  return column;
}

// x:(B, ...) as B tensors x[0], x[1], ... stacked along a new dim 0: cat of (1, ...) views.
Tensor stack_along_0(const std::vector<Tensor>& parts) {
  std::vector<Tensor> rows;
  rows.reserve(parts.size());
  for (const Tensor& part : parts) rows.push_back(native::unsqueeze(part, 0));
  return native::cat(rows, 0);
}

// Throws unless example i's `field` is defined and has the sizes of example 0's.
void check_stackable(const char* field, std::size_t i, const Tensor& value, const Tensor& first) {
  if (!value.defined()) {
    throw std::invalid_argument("Stack: example " + std::to_string(i) + " has an undefined " +
                                field + ", expected a tensor");
  }
  if (value.sizes() != first.sizes()) {
    throw std::invalid_argument("Stack: example " + std::to_string(i) + " has " + field +
                                " of sizes " + to_string(value.sizes()) + " but example 0 " +
                                to_string(first.sizes()) + ": expected every example's " + field +
                                " of one shape");
  }
}

}  // namespace

NormalizeStatistics::NormalizeStatistics(std::vector<double> mean, std::vector<double> stddev) {
  if (mean.empty() || stddev.empty()) {
    throw std::invalid_argument("Normalize: mean " + list_text(mean) + " and stddev " +
                                list_text(stddev) + ": expected at least one value each");
  }
  if (mean.size() != stddev.size() && mean.size() != 1 && stddev.size() != 1) {
    throw std::invalid_argument("Normalize: mean of " + std::to_string(mean.size()) +
                                " channels and stddev of " + std::to_string(stddev.size()) +
                                ": expected as many values in each, or one in either");
  }
  for (double s : stddev) {
    if (!(std::isfinite(s) && s != 0.0)) {
      throw std::invalid_argument("Normalize: stddev " + list_text(stddev) +
                                  ": expected finite, non-zero values");
    }
  }
  channels_ = std::max(mean.size(), stddev.size());
  mean_ = channel_column(mean);
  stddev_ = channel_column(stddev);
}

Tensor NormalizeStatistics::normalize(const Tensor& input) const {
  if (!input.defined()) {
    throw std::invalid_argument("Normalize: an undefined tensor, expected data (C, H, W)");
  }
  if (channels_ > 1 && (input.dim() < 3 || input.size(-3) != std::int64_t(channels_))) {
    throw std::invalid_argument("Normalize: data of sizes " + to_string(input.sizes()) +
                                " for a mean and stddev of " + std::to_string(channels_) +
                                " channels: expected data (" + std::to_string(channels_) +
                                ", H, W)");
  }
  return native::div(native::sub(input, mean_), stddev_);
}

Example<> Stack<Example<>>::apply_batch(std::vector<Example<>> examples) {
  if (examples.empty()) {
    throw std::invalid_argument("Stack: an empty batch, expected at least one example");
  }
  std::vector<Tensor> data, targets;
  data.reserve(examples.size());
  targets.reserve(examples.size());
  for (std::size_t i = 0; i < examples.size(); ++i) {
    const Example<>& e = examples[i];
    check_stackable("data", i, e.data, examples.front().data);
    check_stackable("target", i, e.target, examples.front().target);
    data.push_back(e.data);
    targets.push_back(e.target);
  }
  return {stack_along_0(data), stack_along_0(targets)};
}

struct RandomSource::State {
  std::mutex mutex;
  Generator gen;
  explicit State(std::uint64_t seed) : gen(seed) {}
};

RandomSource::RandomSource(std::uint64_t seed) : state_(std::make_shared<State>(seed)) {}

std::int64_t RandomSource::integer(std::int64_t n) {
  const std::lock_guard<std::mutex> lock(state_->mutex);
  const auto k = static_cast<std::int64_t>(state_->gen.uniform01() * static_cast<double>(n + 1));
  return std::min(k, n);
}

bool RandomSource::bernoulli(double p) {
  const std::lock_guard<std::mutex> lock(state_->mutex);
  return state_->gen.uniform01() < p;
}

Tensor random_crop(const Tensor& image, std::int64_t size_h, std::int64_t size_w, std::int64_t padding,
                   RandomSource& source) {
  if (size_h < 1 || size_w < 1 || padding < 0) {
    throw std::invalid_argument("RandomCrop: got size (" + std::to_string(size_h) + ", " + std::to_string(size_w) +
                                ") and padding " + std::to_string(padding) +
                                ", expected sizes >= 1 and a padding >= 0");
  }
  if (image.dim() < 2) {
    throw ShapeError("RandomCrop: got an image of sizes " + to_string(image.sizes()) + ", expected (..., H, W)");
  }
  const Tensor padded = padding > 0 ? native::constant_pad_nd(image, {padding, padding, padding, padding}) : image;
  const std::int64_t H = padded.size(-2), W = padded.size(-1);
  if (H < size_h || W < size_w) {
    throw ShapeError("RandomCrop: got an image of sizes " + to_string(image.sizes()) + " padded by " +
                     std::to_string(padding) + ", expected at least the crop (" + std::to_string(size_h) + ", " +
                     std::to_string(size_w) + ")");
  }
  const std::int64_t top = source.integer(H - size_h), left = source.integer(W - size_w);
  return native::contiguous(native::narrow(native::narrow(padded, -2, top, size_h), -1, left, size_w));
}

Tensor random_horizontal_flip(const Tensor& image, double p, RandomSource& source) {
  if (!(p >= 0.0 && p <= 1.0)) {
    throw std::invalid_argument("RandomHorizontalFlip: got p = " + std::to_string(p) +
                                ", expected a probability 0 <= p <= 1");
  }
  if (image.dim() < 1) {
    throw ShapeError("RandomHorizontalFlip: got a scalar image, expected (..., W)");
  }
  return source.bernoulli(p) ? native::flip(image, {-1}) : image;
}

}  // namespace gg::data::transforms
