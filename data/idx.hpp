#pragma once
// The IDX format of MNIST and Fashion-MNIST (http://yann.lecun.com/exdb/mnist/), big-endian:
//   bytes 0-1  0x00 0x00
//   byte  2    dtype: 0x08 unsigned byte (the only one read here), 0x09 signed byte,
//              0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64
//   byte  3    number of dimensions n
//   then n uint32 sizes, outermost first, then prod(sizes) values in row-major order.
// Files may be plain or gzip-compressed (as distributed); zlib reads both.
#include <gategrad/tensor/int_array_ref.hpp>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <vector>

namespace gg::data {

// The file's raw bytes: gg::Tensor has no uint8 dtype, and widening 47 MB of pixels to int64
// only to narrow them into float32 images would cost 376 MB on the way.
struct IdxArray {
  SizeVector dims;                  // e.g. (60000, 28, 28) for the training images
  std::vector<std::uint8_t> bytes;  // prod(dims) values, row-major
};

// The most value bytes read_idx accepts by default: 2 GiB, four times EMNIST's largest file.
inline constexpr std::size_t kIdxMaxBytes = std::size_t{2} << 30;

// Reads a whole unsigned-byte IDX file. Throws DataError naming the file when it is missing or
// not a regular file, is not IDX, holds another dtype, promises more than `max_bytes` or more
// than the file can hold (checked before inflating anything), or holds fewer or more payload
// bytes than its dims promise.
IdxArray read_idx(const std::filesystem::path& path, std::size_t max_bytes = kIdxMaxBytes);

}  // namespace gg::data
