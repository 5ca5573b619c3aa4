// Hostile and malformed files for the readers: safetensors headers whose numbers overflow or
// are not integers, tensors that overlap, FIFOs and folders in place of files, gzip bombs.
// Each case is a reproducer of a crash, hang or silent misreading that was found.
#include "temp_dir.hpp"
#include <gategrad/data/cifar10.hpp>
#include <gategrad/data/error.hpp>
#include <gategrad/data/idx.hpp>
#include <gategrad/tensor/factory.hpp>
#include <gategrad/tensor/native.hpp>
#include <gategrad/tensor/safetensors.hpp>

#include <catch2/catch.hpp>
#include <sys/stat.h>
#include <zlib.h>

#include <cstdint>
#include <cstring>
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
  CHECK(file.tensors[0].second.item<float>() == 2.0f);
  CHECK(file.tensors[1].second.item<float>() == 1.0f);
}

TEST_CASE("safetensors: sizes a tensor's int64 cannot hold are refused", "[hostile][safetensors]") {
  TempDir dir;
  const fs::path p = dir / "t.safetensors";
  // 2^63 elements fit the file format's uint64 but not gg::Tensor's int64 sizes.
  write_file(p, safetensors_bytes(one_tensor("[9223372036854775808]", "[0, 0]", "BOOL"), ""));
  CHECK_THAT(load_error(p), Contains("holds more elements than 64 bits can count (sizes are int64)"));
  write_file(p, safetensors_bytes(one_tensor("[0, 9223372036854775808]", "[0, 0]", "BOOL"), ""));
  CHECK_THAT(load_error(p), Contains("holds more elements than 64 bits can count"));
  // 2^62 int64 values are 2^65 bytes.
  write_file(p, safetensors_bytes(one_tensor("[4611686018427387904]", "[0, 0]", "I64"), ""));
  CHECK_THAT(load_error(p), Contains("of I64 holds more bytes than 64 bits can count"));
}

TEST_CASE("safetensors: a BOOL byte other than 0 or 1 is refused", "[hostile][safetensors]") {
  // Read as a C++ bool, the byte 2 would be undefined behaviour (true and false at once).
  TempDir dir;
  const fs::path p = dir / "t.safetensors";
  write_file(p, safetensors_bytes(one_tensor("[3]", "[0, 3]", "BOOL"), std::string("\1\0\2", 3)));
  CHECK_THAT(load_error(p), Contains("tensor 't': BOOL element 2 is byte 2, expected 0 or 1"));
  write_file(p, safetensors_bytes(one_tensor("[3]", "[0, 3]", "BOOL"), std::string("\1\0\1", 3)));
  const gg::Tensor t = gg::load_safetensors(p).tensors.at(0).second;
  CHECK(t.dtype() == gg::kBool);
  CHECK(t.data_ptr<bool>()[0]);
  CHECK_FALSE(t.data_ptr<bool>()[1]);
}

TEST_CASE("safetensors: dtypes gategrad does not have are named with the ones it has", "[hostile][safetensors]") {
  TempDir dir;
  const fs::path p = dir / "t.safetensors";
  for (const std::string dtype : {"I8", "U8", "F16", "I32", "f32", "float32"}) {
    INFO(dtype);
    write_file(p, safetensors_bytes(one_tensor("[1]", "[0, 4]", dtype), std::string(4, 'x')));
    CHECK_THAT(load_error(p), Contains("tensor 't': dtype " + dtype +
                                       " is not supported, expected one of F32, F64, I64, BOOL, BF16"));
  }
  write_file(p, safetensors_bytes(R"({"t": {"dtype": 3, "shape": [1], "data_offsets": [0, 4]}})", std::string(4, 'x')));
  CHECK_THAT(load_error(p), Contains("dtype 3 is not supported"));
}

// ------------------------------------------------------------ what the checks must let through

namespace {

template <class T>
std::string raw_bytes(std::initializer_list<T> values) {
  std::string bytes;
  for (const T& v : values) bytes.append(reinterpret_cast<const char*>(&v), sizeof v);
  return bytes;
}

}  // namespace

TEST_CASE("safetensors: every dtype reads from its little-endian bytes", "[hostile][safetensors]") {
  TempDir dir;
  const fs::path p = dir / "t.safetensors";
  const std::string data = raw_bytes<double>({0.5, -3.0}) + raw_bytes<std::int64_t>({-7, 1LL << 40}) +
                           raw_bytes<std::uint16_t>({0x3f80, 0xc040}) + raw_bytes<float>({2.5f}) +
                           std::string("\0\1", 2);
  write_file(p, safetensors_bytes(R"({"d": {"dtype": "F64", "shape": [2], "data_offsets": [0, 16]},)"
                                  R"( "i": {"dtype": "I64", "shape": [2, 1], "data_offsets": [16, 32]},)"
                                  R"( "h": {"dtype": "BF16", "shape": [2], "data_offsets": [32, 36]},)"
                                  R"( "f": {"dtype": "F32", "shape": [], "data_offsets": [36, 40]},)"
                                  R"( "b": {"dtype": "BOOL", "shape": [1, 2], "data_offsets": [40, 42]}})",
                                  data));
  const gg::SafetensorsFile file = gg::load_safetensors(p);
  REQUIRE(file.tensors.size() == 5);
  const gg::Tensor &d = file.tensors[0].second, &i = file.tensors[1].second, &h = file.tensors[2].second,
                   &f = file.tensors[3].second, &b = file.tensors[4].second;
  CHECK(d.dtype() == gg::kFloat64);
  CHECK(d.data_ptr<double>()[1] == -3.0);
  CHECK(i.dtype() == gg::kInt64);
  CHECK(i.sizes() == gg::IntArrayRef{2, 1});
  CHECK(i.data_ptr<std::int64_t>()[0] == -7);
  CHECK(i.data_ptr<std::int64_t>()[1] == (1LL << 40));
  CHECK(h.dtype() == gg::kBFloat16);
  CHECK(float(h.data_ptr<gg::BFloat16>()[0]) == 1.0f);
  CHECK(float(h.data_ptr<gg::BFloat16>()[1]) == -3.0f);
  CHECK(f.dim() == 0);
  CHECK(f.item<float>() == 2.5f);
  CHECK(b.dtype() == gg::kBool);
  CHECK(b.sizes() == gg::IntArrayRef{1, 2});
  CHECK(b.data_ptr<bool>()[1]);
  for (const auto& [name, t] : file.tensors) CHECK(t.is_contiguous());

  // Written back, the file is the same bytes (the header padded to 8 with spaces).
  gg::save_safetensors(dir / "back.safetensors", file);
  const gg::SafetensorsFile back = gg::load_safetensors(dir / "back.safetensors");
  REQUIRE(back.tensors.size() == 5);
  const std::string again = gg::test::read_file(dir / "back.safetensors");
  std::uint64_t n = 0;
  std::memcpy(&n, again.data(), 8);
  CHECK(n % 8 == 0);
  CHECK(again.substr(8 + n) == data);
  CHECK_THAT(again.substr(8, n), Contains(R"("i":{"dtype":"I64","shape":[2,1],"data_offsets":[16,32]})") &&
                                     Contains(R"("b":{"dtype":"BOOL","shape":[1,2],"data_offsets":[40,42]})"));
}

TEST_CASE("safetensors: a strided view is written as its values", "[hostile][safetensors]") {
  TempDir dir;
  // (2, 3) int64 0..5; its transpose (3, 2) holds 0 3 1 4 2 5; column 1 of it is 3 4 5; an
  // expanded row repeats 7 three times without storing it three times.
  const gg::Tensor m = gg::native::view(gg::arange(6), {2, 3});
  gg::SafetensorsFile file;
  file.tensors.emplace_back("t", gg::native::t(m));
  file.tensors.emplace_back("column", gg::native::select(gg::native::t(m), 1, 1));
  file.tensors.emplace_back("expanded", gg::native::expand(gg::full({1}, 7.0, gg::kFloat64), {2, 3}));
  file.tensors.emplace_back("bf16", gg::native::t(gg::native::to(gg::native::view(gg::arange(4), {2, 2}), gg::kBFloat16)));
  file.metadata["format"] = "pt";
  gg::save_safetensors(dir / "s.safetensors", file);
  const gg::SafetensorsFile back = gg::load_safetensors(dir / "s.safetensors");
  REQUIRE(back.tensors.size() == 4);
  CHECK(back.metadata == file.metadata);
  const auto values = [](const gg::Tensor& t) {
    const std::int64_t* p = t.data_ptr<std::int64_t>();
    return std::vector<std::int64_t>(p, p + t.numel());
  };
  CHECK(back.tensors[0].second.sizes() == gg::IntArrayRef{3, 2});
  CHECK(values(back.tensors[0].second) == std::vector<std::int64_t>{0, 3, 1, 4, 2, 5});
  CHECK(values(back.tensors[1].second) == std::vector<std::int64_t>{3, 4, 5});
  const gg::Tensor& expanded = back.tensors[2].second;
  CHECK(expanded.dtype() == gg::kFloat64);
  CHECK(expanded.sizes() == gg::IntArrayRef{2, 3});
  CHECK(expanded.strides() == gg::IntArrayRef{3, 1});
  for (std::int64_t k = 0; k < 6; ++k) CHECK(expanded.data_ptr<double>()[k] == 7.0);
  const gg::Tensor& bf16 = back.tensors[3].second;
  CHECK(bf16.dtype() == gg::kBFloat16);
  CHECK(float(bf16.data_ptr<gg::BFloat16>()[1]) == 2.0f);  // (0 2; 1 3) row-major
  CHECK(float(bf16.data_ptr<gg::BFloat16>()[2]) == 1.0f);
}

TEST_CASE("safetensors: save refuses an undefined tensor and a reused or reserved name", "[hostile][safetensors]") {
  TempDir dir;
  const fs::path p = dir / "s.safetensors";
  CHECK_THROWS_WITH(gg::save_safetensors(p, {{{"w", gg::Tensor()}}, {}}),
                    Contains("tensor 'w' is undefined"));
  CHECK_THROWS_WITH(gg::save_safetensors(p, {{{"w", gg::zeros({1})}, {"w", gg::zeros({1})}}, {}}),
                    Contains("tensor name 'w' is reserved or used twice"));
  CHECK_THROWS_WITH(gg::save_safetensors(p, {{{"__metadata__", gg::zeros({1})}}, {}}),
                    Contains("reserved or used twice"));
  CHECK_FALSE(fs::exists(p));
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
