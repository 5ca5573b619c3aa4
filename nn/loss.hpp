#pragma once
// Losses and penalties. Each takes the caller's line (`where`) for anomaly reports.
//
// gg::nn::cross_entropy and gg::nn::mse_loss are the two-argument means the homework uses. The
// losses of torch::nn::functional, with their options, are in gg::nn::functional below, spelt
// as LibTorch's:
//   namespace F = gg::nn::functional;
//   F::cross_entropy(z, y, F::CrossEntropyFuncOptions().ignore_index(0).label_smoothing(0.1));
//   F::mse_loss(x, t, F::MSELossFuncOptions(gg::kSum));
// Each is a composition of differentiable ops (autograd/ops.hpp), so its backward and double
// backward come from theirs; the module forms (gg::nn::CrossEntropyLoss, ...) are in
// nn/loss_modules.hpp.
#include <gategrad/nn/enum.hpp>
#include <gategrad/nn/module.hpp>

#include <cstdint>
#include <utility>
#include <variant>

namespace gg::nn {

// Mean softmax cross-entropy of logits (N, C) against int64 class indices (N) in [0, C) (the
// fused gate, gg::cross_entropy).
Tensor cross_entropy(const Tensor& logits, const Tensor& target, Where where = Where::current());

// Mean squared error: mean((prediction - target)^2); sizes must match (ShapeError otherwise).
Tensor mse_loss(const Tensor& prediction, const Tensor& target, Where where = Where::current());

// lambda * sum over the chosen parameters of sum(W^2). By default the weights only: every
// parameter whose name ends in "weight", as the homework regularises W1 and W2 but not biases.
// A rank-0 tensor of the parameters' dtype (float32 when none is chosen).
Tensor l2_penalty(const Module& model, double lambda, bool include_biases = false,
                  Where where = Where::current());

// --- options, as torch/nn/options/loss.h --------------------------------------------------------
// reduction: gg::kNone (one loss per element or sample), gg::kMean (the default) or gg::kSum.

using loss_reduction_t = std::variant<enumtype::kNone, enumtype::kMean, enumtype::kSum>;

struct MSELossOptions {
  MSELossOptions(loss_reduction_t r = enumtype::kMean{}) : reduction_(r) {}  // NOLINT: implicit, as LibTorch's
  MSELossOptions& reduction(loss_reduction_t r) { reduction_ = r; return *this; }
  const loss_reduction_t& reduction() const { return reduction_; }

 private:
  loss_reduction_t reduction_;
};

struct L1LossOptions {
  L1LossOptions(loss_reduction_t r = enumtype::kMean{}) : reduction_(r) {}  // NOLINT: implicit
  L1LossOptions& reduction(loss_reduction_t r) { reduction_ = r; return *this; }
  const loss_reduction_t& reduction() const { return reduction_; }

 private:
  loss_reduction_t reduction_;
};

// 0.5 d^2 / beta where |d| < beta, else |d| - 0.5 beta (beta >= 0; 0 is the L1 loss).
struct SmoothL1LossOptions {
  SmoothL1LossOptions(loss_reduction_t r = enumtype::kMean{}) : reduction_(r) {}  // NOLINT: implicit
  SmoothL1LossOptions& reduction(loss_reduction_t r) { reduction_ = r; return *this; }
  SmoothL1LossOptions& beta(double v) { beta_ = v; return *this; }
  const loss_reduction_t& reduction() const { return reduction_; }
  double beta() const { return beta_; }

 private:
  loss_reduction_t reduction_;
  double beta_ = 1.0;
};

// 0.5 d^2 where |d| < delta, else delta (|d| - 0.5 delta) (delta > 0).
struct HuberLossOptions {
  HuberLossOptions(loss_reduction_t r = enumtype::kMean{}) : reduction_(r) {}  // NOLINT: implicit
  HuberLossOptions& reduction(loss_reduction_t r) { reduction_ = r; return *this; }
  HuberLossOptions& delta(double v) { delta_ = v; return *this; }
  const loss_reduction_t& reduction() const { return reduction_; }
  double delta() const { return delta_; }

 private:
  loss_reduction_t reduction_;
  double delta_ = 1.0;
};

// weight: undefined, or broadcastable to the input (a rescaling of each element's loss).
struct BCELossOptions {
  BCELossOptions& weight(Tensor w) { weight_ = std::move(w); return *this; }
  BCELossOptions& reduction(loss_reduction_t r) { reduction_ = r; return *this; }
  const Tensor& weight() const { return weight_; }
  const loss_reduction_t& reduction() const { return reduction_; }

 private:
  Tensor weight_;
  loss_reduction_t reduction_ = enumtype::kMean{};
};

// pos_weight: undefined, or broadcastable to the input along its last dim (a weight of the
// positive term per class).
struct BCEWithLogitsLossOptions {
  BCEWithLogitsLossOptions& weight(Tensor w) { weight_ = std::move(w); return *this; }
  BCEWithLogitsLossOptions& reduction(loss_reduction_t r) { reduction_ = r; return *this; }
  BCEWithLogitsLossOptions& pos_weight(Tensor w) { pos_weight_ = std::move(w); return *this; }
  const Tensor& weight() const { return weight_; }
  const loss_reduction_t& reduction() const { return reduction_; }
  const Tensor& pos_weight() const { return pos_weight_; }

 private:
  Tensor weight_, pos_weight_;
  loss_reduction_t reduction_ = enumtype::kMean{};
};

// kBatchMean divides the sum by the batch size (dim 0), the mathematically meant KL divergence;
// kMean, the default as in torch, averages over every element.
struct KLDivLossOptions {
  using reduction_t = std::variant<enumtype::kNone, enumtype::kBatchMean, enumtype::kSum, enumtype::kMean>;
  KLDivLossOptions(reduction_t r = enumtype::kMean{}) : reduction_(r) {}  // NOLINT: implicit
  KLDivLossOptions& reduction(reduction_t r) { reduction_ = r; return *this; }
  KLDivLossOptions& log_target(bool v) { log_target_ = v; return *this; }
  const reduction_t& reduction() const { return reduction_; }
  bool log_target() const { return log_target_; }

 private:
  reduction_t reduction_;
  bool log_target_ = false;
};

// weight: undefined, or one per class (C). Targets equal to ignore_index count for nothing,
// in the loss and in the mean's denominator (the sum of the other targets' weights).
struct NLLLossOptions {
  NLLLossOptions& weight(Tensor w) { weight_ = std::move(w); return *this; }
  NLLLossOptions& ignore_index(std::int64_t i) { ignore_index_ = i; return *this; }
  NLLLossOptions& reduction(loss_reduction_t r) { reduction_ = r; return *this; }
  const Tensor& weight() const { return weight_; }
  std::int64_t ignore_index() const { return ignore_index_; }
  const loss_reduction_t& reduction() const { return reduction_; }

 private:
  Tensor weight_;
  std::int64_t ignore_index_ = -100;
  loss_reduction_t reduction_ = enumtype::kMean{};
};

// As NLLLossOptions, and label_smoothing in [0, 1]: the target becomes (1 - s) one_hot + s / C.
struct CrossEntropyLossOptions {
  CrossEntropyLossOptions& weight(Tensor w) { weight_ = std::move(w); return *this; }
  CrossEntropyLossOptions& ignore_index(std::int64_t i) { ignore_index_ = i; return *this; }
  CrossEntropyLossOptions& reduction(loss_reduction_t r) { reduction_ = r; return *this; }
  CrossEntropyLossOptions& label_smoothing(double s) { label_smoothing_ = s; return *this; }
  const Tensor& weight() const { return weight_; }
  std::int64_t ignore_index() const { return ignore_index_; }
  const loss_reduction_t& reduction() const { return reduction_; }
  double label_smoothing() const { return label_smoothing_; }

 private:
  Tensor weight_;
  std::int64_t ignore_index_ = -100;
  loss_reduction_t reduction_ = enumtype::kMean{};
  double label_smoothing_ = 0.0;
};

namespace functional {

using MSELossFuncOptions = MSELossOptions;
using L1LossFuncOptions = L1LossOptions;
using SmoothL1LossFuncOptions = SmoothL1LossOptions;
using HuberLossFuncOptions = HuberLossOptions;
using BinaryCrossEntropyFuncOptions = BCELossOptions;
using BinaryCrossEntropyWithLogitsFuncOptions = BCEWithLogitsLossOptions;
using KLDivFuncOptions = KLDivLossOptions;
using NLLLossFuncOptions = NLLLossOptions;
using CrossEntropyFuncOptions = CrossEntropyLossOptions;

// Elementwise losses of an input and a target of the same sizes (ShapeError otherwise).
Tensor mse_loss(const Tensor& input, const Tensor& target, const MSELossFuncOptions& options = {},
                Where where = Where::current());
Tensor l1_loss(const Tensor& input, const Tensor& target, const L1LossFuncOptions& options = {},
               Where where = Where::current());
Tensor smooth_l1_loss(const Tensor& input, const Tensor& target,
                      const SmoothL1LossFuncOptions& options = {}, Where where = Where::current());
Tensor huber_loss(const Tensor& input, const Tensor& target, const HuberLossFuncOptions& options = {},
                  Where where = Where::current());
// input: probabilities in [0, 1] (std::invalid_argument otherwise); each log is clamped at
// -100, as torch's.
Tensor binary_cross_entropy(const Tensor& input, const Tensor& target,
                            const BinaryCrossEntropyFuncOptions& options = {},
                            Where where = Where::current());
// input: logits; max(-x, 0) + log1p(exp(-|x|)) keeps it finite for any x.
Tensor binary_cross_entropy_with_logits(const Tensor& input, const Tensor& target,
                                        const BinaryCrossEntropyWithLogitsFuncOptions& options = {},
                                        Where where = Where::current());
// input: log-probabilities; target: probabilities (log-probabilities with log_target).
Tensor kl_div(const Tensor& input, const Tensor& target, const KLDivFuncOptions& options = {},
              Where where = Where::current());
// input: log-probabilities (N, C) or (C), or (N, C, d1, ..., dK); target: int64 class indices
// (N) or (), or (N, d1, ..., dK) (reduction none then returns (N, d1, ..., dK), as torch).
Tensor nll_loss(const Tensor& input, const Tensor& target, const NLLLossFuncOptions& options = {},
                Where where = Where::current());
}  // namespace functional
}  // namespace gg::nn

namespace gg {
// at::Reduction: the reduction of the at:: loss functions, as an integer.
namespace Reduction {
enum Reduction : std::int64_t { None = 0, Mean = 1, Sum = 2 };
}  // namespace Reduction

// torch::nll_loss(input, target, weight, reduction, ignore_index), the at:: form of
// F::nll_loss: torch::nll_loss(output, target, {}, torch::Reduction::Sum). Throws
// std::invalid_argument for a reduction other than None, Mean or Sum.
Tensor nll_loss(const Tensor& input, const Tensor& target, const Tensor& weight = {},
                std::int64_t reduction = Reduction::Mean, std::int64_t ignore_index = -100,
                Where where = Where::current());
}  // namespace gg

namespace gg::nn {
namespace functional {
// input: logits (N, C) or (C), or (N, C, d1, ..., dK); target: int64 class indices (N) or (),
// or (N, d1, ..., dK), or class probabilities of the input's sizes and dtype. With the default options and index targets this is the fused
// gate of gg::cross_entropy.
Tensor cross_entropy(const Tensor& input, const Tensor& target,
                     const CrossEntropyFuncOptions& options = {}, Where where = Where::current());

}  // namespace functional
}  // namespace gg::nn

namespace gg {
// torch::smooth_l1_loss(input, target), LibTorch's ATen spelling of F::smooth_l1_loss with the
// default options (mean, beta 1).
inline Tensor smooth_l1_loss(const Tensor& input, const Tensor& target, Where where = Where::current()) {
  return nn::functional::smooth_l1_loss(input, target, {}, where);
}
}  // namespace gg
