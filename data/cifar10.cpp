#include <gategrad/data/cifar10.hpp>
#include <gategrad/data/error.hpp>
#include <gategrad/tensor/factory.hpp>
#include <gategrad/tensor/regular_file.hpp>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

namespace gg::data {
namespace {

std::vector<std::filesystem::path> batch_files(const std::filesystem::path& dir, Split split) {
  if (split == Split::Test) return {dir / "test_batch.bin"};
  std::vector<std::filesystem::path> files;
  for (int k = 1; k <= 5; ++k) files.push_back(dir / ("data_batch_" + std::to_string(k) + ".bin"));
  return files;
}

[[noreturn]] void fail(const std::filesystem::path& file, const std::string& what) {
  throw DataError("load_cifar10: " + file.string() + ": " + what);
}

// Opens `file` after checking it is a regular file holding whole records.
std::unique_ptr<RegularFile> open_batch(const std::filesystem::path& file) {
  auto in = std::make_unique<RegularFile>(file);
  if (in->missing()) {
    fail(file, "no such file. Download CIFAR-10's binary version (cifar-10-binary.tar.gz from "
               "https://www.cs.toronto.edu/~kriz/cifar.html), extract it and pass the folder "
               "cifar-10-batches-bin that holds data_batch_1.bin .. data_batch_5.bin and "
               "test_batch.bin");
  }
  if (!in->is_open()) fail(file, in->problem() + " (a CIFAR-10 batch file)");
  const std::uint64_t bytes = in->size();
  if (bytes == 0 || bytes % kCifar10RecordBytes != 0) {
    fail(file, "size " + std::to_string(bytes) + " bytes is not a whole, non-zero number of " +
                   std::to_string(kCifar10RecordBytes) +
                   "-byte records (1 label byte + 3072 pixel bytes): expected the binary "
                   "version, not the Python or MATLAB one");
  }
  return in;
}

}  // namespace

Dataset load_cifar10(const std::filesystem::path& dir, Split split) {
  constexpr std::size_t D = kCifar10RecordBytes - 1;
  const std::vector<std::filesystem::path> files = batch_files(dir, split);
  // Check every file before reading any, so a missing fifth batch fails at once.
  std::vector<std::unique_ptr<RegularFile>> opened;
  std::vector<std::size_t> records;
  std::size_t n = 0;
  for (const auto& file : files) {
    opened.push_back(open_batch(file));
    n += records.emplace_back(static_cast<std::size_t>(opened.back()->size() / kCifar10RecordBytes));
  }

  Dataset out;
  out.name = std::string("CIFAR-10 ") + std::string(to_string(split));
  out.image_shape = {3, 32, 32};
  out.images = empty({static_cast<std::int64_t>(n), static_cast<std::int64_t>(D)}, kFloat32);
  out.labels = empty({static_cast<std::int64_t>(n)}, kInt64);
  float* images = out.images.data_ptr<float>();
  std::int64_t* labels = out.labels.data_ptr<std::int64_t>();
  out.num_classes = 10;
  out.class_names = {"airplane", "automobile", "bird",  "cat",  "deer",
                     "dog",      "frog",       "horse", "ship", "truck"};

  // Read a block of records at a time and convert the bytes straight into the image rows.
  constexpr std::size_t kBlock = 1000;
  std::vector<char> buffer(kBlock * kCifar10RecordBytes);
  std::size_t row = 0;
  for (std::size_t f = 0; f < files.size(); ++f) {
    for (std::size_t first = 0; first < records[f]; first += kBlock) {
      const std::size_t count = std::min(kBlock, records[f] - first);
      if (!opened[f]->read_at(first * kCifar10RecordBytes, buffer.data(), count * kCifar10RecordBytes)) {
        fail(files[f], opened[f]->problem() + " at record " + std::to_string(first));
      }
      for (std::size_t r = 0; r < count; ++r, ++row) {
        const auto* record =
            reinterpret_cast<const unsigned char*>(buffer.data() + r * kCifar10RecordBytes);
        if (record[0] > 9) {
          fail(files[f], "label " + std::to_string(record[0]) + " in record " +
                             std::to_string(first + r) + " (counting from 0), expected 0 to 9");
        }
        labels[row] = record[0];
        std::copy(record + 1, record + 1 + D, images + row * D);
      }
    }
  }
  return out;
}

}  // namespace gg::data
