// LibTorch's torch::data API in gg::data: datasets and map, transforms (Stack, Normalize,
// lambdas), samplers (sequential, random, distributed shards), make_data_loader with and without
// worker threads, and datasets::MNIST on IDX files the test writes.
#include "temp_dir.hpp"
#include <gategrad/data/data_loader.hpp>
#include <gategrad/data/datasets.hpp>
#include <gategrad/data/error.hpp>
#include <gategrad/data/mnist.hpp>
#include <gategrad/data/samplers.hpp>
#include <gategrad/data/transforms.hpp>
#include <gategrad/tensor/factory.hpp>
#include <gategrad/tensor/native.hpp>
#include <gategrad/tensor/random.hpp>

#include <catch2/catch.hpp>
#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <numeric>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

using Catch::Matchers::Contains;
using gg::data::DataLoaderOptions;
using gg::data::Example;
using gg::data::make_data_loader;
namespace samplers = gg::data::samplers;
namespace transforms = gg::data::transforms;
using Indices = std::vector<std::size_t>;

namespace {

// Example i: data (2, 3) all equal to i, target the int64 scalar 100 + i. get() throws
// std::runtime_error for the index `poison` (if any) and counts its calls.
class Numbered : public gg::data::datasets::Dataset<Numbered> {
 public:
  explicit Numbered(std::size_t n, std::size_t poison = SIZE_MAX) : n_(n), poison_(poison) {}

  Example<> get(std::size_t index) override {
    if (index == poison_) throw std::runtime_error("Numbered: example " + std::to_string(index));
    if (index >= n_) throw std::out_of_range("Numbered: index " + std::to_string(index));
    return {gg::full({2, 3}, float(index)),
            gg::full({}, std::int64_t(100 + index), gg::kInt64)};
  }
  std::optional<std::size_t> size() const override { return n_; }

 private:
  std::size_t n_, poison_;
};

// The example indices of a stacked batch, read back from its targets.
Indices indices_of(const Example<>& batch) {
  const std::int64_t* t = batch.target.data_ptr<std::int64_t>();
  Indices out;
  for (std::int64_t i = 0; i < batch.target.numel(); ++i) out.push_back(std::size_t(t[i] - 100));
  return out;
}

// Every batch of one epoch a sampler requests.
template <class Sampler>
std::vector<Indices> epoch_of(Sampler& sampler, std::size_t batch_size) {
  std::vector<Indices> batches;
  sampler.reset();
  while (auto batch = sampler.next(batch_size)) batches.push_back(*batch);
  return batches;
}

Indices flat(const std::vector<Indices>& batches) {
  Indices out;
  for (const Indices& b : batches) out.insert(out.end(), b.begin(), b.end());
  return out;
}

// The epoch of a loader as the index lists of its stacked batches.
template <class Loader>
std::vector<Indices> batches_of(Loader& loader) {
  std::vector<Indices> out;
  for (auto& batch : loader) out.push_back(indices_of(batch));
  return out;
}

std::vector<float> values(const gg::Tensor& t) {
  const float* p = t.data_ptr<float>();
  return std::vector<float>(p, p + t.numel());
}

}  // namespace

TEST_CASE("data api: a custom Dataset through map(Stack) and SequentialSampler, batches in order",
          "[data][data-api]") {
  auto dataset = Numbered(10).map(transforms::Stack<>());
  CHECK(dataset.size() == std::optional<std::size_t>(10));
  auto loader = make_data_loader<samplers::SequentialSampler>(std::move(dataset),
                                                              DataLoaderOptions().batch_size(4));
  std::vector<Indices> seen;
  for (auto& batch : *loader) {
    const std::int64_t B = batch.data.size(0);
    CHECK(batch.data.sizes() == gg::IntArrayRef{B, 2, 3});
    CHECK(batch.target.sizes() == gg::IntArrayRef{B});  // scalar targets stacked to 1-D
    CHECK(batch.target.dtype() == gg::kInt64);
    const Indices idx = indices_of(batch);
    const std::vector<float> x = values(batch.data);
    for (std::size_t b = 0; b < idx.size(); ++b) CHECK(x[b * 6 + 5] == float(idx[b]));
    seen.push_back(idx);
  }
  CHECK(seen == std::vector<Indices>{{0, 1, 2, 3}, {4, 5, 6, 7}, {8, 9}});
  // A second epoch is the same; so is pytorch/examples' cpp/mnist spelling, an int64_t batch
  // size in place of the options.
  CHECK(batches_of(*loader) == seen);
  const std::int64_t kTrainBatchSize = 4;
  auto by_size = make_data_loader<samplers::SequentialSampler>(
      Numbered(10).map(transforms::Stack<>()), kTrainBatchSize);
  CHECK(batches_of(*by_size) == seen);
}

TEST_CASE("data api: without Stack a batch is a std::vector of examples", "[data][data-api]") {
  auto loader = make_data_loader<samplers::SequentialSampler>(Numbered(5), DataLoaderOptions(2));
  std::vector<std::size_t> sizes;
  for (std::vector<Example<>>& batch : *loader) {
    sizes.push_back(batch.size());
    CHECK(batch.front().data.sizes() == gg::IntArrayRef{2, 3});
    CHECK(batch.front().target.dim() == 0);
  }
  CHECK(sizes == std::vector<std::size_t>{2, 2, 1});
}

TEST_CASE("data api: drop_last leaves out the short last batch", "[data][data-api]") {
  auto keep = make_data_loader<samplers::SequentialSampler>(
      Numbered(10).map(transforms::Stack<>()), DataLoaderOptions(4));
  auto drop = make_data_loader<samplers::SequentialSampler>(
      Numbered(10).map(transforms::Stack<>()), DataLoaderOptions(4).drop_last(true));
  CHECK(batches_of(*keep).size() == 3);
  CHECK(batches_of(*drop) == std::vector<Indices>{{0, 1, 2, 3}, {4, 5, 6, 7}});
  CHECK(drop->options().drop_last());
}

TEST_CASE("data api: RandomSampler draws a permutation, the same one under the same seed",
          "[data][data-api]") {
  gg::manual_seed(7);
  samplers::RandomSampler a(50);
  const std::vector<Indices> first = epoch_of(a, 8);
  CHECK(first.size() == 7);
  CHECK(first.back().size() == 2);
  Indices all = flat(first);
  Indices sorted = all;
  std::sort(sorted.begin(), sorted.end());
  Indices expected(50);
  std::iota(expected.begin(), expected.end(), std::size_t{0});
  CHECK(sorted == expected);
  CHECK(all != expected);  // shuffled (the identity has probability 1/50!)
  const std::vector<Indices> second = epoch_of(a, 8);
  CHECK(second != first);  // each reset draws a new order

  gg::manual_seed(7);
  samplers::RandomSampler b(50);
  CHECK(epoch_of(b, 8) == first);
  CHECK(epoch_of(b, 8) == second);

  // make_data_loader's default sampler is a RandomSampler: two loaders under one seed agree.
  gg::manual_seed(3);
  auto x = make_data_loader(Numbered(20).map(transforms::Stack<>()), DataLoaderOptions(6));
  const std::vector<Indices> x_epoch = batches_of(*x);
  gg::manual_seed(3);
  auto y = make_data_loader(Numbered(20).map(transforms::Stack<>()), DataLoaderOptions(6));
  CHECK(batches_of(*y) == x_epoch);
  Indices x_sorted = flat(x_epoch);
  std::sort(x_sorted.begin(), x_sorted.end());
  CHECK(x_sorted.size() == 20);
  CHECK(std::adjacent_find(x_sorted.begin(), x_sorted.end()) == x_sorted.end());
}

TEST_CASE("data api: SequentialSampler counts and resets to a new size", "[data][data-api]") {
  samplers::SequentialSampler s(5);
  CHECK(epoch_of(s, 2) == std::vector<Indices>{{0, 1}, {2, 3}, {4}});
  CHECK(s.index() == 5);
  s.reset(3);
  CHECK(s.next(10) == std::optional<Indices>(Indices{0, 1, 2}));
  CHECK_FALSE(s.next(10).has_value());
}

TEST_CASE("data api: distributed shards are disjoint and complete for 2 and 3 replicas",
          "[data][data-api]") {
  for (const std::size_t replicas : {std::size_t{2}, std::size_t{3}}) {
    for (const std::size_t size : {std::size_t{12}, std::size_t{10}}) {
      INFO(replicas << " replicas of " << size << " examples");
      const std::size_t ceil = (size + replicas - 1) / replicas, floor = size / replicas;
      for (const bool random : {true, false}) {
        INFO((random ? "DistributedRandomSampler" : "DistributedSequentialSampler"));
        // allow_duplicates (the default): every index in some shard, each shard ceil(size / R)
        // long, the padding repeating only as many indices as it takes.
        std::multiset<std::size_t> with_duplicates;
        // without: shards disjoint, each floor(size / R) long.
        std::multiset<std::size_t> without;
        for (std::size_t rank = 0; rank < replicas; ++rank) {
          Indices shard, strict;
          if (random) {
            samplers::DistributedRandomSampler s(size, replicas, rank);
            samplers::DistributedRandomSampler t(size, replicas, rank, false);
            shard = flat(epoch_of(s, 3));
            strict = flat(epoch_of(t, 3));
          } else {
            samplers::DistributedSequentialSampler s(size, replicas, rank);
            samplers::DistributedSequentialSampler t(size, replicas, rank, false);
            shard = flat(epoch_of(s, 3));
            strict = flat(epoch_of(t, 3));
          }
          CHECK(shard.size() == ceil);
          CHECK(strict.size() == floor);
          with_duplicates.insert(shard.begin(), shard.end());
          without.insert(strict.begin(), strict.end());
        }
        CHECK(with_duplicates.size() == ceil * replicas);
        CHECK(std::set<std::size_t>(with_duplicates.begin(), with_duplicates.end()).size() == size);
        CHECK(without.size() == floor * replicas);
        CHECK(std::set<std::size_t>(without.begin(), without.end()).size() == without.size());
        for (std::size_t i : without) CHECK(i < size);
      }
    }
  }
  // Sequential shards are contiguous blocks; the last one wraps around to the first index.
  samplers::DistributedSequentialSampler last(10, 3, 2);
  CHECK(flat(epoch_of(last, 10)) == Indices{8, 9, 0, 1});
}

TEST_CASE("data api: DistributedRandomSampler shuffles by epoch, every rank alike",
          "[data][data-api]") {
  samplers::DistributedRandomSampler r0(100, 2, 0), r1(100, 2, 1);
  const Indices epoch0 = flat(epoch_of(r0, 7));
  r0.set_epoch(1);
  r1.set_epoch(1);
  CHECK(r0.epoch() == 1);
  const Indices shard0 = flat(epoch_of(r0, 7)), shard1 = flat(epoch_of(r1, 7));
  CHECK(shard0 != epoch0);
  std::set<std::size_t> both(shard0.begin(), shard0.end());
  both.insert(shard1.begin(), shard1.end());
  CHECK(both.size() == 100);  // the two ranks split one permutation of the epoch
  r0.set_epoch(0);
  CHECK(flat(epoch_of(r0, 7)) == epoch0);
  // Through a loader, with the sampler passed in.
  auto loader = make_data_loader(Numbered(100).map(transforms::Stack<>()),
                                 samplers::DistributedRandomSampler(100, 2, 0),
                                 DataLoaderOptions(7));
  CHECK(flat(batches_of(*loader)) == epoch0);
}

TEST_CASE("data api: workers(2) yields the batches of workers(0), in order, epoch after epoch",
          "[data][data-api]") {
  auto serial = make_data_loader<samplers::SequentialSampler>(
      Numbered(37).map(transforms::Stack<>()), DataLoaderOptions(4));
  const std::vector<Indices> expected = batches_of(*serial);
  REQUIRE(expected.size() == 10);
  for (const std::size_t max_jobs : {std::size_t{1}, std::size_t{3}, std::size_t{8}}) {
    INFO("max_jobs " << max_jobs);
    auto threaded = make_data_loader<samplers::SequentialSampler>(
        Numbered(37).map(transforms::Stack<>()),
        DataLoaderOptions().batch_size(4).workers(2).max_jobs(max_jobs));
    CHECK(threaded->options().workers() == 2);
    for (int epoch = 0; epoch < 3; ++epoch) CHECK(batches_of(*threaded) == expected);
  }
  // A random order is drawn on the consumer's thread: the same seed gives the same batches.
  gg::manual_seed(11);
  auto random0 = make_data_loader(Numbered(37).map(transforms::Stack<>()), DataLoaderOptions(4));
  const std::vector<Indices> random_expected = batches_of(*random0);
  gg::manual_seed(11);
  auto random2 = make_data_loader(Numbered(37).map(transforms::Stack<>()),
                                  DataLoaderOptions(4).workers(2));
  CHECK(batches_of(*random2) == random_expected);
  // Without enforce_ordering the batches come as they are finished: the same batches.
  auto unordered = make_data_loader<samplers::SequentialSampler>(
      Numbered(37).map(transforms::Stack<>()),
      DataLoaderOptions(4).workers(2).enforce_ordering(false));
  std::vector<Indices> got = batches_of(*unordered);
  std::sort(got.begin(), got.end());
  std::vector<Indices> sorted_expected = expected;
  std::sort(sorted_expected.begin(), sorted_expected.end());
  CHECK(got == sorted_expected);
}

TEST_CASE("data api: an exception thrown in get() reaches the consumer, with or without workers",
          "[data][data-api]") {
  for (const std::size_t workers : {std::size_t{0}, std::size_t{2}}) {
    INFO(workers << " workers");
    auto loader = make_data_loader<samplers::SequentialSampler>(
        Numbered(20, /*poison=*/9).map(transforms::Stack<>()),
        DataLoaderOptions(4).workers(workers));
    std::vector<Indices> before;
    try {
      for (auto& batch : *loader) before.push_back(indices_of(batch));
      FAIL("expected the exception of example 9");
    } catch (const std::runtime_error& error) {
      CHECK(std::string(error.what()) == "Numbered: example 9");
    }
    CHECK(before == std::vector<Indices>{{0, 1, 2, 3}, {4, 5, 6, 7}});
    // The next epoch starts afresh and meets the same example again.
    CHECK_THROWS_WITH(batches_of(*loader), "Numbered: example 9");
  }
}

TEST_CASE("data api: a loader left mid-epoch restarts with begin() and joins when destroyed",
          "[data][data-api]") {
  auto loader = make_data_loader<samplers::SequentialSampler>(
      Numbered(200).map(transforms::Stack<>()), DataLoaderOptions(2).workers(2).max_jobs(6));
  for (auto& batch : *loader) {
    CHECK(indices_of(batch) == Indices{0, 1});
    break;
  }
  auto it = loader->begin();
  CHECK(indices_of(*it) == Indices{0, 1});
  ++it;
  CHECK(indices_of(*it) == Indices{2, 3});
  loader.reset();  // batches still being built: the workers finish them and are joined
  CHECK(loader == nullptr);
}

TEST_CASE("data api: Normalize subtracts the mean and divides by stddev, per channel",
          "[data][data-api]") {
  // data (3, 1, 2): channel c holds {c, c + 1}.
  const gg::Tensor x = gg::tensor({{{0.0f, 1.0f}}, {{1.0f, 2.0f}}, {{2.0f, 3.0f}}});
  transforms::Normalize<> per_channel({0.0, 1.0, 2.0}, {1.0, 2.0, 4.0});
  const gg::Tensor y = per_channel(x);
  CHECK(y.sizes() == gg::IntArrayRef{3, 1, 2});
  CHECK(values(y) == std::vector<float>{0.0f, 1.0f, 0.0f, 0.5f, 0.0f, 0.25f});
  transforms::Normalize<> scalar(0.5, 0.5);
  CHECK(values(scalar(x)) == std::vector<float>{-1.0f, 1.0f, 1.0f, 3.0f, 3.0f, 5.0f});
  // Through map: the data normalized, the target kept.
  auto dataset = Numbered(3).map(transforms::Normalize<>(1.0, 2.0)).map(transforms::Stack<>());
  const Example<> batch = dataset.get_batch(Indices{2, 0});
  CHECK(batch.data.sizes() == gg::IntArrayRef{2, 1, 2, 3});  // torch broadcasts (2,3) to 3-D
  CHECK(values(batch.data)[0] == 0.5f);
  CHECK(values(batch.data)[6] == -0.5f);
  CHECK(indices_of(batch) == Indices{2, 0});

  CHECK_THROWS_AS(per_channel(gg::zeros({2, 4, 4})), std::invalid_argument);
  CHECK_THROWS_WITH(per_channel(gg::zeros({2, 4, 4})),
                    Contains("Normalize: data of sizes [2, 4, 4]") && Contains("3 channels"));
  CHECK_THROWS_WITH(transforms::Normalize<>({0.1, 0.2}, {1.0, 1.0, 1.0}),
                    Contains("mean of 2 channels and stddev of 3"));
  CHECK_THROWS_WITH(transforms::Normalize<>(0.0, 0.0), Contains("non-zero"));
}

TEST_CASE("data api: Lambda, TensorLambda and BatchLambda", "[data][data-api]") {
  auto doubled = Numbered(4)
                     .map(transforms::TensorLambda<>([](gg::Tensor t) {
                       return gg::native::mul(t, gg::Scalar(2.0));
                     }))
                     .map(transforms::Lambda<Example<>>([](Example<> e) {
                       e.target = gg::native::add(e.target, gg::Scalar(std::int64_t{1}));
                       return e;
                     }))
                     .map(transforms::Stack<>());
  const Example<> batch = doubled.get_batch(Indices{3});
  CHECK(values(batch.data)[0] == 6.0f);
  CHECK(batch.target.data_ptr<std::int64_t>()[0] == 104);

  auto counted = Numbered(4).map(
      transforms::BatchLambda<std::vector<Example<>>, std::size_t>(
          [](std::vector<Example<>> examples) { return examples.size(); }));
  auto loader = make_data_loader<samplers::SequentialSampler>(std::move(counted),
                                                              DataLoaderOptions(3));
  std::vector<std::size_t> sizes;
  for (std::size_t& n : *loader) sizes.push_back(n);
  CHECK(sizes == std::vector<std::size_t>{3, 1});
}

TEST_CASE("data api: errors name the operation, what it got and what it expected",
          "[data][data-api]") {
  CHECK_THROWS_WITH(make_data_loader(Numbered(4), DataLoaderOptions(0)),
                    Contains("make_data_loader: batch_size 0"));
  CHECK_THROWS_WITH(make_data_loader(Numbered(4), DataLoaderOptions(2).workers(1).max_jobs(0)),
                    Contains("max_jobs 0"));
  CHECK_THROWS_AS(samplers::DistributedRandomSampler(10, 0, 0), std::invalid_argument);
  CHECK_THROWS_WITH(samplers::DistributedSequentialSampler(10, 2, 2),
                    Contains("rank 2 of 2 replicas"));
  CHECK_THROWS_WITH(samplers::RandomSampler(-1), Contains("RandomSampler: size -1"));
  CHECK_THROWS_WITH(samplers::RandomSampler(4, gg::kFloat32), Contains("index_dtype"));
  CHECK(samplers::RandomSampler(4, gg::kInt64).next(10)->size() == 4);

  auto joined = make_data_loader(Numbered(4), DataLoaderOptions(2).workers(1));
  joined->join();
  CHECK_THROWS_WITH(joined->begin(), Contains("StatelessDataLoader::next: the loader's workers"));

  std::vector<Example<>> mixed = {{gg::zeros({1, 28, 28}), gg::zeros({}, gg::kInt64)},
                                  {gg::zeros({1, 27, 28}), gg::zeros({}, gg::kInt64)}};
  transforms::Stack<> stack;
  CHECK_THROWS_AS(stack.apply_batch(mixed), std::invalid_argument);
  CHECK_THROWS_WITH(stack.apply_batch(mixed),
                    Contains("example 1 has data of sizes [1, 27, 28] but example 0 [1, 28, 28]"));
  CHECK_THROWS_WITH(stack.apply_batch({}), Contains("Stack: an empty batch"));
}

namespace {

using Bytes = std::vector<std::uint8_t>;

// An unsigned-byte IDX file: 0x00 0x00 0x08 ndim, big-endian uint32 dims, then the payload.
Bytes idx_bytes(const std::vector<std::uint32_t>& dims, const Bytes& payload) {
  Bytes bytes = {0, 0, 0x08, static_cast<std::uint8_t>(dims.size())};
  for (std::uint32_t d : dims) {
    for (int shift = 24; shift >= 0; shift -= 8) bytes.push_back(std::uint8_t(d >> shift));
  }
  bytes.insert(bytes.end(), payload.begin(), payload.end());
  return bytes;
}

void write_gzip(const std::filesystem::path& path, const Bytes& bytes) {
  gzFile out = gzopen(path.c_str(), "wb");
  REQUIRE(out != nullptr);
  REQUIRE(gzwrite(out, bytes.data(), static_cast<unsigned>(bytes.size())) ==
          static_cast<int>(bytes.size()));
  REQUIRE(gzclose(out) == Z_OK);
}

// n images of 28x28 whose pixel p of image i is (i * 7 + p) % 256, labels i % 10.
void write_mnist(const gg::test::TempDir& dir, const std::string& prefix, std::uint32_t n,
                 bool gzip) {
  Bytes pixels(std::size_t(n) * 784), labels(n);
  for (std::size_t i = 0; i < pixels.size(); ++i) {
    pixels[i] = std::uint8_t(((i / 784) * 7 + i % 784) % 256);
  }
  for (std::uint32_t i = 0; i < n; ++i) labels[i] = std::uint8_t(i % 10);
  const Bytes images_file = idx_bytes({n, 28, 28}, pixels), labels_file = idx_bytes({n}, labels);
  const std::string images_name = prefix + "-images-idx3-ubyte";
  const std::string labels_name = prefix + "-labels-idx1-ubyte";
  if (gzip) {
    write_gzip(dir / (images_name + ".gz"), images_file);
    write_gzip(dir / (labels_name + ".gz"), labels_file);
  } else {
    gg::test::write_file(dir / images_name, std::string(images_file.begin(), images_file.end()));
    gg::test::write_file(dir / labels_name, std::string(labels_file.begin(), labels_file.end()));
  }
}

}  // namespace

TEST_CASE("data api: datasets::MNIST reads IDX files as (1,28,28) images in [0,1], int64 labels",
          "[data][data-api]") {
  using gg::data::datasets::MNIST;
  gg::test::TempDir dir;
  write_mnist(dir, "train", 5, /*gzip=*/true);
  write_mnist(dir, "t10k", 3, /*gzip=*/false);

  MNIST train(dir.path().string());
  CHECK(train.is_train());
  CHECK(train.size() == std::optional<std::size_t>(5));
  CHECK(train.images().sizes() == gg::IntArrayRef{5, 1, 28, 28});
  CHECK(train.targets().dtype() == gg::kInt64);
  const Example<> e = train.get(2);
  CHECK(e.data.sizes() == gg::IntArrayRef{1, 28, 28});
  CHECK(e.data.dtype() == gg::kFloat32);
  CHECK(e.target.dim() == 0);
  CHECK(e.target.data_ptr<std::int64_t>()[0] == 2);
  const float* x = e.data.data_ptr<float>();
  CHECK(x[0] == 14.0f / 255.0f);
  CHECK(x[300] == float((14 + 300) % 256) / 255.0f);
  CHECK_THROWS_AS(train.get(5), std::out_of_range);
  CHECK_THROWS_WITH(train.get(5), Contains("MNIST::get: index 5 of a dataset of 5 examples"));

  MNIST test(dir.path().string(), MNIST::Mode::kTest);
  CHECK_FALSE(test.is_train());
  CHECK(test.size() == std::optional<std::size_t>(3));

  auto loader = make_data_loader<samplers::SequentialSampler>(
      MNIST(dir.path().string())
          .map(transforms::Normalize<>(0.5, 0.5))
          .map(transforms::Stack<>()),
      DataLoaderOptions(2).workers(1));
  std::vector<std::int64_t> labels;
  for (auto& batch : *loader) {
    CHECK(batch.data.size(1) == 1);
    CHECK(batch.data.size(2) == 28);
    for (std::int64_t i = 0; i < batch.target.numel(); ++i) {
      labels.push_back(batch.target.data_ptr<std::int64_t>()[i]);
    }
    const float* y = batch.data.data_ptr<float>();
    CHECK(*std::min_element(y, y + batch.data.numel()) >= -1.0f);
    CHECK(*std::max_element(y, y + batch.data.numel()) <= 1.0f);
  }
  CHECK(labels == std::vector<std::int64_t>{0, 1, 2, 3, 4});

  gg::test::TempDir empty;
  CHECK_THROWS_AS(MNIST(empty.path().string()), gg::data::DataError);
}

TEST_CASE("data api: the installed Fashion-MNIST through datasets::MNIST and a loader",
          "[data][data-api][fashion-mnist]") {
  const std::filesystem::path dir = "/usr/share/datasets/fashion-mnist";
  if (!std::filesystem::exists(dir / "t10k-images-idx3-ubyte.gz")) {
    WARN("Fashion-MNIST not found in " << dir << ": apt-get install dataset-fashion-mnist");
    return;
  }
  using gg::data::datasets::MNIST;
  auto loader = make_data_loader<samplers::SequentialSampler>(
      MNIST(dir.string(), MNIST::Mode::kTest).map(transforms::Stack<>()),
      DataLoaderOptions(1000).workers(2));
  std::size_t batches = 0;
  for (auto& batch : *loader) {
    CHECK(batch.data.sizes() == gg::IntArrayRef{1000, 1, 28, 28});
    if (batches++ == 0) CHECK(batch.target.data_ptr<std::int64_t>()[0] == 9);  // an ankle boot
  }
  CHECK(batches == 10);
}

TEST_CASE("RandomCrop and RandomHorizontalFlip: windows of the padded image, mirrors, seeded", "[data][transforms]") {
  namespace T = gg::data::transforms;
  const gg::Tensor image = gg::native::view(gg::arange(2 * 5 * 6, gg::kFloat32), {2, 5, 6});
  // Without padding, a crop of the full size is the image itself.
  T::RandomCrop<> whole(5, 6, 0, 1);
  CHECK(values(whole(image)) == values(image));
  // With padding, every crop is a window of the zero-padded image.
  const gg::Tensor padded = gg::native::constant_pad_nd(image, {2, 2, 2, 2});
  T::RandomCrop<> crop(5, 2, 7);
  std::set<std::pair<std::int64_t, std::int64_t>> corners;
  for (int trial = 0; trial < 40; ++trial) {
    const gg::Tensor c = crop(image);
    REQUIRE(c.sizes() == gg::IntArrayRef{2, 5, 5});
    bool found = false;
    for (std::int64_t top = 0; top <= 4 && !found; ++top)
      for (std::int64_t left = 0; left <= 5 && !found; ++left) {
        const gg::Tensor w = gg::native::contiguous(gg::native::narrow(gg::native::narrow(padded, 1, top, 5), 2, left, 5));
        if (values(w) == values(c)) {
          found = true;
          corners.insert({top, left});
        }
      }
    CHECK(found);
  }
  CHECK(corners.size() > 5);  // the windows vary
  // The same seed, the same crops.
  T::RandomCrop<> a(5, 2, 3), b(5, 2, 3);
  CHECK(values(a(image)) == values(b(image)));
  CHECK_THROWS_WITH(T::RandomCrop<>(8, 0)(image), Catch::Matchers::Contains("expected at least the crop (8, 8)"));
  CHECK_THROWS_WITH(T::RandomCrop<>(0, 1)(image), Catch::Matchers::Contains("expected sizes >= 1"));

  T::RandomHorizontalFlip<> always(1.0), never(0.0);
  CHECK(values(always(image)) == values(gg::native::contiguous(gg::native::flip(image, {-1}))));
  CHECK(values(never(image)) == values(image));
  T::RandomHorizontalFlip<> half(0.5, 11);
  int flips = 0;
  for (int trial = 0; trial < 100; ++trial) flips += values(half(image))[0] != 0.0f;
  CHECK(flips > 25);
  CHECK(flips < 75);
  CHECK_THROWS_WITH(T::RandomHorizontalFlip<>(1.5)(image), Catch::Matchers::Contains("expected a probability"));
}
