#pragma once
// torch::data::transforms in gg::data::transforms: what MapDataset applies to each batch.
//
//   dataset.map(Normalize<>(0.1307, 0.3081)).map(Stack<>())   // (1,28,28) each -> (B,1,28,28)
//
// A BatchTransform maps a whole batch; a Transform maps each example of a std::vector batch;
// a TensorTransform maps each example's data and keeps its target.
#include <gategrad/data/example.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <functional>
#include <utility>
#include <vector>

namespace gg::data::transforms {

template <class InputBatch, class OutputBatch>
class BatchTransform {
 public:
  using InputBatchType = InputBatch;
  using OutputBatchType = OutputBatch;

  virtual ~BatchTransform() = default;
  virtual OutputBatch apply_batch(InputBatch input_batch) = 0;

 protected:
  BatchTransform() = default;
  BatchTransform(const BatchTransform&) = default;
  BatchTransform(BatchTransform&&) = default;
  BatchTransform& operator=(const BatchTransform&) = default;
  BatchTransform& operator=(BatchTransform&&) = default;
};

template <class Input, class Output>
class Transform : public BatchTransform<std::vector<Input>, std::vector<Output>> {
 public:
  using InputType = Input;
  using OutputType = Output;

  virtual Output apply(Input input) = 0;

  std::vector<Output> apply_batch(std::vector<Input> input_batch) override {
    std::vector<Output> output;
    output.reserve(input_batch.size());
    for (Input& input : input_batch) output.push_back(apply(std::move(input)));
    return output;
  }
};

// A Transform from a function of one example. (LibTorch's Input has no default; Example<> is
// the one nearly every program names.)
template <class Input = Example<>, class Output = Input>
class Lambda : public Transform<Input, Output> {
 public:
  using FunctionType = std::function<Output(Input)>;
  explicit Lambda(FunctionType function) : function_(std::move(function)) {}
  Output apply(Input input) override { return function_(std::move(input)); }

 private:
  FunctionType function_;
};

// A BatchTransform from a function of one batch.
template <class Input, class Output = Input>
class BatchLambda : public BatchTransform<Input, Output> {
 public:
  using FunctionType = std::function<Output(Input)>;
  explicit BatchLambda(FunctionType function) : function_(std::move(function)) {}
  Output apply_batch(Input input_batch) override { return function_(std::move(input_batch)); }

 private:
  FunctionType function_;
};

// Maps each example's data by operator(), keeping its target.
template <class Target = Tensor>
class TensorTransform : public Transform<Example<Tensor, Target>, Example<Tensor, Target>> {
 public:
  using E = Example<Tensor, Target>;

  virtual Tensor operator()(Tensor input) = 0;

  E apply(E input) override {
    input.data = (*this)(std::move(input.data));
    return input;
  }
};

template <class Target = Tensor>
class TensorLambda : public TensorTransform<Target> {
 public:
  using FunctionType = std::function<Tensor(Tensor)>;
  explicit TensorLambda(FunctionType function) : function_(std::move(function)) {}
  Tensor operator()(Tensor input) override { return function_(std::move(input)); }

 private:
  FunctionType function_;
};

// (data - mean) / stddev per channel, as torch's Normalize: mean and stddev become (C,1,1)
// tensors that broadcast against data:(..., C, H, W). One value (C = 1) applies to every
// channel, and to data of any rank (which, as in torch, broadcasting makes at least 3-D).
// The constructor throws std::invalid_argument for an empty list, a zero or non-finite
// stddev, or lists of different lengths neither of which is 1; operator() throws it when
// data's channel dim (-3) does not have C elements.
class NormalizeStatistics {
 public:
  NormalizeStatistics(std::vector<double> mean, std::vector<double> stddev);
  Tensor normalize(const Tensor& input) const;

 private:
  Tensor mean_, stddev_;  // float32 (C,1,1)
  std::size_t channels_;
};

template <class Target = Tensor>
class Normalize : public TensorTransform<Target> {
 public:
  Normalize(double mean, double stddev) : statistics_({mean}, {stddev}) {}
  Normalize(std::vector<double> mean, std::vector<double> stddev)
      : statistics_(std::move(mean), std::move(stddev)) {}
  Tensor operator()(Tensor input) override { return statistics_.normalize(input); }

 private:
  NormalizeStatistics statistics_;
};

// Random augmentations for images (..., H, W), as torchvision's transforms of the same names
// (LibTorch has none). Each draws from its own generator (seeded at construction), shared by
// every copy of the transform, as the data loader's workers hold: with workers(0) a seeded
// run repeats exactly; with worker threads the draws are taken in the order the workers
// reach them, so which image gets which draw can vary between runs.
class RandomSource {
 public:
  explicit RandomSource(std::uint64_t seed);
  // An integer uniform in [0, n], and a Bernoulli(p) draw, under the source's lock.
  std::int64_t integer(std::int64_t n);
  bool bernoulli(double p);

 private:
  struct State;
  std::shared_ptr<State> state_;
};

// Pads the image by `padding` zeros on every side, then cuts a random (size_h, size_w) window.
// Throws std::invalid_argument for a size below 1 or a negative padding, and ShapeError when
// the padded image is smaller than the window.
Tensor random_crop(const Tensor& image, std::int64_t size_h, std::int64_t size_w, std::int64_t padding,
                   RandomSource& source);

template <class Target = Tensor>
class RandomCrop : public TensorTransform<Target> {
 public:
  explicit RandomCrop(std::int64_t size, std::int64_t padding = 0, std::uint64_t seed = 0)
      : RandomCrop(size, size, padding, seed) {}
  RandomCrop(std::int64_t size_h, std::int64_t size_w, std::int64_t padding, std::uint64_t seed)
      : size_h_(size_h), size_w_(size_w), padding_(padding), source_(seed) {}
  Tensor operator()(Tensor input) override { return random_crop(input, size_h_, size_w_, padding_, source_); }

 private:
  std::int64_t size_h_, size_w_, padding_;
  RandomSource source_;
};

// Mirrors the image left to right (its last dim) with probability p. Throws
// std::invalid_argument unless 0 <= p <= 1.
Tensor random_horizontal_flip(const Tensor& image, double p, RandomSource& source);

template <class Target = Tensor>
class RandomHorizontalFlip : public TensorTransform<Target> {
 public:
  explicit RandomHorizontalFlip(double p = 0.5, std::uint64_t seed = 0) : p_(p), source_(seed) {}
  Tensor operator()(Tensor input) override { return random_horizontal_flip(input, p_, source_); }

 private:
  double p_;
  RandomSource source_;
};

// Collates a batch of examples into one: data and targets each stacked along a new dim 0, so
// B examples of data (C,H,W) and scalar targets give data (B,C,H,W) and targets (B,).
// Throws std::invalid_argument for an empty batch, or examples whose data (or targets) differ
// in shape, naming both shapes.
template <class E = Example<>>
struct Stack;

template <>
struct Stack<Example<>> : public BatchTransform<std::vector<Example<>>, Example<>> {
  Example<> apply_batch(std::vector<Example<>> examples) override;
};

}  // namespace gg::data::transforms
