#include <gategrad/data/transforms.hpp>
#include <gategrad/tensor/factory.hpp>
#include <gategrad/tensor/native.hpp>

#include <algorithm>
#include <cmath>
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

}  // namespace gg::data::transforms
