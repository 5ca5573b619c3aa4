// Hostile and malformed files for the readers: safetensors headers whose numbers overflow or
// are not integers, tensors that overlap, FIFOs and folders in place of files, gzip bombs.
// Each case is a reproducer of a crash, hang or silent misreading that was found.
#include "temp_dir.hpp"
#include <gategrad/data/cifar10.hpp>
#include <gategrad/data/error.hpp>
#include <gategrad/data/idx.hpp>
#include <gategrad/tensor/safetensors.hpp>

#include <catch2/catch.hpp>
#include <sys/stat.h>
#include <zlib.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using Catch::Matchers::Contains;

namespace {

using gg::test::safetensors_bytes;
using gg::test::TempDir;
using gg::test::write_file;

std::string one_tensor(const std::string& shape, const std::string& offsets, const std::string& dtype = "F32") {
  return R"({"t": {"dtype": ")" + dtype + R"(", "shape": )" + shape + R"(, "data_offsets": )" + offsets + "}}";
}

std::string load_error(const fs::path& p) {
  try {
    gg::load_safetensors(p);
  } catch (const gg::FormatError& e) {
    return e.what();
  }
  FAIL("expected gg::FormatError from load_safetensors(" + p.string() + ")");
  return {};
}

void write_gzip(const fs::path& path, const std::vector<std::uint8_t>& header, std::size_t zeros) {
  gzFile out = gzopen(path.c_str(), "wb9");
  REQUIRE(out != nullptr);
  REQUIRE(gzwrite(out, header.data(), static_cast<unsigned>(header.size())) == static_cast<int>(header.size()));
  const std::vector<std::uint8_t> block(1 << 20, 0);
  for (std::size_t left = zeros; left > 0;) {
    const auto n = static_cast<unsigned>(std::min(left, block.size()));
    REQUIRE(gzwrite(out, block.data(), n) == static_cast<int>(n));
    left -= n;
  }
  REQUIRE(gzclose(out) == Z_OK);
}

// An unsigned-byte IDX header: 0 0 0x08 ndim, then big-endian uint32 dims.
std::vector<std::uint8_t> idx_header(const std::vector<std::uint32_t>& dims) {
  std::vector<std::uint8_t> bytes = {0, 0, 0x08, static_cast<std::uint8_t>(dims.size())};
  for (std::uint32_t d : dims) {
    for (int shift = 24; shift >= 0; shift -= 8) bytes.push_back(std::uint8_t(d >> shift));
  }
  return bytes;
}

std::string data_error(const fs::path& p, std::size_t max_bytes = gg::data::kIdxMaxBytes) {
  try {
    gg::data::read_idx(p, max_bytes);
  } catch (const gg::data::DataError& e) {
    return e.what();
  }
  FAIL("expected gg::data::DataError from read_idx(" + p.string() + ")");
  return {};
}

}  // namespace

TEST_CASE("safetensors: element counts that overflow 64 bits are refused, not wrapped", "[hostile][safetensors]") {
  TempDir dir;
  const fs::path p = dir / "t.safetensors";
  // 3 * 6148914691236517206 wraps to 2 elements, 8 bytes: it loaded as a tensor claiming 2^64 + 2.
  write_file(p, safetensors_bytes(one_tensor("[3, 6148914691236517206]", "[0, 8]"), std::string(8, 'x')));
  CHECK_THAT(load_error(p), Contains("tensor 't': shape [3,6148914691236517206] holds more elements than 64 bits can count"));
  // 2^62 floats are 2^64 bytes, which wrapped to 0 and escaped as std::bad_array_new_length.
  write_file(p, safetensors_bytes(one_tensor("[4611686018427387904]", "[0, 0]"), ""));
  CHECK_THAT(load_error(p), Contains("holds more bytes than 64 bits can count"));
  // A zero dimension does not excuse the others from fitting.
  write_file(p, safetensors_bytes(one_tensor("[0, 4294967296, 4294967296]", "[0, 0]"), ""));
  CHECK_THAT(load_error(p), Contains("more elements than 64 bits"));
}

TEST_CASE("safetensors: sizes and offsets must be non-negative JSON integers", "[hostile][safetensors]") {
  TempDir dir;
  const fs::path p = dir / "t.safetensors";
  const std::string four(4, 'x');
  for (const std::string shape : {"[-1, -1]", "[1e30]", "[-1.0]", "[18446744073709551616]", "[3.7, 4]", "[1.0]",
                                  "[\"1\"]", "[null]", "[true]"}) {
    INFO("shape " << shape);
    write_file(p, safetensors_bytes(one_tensor(shape, "[0, 4]"), four));
    CHECK_THAT(load_error(p), Contains("expected non-negative integers"));
  }
  for (const std::string shape : {R"({"a": 3})", "3", "\"3\"", "null"}) {
    INFO("shape " << shape);
    write_file(p, safetensors_bytes(one_tensor(shape, "[0, 4]"), four));
    CHECK_THAT(load_error(p), Contains("expected an array of sizes"));
  }
  for (const std::string offsets : {"[0, 4.0]", "[-4, 0]", "[0]", "[0, 4, 8]", "4", R"({"0": 4})", "[0, 1e20]"}) {
    INFO("offsets " << offsets);
    write_file(p, safetensors_bytes(one_tensor("[1]", offsets), four));
    CHECK_THAT(load_error(p), Contains("expected [begin, end] of non-negative integers"));
  }
}

TEST_CASE("safetensors: more than 64 dimensions are refused", "[hostile][safetensors]") {
  TempDir dir;
  const fs::path p = dir / "t.safetensors";
  std::string shape = "[1";
  for (int k = 1; k < 65; ++k) shape += ",1";
  write_file(p, safetensors_bytes(one_tensor(shape + "]", "[0, 4]"), std::string(4, 'x')));
  CHECK_THAT(load_error(p), Contains("shape has 65 dimensions, expected at most 64"));
}

TEST_CASE("safetensors: tensors must tile the data without overlaps or gaps", "[hostile][safetensors]") {
  TempDir dir;
  const fs::path p = dir / "t.safetensors";
  // Both claim bytes 0-8; bytes 8-16 belong to nobody, yet the byte counts add up to the data size.
  write_file(p, safetensors_bytes(R"({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},)"
                                  R"( "b": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}})",
                                  std::string(16, 'x')));
  CHECK_THAT(load_error(p), Contains("tensor 'b' starts at data byte 0, expected 8"));
  write_file(p, safetensors_bytes(R"({"a": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}})", std::string(8, 'x')));
  CHECK_THAT(load_error(p), Contains("tensor 'a' starts at data byte 4, expected 0"));
  // Stored out of order but tiling the data: valid, read in header order.
  write_file(p, safetensors_bytes(R"({"b": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]},)"
                                  R"( "a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}})",
                                  std::string("\0\0\x80\x3f\0\0\0\x40", 8)));
  const gg::SafetensorsFile file = gg::load_safetensors(p);
  REQUIRE(file.tensors.size() == 2);
  CHECK(file.tensors[0].first == "b");
  CHECK(std::get<gg::ArrayF>(file.tensors[0].second).item() == 2.0f);
  CHECK(std::get<gg::ArrayF>(file.tensors[1].second).item() == 1.0f);
}

TEST_CASE("readers refuse a FIFO, a folder or a device instead of blocking on it", "[hostile][files]") {
  TempDir dir;
  const fs::path fifo = dir / "pipe";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  CHECK_THAT(load_error(fifo), Contains("pipe: is a FIFO (named pipe), expected a regular file"));
  CHECK_THAT(data_error(fifo), Contains("pipe: is a FIFO (named pipe), expected a regular file"));
  CHECK_THAT(load_error(dir.path()), Contains("is a directory, expected a regular file"));
  CHECK_THAT(data_error(dir.path()), Contains("is a directory, expected a regular file"));
  CHECK_THAT(data_error("/dev/zero"), Contains("/dev/zero: is a character device, expected a regular file"));
  CHECK_THAT(load_error("/dev/zero"), Contains("is a character device"));
  CHECK_THAT(load_error(dir / "absent"), Contains("absent: no such file"));

  // CIFAR-10 said "no such file" for a FIFO batch.
  for (int k = 1; k <= 5; ++k) {
    const fs::path batch = dir / ("data_batch_" + std::to_string(k) + ".bin");
    if (k == 3) REQUIRE(::mkfifo(batch.c_str(), 0600) == 0);
    else write_file(batch, std::string(3073, '\0'));
  }
  CHECK_THROWS_WITH(gg::data::load_cifar10(dir.path(), gg::data::Split::Train),
                    Contains("data_batch_3.bin: is a FIFO (named pipe), expected a regular file"));
}

TEST_CASE("read_idx: a gzip bomb is refused from its header, before inflating", "[hostile][idx]") {
  TempDir dir;
  const fs::path p = dir / "bomb.gz";
  // 8 MB of zeros deflate to about 8 KB; the header promises (0xFFFFFFFF, 28, 28): 3.4e12 bytes.
  write_gzip(p, idx_header({0xFFFFFFFFu, 28, 28}), 8u << 20);
  const std::string why = data_error(p);
  CHECK_THAT(why, Contains("dims (4294967295, 28, 28) promise 3367254359280 bytes of values, more than the limit of 2147483648"));
  // Within the default limit but beyond what this small file could inflate to.
  write_gzip(p, idx_header({1000000, 28, 28}), 1u << 20);
  CHECK_THAT(data_error(p), Contains("promise 784000000 bytes of values, but a gzip file of"));
  CHECK_THAT(data_error(p), Contains("truncated, or wrong dims"));
  // The caller's own limit.
  write_gzip(p, idx_header({10, 28, 28}), 7840);
  CHECK_THAT(data_error(p, 1000), Contains("more than the limit of 1000 (read_idx's max_bytes)"));
  CHECK(gg::data::read_idx(p).bytes.size() == 7840);
}

TEST_CASE("read_idx: a plain file promising more than its size is refused before reading", "[hostile][idx]") {
  TempDir dir;
  const fs::path p = dir / "short";
  std::vector<std::uint8_t> bytes = idx_header({100, 28, 28});
  bytes.resize(bytes.size() + 50);
  write_file(p, std::string(bytes.begin(), bytes.end()));
  CHECK_THAT(data_error(p), Contains("truncated: expected 78400 bytes of values after the header (dims (100, 28, 28)), found 50"));
}

TEST_CASE("read_idx: trailing data is refused at its first byte", "[hostile][idx]") {
  TempDir dir;
  const fs::path p = dir / "trailing.gz";
  // 4 promised bytes, then 64 MB more: the reader stops at the first byte too many.
  write_gzip(p, idx_header({4}), (64u << 20) + 4);
  CHECK_THAT(data_error(p), Contains("unexpected bytes after the 4 bytes of values its header promises"));
}
