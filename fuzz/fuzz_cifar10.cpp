// The CIFAR-10 binary reader on arbitrary bytes as test_batch.bin: a success must be a valid
// dataset of (N, 3072) images with N labels in 0..9.
#include "strict.hpp"

#include <gategrad/data/cifar10.hpp>
#include <gategrad/data/error.hpp>

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  gg::fuzz::setup();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static gg::fuzz::InputFile file("test_batch.bin");
  file.write(data, size);
  gg::data::Dataset ds;
  try {
    ds = gg::data::load_cifar10(file.dir(), gg::data::Split::Test);
  } catch (const gg::data::DataError&) {
    return 0;
  } catch (const std::exception& e) {
    gg::fuzz::undocumented("load_cifar10", e);
  }
  gg::fuzz::check_tensor(ds.images, "load_cifar10 images");
  gg::fuzz::check_tensor(ds.labels, "load_cifar10 labels");
  const auto n = static_cast<std::int64_t>(size / gg::data::kCifar10RecordBytes);
  if (ds.images.dtype() != gg::kFloat32 || ds.labels.dtype() != gg::kInt64 || ds.images.dim() != 2 ||
      ds.images.size(1) != std::int64_t{gg::data::kCifar10RecordBytes - 1} || ds.images.size(0) != n ||
      ds.labels.sizes() != gg::IntArrayRef{n} || std::size_t(n) * gg::data::kCifar10RecordBytes != size) {
    gg::fuzz::fail("load_cifar10: images " + std::string(gg::name(ds.images.dtype())) + " " +
                   gg::to_string(ds.images.sizes()) + " and labels " + std::string(gg::name(ds.labels.dtype())) +
                   " " + gg::to_string(ds.labels.sizes()) + " from " + std::to_string(size) + " bytes");
  }
  for (std::int64_t label : std::span<const std::int64_t>(ds.labels.data_ptr<std::int64_t>(), std::size_t(n))) {
    if (label < 0 || label > 9) gg::fuzz::fail("load_cifar10: label " + std::to_string(label));
  }
  try {
    gg::data::check_dataset("fuzz_cifar10", ds);
  } catch (const std::exception& e) {
    gg::fuzz::fail(std::string("load_cifar10 returned an invalid dataset: ") + e.what());
  }
  return 0;
}
