#pragma once
// Preprocessing, in place on a Dataset's (N, D) images (each call bumps their version, as an
// in-place tensor op does). Statistics are computed on the training split and then applied,
// unchanged, to train, validation and test:
//
//   the homework (raw 0..255 minus the mean image):
//     Tensor mean = mean_image(train);
//     for (Dataset* d : {&train, &val, &test}) subtract_mean_image(*d, mean);
//   scaled, then centred:            scale_to_unit(d) on each split, then as above
//   PyTorch's ToTensor + Normalize(0.5, 0.5):   scale_to_symmetric(d) on each split
//   per-channel standardisation:
//     ChannelStats stats = channel_stats(train);
//     for (Dataset* d : {&train, &val, &test}) standardize_channels(*d, stats);
#include <gategrad/data/dataset.hpp>

#include <vector>

namespace gg::data {

// x <- x * scale + shift for every value.
void affine_transform(Dataset& data, float scale, float shift);
// x <- x / 255: bytes 0..255 to [0, 1].
void scale_to_unit(Dataset& data);
// x <- x / 255 * 2 - 1: bytes 0..255 to [-1, 1], as ToTensor() then Normalize(0.5, 0.5).
void scale_to_symmetric(Dataset& data);

// The mean of the rows, (N, D) -> float32 (D,), summed in double. Save it with the model: inputs
// at inference time need the same subtraction. Throws std::invalid_argument for an empty
// dataset.
Tensor mean_image(const Dataset& train);
// x_i <- x_i - mean for every row i. Throws std::invalid_argument unless mean is float32 (D,)
// (of any strides).
void subtract_mean_image(Dataset& data, const Tensor& mean);

// Mean and population standard deviation of each channel over all rows and pixels. A channel
// is a contiguous block of D / C columns (CHW images: C = image_shape[0]; (H, W) images: C = 1).
struct ChannelStats {
  std::vector<double> mean, std;  // (C,) each
};
// Throws std::invalid_argument for an empty dataset or a constant channel (std 0).
ChannelStats channel_stats(const Dataset& train);
// x <- (x - mean_c) / std_c on every value of channel c. Throws std::invalid_argument unless
// stats has one entry per channel of `data`.
void standardize_channels(Dataset& data, const ChannelStats& stats);

}  // namespace gg::data
