#pragma once
// DataLoader: minibatches over a Dataset, one epoch per range-for.
//
//   DataLoader loader(train, DataLoaderOptions(200).shuffle(true).seed(1));
//   for (int epoch = 0; epoch < 10; ++epoch)
//     for (const Batch& batch : loader) step(batch.x, batch.y);   // x:(B,D) y:(B,)
//
// Lifetime: the loader keeps a reference to the dataset, which must outlive it (constructing
// from a temporary does not compile). Each batch is written into buffers the loader owns and
// reuses: batch.x and batch.y are handles to them, so their values (and those of any copy of
// the handles) change when the next batch is produced; clone() them to keep a batch.
//
// Reproducibility: each epoch starts from the identity order and, when shuffling, applies one
// Fisher-Yates shuffle drawn from the loader's generator, so an epoch's order depends only on
// the generator's state when the epoch begins. Save generator().state() between epochs and
// restore it with set_state() to resume exactly.
#include <gategrad/data/dataset.hpp>
#include <gategrad/tensor/random.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace gg::data {

// The options of both loaders: DataLoader below (batch_size, shuffle, drop_last, seed) and
// make_data_loader's (data/data_loader.hpp: batch_size, drop_last, workers, max_jobs,
// enforce_ordering), with LibTorch's chainable setters and same-named getters:
//   DataLoaderOptions().batch_size(64).workers(2)
struct DataLoaderOptions {
  DataLoaderOptions() = default;
  explicit DataLoaderOptions(std::size_t size) : examples_per_batch(size) {}
  DataLoaderOptions& batch_size(std::size_t size) { examples_per_batch = size; return *this; }
  std::size_t batch_size() const { return examples_per_batch; }
  // A new random order every epoch (off: rows in file order, as PyTorch's default).
  // DataLoader only: make_data_loader's sampler decides the order.
  DataLoaderOptions& shuffle(bool on) { shuffle_each_epoch = on; return *this; }
  // Skip the last batch when it would be smaller than batch_size.
  DataLoaderOptions& drop_last(bool on) { drop_last_batch = on; return *this; }
  bool drop_last() const { return drop_last_batch; }
  // Seed of the loader's generator (DataLoader only).
  DataLoaderOptions& seed(std::uint64_t value) { shuffle_seed = value; return *this; }
  // make_data_loader: threads that build batches ahead of the consumer (0: the consumer's own
  // thread builds each batch when it asks for it).
  DataLoaderOptions& workers(std::size_t count) { worker_count = count; return *this; }
  std::size_t workers() const { return worker_count; }
  // make_data_loader: the most batches requested ahead (default 2 * workers).
  DataLoaderOptions& max_jobs(std::optional<std::size_t> count) {
    max_jobs_count = count;
    return *this;
  }
  std::optional<std::size_t> max_jobs() const { return max_jobs_count; }
  // make_data_loader: batches in the sampler's order (on), or as the workers finish them.
  DataLoaderOptions& enforce_ordering(bool on) { enforce_batch_order = on; return *this; }
  bool enforce_ordering() const { return enforce_batch_order; }

  std::size_t examples_per_batch = 1;
  bool shuffle_each_epoch = false;
  bool drop_last_batch = false;
  std::uint64_t shuffle_seed = 0;
  std::size_t worker_count = 0;
  std::optional<std::size_t> max_jobs_count;
  bool enforce_batch_order = true;
};

struct Batch {
  Tensor x;                          // float32 (B, D): the selected rows of the dataset's images
  Tensor y;                          // int64 (B,): their labels
  std::vector<std::size_t> indices;  // (B,): which rows of the dataset they are
  std::size_t size() const { return indices.size(); }
};

// Copies rows `indices` of `data` into `out`, writing into out.x and out.y in place (bumping
// their versions, as any in-place write) and reallocating them only when B changes.
// Throws std::out_of_range for an index >= N.
void gather_rows(const Dataset& data, const std::vector<std::size_t>& indices, Batch& out);

class DataLoader {
 public:
  // Throws std::invalid_argument for batch_size 0, an empty or inconsistent dataset, or
  // drop_last with fewer rows than one batch (no batch at all).
  DataLoader(const Dataset& data, const DataLoaderOptions& options);
  DataLoader(const Dataset&& data, const DataLoaderOptions& options) = delete;

  // Batches per epoch: ceil(N / B), or floor(N / B) with drop_last.
  std::size_t num_batches() const;
  const DataLoaderOptions& options() const { return options_; }
  const Dataset& dataset() const { return data_; }
  Generator& generator() { return gen_; }

  // One epoch: begin() draws the epoch's order (shuffling) and produces the first batch.
  class Iterator;
  struct Sentinel {};
  Iterator begin();
  Sentinel end() const { return {}; }

  // The homework's SGD sampling, np.random.choice(N, batch_size): batch_size rows drawn
  // uniformly and independently, with replacement, from `gen` (the loader's own or another).
  // Writes into the same buffer as iteration.
  const Batch& sample_batch(Generator& gen, std::size_t batch_size);

 private:
  void start_epoch();
  void load_batch(std::size_t k);

  const Dataset& data_;
  DataLoaderOptions options_;
  Generator gen_;
  std::vector<std::size_t> order_;      // (N,): this epoch's row order
  std::vector<std::size_t> selection_;  // (B,): rows of the batch being gathered
  Batch batch_;
};

class DataLoader::Iterator {
 public:
  using difference_type = std::ptrdiff_t;
  using value_type = Batch;

  const Batch& operator*() const { return loader_->batch_; }
  const Batch* operator->() const { return &loader_->batch_; }
  Iterator& operator++();
  void operator++(int) { ++*this; }
  bool operator==(Sentinel) const { return k_ >= loader_->num_batches(); }
  std::size_t batch_index() const { return k_; }

 private:
  friend class DataLoader;
  explicit Iterator(DataLoader* loader) : loader_(loader) {}
  DataLoader* loader_;
  std::size_t k_ = 0;
};

}  // namespace gg::data
