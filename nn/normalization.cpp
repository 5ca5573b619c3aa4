#include <gategrad/autograd/grad_mode.hpp>
#include <gategrad/nn/normalization.hpp>

#include <cmath>
#include <sstream>
#include <stdexcept>
#include <string>

namespace gg::nn {
namespace {

std::string number(double v) {
  std::ostringstream out;
  out << v;  // 1e-05, 0.1: as LibTorch prints its options
  return out.str();
}

const char* flag(bool on) { return on ? "true" : "false"; }

void require_positive(const char* op, const char* what, std::int64_t v) {
  if (v < 1) {
    throw std::invalid_argument(std::string(op) + ": got " + what + " " + std::to_string(v) + ", expected >= 1");
  }
}

}  // namespace

template <int D>
BatchNormNd<D>::BatchNormNd(const BatchNormOptions& options) : options_(options) {
  const char* op = D == 1 ? "BatchNorm1d" : "BatchNorm2d";
  require_positive(op, "num_features", options.num_features());
  if (options.momentum() && !(*options.momentum() >= 0.0 && *options.momentum() <= 1.0)) {
    throw std::invalid_argument(std::string(op) + ": got momentum " + number(*options.momentum()) +
                                ", expected 0 <= momentum <= 1 (or std::nullopt)");
  }
  const std::int64_t C = options.num_features();
  if (options.affine()) {
    weight_ = register_parameter("weight", gg::ones({C}));
    bias_ = register_parameter("bias", gg::zeros({C}));
  }
  if (options.track_running_stats()) {
    running_mean_ = register_buffer("running_mean", gg::zeros({C}));
    running_var_ = register_buffer("running_var", gg::ones({C}));
    num_batches_tracked_ = register_buffer("num_batches_tracked", gg::scalar_tensor(0, kInt64));
  }
}

template <int D>
void BatchNormNd<D>::reset_running_stats() {
  if (!options_.track_running_stats()) return;
  running_mean_.fill_(0);
  running_var_.fill_(1);
  num_batches_tracked_.fill_(0);
}

template <int D>
Tensor BatchNormNd<D>::forward(const Tensor& x) {
  const bool ok = D == 1 ? (x.dim() == 2 || x.dim() == 3) : x.dim() == 4;
  if (!ok) {
    throw ShapeError(std::string(D == 1 ? "BatchNorm1d" : "BatchNorm2d") + ": got input " + to_string(x.sizes()) +
                     (D == 1 ? ", expected (N, C) or (N, C, L)" : ", expected (N, C, H, W)"));
  }
  double factor = options_.momentum().value_or(0.0);
  const bool use_batch_stats = is_training() || !options_.track_running_stats();
  if (is_training() && options_.track_running_stats()) {
    NoGradGuard no_grad;
    num_batches_tracked_.add_(1);
    if (!options_.momentum()) factor = 1.0 / static_cast<double>(num_batches_tracked_.item<std::int64_t>());
  }
  const bool update = is_training() && options_.track_running_stats();
  return gg::batch_norm(x, weight_, bias_, update || !use_batch_stats ? running_mean_ : Tensor(),
                        update || !use_batch_stats ? running_var_ : Tensor(), use_batch_stats, factor, options_.eps());
}

template <int D>
std::string BatchNormNd<D>::describe() const {
  return std::string(D == 1 ? "BatchNorm1d(" : "BatchNorm2d(") + std::to_string(options_.num_features()) +
         ", eps=" + number(options_.eps()) + ", momentum=" +
         (options_.momentum() ? number(*options_.momentum()) : std::string("None")) +
         ", affine=" + flag(options_.affine()) + ", track_running_stats=" + flag(options_.track_running_stats()) + ")";
}

template class BatchNormNd<1>;
template class BatchNormNd<2>;

LayerNorm::LayerNorm(const LayerNormOptions& options) : options_(options) {
  if (options.normalized_shape().empty()) {
    throw std::invalid_argument("LayerNorm: got an empty normalized_shape, expected at least one size");
  }
  for (std::int64_t s : options.normalized_shape()) require_positive("LayerNorm", "a normalized_shape size", s);
  if (options.elementwise_affine()) {
    weight_ = register_parameter("weight", gg::ones(options.normalized_shape()));
    bias_ = register_parameter("bias", gg::zeros(options.normalized_shape()));
  }
}

Tensor LayerNorm::forward(const Tensor& x) {
  return gg::layer_norm(x, options_.normalized_shape(), weight_, bias_, options_.eps());
}

std::string LayerNorm::describe() const {
  return "LayerNorm(" + to_string(IntArrayRef(options_.normalized_shape())) + ", eps=" + number(options_.eps()) +
         ", elementwise_affine=" + flag(options_.elementwise_affine()) + ")";
}

GroupNorm::GroupNorm(const GroupNormOptions& options) : options_(options) {
  require_positive("GroupNorm", "num_groups", options.num_groups());
  require_positive("GroupNorm", "num_channels", options.num_channels());
  if (options.num_channels() % options.num_groups() != 0) {
    throw std::invalid_argument("GroupNorm: got num_channels " + std::to_string(options.num_channels()) +
                                " and num_groups " + std::to_string(options.num_groups()) +
                                ", expected num_channels divisible by num_groups");
  }
  if (options.affine()) {
    weight_ = register_parameter("weight", gg::ones({options.num_channels()}));
    bias_ = register_parameter("bias", gg::zeros({options.num_channels()}));
  }
}

Tensor GroupNorm::forward(const Tensor& x) {
  return gg::group_norm(x, options_.num_groups(), weight_, bias_, options_.eps());
}

std::string GroupNorm::describe() const {
  return "GroupNorm(" + std::to_string(options_.num_groups()) + ", " + std::to_string(options_.num_channels()) +
         ", eps=" + number(options_.eps()) + ", affine=" + flag(options_.affine()) + ")";
}

Embedding::Embedding(const EmbeddingOptions& options) : options_(options) {
  require_positive("Embedding", "num_embeddings", options.num_embeddings());
  require_positive("Embedding", "embedding_dim", options.embedding_dim());
  if (auto p = options.padding_idx()) {
    if (*p >= options.num_embeddings() || *p < -options.num_embeddings()) {
      throw std::invalid_argument("Embedding: got padding_idx " + std::to_string(*p) + ", expected it within [-" +
                                  std::to_string(options.num_embeddings()) + ", " +
                                  std::to_string(options.num_embeddings()) + ")");
    }
    if (*p < 0) options_.padding_idx(*p + options.num_embeddings());
  }
  Generator& gen = options.generator() != nullptr ? *options.generator() : default_generator();
  Tensor w = gg::randn({options.num_embeddings(), options.embedding_dim()}, gen);
  if (auto p = options_.padding_idx()) w.select(0, *p).fill_(0);
  weight_ = register_parameter("weight", w);
}

Tensor Embedding::forward(const Tensor& indices) {
  return gg::embedding(weight_, indices, options_.padding_idx().value_or(-1));
}

std::string Embedding::describe() const {
  std::string text = "Embedding(num_embeddings=" + std::to_string(options_.num_embeddings()) +
                     ", embedding_dim=" + std::to_string(options_.embedding_dim());
  if (auto p = options_.padding_idx()) text += ", padding_idx=" + std::to_string(*p);
  return text + ")";
}

namespace functional {

Tensor batch_norm(const Tensor& input, const Tensor& running_mean, const Tensor& running_var,
                  const BatchNormFuncOptions& options, Where where) {
  if (!options.momentum()) {
    throw std::invalid_argument("batch_norm: got momentum std::nullopt, expected a number (the cumulative "
                                "average needs BatchNorm's batch count)");
  }
  return gg::batch_norm(input, options.weight(), options.bias(), running_mean, running_var, options.training(),
                        *options.momentum(), options.eps(), false, where);
}

Tensor layer_norm(const Tensor& input, const LayerNormFuncOptions& options, Where where) {
  return gg::layer_norm(input, options.normalized_shape(), options.weight(), options.bias(), options.eps(), false, where);
}

Tensor group_norm(const Tensor& input, const GroupNormFuncOptions& options, Where where) {
  return gg::group_norm(input, options.num_groups(), options.weight(), options.bias(), options.eps(), false, where);
}

Tensor embedding(const Tensor& input, const Tensor& weight, const EmbeddingFuncOptions& options, Where where) {
  std::int64_t padding = options.padding_idx().value_or(-1);
  if (options.padding_idx() && padding < 0) padding += weight.size(0);
  return gg::embedding(weight, input, padding, false, false, where);
}

}  // namespace functional
}  // namespace gg::nn
