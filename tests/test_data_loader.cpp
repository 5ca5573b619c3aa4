// DataLoader epochs, shuffling, drop_last, checkpointed generator state and sample_batch.
#include <gategrad/data/dataloader.hpp>
#include <gategrad/tensor/factory.hpp>
#include <gategrad/tensor/native.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <numeric>
#include <vector>

using Catch::Matchers::Contains;
using gg::data::Batch;
using gg::data::DataLoader;
using gg::data::DataLoaderOptions;
using Order = std::vector<std::size_t>;

namespace {

// Row i holds i * 10 + j in column j and label i % 10, so a batch shows which rows it gathered.
gg::data::Dataset numbered(std::size_t n, std::size_t D = 3) {
  gg::data::Dataset data;
  data.name = "numbered";
  data.image_shape = {std::int64_t(D)};
  data.num_classes = 10;
  data.images = gg::empty({std::int64_t(n), std::int64_t(D)});
  data.labels = gg::empty({std::int64_t(n)}, gg::kInt64);
  float* x = data.images.data_ptr<float>();
  std::int64_t* y = data.labels.data_ptr<std::int64_t>();
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < D; ++j) x[i * D + j] = float(i * 10 + j);
    y[i] = std::int64_t(i % 10);
  }
  return data;
}

// Checks that each row of the batch is the dataset row its index names.
void check_gathered(const gg::data::Dataset& data, const Batch& batch) {
  const std::size_t D = data.dim();
  const auto B = std::int64_t(batch.size());
  REQUIRE(batch.x.dtype() == gg::kFloat32);
  REQUIRE(batch.x.sizes() == gg::IntArrayRef{B, std::int64_t(D)});
  REQUIRE(batch.x.is_contiguous());
  REQUIRE(batch.y.dtype() == gg::kInt64);
  REQUIRE(batch.y.sizes() == gg::IntArrayRef{B});
  const float* x = batch.x.data_ptr<float>();
  const std::int64_t* y = batch.y.data_ptr<std::int64_t>();
  for (std::size_t b = 0; b < batch.size(); ++b) {
    const std::size_t row = batch.indices[b];
    REQUIRE(row < data.size());
    CHECK(y[b] == data.labels.data_ptr<std::int64_t>()[row]);
    for (std::size_t j = 0; j < D; ++j) {
      if (x[b * D + j] != float(row * 10 + j)) FAIL("batch row " << b << " column " << j);
    }
  }
}

// Runs one epoch; returns the rows in the order the batches gave them.
Order run_epoch(DataLoader& loader, std::vector<std::size_t>* batch_sizes = nullptr) {
  Order order;
  for (const Batch& batch : loader) {
    check_gathered(loader.dataset(), batch);
    order.insert(order.end(), batch.indices.begin(), batch.indices.end());
    if (batch_sizes != nullptr) batch_sizes->push_back(batch.size());
  }
  return order;
}

Order identity(std::size_t n) {
  Order order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  return order;
}

}  // namespace

TEST_CASE("loader: without shuffling, every epoch gives the rows in order", "[data][loader]") {
  const gg::data::Dataset data = numbered(23);
  DataLoader loader(data, DataLoaderOptions(5));
  std::vector<std::size_t> sizes;
  CHECK(run_epoch(loader, &sizes) == identity(23));
  CHECK(sizes == std::vector<std::size_t>{5, 5, 5, 5, 3});
  CHECK(run_epoch(loader) == identity(23));
}

TEST_CASE("loader: a shuffled epoch visits every row exactly once, in a new order each epoch",
          "[data][loader]") {
  const gg::data::Dataset data = numbered(103);
  DataLoader loader(data, DataLoaderOptions(10).shuffle(true).seed(7));
  std::vector<Order> epochs;
  for (int epoch = 0; epoch < 3; ++epoch) {
    Order order = run_epoch(loader);
    CHECK(order != identity(103));
    Order sorted = order;
    std::sort(sorted.begin(), sorted.end());
    CHECK(sorted == identity(103));
    epochs.push_back(std::move(order));
  }
  CHECK(epochs[0] != epochs[1]);
  CHECK(epochs[1] != epochs[2]);
}

TEST_CASE("loader: the same seed gives the same batches, another seed others", "[data][loader]") {
  const gg::data::Dataset data = numbered(50);
  DataLoader a(data, DataLoaderOptions(8).shuffle(true).seed(3));
  DataLoader b(data, DataLoaderOptions(8).shuffle(true).seed(3));
  DataLoader c(data, DataLoaderOptions(8).shuffle(true).seed(4));
  for (int epoch = 0; epoch < 3; ++epoch) {
    const Order order = run_epoch(a);
    CHECK(run_epoch(b) == order);
    CHECK(run_epoch(c) != order);
  }
}

TEST_CASE("loader: the shuffle draws each permutation equally often", "[data][loader]") {
  // 6,000 epochs over 3 rows: each of the 6 orders about 1,000 times (binomial sd 29). A biased
  // shuffle (e.g. swapping with any position instead of [0, i]) lands far outside.
  const gg::data::Dataset data = numbered(3);
  DataLoader loader(data, DataLoaderOptions(3).shuffle(true).seed(11));
  std::map<Order, int> seen;
  for (int epoch = 0; epoch < 6000; ++epoch) ++seen[run_epoch(loader)];
  REQUIRE(seen.size() == 6);
  for (const auto& [order, count] : seen) CHECK((count > 880 && count < 1120));
}

TEST_CASE("loader: drop_last decides whether a short last batch is given", "[data][loader]") {
  const gg::data::Dataset data = numbered(103);
  DataLoader keep(data, DataLoaderOptions(10).shuffle(true));
  DataLoader drop(data, DataLoaderOptions(10).shuffle(true).drop_last(true));
  CHECK(keep.num_batches() == 11);
  CHECK(drop.num_batches() == 10);
  std::vector<std::size_t> kept, dropped;
  CHECK(run_epoch(keep, &kept).size() == 103);
  CHECK(run_epoch(drop, &dropped).size() == 100);
  CHECK(kept.size() == 11);
  CHECK(kept.back() == 3);
  CHECK(dropped == std::vector<std::size_t>(10, 10));

  const gg::data::Dataset even = numbered(100);
  CHECK(DataLoader(even, DataLoaderOptions(10)).num_batches() == 10);
  CHECK(DataLoader(even, DataLoaderOptions(10).drop_last(true)).num_batches() == 10);
  CHECK(DataLoader(even, DataLoaderOptions(1000)).num_batches() == 1);
}

TEST_CASE("loader: full batches reuse one buffer", "[data][loader]") {
  const gg::data::Dataset data = numbered(40);
  DataLoader loader(data, DataLoaderOptions(10).shuffle(true));
  std::vector<const void*> buffers, label_buffers;
  std::vector<std::uint64_t> versions;
  for (const Batch& batch : loader) {
    buffers.push_back(batch.x.data_ptr());
    label_buffers.push_back(batch.y.data_ptr());
    versions.push_back(batch.x._version());
  }
  REQUIRE(buffers.size() == 4);
  CHECK(std::all_of(buffers.begin(), buffers.end(),
                    [&](const void* p) { return p == buffers.front(); }));
  CHECK(std::all_of(label_buffers.begin(), label_buffers.end(),
                    [&](const void* p) { return p == label_buffers.front(); }));
  // Each batch is an in-place write: a node that saved the previous batch would notice.
  for (std::size_t k = 1; k < versions.size(); ++k) CHECK(versions[k] > versions[k - 1]);
  // The next epoch goes on writing into the same buffer.
  for (const Batch& batch : loader) CHECK(batch.x.data_ptr() == buffers.front());
}

TEST_CASE("loader: a short last batch gets buffers of its own size, then full ones again",
          "[data][loader]") {
  const gg::data::Dataset data = numbered(25);
  DataLoader loader(data, DataLoaderOptions(10));
  std::vector<std::int64_t> rows;
  for (const Batch& batch : loader) {
    rows.push_back(batch.x.size(0));
    CHECK(batch.y.size(0) == batch.x.size(0));
  }
  CHECK(rows == std::vector<std::int64_t>{10, 10, 5});
  gg::Generator gen(1);
  CHECK(loader.sample_batch(gen, 10).x.sizes() == gg::IntArrayRef{10, 3});
}

TEST_CASE("gather_rows refuses an index past the dataset and a dataset it cannot read",
          "[data][loader]") {
  gg::data::Dataset data = numbered(4);
  Batch batch;
  CHECK_THROWS_WITH(gg::data::gather_rows(data, {0, 4}, batch),
                    Contains("index 4 at position 1") && Contains("of 4 rows"));
  data.images = gg::native::t(gg::empty({3, 4}));  // (4, 3) but transposed: not contiguous
  CHECK_THROWS_WITH(gg::data::gather_rows(data, {0}, batch),
                    Contains("gather_rows") && Contains("not contiguous"));
}

TEST_CASE("loader: restoring the generator state replays the next epoch", "[data][loader]") {
  const gg::data::Dataset data = numbered(37);
  DataLoader loader(data, DataLoaderOptions(6).shuffle(true).seed(21));
  run_epoch(loader);
  const gg::Generator::State saved = loader.generator().state();
  const Order second = run_epoch(loader);
  const Order third = run_epoch(loader);
  loader.generator().set_state(saved);
  CHECK(run_epoch(loader) == second);
  CHECK(run_epoch(loader) == third);
  // A new loader (a resumed process) continues from the saved state too.
  DataLoader resumed(data, DataLoaderOptions(6).shuffle(true).seed(999));
  resumed.generator().set_state(saved);
  CHECK(run_epoch(resumed) == second);
}

TEST_CASE("loader: an epoch cut short starts over with a new order", "[data][loader]") {
  const gg::data::Dataset data = numbered(30);
  DataLoader loader(data, DataLoaderOptions(10).shuffle(true).seed(2));
  for (const Batch& batch : loader) {
    CHECK(batch.size() == 10);
    break;
  }
  const Order order = run_epoch(loader);
  Order sorted = order;
  std::sort(sorted.begin(), sorted.end());
  CHECK(sorted == identity(30));
}

TEST_CASE("loader: sample_batch draws rows uniformly with replacement, as np.random.choice",
          "[data][loader]") {
  const gg::data::Dataset data = numbered(10);
  DataLoader loader(data, DataLoaderOptions(4));
  gg::Generator gen(5), reference(5);
  const Batch& batch = loader.sample_batch(gen, 1000);
  REQUIRE(batch.size() == 1000);
  check_gathered(data, batch);
  // Draw b is gen.below(N): the definition fixes the stream.
  for (std::size_t b = 0; b < 1000; ++b) {
    if (batch.indices[b] != reference.below(10)) FAIL("draw " << b);
  }
  std::vector<int> count(10, 0);
  for (std::size_t row : batch.indices) ++count[row];
  for (int c : count) CHECK((c > 60 && c < 140));  // about 100 each

  gg::Generator again(5);
  const Order first = batch.indices;
  CHECK(loader.sample_batch(again, 1000).indices == first);
  CHECK(loader.sample_batch(again, 1000).indices != first);
}

TEST_CASE("DataLoader rejects a batch size of 0 and an empty dataset", "[data][loader]") {
  const gg::data::Dataset data = numbered(5);
  CHECK_THROWS_WITH(DataLoader(data, DataLoaderOptions(0)), Contains("batch_size 0"));
  const gg::data::Dataset empty = numbered(0);
  CHECK_THROWS_WITH(DataLoader(empty, DataLoaderOptions(4)),
                    Contains("\"numbered\" is empty"));
  CHECK_THROWS_WITH(DataLoader(data, DataLoaderOptions(8).drop_last(true)),
                    Contains("batch_size 8") && Contains("5 rows") && Contains("no batch"));
  DataLoader loader(data, DataLoaderOptions(2));
  gg::Generator gen(0);
  CHECK_THROWS_WITH(loader.sample_batch(gen, 0), Contains("batch_size 0"));
}
