#include <gategrad/data/preprocess.hpp>

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

}  // namespace

void affine_transform(Dataset& data, float scale, float shift) {
  for (float& x : data.images.values()) x = x * scale + shift;
}

void scale_to_unit(Dataset& data) { affine_transform(data, 1.0f / 255.0f, 0.0f); }

void scale_to_symmetric(Dataset& data) { affine_transform(data, 2.0f / 255.0f, -1.0f); }

ArrayF mean_image(const Dataset& train) {
  require_rows("mean_image", train);
  const std::size_t N = train.size(), D = train.dim();
  std::vector<double> sum(D, 0.0);
  const float* x = train.images.data();
  for (std::size_t i = 0; i < N; ++i) {
    for (std::size_t j = 0; j < D; ++j) sum[j] += x[i * D + j];
  }
  ArrayF mean = ArrayF::empty({D});
  for (std::size_t j = 0; j < D; ++j) mean.data()[j] = static_cast<float>(sum[j] / double(N));
  return mean;
}

void subtract_mean_image(Dataset& data, const ArrayF& mean) {
  check_dataset("subtract_mean_image", data);
  const std::size_t N = data.size(), D = data.dim();
  if (mean.shape() != Shape{D}) {
    throw std::invalid_argument("subtract_mean_image: mean image of shape " +
                                gg::to_string(mean.shape()) + " for dataset \"" + data.name +
                                "\" with images (N, D) = " + gg::to_string(data.images.shape()) +
                                ": expected (" + std::to_string(D) + ",)");
  }
  float* x = data.images.data();
  const float* m = mean.data();
  for (std::size_t i = 0; i < N; ++i) {
    for (std::size_t j = 0; j < D; ++j) x[i * D + j] -= m[j];
  }
}

ChannelStats channel_stats(const Dataset& train) {
  require_rows("channel_stats", train);
  const std::size_t N = train.size(), D = train.dim(), C = train.channels(), P = D / C;
  const float* x = train.images.data();
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
  float* x = data.images.data();
  for (std::size_t c = 0; c < C; ++c) {
    const auto mean = static_cast<float>(stats.mean[c]);
    const auto inverse_std = static_cast<float>(1.0 / stats.std[c]);
    for (std::size_t i = 0; i < N; ++i) {
      float* plane = x + i * D + c * P;
      for (std::size_t p = 0; p < P; ++p) plane[p] = (plane[p] - mean) * inverse_std;
    }
  }
}

}  // namespace gg::data
