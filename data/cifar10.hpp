#pragma once
// CIFAR-10 (Krizhevsky, 2009), binary version (cifar-10-binary.tar.gz from
// https://www.cs.toronto.edu/~kriz/cifar.html, extracting to cifar-10-batches-bin/):
// 32x32 colour images in 10 classes, train = data_batch_1.bin .. data_batch_5.bin (50,000),
// test = test_batch.bin (10,000). Each record is 3073 bytes:
//   byte 0            label 0..9
//   bytes 1..1024     red plane, row-major 32x32
//   bytes 1025..2048  green plane
//   bytes 2049..3072  blue plane
#include <gategrad/data/dataset.hpp>

#include <filesystem>

namespace gg::data {

inline constexpr std::size_t kCifar10RecordBytes = 1 + 3 * 32 * 32;

// Images (N, 3072) as floats 0..255 in the files' planar CHW order: column c*1024 + y*32 + x
// is channel c (0 R, 1 G, 2 B) of pixel (y, x); image_shape (3, 32, 32). The homework's
// NumPy loader transposes to HWC instead; the two differ only by a fixed permutation of the
// columns, which a fully connected network does not care about.
// Throws DataError naming the file when one is missing, its size is not a whole number of
// records, or a label is above 9.
Dataset load_cifar10(const std::filesystem::path& dir, Split split = Split::Train);

}  // namespace gg::data
