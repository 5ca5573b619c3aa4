#pragma once
// torch::data::samplers in gg::data::samplers: which indices each batch of an epoch requests.
// reset() starts an epoch (optionally for a new dataset size); next(batch_size) returns the
// next batch_size indices (fewer at the end), then std::nullopt when the epoch is done.
//
// Random streams: RandomSampler draws gg::randperm from gg's default generator (seed it with
// gg::manual_seed), DistributedRandomSampler shuffles with a gg::Generator seeded by the epoch.
// Both are deterministic given their seed but draw other orders than LibTorch's (docs/PORTING.md).
#include <gategrad/tensor/dtype.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace gg::data::samplers {

template <class BatchRequest = std::vector<std::size_t>>
class Sampler {
 public:
  using BatchRequestType = BatchRequest;

  virtual ~Sampler() = default;
  virtual void reset(std::optional<std::size_t> new_size) = 0;
  virtual std::optional<BatchRequest> next(std::size_t batch_size) = 0;

 protected:
  Sampler() = default;
  Sampler(const Sampler&) = default;
  Sampler(Sampler&&) = default;
  Sampler& operator=(const Sampler&) = default;
  Sampler& operator=(Sampler&&) = default;
};

// 0, 1, ..., size - 1.
class SequentialSampler : public Sampler<> {
 public:
  explicit SequentialSampler(std::size_t size) : size_(size) {}

  void reset(std::optional<std::size_t> new_size = std::nullopt) override;
  std::optional<std::vector<std::size_t>> next(std::size_t batch_size) override;
  std::size_t index() const { return index_; }

 private:
  std::size_t size_;
  std::size_t index_ = 0;
};

// A new permutation of 0 .. size - 1 at construction and at every reset(), from
// gg::default_generator() (so use it from one thread, as the data loader does). index_dtype,
// LibTorch's storage type of the permutation, is accepted for its signature: the indices are
// kept as std::size_t. Throws std::invalid_argument for a negative size or an index_dtype other
// than kInt64.
class RandomSampler : public Sampler<> {
 public:
  explicit RandomSampler(std::int64_t size, Dtype index_dtype = kInt64);

  void reset(std::optional<std::size_t> new_size = std::nullopt) override;
  std::optional<std::vector<std::size_t>> next(std::size_t batch_size) override;
  std::size_t index() const { return index_; }

 private:
  std::vector<std::size_t> indices_;
  std::size_t index_ = 0;
};

// The share of rank `rank` among num_replicas processes, as LibTorch's: each replica takes
// local_sample_count() indices, ceil(size / num_replicas) with allow_duplicates (the last
// shards are completed by wrapping around to the first indices, so together they cover every
// index) or floor(size / num_replicas) without (the shards are disjoint, and the remainder
// of size / num_replicas indices is left out). Throws std::invalid_argument for num_replicas 0
// or rank >= num_replicas.
class DistributedSampler : public Sampler<> {
 public:
  DistributedSampler(std::size_t size, std::size_t num_replicas = 1, std::size_t rank = 0,
                     bool allow_duplicates = true);

  // The epoch seeds DistributedRandomSampler's shuffle at the next reset(): give every replica
  // the same epoch so that their shards come from one permutation.
  void set_epoch(std::size_t epoch) { epoch_ = epoch; }
  std::size_t epoch() const { return epoch_; }

 protected:
  std::size_t local_sample_count() const;

  std::size_t size_;
  std::size_t num_replicas_;
  std::size_t rank_;
  std::size_t epoch_ = 0;
  bool allow_duplicates_;
};

// Positions [rank * L, (rank + 1) * L) of one shuffle, drawn from gg::Generator(epoch), of the
// padded list 0 .. size - 1, 0, 1, ... (L * num_replicas long), L = local_sample_count().
class DistributedRandomSampler : public DistributedSampler {
 public:
  DistributedRandomSampler(std::size_t size, std::size_t num_replicas = 1, std::size_t rank = 0,
                           bool allow_duplicates = true);

  void reset(std::optional<std::size_t> new_size = std::nullopt) override;
  std::optional<std::vector<std::size_t>> next(std::size_t batch_size) override;
  std::size_t index() const { return sample_index_ - begin_index_; }

 private:
  std::vector<std::size_t> all_indices_;
  std::size_t begin_index_ = 0, end_index_ = 0, sample_index_ = 0;
};

// Indices rank * L, ..., (rank + 1) * L - 1, each modulo size, L = local_sample_count().
class DistributedSequentialSampler : public DistributedSampler {
 public:
  DistributedSequentialSampler(std::size_t size, std::size_t num_replicas = 1,
                               std::size_t rank = 0, bool allow_duplicates = true);

  void reset(std::optional<std::size_t> new_size = std::nullopt) override;
  std::optional<std::vector<std::size_t>> next(std::size_t batch_size) override;
  std::size_t index() const { return sample_index_ - begin_index_; }

 private:
  std::size_t begin_index_ = 0, end_index_ = 0, sample_index_ = 0;
};

}  // namespace gg::data::samplers
