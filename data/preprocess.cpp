#include <gategrad/data/preprocess.hpp>
#include <gategrad/tensor/factory.hpp>
#include <gategrad/tensor/native.hpp>

#include <cmath>
#include <stdexcept>
#include <string>

namespace gg::data {
namespace {

void require_rows(std::string_view op, const Dataset& data) {
  check_dataset(op, data);
  if (data.size() == 0) {
    throw std::invalid_argument(std::string(op) + ": dataset \"" + data.name +
                                "\" is empty: statistics need at least one row");
  }
}

// The in-place writes below go through raw pointers, so each marks its change as copy_ would.
void bump_version(const Dataset& data) { data.images.storage()->bump_version(); }

}  // namespace

void affine_transform(Dataset& data, float scale, float shift) {
  check_dataset("affine_transform", data);
  float* x = data.images.data_ptr<float>();
  const auto count = static_cast<std::size_t>(data.images.numel());
  for (std::size_t i = 0; i < count; ++i) x[i] = x[i] * scale + shift;
  bump_version(data);
}

void scale_to_unit(Dataset& data) { affine_transform(data, 1.0f / 255.0f, 0.0f); }

void scale_to_symmetric(Dataset& data) { affine_transform(data, 2.0f / 255.0f, -1.0f); }

Tensor mean_image(const Dataset& train) {
  require_rows("mean_image", train);
  const std::size_t N = train.size(), D = train.dim();
  std::vector<double> sum(D, 0.0);
  const float* x = train.images.data_ptr<float>();
  for (std::size_t i = 0; i < N; ++i) {
    for (std::size_t j = 0; j < D; ++j) sum[j] += x[i * D + j];
  }
  Tensor mean = empty({static_cast<std::int64_t>(D)}, kFloat32);
  float* m = mean.data_ptr<float>();
  for (std::size_t j = 0; j < D; ++j) m[j] = static_cast<float>(sum[j] / double(N));
  return mean;
}

void subtract_mean_image(Dataset& data, const Tensor& mean) {
  check_dataset("subtract_mean_image", data);
  const std::size_t N = data.size(), D = data.dim();
  if (!mean.defined() || mean.dtype() != kFloat32 ||
      mean.sizes() != IntArrayRef{static_cast<std::int64_t>(D)}) {
    throw std::invalid_argument(
        "subtract_mean_image: mean image " +
        (mean.defined() ? std::string(name(mean.dtype())) + " of sizes " + gg::to_string(mean.sizes())
                        : std::string("undefined")) +
        " for dataset \"" + data.name + "\" with images [N, D] = " +
        gg::to_string(data.images.sizes()) + ": expected float32 of sizes [" + std::to_string(D) +
        "]");
  }
  const Tensor values = native::contiguous(mean);  // a view of any strides reads as its values
  float* x = data.images.data_ptr<float>();
  const float* m = values.data_ptr<float>();
  for (std::size_t i = 0; i < N; ++i) {
    for (std::size_t j = 0; j < D; ++j) x[i * D + j] -= m[j];
  }
  bump_version(data);
}

ChannelStats channel_stats(const Dataset& train) {
  require_rows("channel_stats", train);
  const std::size_t N = train.size(), D = train.dim(), C = train.channels(), P = D / C;
  const float* x = train.images.data_ptr<float>();
  ChannelStats stats{std::vector<double>(C, 0.0), std::vector<double>(C, 0.0)};
  const double count = double(N) * double(P);
  // Two passes in double: the mean, then the mean squared deviation (no cancellation).
  for (std::size_t i = 0; i < N; ++i) {
    for (std::size_t c = 0; c < C; ++c) {
      const float* plane = x + i * D + c * P;
      for (std::size_t p = 0; p < P; ++p) stats.mean[c] += plane[p];
    }
  }
  for (double& m : stats.mean) m /= count;
  std::vector<double> squares(C, 0.0);
  for (std::size_t i = 0; i < N; ++i) {
    for (std::size_t c = 0; c < C; ++c) {
      const float* plane = x + i * D + c * P;
      for (std::size_t p = 0; p < P; ++p) {
        const double deviation = plane[p] - stats.mean[c];
        squares[c] += deviation * deviation;
      }
    }
  }
  for (std::size_t c = 0; c < C; ++c) {
    stats.std[c] = std::sqrt(squares[c] / count);
    if (!(stats.std[c] > 0.0)) {
      throw std::invalid_argument("channel_stats: channel " + std::to_string(c) +
                                  " of dataset \"" + train.name + "\" is constant (" +
                                  std::to_string(stats.mean[c]) +
                                  "): its standard deviation is 0, so it cannot be standardised");
    }
  }
  return stats;
}

void standardize_channels(Dataset& data, const ChannelStats& stats) {
  check_dataset("standardize_channels", data);
  const std::size_t N = data.size(), D = data.dim(), C = data.channels(), P = D / C;
  if (stats.mean.size() != C || stats.std.size() != C) {
    throw std::invalid_argument("standardize_channels: statistics for " +
                                std::to_string(stats.mean.size()) + " means and " +
                                std::to_string(stats.std.size()) + " stds, but dataset \"" +
                                data.name + "\" (image shape " + gg::to_string(data.image_shape) +
                                ") has " + std::to_string(C) + " channels");
  }
  float* x = data.images.data_ptr<float>();
  for (std::size_t c = 0; c < C; ++c) {
    const auto mean = static_cast<float>(stats.mean[c]);
    const auto inverse_std = static_cast<float>(1.0 / stats.std[c]);
    for (std::size_t i = 0; i < N; ++i) {
      float* plane = x + i * D + c * P;
      for (std::size_t p = 0; p < P; ++p) plane[p] = (plane[p] - mean) * inverse_std;
    }
  }
  bump_version(data);
}

}  // namespace gg::data
