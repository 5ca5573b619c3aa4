// The IDX, Fashion-MNIST and CIFAR-10 readers, on small files written into a temporary folder.
#include "temp_dir.hpp"
#include <gategrad/data/cifar10.hpp>
#include <gategrad/data/cifar10_dataset.hpp>
#include <gategrad/data/error.hpp>
#include <gategrad/data/fashion_mnist.hpp>
#include <gategrad/data/idx.hpp>

#include <catch2/catch.hpp>
#include <unistd.h>
#include <zlib.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using Catch::Matchers::Contains;
using Bytes = std::vector<std::uint8_t>;

namespace {

using gg::test::TempDir;

void write_plain(const fs::path& path, const Bytes& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
  REQUIRE(out.good());
}

void write_gzip(const fs::path& path, const Bytes& bytes) {
  gzFile out = gzopen(path.c_str(), "wb");
  REQUIRE(out != nullptr);
  REQUIRE(gzwrite(out, bytes.data(), static_cast<unsigned>(bytes.size())) ==
          static_cast<int>(bytes.size()));
  REQUIRE(gzclose(out) == Z_OK);
}

// An IDX file's bytes: 0x00 0x00 dtype ndim, big-endian uint32 dims, then the payload.
Bytes idx_bytes(std::uint8_t dtype, const std::vector<std::uint32_t>& dims, const Bytes& payload) {
  Bytes bytes = {0, 0, dtype, static_cast<std::uint8_t>(dims.size())};
  for (std::uint32_t d : dims) {
    for (int shift = 24; shift >= 0; shift -= 8) bytes.push_back(std::uint8_t(d >> shift));
  }
  bytes.insert(bytes.end(), payload.begin(), payload.end());
  return bytes;
}

// The values of a contiguous 1-D tensor.
template <class T>
std::vector<T> values(const gg::Tensor& t) {
  const T* p = t.data_ptr<T>();
  return std::vector<T>(p, p + t.numel());
}

// Element (i, j) of a contiguous float32 matrix.
float at(const gg::Tensor& x, std::size_t i, std::size_t j) {
  return x.data_ptr<float>()[i * std::size_t(x.size(1)) + j];
}

Bytes counting(std::size_t n, std::size_t start = 0) {
  Bytes bytes(n);
  for (std::size_t i = 0; i < n; ++i) bytes[i] = static_cast<std::uint8_t>((start + i) % 251);
  return bytes;
}

// The message of the DataError that f throws; fails the test when f throws nothing.
template <class F>
std::string data_error(F f) {
  try {
    f();
  } catch (const gg::data::DataError& error) {
    return error.what();
  }
  FAIL("expected a gg::data::DataError");
  return {};
}

}  // namespace

// ---------------------------------------------------------------------------------------- IDX

TEST_CASE("read_idx reads plain and gzip files to the same dims and bytes", "[data][idx]") {
  TempDir dir;
  const Bytes payload = counting(3 * 2 * 4);
  write_plain(dir / "plain-idx3-ubyte", idx_bytes(0x08, {3, 2, 4}, payload));
  write_gzip(dir / "packed-idx3-ubyte.gz", idx_bytes(0x08, {3, 2, 4}, payload));
  for (const char* name : {"plain-idx3-ubyte", "packed-idx3-ubyte.gz"}) {
    INFO(name);
    const gg::data::IdxArray array = gg::data::read_idx(dir / name);
    CHECK(array.dims == gg::SizeVector{3, 2, 4});
    CHECK(array.bytes == payload);
  }
}

TEST_CASE("read_idx reads dims above 65535 big-endian", "[data][idx]") {
  TempDir dir;
  const Bytes payload = counting(70000);
  write_gzip(dir / "labels.gz", idx_bytes(0x08, {70000}, payload));
  const gg::data::IdxArray array = gg::data::read_idx(dir / "labels.gz");
  CHECK(array.dims == gg::SizeVector{70000});
  CHECK(array.bytes == payload);
}

TEST_CASE("read_idx rejects a file that is not IDX, naming it and the expected magic",
          "[data][idx]") {
  TempDir dir;
  const fs::path path = dir / "notidx";
  write_plain(path, Bytes{0x01, 0x02, 0x08, 0x03, 0, 0, 0, 1});
  const std::string message = data_error([&] { gg::data::read_idx(path); });
  CHECK_THAT(message, Contains(path.string()) && Contains("not an IDX file") &&
                          Contains("0x01020803") && Contains("expected 0x0000"));
}

TEST_CASE("read_idx rejects dtypes other than unsigned byte", "[data][idx]") {
  TempDir dir;
  const fs::path path = dir / "floats.gz";
  write_gzip(path, idx_bytes(0x0D, {2}, Bytes(8, 0)));
  const std::string message = data_error([&] { gg::data::read_idx(path); });
  CHECK_THAT(message, Contains(path.string()) && Contains("dtype 0x0D (float32)") &&
                          Contains("expected 0x08 (unsigned byte)"));
}

TEST_CASE("read_idx rejects a truncated payload, plain or gzip", "[data][idx]") {
  TempDir dir;
  const Bytes bytes = idx_bytes(0x08, {10, 28, 28}, counting(1000));
  write_plain(dir / "short", bytes);
  write_gzip(dir / "short.gz", bytes);
  for (const char* name : {"short", "short.gz"}) {
    INFO(name);
    const std::string message = data_error([&] { gg::data::read_idx(dir / name); });
    CHECK_THAT(message, Contains((dir / name).string()) && Contains("truncated") &&
                            Contains("expected 7840 bytes") && Contains("(10, 28, 28)") &&
                            Contains("found 1000"));
  }
}

TEST_CASE("read_idx rejects a truncated header", "[data][idx]") {
  TempDir dir;
  write_plain(dir / "tiny", Bytes{0, 0});
  CHECK_THAT(data_error([&] { gg::data::read_idx(dir / "tiny"); }),
             Contains("tiny") && Contains("too short") && Contains("expected at least 4"));
  write_plain(dir / "cut", Bytes{0, 0, 8, 3, 0, 0, 0, 2, 0, 0});
  CHECK_THAT(data_error([&] { gg::data::read_idx(dir / "cut"); }),
             Contains("cut") && Contains("expected 3 dimension sizes (12 bytes), found 6"));
}

TEST_CASE("read_idx rejects bytes after the payload", "[data][idx]") {
  TempDir dir;
  Bytes bytes = idx_bytes(0x08, {2, 3, 4}, counting(24));
  bytes.insert(bytes.end(), {1, 2, 3, 4, 5});
  write_gzip(dir / "long.gz", bytes);
  const std::string message = data_error([&] { gg::data::read_idx(dir / "long.gz"); });
  CHECK_THAT(message, Contains("long.gz") && Contains("unexpected bytes after the 24 bytes") &&
                          Contains("(2, 3, 4)"));
}

TEST_CASE("read_idx rejects a gzip stream cut short", "[data][idx]") {
  TempDir dir;
  const fs::path path = dir / "cut.gz";
  write_gzip(path, idx_bytes(0x08, {50, 100}, counting(5000)));
  fs::resize_file(path, fs::file_size(path) / 2);
  const std::string message = data_error([&] { gg::data::read_idx(path); });
  CHECK_THAT(message, Contains(path.string()) && Contains("corrupt gzip data") &&
                          Contains("unexpected end of file"));
}

TEST_CASE("read_idx names a missing file and how to install Fashion-MNIST", "[data][idx]") {
  TempDir dir;
  const fs::path path = dir / "train-images-idx3-ubyte.gz";
  const std::string message = data_error([&] { gg::data::read_idx(path); });
  CHECK_THAT(message, Contains(path.string()) && Contains("no such file") &&
                          Contains("apt-get install dataset-fashion-mnist"));
}

// ------------------------------------------------------------------ Fashion-MNIST, small files

namespace {

// A Fashion-MNIST-style folder: n 28x28 images counting upwards, labels i % 10.
void write_fashion_split(const TempDir& dir, const std::string& prefix, std::uint32_t n,
                         bool gzip, std::uint32_t num_labels) {
  Bytes labels(num_labels);
  for (std::size_t i = 0; i < num_labels; ++i) labels[i] = static_cast<std::uint8_t>(i % 10);
  const auto write = gzip ? write_gzip : write_plain;
  const std::string ext = gzip ? ".gz" : "";
  write(dir / (prefix + "-images-idx3-ubyte" + ext),
        idx_bytes(0x08, {n, 28, 28}, counting(n * 784)));
  write(dir / (prefix + "-labels-idx1-ubyte" + ext), idx_bytes(0x08, {num_labels}, labels));
}

}  // namespace

TEST_CASE("idx: load_fashion_mnist turns IDX files into a Dataset of float bytes", "[data][idx]") {
  TempDir dir;
  write_fashion_split(dir, "train", 5, true, 5);
  write_fashion_split(dir, "t10k", 3, false, 3);

  const gg::data::Dataset train =
      gg::data::load_fashion_mnist(dir.path(), gg::data::Split::Train);
  CHECK(train.images.dtype() == gg::kFloat32);
  CHECK(train.images.sizes() == gg::IntArrayRef{5, 784});
  CHECK(train.image_shape == gg::SizeVector{28, 28});
  CHECK(train.labels.dtype() == gg::kInt64);
  CHECK(values<std::int64_t>(train.labels) == std::vector<std::int64_t>{0, 1, 2, 3, 4});
  CHECK(train.num_classes == 10);
  REQUIRE(train.class_names.size() == 10);
  CHECK(train.class_names[9] == "Ankle boot");
  CHECK(train.name == "Fashion-MNIST train");
  const Bytes expected = counting(5 * 784);
  for (std::size_t k = 0; k < expected.size(); ++k) {
    if (train.images.data_ptr<float>()[k] != float(expected[k])) FAIL("value " << k << " differs");
  }

  const gg::data::Dataset test = gg::data::load_fashion_mnist(dir.path(), gg::data::Split::Test);
  CHECK(test.images.sizes() == gg::IntArrayRef{3, 784});
  CHECK(at(test.images, 2, 783) == float((2 * 784 + 783) % 251));
}

TEST_CASE("idx: load_fashion_mnist rejects images and labels that disagree in count",
          "[data][idx]") {
  TempDir dir;
  write_fashion_split(dir, "train", 4, true, 3);
  const std::string message = data_error([&] { gg::data::load_fashion_mnist(dir.path()); });
  CHECK_THAT(message, Contains("train-images-idx3-ubyte.gz holds 4 images") &&
                          Contains("train-labels-idx1-ubyte.gz holds 3 labels"));
}

TEST_CASE("idx: load_fashion_mnist rejects a label above 9", "[data][idx]") {
  TempDir dir;
  write_gzip(dir / "train-images-idx3-ubyte.gz", idx_bytes(0x08, {2, 28, 28}, Bytes(2 * 784, 0)));
  write_gzip(dir / "train-labels-idx1-ubyte.gz", idx_bytes(0x08, {2}, Bytes{3, 12}));
  CHECK_THAT(data_error([&] { gg::data::load_fashion_mnist(dir.path()); }),
             Contains("train-labels-idx1-ubyte.gz") && Contains("label 12 at index 1") &&
                 Contains("expected 0 to 9"));
}

TEST_CASE("idx: load_fashion_mnist refuses zero images whose pixel count overflows", "[data][idx]") {
  // No images, so read_idx's bound on the value bytes (0) says nothing about rows * columns.
  TempDir dir;
  write_gzip(dir / "train-images-idx3-ubyte.gz", idx_bytes(0x08, {0, 0xFFFFFFFFu, 0xFFFFFFFFu}, {}));
  write_gzip(dir / "train-labels-idx1-ubyte.gz", idx_bytes(0x08, {0}, {}));
  CHECK_THAT(data_error([&] { gg::data::load_fashion_mnist(dir.path()); }),
             Contains("images of 4294967295 x 4294967295 pixels hold more than 2^63 values"));
}

TEST_CASE("idx: load_fashion_mnist on a folder without the files says how to get them",
          "[data][idx]") {
  TempDir dir;
  const std::string message =
      data_error([&] { gg::data::load_fashion_mnist(dir.path(), gg::data::Split::Test); });
  CHECK_THAT(message, Contains((dir / "t10k-images-idx3-ubyte").string()) &&
                          Contains("apt-get install dataset-fashion-mnist"));
}

// ----------------------------------------------------------------------------------- CIFAR-10

namespace {

// Record r of file f: label (f + r) % 10 and planes whose bytes identify file, record, channel.
Bytes cifar_record(std::size_t f, std::size_t r) {
  Bytes record(gg::data::kCifar10RecordBytes);
  record[0] = static_cast<std::uint8_t>((f + r) % 10);
  for (std::size_t c = 0; c < 3; ++c) {
    for (std::size_t k = 0; k < 1024; ++k) {
      record[1 + c * 1024 + k] = static_cast<std::uint8_t>((k + 7 * c + 31 * r + 53 * f) % 256);
    }
  }
  return record;
}

void write_cifar_file(const fs::path& path, std::size_t f, std::size_t records) {
  Bytes bytes;
  for (std::size_t r = 0; r < records; ++r) {
    const Bytes record = cifar_record(f, r);
    bytes.insert(bytes.end(), record.begin(), record.end());
  }
  write_plain(path, bytes);
}

// Five training batches of 2 records each and a test batch of 3.
void write_cifar_folder(const TempDir& dir) {
  for (std::size_t f = 1; f <= 5; ++f) {
    write_cifar_file(dir / ("data_batch_" + std::to_string(f) + ".bin"), f, 2);
  }
  write_cifar_file(dir / "test_batch.bin", 0, 3);
}

}  // namespace

TEST_CASE("datasets::CIFAR10 gives (3, 32, 32) images in [0, 1] and int64 labels", "[data][cifar]") {
  TempDir dir;
  write_cifar_folder(dir);
  gg::data::datasets::CIFAR10 train(dir.path().string());
  REQUIRE(train.size() == 10);
  CHECK(train.is_train());
  const gg::data::Example<> e = train.get(3);  // file 2, record 1
  CHECK(e.data.sizes() == gg::IntArrayRef{3, 32, 32});
  CHECK(e.target.dim() == 0);
  CHECK(e.target.item<std::int64_t>() == 3);
  const Bytes record = cifar_record(2, 1);
  const std::vector<float> pixels = values<float>(e.data);
  CHECK(pixels[0] == float(record[1]) / 255.0f);
  CHECK(pixels[1024 + 5] == float(record[1 + 1024 + 5]) / 255.0f);  // G plane, pixel 5
  CHECK(gg::data::datasets::CIFAR10(dir.path().string(), gg::data::datasets::CIFAR10::Mode::kTest).size() == 3);
  CHECK_THROWS_AS(train.get(10), std::out_of_range);
}

TEST_CASE("load_cifar10 keeps each record's planes in CHW order, files in order",
          "[data][cifar]") {
  TempDir dir;
  write_cifar_folder(dir);
  const gg::data::Dataset train = gg::data::load_cifar10(dir.path(), gg::data::Split::Train);
  CHECK(train.images.dtype() == gg::kFloat32);
  CHECK(train.images.sizes() == gg::IntArrayRef{10, 3072});
  CHECK(train.image_shape == gg::SizeVector{3, 32, 32});
  CHECK(train.labels.dtype() == gg::kInt64);
  const std::vector<std::int64_t> labels = values<std::int64_t>(train.labels);
  CHECK(train.num_classes == 10);
  CHECK(train.class_names.at(0) == "airplane");
  for (std::size_t f = 1; f <= 5; ++f) {
    for (std::size_t r = 0; r < 2; ++r) {
      const std::size_t row = (f - 1) * 2 + r;
      const Bytes record = cifar_record(f, r);
      CHECK(labels[row] == std::int64_t(record[0]));
      for (std::size_t k = 0; k < 1024; ++k) {
        // R byte k at column k, G at 1024 + k, B at 2048 + k.
        if (at(train.images, row, k) != float(record[1 + k]) ||
            at(train.images, row, 1024 + k) != float(record[1 + 1024 + k]) ||
            at(train.images, row, 2048 + k) != float(record[1 + 2048 + k])) {
          FAIL("pixel " << k << " of file " << f << " record " << r << " misplaced");
        }
      }
    }
  }
  const gg::data::Dataset test = gg::data::load_cifar10(dir.path(), gg::data::Split::Test);
  CHECK(test.images.sizes() == gg::IntArrayRef{3, 3072});
  CHECK(values<std::int64_t>(test.labels) == std::vector<std::int64_t>{0, 1, 2});
  CHECK(at(test.images, 2, 2048 + 5) == float((5 + 14 + 62) % 256));
}

TEST_CASE("load_cifar10 rejects a file that is not whole records", "[data][cifar]") {
  TempDir dir;
  write_cifar_folder(dir);
  const fs::path path = dir / "data_batch_3.bin";
  std::ofstream(path, std::ios::binary | std::ios::app).write("extra", 5);
  const std::string message = data_error([&] { gg::data::load_cifar10(dir.path()); });
  CHECK_THAT(message, Contains(path.string()) && Contains("size 6151 bytes") &&
                          Contains("3073-byte records"));
}

TEST_CASE("load_cifar10 rejects a label above 9, naming the file and record", "[data][cifar]") {
  TempDir dir;
  write_cifar_folder(dir);
  const fs::path path = dir / "data_batch_2.bin";
  {
    std::fstream file(path, std::ios::binary | std::ios::in | std::ios::out);
    file.seekp(std::streamoff(gg::data::kCifar10RecordBytes));  // record 1's label byte
    file.put(char(10));
  }
  const std::string message = data_error([&] { gg::data::load_cifar10(dir.path()); });
  CHECK_THAT(message, Contains(path.string()) && Contains("label 10 in record 1") &&
                          Contains("expected 0 to 9"));
}

TEST_CASE("load_cifar10 names a missing batch and how to get CIFAR-10", "[data][cifar]") {
  TempDir dir;
  write_cifar_folder(dir);
  fs::remove(dir / "data_batch_5.bin");
  const std::string message = data_error([&] { gg::data::load_cifar10(dir.path()); });
  CHECK_THAT(message, Contains((dir / "data_batch_5.bin").string()) &&
                          Contains("no such file") && Contains("cifar-10-binary.tar.gz"));
  // The test split does not need the training files.
  CHECK(gg::data::load_cifar10(dir.path(), gg::data::Split::Test).size() == 3);
}
