#include <gategrad/data/samplers.hpp>
#include <gategrad/tensor/factory.hpp>
#include <gategrad/tensor/random.hpp>

#include <algorithm>
#include <numeric>
#include <stdexcept>
#include <string>

namespace gg::data::samplers {
namespace {

// indices[first, min(first + batch_size, last)), advancing first; nullopt once first == last.
std::optional<std::vector<std::size_t>> take(const std::vector<std::size_t>& indices,
                                             std::size_t& first, std::size_t last,
                                             std::size_t batch_size) {
  if (first >= last) return std::nullopt;
  const std::size_t end = first + std::min(batch_size, last - first);
  std::vector<std::size_t> batch(indices.begin() + static_cast<std::ptrdiff_t>(first),
                                 indices.begin() + static_cast<std::ptrdiff_t>(end));
  first = end;
  return batch;
}

}  // namespace

void SequentialSampler::reset(std::optional<std::size_t> new_size) {
  if (new_size) size_ = *new_size;
  index_ = 0;
}

std::optional<std::vector<std::size_t>> SequentialSampler::next(std::size_t batch_size) {
  if (index_ >= size_) return std::nullopt;
  std::vector<std::size_t> batch(std::min(batch_size, size_ - index_));
  std::iota(batch.begin(), batch.end(), index_);
  index_ += batch.size();
  return batch;
}

RandomSampler::RandomSampler(std::int64_t size, Dtype index_dtype) {
  if (size < 0) {
    throw std::invalid_argument("RandomSampler: size " + std::to_string(size) +
                                ", expected at least 0");
  }
  if (index_dtype != kInt64) {
    throw std::invalid_argument("RandomSampler: index_dtype " + to_string(index_dtype) +
                                ", expected kInt64 (gategrad's one integer dtype)");
  }
  reset(static_cast<std::size_t>(size));
}

void RandomSampler::reset(std::optional<std::size_t> new_size) {
  const std::size_t n = new_size.value_or(indices_.size());
  const Tensor order = randperm(static_cast<std::int64_t>(n));  // from default_generator()
  const std::int64_t* values = order.data_ptr<std::int64_t>();
  indices_.assign(values, values + n);
  index_ = 0;
}

std::optional<std::vector<std::size_t>> RandomSampler::next(std::size_t batch_size) {
  return take(indices_, index_, indices_.size(), batch_size);
}

DistributedSampler::DistributedSampler(std::size_t size, std::size_t num_replicas,
                                       std::size_t rank, bool allow_duplicates)
    : size_(size), num_replicas_(num_replicas), rank_(rank), allow_duplicates_(allow_duplicates) {
  if (num_replicas == 0) {
    throw std::invalid_argument("DistributedSampler: num_replicas 0, expected at least 1");
  }
  if (rank >= num_replicas) {
    throw std::invalid_argument("DistributedSampler: rank " + std::to_string(rank) + " of " +
                                std::to_string(num_replicas) +
                                " replicas, expected a rank in [0, " +
                                std::to_string(num_replicas) + ")");
  }
}

std::size_t DistributedSampler::local_sample_count() const {
  return allow_duplicates_ ? (size_ + num_replicas_ - 1) / num_replicas_ : size_ / num_replicas_;
}

DistributedRandomSampler::DistributedRandomSampler(std::size_t size, std::size_t num_replicas,
                                                   std::size_t rank, bool allow_duplicates)
    : DistributedSampler(size, num_replicas, rank, allow_duplicates) {
  reset(size);
}

void DistributedRandomSampler::reset(std::optional<std::size_t> new_size) {
  if (new_size) size_ = *new_size;
  const std::size_t L = local_sample_count();
  // Every replica builds the same padded list (i < size, then 0, 1, ... again) and the same
  // shuffle of it, and takes its own slice.
  const std::size_t count = num_replicas_ == 1 ? size_ : L * num_replicas_;
  all_indices_.resize(count);
  for (std::size_t i = 0; i < count; ++i) all_indices_[i] = size_ == 0 ? 0 : i % size_;
  Generator gen(epoch_);
  // Fisher-Yates: position i takes a uniformly chosen element of the not yet placed [0, i].
  for (std::size_t i = count; i-- > 1;) std::swap(all_indices_[i], all_indices_[gen.below(i + 1)]);
  begin_index_ = rank_ * L;
  end_index_ = std::min(begin_index_ + L, count);
  sample_index_ = begin_index_;
}

std::optional<std::vector<std::size_t>> DistributedRandomSampler::next(std::size_t batch_size) {
  return take(all_indices_, sample_index_, end_index_, batch_size);
}

DistributedSequentialSampler::DistributedSequentialSampler(std::size_t size,
                                                           std::size_t num_replicas,
                                                           std::size_t rank,
                                                           bool allow_duplicates)
    : DistributedSampler(size, num_replicas, rank, allow_duplicates) {
  reset(size);
}

void DistributedSequentialSampler::reset(std::optional<std::size_t> new_size) {
  if (new_size) size_ = *new_size;
  const std::size_t L = local_sample_count();
  begin_index_ = rank_ * L;
  end_index_ = begin_index_ + L;
  sample_index_ = begin_index_;
}

std::optional<std::vector<std::size_t>> DistributedSequentialSampler::next(
    std::size_t batch_size) {
  if (sample_index_ >= end_index_) return std::nullopt;
  std::vector<std::size_t> batch(std::min(batch_size, end_index_ - sample_index_));
  std::iota(batch.begin(), batch.end(), sample_index_);
  // The last shards wrap around to the first indices (allow_duplicates).
  for (std::size_t& index : batch) index %= size_;
  sample_index_ += batch.size();
  return batch;
}

}  // namespace gg::data::samplers
