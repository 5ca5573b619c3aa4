#include <gategrad/data/dataloader.hpp>
#include <gategrad/tensor/factory.hpp>

#include <algorithm>
#include <numeric>
#include <stdexcept>
#include <string>

namespace gg::data {
namespace {

// What gather_rows needs of the dataset before reading it through raw pointers: the checks of
// check_dataset but the O(N) scan of the labels, which is too slow to repeat for each batch.
void check_layout(const Dataset& data) {
  const Tensor &images = data.images, &labels = data.labels;
  const auto N = static_cast<std::int64_t>(data.size()), D = static_cast<std::int64_t>(data.dim());
  const bool ok = labels.defined() && labels.dtype() == kInt64 && labels.dim() == 1 &&
                  labels.is_contiguous() && images.defined() && images.dtype() == kFloat32 &&
                  images.dim() == 2 && images.size(0) == N && images.size(1) == D &&
                  images.is_contiguous();
  if (!ok) check_dataset("gather_rows", data);  // throws, naming what is wrong
}

}  // namespace

void gather_rows(const Dataset& data, const std::vector<std::size_t>& indices, Batch& out) {
  const std::size_t N = data.size(), D = data.dim(), B = indices.size();
  check_layout(data);
  const auto rows = static_cast<std::int64_t>(B), cols = static_cast<std::int64_t>(D);
  // The buffers are reused while B stays (every batch of an epoch but a short last one).
  if (!out.x.defined() || out.x.dtype() != kFloat32 || !out.x.is_contiguous() ||
      out.x.sizes() != IntArrayRef{rows, cols}) {
    out.x = empty({rows, cols}, kFloat32);
  }
  if (!out.y.defined() || out.y.dtype() != kInt64 || !out.y.is_contiguous() ||
      out.y.sizes() != IntArrayRef{rows}) {
    out.y = empty({rows}, kInt64);
  }
  const float* src = data.images.data_ptr<float>();
  const std::int64_t* labels = data.labels.data_ptr<std::int64_t>();
  float* dst = out.x.data_ptr<float>();
  std::int64_t* y = out.y.data_ptr<std::int64_t>();
  for (std::size_t b = 0; b < B; ++b) {
    const std::size_t row = indices[b];
    if (row >= N) {
      throw std::out_of_range("gather_rows: index " + std::to_string(row) + " at position " +
                              std::to_string(b) + " for dataset \"" + data.name + "\" of " +
                              std::to_string(N) + " rows");
    }
    std::copy_n(src + row * D, D, dst + b * D);
    y[b] = labels[row];
  }
  // In-place writes, as copy_ would make: a node that saved the previous batch sees the change.
  out.x.storage()->bump_version();
  out.y.storage()->bump_version();
  out.indices = indices;
}

DataLoader::DataLoader(const Dataset& data, const DataLoaderOptions& options)
    : data_(data), options_(options), gen_(options.shuffle_seed) {
  check_dataset("DataLoader", data);
  const std::size_t N = data.size(), B = options.batch_size();
  if (B == 0) throw std::invalid_argument("DataLoader: batch_size 0, expected at least 1");
  if (N == 0) {
    throw std::invalid_argument("DataLoader: dataset \"" + data.name +
                                "\" is empty: expected at least one row");
  }
  if (options.drop_last_batch && B > N) {
    throw std::invalid_argument("DataLoader: drop_last with batch_size " + std::to_string(B) +
                                " over dataset \"" + data.name + "\" of " + std::to_string(N) +
                                " rows gives no batch at all: use a batch_size of at most " +
                                std::to_string(N) + " or turn drop_last off");
  }
}

std::size_t DataLoader::num_batches() const {
  const std::size_t N = data_.size(), B = options_.batch_size();
  return options_.drop_last_batch ? N / B : (N + B - 1) / B;
}

void DataLoader::start_epoch() {
  order_.resize(data_.size());
  std::iota(order_.begin(), order_.end(), std::size_t{0});
  if (!options_.shuffle_each_epoch) return;
  // Fisher-Yates: position i takes a uniformly chosen element of the not yet placed [0, i].
  for (std::size_t i = order_.size(); i-- > 1;) {
    std::swap(order_[i], order_[gen_.below(i + 1)]);
  }
}

void DataLoader::load_batch(std::size_t k) {
  const std::size_t B = options_.batch_size();
  const std::size_t first = k * B, last = std::min(first + B, order_.size());
  selection_.assign(order_.begin() + static_cast<std::ptrdiff_t>(first),
                    order_.begin() + static_cast<std::ptrdiff_t>(last));
  gather_rows(data_, selection_, batch_);
}

DataLoader::Iterator DataLoader::begin() {
  start_epoch();
  if (num_batches() > 0) load_batch(0);
  return Iterator(this);
}

DataLoader::Iterator& DataLoader::Iterator::operator++() {
  if (++k_ < loader_->num_batches()) loader_->load_batch(k_);
  return *this;
}

const Batch& DataLoader::sample_batch(Generator& gen, std::size_t batch_size) {
  if (batch_size == 0) {
    throw std::invalid_argument("DataLoader::sample_batch: batch_size 0, expected at least 1");
  }
  selection_.resize(batch_size);
  for (std::size_t& row : selection_) row = gen.below(data_.size());
  gather_rows(data_, selection_, batch_);
  return batch_;
}

}  // namespace gg::data
