#pragma once
// Normalisation layers and the embedding, as LibTorch's torch::nn::BatchNorm1d / BatchNorm2d /
// LayerNorm / GroupNorm / Embedding with their options, and their functional forms
// (F::batch_norm, F::layer_norm, F::group_norm, F::embedding). The ops are in
// autograd/normalization_ops.hpp.
//
// BatchNorm's state has PyTorch's names and dtypes, so state dicts move between the two:
// parameters weight (ones) and bias (zeros) when affine; buffers running_mean (zeros),
// running_var (ones) and num_batches_tracked (int64, a count of training batches) when
// track_running_stats. In training the batch's statistics normalise and update the running
// ones (momentum 0.1, or a cumulative average when momentum is std::nullopt); in eval the
// running ones normalise.
#include <gategrad/autograd/normalization_ops.hpp>
#include <gategrad/nn/module.hpp>
#include <gategrad/tensor/random.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace gg::nn {

struct BatchNormOptions {
  BatchNormOptions(std::int64_t num_features) : num_features_(num_features) {}  // NOLINT: implicit, as LibTorch's
  BatchNormOptions& num_features(std::int64_t v) { num_features_ = v; return *this; }
  BatchNormOptions& eps(double v) { eps_ = v; return *this; }
  BatchNormOptions& momentum(std::optional<double> v) { momentum_ = v; return *this; }
  BatchNormOptions& affine(bool on) { affine_ = on; return *this; }
  BatchNormOptions& track_running_stats(bool on) { track_running_stats_ = on; return *this; }
  std::int64_t num_features() const { return num_features_; }
  double eps() const { return eps_; }
  std::optional<double> momentum() const { return momentum_; }
  bool affine() const { return affine_; }
  bool track_running_stats() const { return track_running_stats_; }

 private:
  std::int64_t num_features_;
  double eps_ = 1e-5;
  std::optional<double> momentum_ = 0.1;
  bool affine_ = true, track_running_stats_ = true;
};

// BatchNorm1d takes (N, C) or (N, C, L), BatchNorm2d (N, C, H, W): ShapeError otherwise.
template <int D>
class BatchNormNd : public Module {
 public:
  explicit BatchNormNd(const BatchNormOptions& options);
  Tensor forward(const Tensor& x) override;
  // "BatchNorm2d(32, eps=1e-05, momentum=0.1, affine=true, track_running_stats=true)"
  std::string describe() const override;
  void reset_running_stats();
  const Tensor& weight() const { return weight_; }  // undefined unless affine
  const Tensor& bias() const { return bias_; }
  const Tensor& running_mean() const { return running_mean_; }  // undefined unless tracking
  const Tensor& running_var() const { return running_var_; }
  const Tensor& num_batches_tracked() const { return num_batches_tracked_; }
  const BatchNormOptions& options() const { return options_; }

 private:
  BatchNormOptions options_;
  Tensor weight_, bias_, running_mean_, running_var_, num_batches_tracked_;
};
using BatchNorm1d = BatchNormNd<1>;
using BatchNorm2d = BatchNormNd<2>;
extern template class BatchNormNd<1>;
extern template class BatchNormNd<2>;

struct LayerNormOptions {
  LayerNormOptions(std::vector<std::int64_t> normalized_shape) : normalized_shape_(std::move(normalized_shape)) {}  // NOLINT
  LayerNormOptions& eps(double v) { eps_ = v; return *this; }
  LayerNormOptions& elementwise_affine(bool on) { elementwise_affine_ = on; return *this; }
  const std::vector<std::int64_t>& normalized_shape() const { return normalized_shape_; }
  double eps() const { return eps_; }
  bool elementwise_affine() const { return elementwise_affine_; }

 private:
  std::vector<std::int64_t> normalized_shape_;
  double eps_ = 1e-5;
  bool elementwise_affine_ = true;
};

class LayerNorm : public Module {
 public:
  explicit LayerNorm(const LayerNormOptions& options);
  Tensor forward(const Tensor& x) override;
  std::string describe() const override;
  const Tensor& weight() const { return weight_; }
  const Tensor& bias() const { return bias_; }
  const LayerNormOptions& options() const { return options_; }

 private:
  LayerNormOptions options_;
  Tensor weight_, bias_;
};

struct GroupNormOptions {
  GroupNormOptions(std::int64_t num_groups, std::int64_t num_channels) : num_groups_(num_groups), num_channels_(num_channels) {}
  GroupNormOptions& eps(double v) { eps_ = v; return *this; }
  GroupNormOptions& affine(bool on) { affine_ = on; return *this; }
  std::int64_t num_groups() const { return num_groups_; }
  std::int64_t num_channels() const { return num_channels_; }
  double eps() const { return eps_; }
  bool affine() const { return affine_; }

 private:
  std::int64_t num_groups_, num_channels_;
  double eps_ = 1e-5;
  bool affine_ = true;
};

class GroupNorm : public Module {
 public:
  explicit GroupNorm(const GroupNormOptions& options);
  Tensor forward(const Tensor& x) override;
  std::string describe() const override;
  const Tensor& weight() const { return weight_; }
  const Tensor& bias() const { return bias_; }
  const GroupNormOptions& options() const { return options_; }

 private:
  GroupNormOptions options_;
  Tensor weight_, bias_;
};

struct EmbeddingOptions {
  EmbeddingOptions(std::int64_t num_embeddings, std::int64_t embedding_dim)
      : num_embeddings_(num_embeddings), embedding_dim_(embedding_dim) {}
  EmbeddingOptions& padding_idx(std::optional<std::int64_t> v) { padding_idx_ = v; return *this; }
  // The generator used for initialisation; gg::default_generator() when not set.
  EmbeddingOptions& generator(Generator& gen) { gen_ = &gen; return *this; }
  std::int64_t num_embeddings() const { return num_embeddings_; }
  std::int64_t embedding_dim() const { return embedding_dim_; }
  std::optional<std::int64_t> padding_idx() const { return padding_idx_; }
  Generator* generator() const { return gen_; }

 private:
  std::int64_t num_embeddings_, embedding_dim_;
  std::optional<std::int64_t> padding_idx_;
  Generator* gen_ = nullptr;
};

// weight (num_embeddings, embedding_dim) ~ N(0, 1), the padding_idx row zero, as PyTorch's; a
// negative padding_idx counts from the end. forward takes int64 indices of any sizes.
class Embedding : public Module {
 public:
  explicit Embedding(const EmbeddingOptions& options);
  Embedding(std::int64_t num_embeddings, std::int64_t embedding_dim)
      : Embedding(EmbeddingOptions(num_embeddings, embedding_dim)) {}
  Tensor forward(const Tensor& indices) override;
  std::string describe() const override;  // "Embedding(num_embeddings=10, embedding_dim=3)"
  const Tensor& weight() const { return weight_; }
  const EmbeddingOptions& options() const { return options_; }

 private:
  EmbeddingOptions options_;
  Tensor weight_;
};

namespace functional {

struct BatchNormFuncOptions {
  BatchNormFuncOptions& weight(const Tensor& t) { weight_ = t; return *this; }
  BatchNormFuncOptions& bias(const Tensor& t) { bias_ = t; return *this; }
  BatchNormFuncOptions& training(bool on) { training_ = on; return *this; }
  BatchNormFuncOptions& momentum(std::optional<double> v) { momentum_ = v; return *this; }
  BatchNormFuncOptions& eps(double v) { eps_ = v; return *this; }
  const Tensor& weight() const { return weight_; }
  const Tensor& bias() const { return bias_; }
  bool training() const { return training_; }
  std::optional<double> momentum() const { return momentum_; }
  double eps() const { return eps_; }

 private:
  Tensor weight_, bias_;
  bool training_ = false;
  std::optional<double> momentum_ = 0.1;
  double eps_ = 1e-5;
};

struct LayerNormFuncOptions {
  LayerNormFuncOptions(std::vector<std::int64_t> normalized_shape) : normalized_shape_(std::move(normalized_shape)) {}  // NOLINT
  LayerNormFuncOptions& weight(const Tensor& t) { weight_ = t; return *this; }
  LayerNormFuncOptions& bias(const Tensor& t) { bias_ = t; return *this; }
  LayerNormFuncOptions& eps(double v) { eps_ = v; return *this; }
  const std::vector<std::int64_t>& normalized_shape() const { return normalized_shape_; }
  const Tensor& weight() const { return weight_; }
  const Tensor& bias() const { return bias_; }
  double eps() const { return eps_; }

 private:
  std::vector<std::int64_t> normalized_shape_;
  Tensor weight_, bias_;
  double eps_ = 1e-5;
};

struct GroupNormFuncOptions {
  GroupNormFuncOptions(std::int64_t num_groups) : num_groups_(num_groups) {}  // NOLINT
  GroupNormFuncOptions& weight(const Tensor& t) { weight_ = t; return *this; }
  GroupNormFuncOptions& bias(const Tensor& t) { bias_ = t; return *this; }
  GroupNormFuncOptions& eps(double v) { eps_ = v; return *this; }
  std::int64_t num_groups() const { return num_groups_; }
  const Tensor& weight() const { return weight_; }
  const Tensor& bias() const { return bias_; }
  double eps() const { return eps_; }

 private:
  std::int64_t num_groups_;
  Tensor weight_, bias_;
  double eps_ = 1e-5;
};

struct EmbeddingFuncOptions {
  EmbeddingFuncOptions& padding_idx(std::optional<std::int64_t> v) { padding_idx_ = v; return *this; }
  std::optional<std::int64_t> padding_idx() const { return padding_idx_; }

 private:
  std::optional<std::int64_t> padding_idx_;
};

// momentum std::nullopt is refused here (the cumulative average needs the module's count).
Tensor batch_norm(const Tensor& input, const Tensor& running_mean, const Tensor& running_var,
                  const BatchNormFuncOptions& options = {}, Where where = Where::current());
Tensor layer_norm(const Tensor& input, const LayerNormFuncOptions& options, Where where = Where::current());
Tensor group_norm(const Tensor& input, const GroupNormFuncOptions& options, Where where = Where::current());
Tensor embedding(const Tensor& input, const Tensor& weight, const EmbeddingFuncOptions& options = {},
                 Where where = Where::current());

}  // namespace functional
}  // namespace gg::nn
