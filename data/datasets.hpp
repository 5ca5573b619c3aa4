#pragma once
// torch::data::datasets in gg::data::datasets: a dataset is a class that returns a batch for a
// request of indices. Most derive from Dataset and override get(index) and size():
//
//   struct Points : gg::data::datasets::Dataset<Points> {
//     gg::data::Example<> get(std::size_t i) override { return {x_[i], y_[i]}; }
//     std::optional<std::size_t> size() const override { return n_; }
//   };
//   auto batches = Points(...).map(gg::data::transforms::Stack<>());  // a MapDataset
//
// map(transform) returns a MapDataset holding the dataset (a copy, or the moved dataset for an
// rvalue) and the transform; it is itself a dataset, so maps chain. The data loader copies a
// dataset into each worker thread, so a dataset must be copyable, and sharing state between
// copies (through a Tensor handle, say) must be safe to read from several threads.
#include <gategrad/data/example.hpp>

#include <cstddef>
#include <optional>
#include <span>
#include <utility>
#include <vector>

namespace gg::data::datasets {

template <class Source, class Transform>
class MapDataset;

// A dataset that answers a batch request (LibTorch's default request, ArrayRef<size_t>, is a
// std::span<const std::size_t> here) with a whole batch.
template <class Self, class Batch = std::vector<Example<>>,
          class BatchRequest = std::span<const std::size_t>>
class BatchDataset {
 public:
  using SelfType = Self;
  using BatchType = Batch;
  using BatchRequestType = BatchRequest;
  // Stateless: the loader's sampler chooses the indices (LibTorch's StatefulDataset is not here).
  static constexpr bool is_stateful = false;

  virtual ~BatchDataset() = default;

  virtual Batch get_batch(BatchRequest request) = 0;
  // The number of examples; std::nullopt for a dataset of unknown size, which the loader
  // refuses (it needs the size to build the sampler).
  virtual std::optional<std::size_t> size() const = 0;

  template <class Transform>
  MapDataset<Self, Transform> map(Transform transform) & {
    return MapDataset<Self, Transform>(static_cast<Self&>(*this), std::move(transform));
  }
  template <class Transform>
  MapDataset<Self, Transform> map(Transform transform) && {
    return MapDataset<Self, Transform>(std::move(static_cast<Self&>(*this)), std::move(transform));
  }

 protected:
  BatchDataset() = default;
  BatchDataset(const BatchDataset&) = default;
  BatchDataset(BatchDataset&&) = default;
  BatchDataset& operator=(const BatchDataset&) = default;
  BatchDataset& operator=(BatchDataset&&) = default;
};

// A dataset of single examples: get_batch collects get(i) for each requested index, in order.
template <class Self, class SingleExample = Example<>>
class Dataset : public BatchDataset<Self, std::vector<SingleExample>> {
 public:
  using ExampleType = SingleExample;

  virtual ExampleType get(std::size_t index) = 0;

  std::vector<ExampleType> get_batch(std::span<const std::size_t> indices) override {
    std::vector<ExampleType> batch;
    batch.reserve(indices.size());
    for (std::size_t index : indices) batch.push_back(get(index));
    return batch;
  }
};

// `source` with `transform` applied to each batch it returns: get_batch(request) is
// transform.apply_batch(source.get_batch(request)).
template <class Source, class Transform>
class MapDataset
    : public BatchDataset<MapDataset<Source, Transform>, typename Transform::OutputBatchType,
                          typename Source::BatchRequestType> {
 public:
  using DatasetType = Source;
  using TransformType = Transform;
  using BatchRequestType = typename Source::BatchRequestType;
  using OutputBatchType = typename Transform::OutputBatchType;

  MapDataset(Source source, Transform transform)
      : dataset_(std::move(source)), transform_(std::move(transform)) {}

  OutputBatchType get_batch(BatchRequestType request) override {
    return transform_.apply_batch(dataset_.get_batch(std::move(request)));
  }
  std::optional<std::size_t> size() const override { return dataset_.size(); }

  const Source& dataset() const { return dataset_; }
  const Transform& transform() const { return transform_; }

 private:
  Source dataset_;
  Transform transform_;
};

// map(dataset, transform), as torch::data::datasets::map.
template <class Source, class Transform>
MapDataset<Source, Transform> map(Source dataset, Transform transform) {
  return MapDataset<Source, Transform>(std::move(dataset), std::move(transform));
}

}  // namespace gg::data::datasets
