#include <gategrad/autograd/ops.hpp>
#include <gategrad/nn/loss.hpp>
#include <gategrad/tensor/factory.hpp>
#include <gategrad/tensor/native.hpp>
#include <gategrad/tensor/number_text.hpp>
#include <gategrad/tensor/shape.hpp>

#include <stdexcept>
#include <string>

namespace gg::nn {

Tensor cross_entropy(const Tensor& logits, const Tensor& target, Where where) {
  return gg::cross_entropy(logits, target, where);
}

Tensor mse_loss(const Tensor& prediction, const Tensor& target, Where where) {
  if (prediction.sizes() != target.sizes()) {
    throw ShapeError("mse_loss: got prediction of sizes " + to_string(prediction.sizes()) +
                     " and target of sizes " + to_string(target.sizes()) +
                     ", expected equal sizes");
  }
  const Tensor diff = gg::sub(prediction, target, where);
  return gg::mean(gg::mul(diff, diff, where), where);
}

Tensor l2_penalty(const Module& model, double lambda, bool include_biases, Where where) {
  Tensor total;
  for (const auto& [name, param] : model.named_parameters()) {
    const bool is_weight = name.size() >= 6 && name.compare(name.size() - 6, 6, "weight") == 0;
    if (!is_weight && !include_biases) continue;
    const Tensor term = gg::l2_penalty(param, lambda, where);
    // The first term starts the sum (the old core added it to a zero: the same value).
    total = total.defined() ? gg::add(total, term, where) : term;
  }
  return total.defined() ? total : gg::scalar_tensor(0.0);
}

namespace functional {
namespace {

Tensor reduce(const Tensor& loss, const loss_reduction_t& reduction, Where where) {
  if (std::holds_alternative<enumtype::kNone>(reduction)) return loss;
  if (std::holds_alternative<enumtype::kSum>(reduction)) return gg::sum(loss, where);
  return gg::mean(loss, where);
}

void check_same_sizes(const char* op, const Tensor& input, const Tensor& target) {
  if (input.sizes() != target.sizes()) {
    throw ShapeError(std::string(op) + ": got input of sizes " + to_string(input.sizes()) +
                     " and target of sizes " + to_string(target.sizes()) + ", expected equal sizes");
  }
}

// The class indices of `target` (int64, (N)) against C classes: each in [0, C) unless it is
// ignore_index. Throws naming the first one that is not; returns whether any is ignored.
bool check_targets(const char* op, const Tensor& target, std::int64_t classes, std::int64_t ignore_index) {
  if (target.dtype() != kInt64) {
    throw std::invalid_argument(std::string(op) + ": got a target of dtype " + to_string(target.dtype()) +
                                ", expected int64 class indices (or, for cross_entropy, "
                                "class probabilities of the input's sizes and dtype)");
  }
  const Tensor flat = native::contiguous(target);
  const std::int64_t* y = flat.data_ptr<std::int64_t>();
  bool ignores = false;
  for (std::int64_t n = 0; n < flat.numel(); ++n) {
    if (y[n] == ignore_index) {
      ignores = true;
    } else if (y[n] < 0 || y[n] >= classes) {
      throw std::invalid_argument(std::string(op) + ": got target " + std::to_string(y[n]) +
                                  " at " + std::to_string(n) + ", expected a class in [0, " +
                                  std::to_string(classes) + ") or ignore_index " +
                                  std::to_string(ignore_index));
    }
  }
  return ignores;
}

// input (N, C) or (C) and target (N) or (), or input (N, C, d1, ..., dK) and target
// (N, d1, ..., dK): the 2-D forms, (N, C) and (N) (for K dims, the class dim moved last and
// the rest flattened: (N d1 ... dK, C)), and the sizes of a `none` result, (N, d1, ..., dK).
struct Batch {
  Tensor input, target;
  bool single = false;
  std::vector<std::int64_t> none_sizes;  // set for K >= 1 dims only
};

Batch batch_of(const char* op, const Tensor& input, const Tensor& target) {
  if (input.dim() == 1 && target.dim() == 0) {
    return {gg::unsqueeze(input, 0), gg::unsqueeze(target, 0), true, {}};
  }
  const auto fail = [&] {
    throw ShapeError(std::string(op) + ": got input of sizes " + to_string(input.sizes()) +
                     " and target of sizes " + to_string(target.sizes()) +
                     ", expected (N, C) and (N), (C) and (), or (N, C, d1, ..., dK) and (N, d1, ..., dK)");
  };
  if (input.dim() < 2 || target.dim() != input.dim() - 1 || target.size(0) != input.size(0)) fail();
  if (input.dim() == 2) return {input, target, false, {}};
  std::vector<std::int64_t> order = {0}, rest = {input.size(0)};
  for (std::int64_t d = 2; d < input.dim(); ++d) {
    if (target.size(d - 1) != input.size(d)) fail();
    order.push_back(d);
    rest.push_back(input.size(d));
  }
  order.push_back(1);
  const std::int64_t classes = input.size(1);
  return {gg::reshape(gg::permute(input, order), {-1, classes}), gg::reshape(target, {-1}), false, rest};
}

// The per-class weight (C) of an option, checked against the input.
void check_weight(const char* op, const Tensor& weight, const Tensor& input, std::int64_t classes) {
  if (!weight.defined()) return;
  if (weight.dim() != 1 || weight.size(0) != classes) {
    throw ShapeError(std::string(op) + ": got weight of sizes " + to_string(weight.sizes()) +
                     ", expected one per class: [" + std::to_string(classes) + "]");
  }
  if (weight.dtype() != input.dtype()) {
    throw std::invalid_argument(std::string(op) + ": got weight of dtype " + to_string(weight.dtype()) +
                                ", expected the input's dtype " + to_string(input.dtype()));
  }
}

// nll_loss's pieces on (N, C) log-probabilities: the per-sample losses, and each sample's
// weight (0 where the target is ignored).
struct Picked {
  Tensor loss, weight;
  Tensor valid;  // bool (N): the targets that count
};

Picked pick(const Tensor& logp, const Tensor& target, const Tensor& weight, std::int64_t ignore_index,
            Where where) {
  Picked p;
  p.valid = gg::ne(target, Scalar(ignore_index));
  const Tensor safe = gg::where(p.valid, target, zeros_like(target), where);  // 0 where ignored
  const Tensor chosen = gg::squeeze(gg::gather(logp, 1, gg::unsqueeze(safe, 1, where), where), 1, where);
  const Tensor w = weight.defined() ? gg::index_select(weight, 0, safe, where) : ones_like(chosen);
  p.weight = gg::where(p.valid, w, zeros_like(chosen), where);
  p.loss = gg::neg(gg::mul(chosen, p.weight, where), where);
  return p;
}

// nll_loss's reduction of per-sample losses: the mean divides by the counted targets' weights.
Tensor reduce_weighted(const Tensor& loss, const Tensor& weight, const loss_reduction_t& reduction, const Batch& b,
                       Where where) {
  if (std::holds_alternative<enumtype::kNone>(reduction)) {
    if (b.single) return gg::squeeze(loss, 0, where);
    return b.none_sizes.empty() ? loss : gg::reshape(loss, b.none_sizes, where);
  }
  if (std::holds_alternative<enumtype::kSum>(reduction)) return gg::sum(loss, where);
  return gg::div(gg::sum(loss, where), gg::sum(weight, where), where);
}

}  // namespace

Tensor mse_loss(const Tensor& input, const Tensor& target, const MSELossFuncOptions& options, Where where) {
  check_same_sizes("mse_loss", input, target);
  const Tensor d = gg::sub(input, target, where);
  return reduce(gg::mul(d, d, where), options.reduction(), where);
}

Tensor l1_loss(const Tensor& input, const Tensor& target, const L1LossFuncOptions& options, Where where) {
  check_same_sizes("l1_loss", input, target);
  return reduce(gg::abs(gg::sub(input, target, where), where), options.reduction(), where);
}

Tensor smooth_l1_loss(const Tensor& input, const Tensor& target, const SmoothL1LossFuncOptions& options,
                      Where where) {
  check_same_sizes("smooth_l1_loss", input, target);
  const double beta = options.beta();
  if (!(beta >= 0)) {
    throw std::invalid_argument("smooth_l1_loss: got beta " + number_text(beta) + ", expected beta >= 0");
  }
  const Tensor d = gg::abs(gg::sub(input, target, where), where);
  if (beta == 0) return reduce(d, options.reduction(), where);
  const Tensor inner = gg::mul(gg::mul(d, d, where), 0.5 / beta, where);
  const Tensor outer = gg::sub(d, 0.5 * beta, where);
  return reduce(gg::where(gg::lt(d, Scalar(beta)), inner, outer, where), options.reduction(), where);
}

Tensor huber_loss(const Tensor& input, const Tensor& target, const HuberLossFuncOptions& options, Where where) {
  check_same_sizes("huber_loss", input, target);
  const double delta = options.delta();
  if (!(delta > 0)) {
    throw std::invalid_argument("huber_loss: got delta " + number_text(delta) + ", expected delta > 0");
  }
  const Tensor d = gg::abs(gg::sub(input, target, where), where);
  const Tensor inner = gg::mul(gg::mul(d, d, where), 0.5, where);
  const Tensor outer = gg::mul(gg::sub(d, 0.5 * delta, where), delta, where);
  return reduce(gg::where(gg::lt(d, Scalar(delta)), inner, outer, where), options.reduction(), where);
}

Tensor binary_cross_entropy(const Tensor& input, const Tensor& target,
                            const BinaryCrossEntropyFuncOptions& options, Where where) {
  check_same_sizes("binary_cross_entropy", input, target);
  if (native::any(native::logical_not(native::logical_and(native::ge(input, 0), native::le(input, 1))))
          .item<bool>()) {
    throw std::invalid_argument("binary_cross_entropy: got an input outside [0, 1], expected "
                                "probabilities (binary_cross_entropy_with_logits takes logits)");
  }
  const Tensor log_x = gg::clamp_min(gg::log(input, where), -100, where);
  const Tensor log_1mx = gg::clamp_min(gg::log(gg::rsub(input, 1, where), where), -100, where);
  Tensor loss = gg::neg(gg::add(gg::mul(target, log_x, where),
                                gg::mul(gg::rsub(target, 1, where), log_1mx, where), where), where);
  if (options.weight().defined()) loss = gg::mul(loss, options.weight(), where);
  return reduce(loss, options.reduction(), where);
}

Tensor binary_cross_entropy_with_logits(const Tensor& input, const Tensor& target,
                                        const BinaryCrossEntropyWithLogitsFuncOptions& options,
                                        Where where) {
  check_same_sizes("binary_cross_entropy_with_logits", input, target);
  // log(1 + exp(-x)), finite for any x.
  const Tensor softplus_neg = gg::add(gg::log1p(gg::exp(gg::neg(gg::abs(input, where), where), where), where),
                                      gg::clamp_min(gg::neg(input, where), 0, where), where);
  const Tensor negative = gg::mul(gg::rsub(target, 1, where), input, where);
  Tensor loss;
  if (options.pos_weight().defined()) {
    const Tensor log_weight = gg::add(gg::mul(gg::sub(options.pos_weight(), 1, where), target, where), 1, where);
    loss = gg::add(negative, gg::mul(log_weight, softplus_neg, where), where);
  } else {
    loss = gg::add(negative, softplus_neg, where);
  }
  if (options.weight().defined()) loss = gg::mul(loss, options.weight(), where);
  return reduce(loss, options.reduction(), where);
}

Tensor kl_div(const Tensor& input, const Tensor& target, const KLDivFuncOptions& options, Where where) {
  check_same_sizes("kl_div", input, target);
  Tensor loss;
  if (options.log_target()) {
    loss = gg::mul(gg::exp(target, where), gg::sub(target, input, where), where);
  } else {
    // target log(target), 0 where target is 0 (torch's xlogy), minus target * input.
    const Tensor safe = gg::where(gg::ne(target, Scalar(0)), target, ones_like(target), where);
    loss = gg::sub(gg::mul(target, gg::log(safe, where), where), gg::mul(target, input, where), where);
  }
  const auto& r = options.reduction();
  if (std::holds_alternative<enumtype::kNone>(r)) return loss;
  if (std::holds_alternative<enumtype::kSum>(r)) return gg::sum(loss, where);
  if (std::holds_alternative<enumtype::kMean>(r)) return gg::mean(loss, where);
  const Tensor total = gg::sum(loss, where);  // kBatchMean
  return input.dim() == 0 ? total : gg::div(total, Scalar(input.size(0)), where);
}

Tensor nll_loss(const Tensor& input, const Tensor& target, const NLLLossFuncOptions& options, Where where) {
  const Batch b = batch_of("nll_loss", input, target);
  const std::int64_t classes = b.input.size(1);
  check_targets("nll_loss", b.target, classes, options.ignore_index());
  check_weight("nll_loss", options.weight(), input, classes);
  const Picked p = pick(b.input, b.target, options.weight(), options.ignore_index(), where);
  return reduce_weighted(p.loss, p.weight, options.reduction(), b, where);
}

Tensor cross_entropy(const Tensor& input, const Tensor& target, const CrossEntropyFuncOptions& options,
                     Where where) {
  const double s = options.label_smoothing();
  if (!(s >= 0 && s <= 1)) {
    throw std::invalid_argument("cross_entropy: got label_smoothing " + number_text(s) +
                                ", expected a value in [0, 1]");
  }
  if (is_floating_point(target.dtype())) {
    // Class probabilities: -sum_c w_c t_c log softmax(x)_c per sample (and position, for
    // (N, C, d1, ...)); the mean is over samples and positions.
    check_same_sizes("cross_entropy", input, target);
    if (input.dim() == 0) {
      throw ShapeError("cross_entropy: got input of sizes [], expected (C), (N, C) or (N, C, d1, ..., dK)");
    }
    const std::int64_t dim = input.dim() == 1 ? 0 : 1;
    const std::int64_t classes = input.size(dim);
    check_weight("cross_entropy", options.weight(), input, classes);
    const Tensor t = s > 0 ? gg::add(gg::mul(target, 1 - s, where), s / static_cast<double>(classes), where)
                           : target;
    Tensor per = gg::mul(gg::log_softmax(input, dim, where), t, where);
    if (options.weight().defined()) {
      std::vector<std::int64_t> along_classes(static_cast<std::size_t>(input.dim() - dim), 1);  // (C, 1, ..., 1)
      along_classes.front() = classes;
      per = gg::mul(per, gg::reshape(options.weight(), along_classes, where), where);
    }
    const Tensor loss = gg::neg(gg::sum(per, {dim}, false, where), where);
    return reduce(loss, options.reduction(), where);
  }
  const Batch b = batch_of("cross_entropy", input, target);
  const std::int64_t classes = b.input.size(1);
  const bool ignores = check_targets("cross_entropy", b.target, classes, options.ignore_index());
  check_weight("cross_entropy", options.weight(), input, classes);
  if (!options.weight().defined() && s == 0 && !ignores && !b.single &&
      std::holds_alternative<enumtype::kMean>(options.reduction())) {
    return gg::cross_entropy(b.input, b.target, where);  // the fused gate
  }
  const Tensor logp = gg::log_softmax(b.input, 1, where);
  const Picked p = pick(logp, b.target, options.weight(), options.ignore_index(), where);
  if (s == 0) return reduce_weighted(p.loss, p.weight, options.reduction(), b, where);
  // torch's label smoothing: (1 - s) nll + s / C * sum_c (-w_c log p_c) per counted sample,
  // reduced as nll_loss (the mean over the counted targets' weights, for both terms).
  const Tensor wlogp = options.weight().defined() ? gg::mul(logp, options.weight(), where) : logp;
  const Tensor smooth = gg::where(p.valid, gg::neg(gg::sum(wlogp, {1}, false, where), where),
                                  zeros_like(p.loss), where);
  const Tensor loss = gg::add(gg::mul(p.loss, 1 - s, where),
                              gg::mul(smooth, s / static_cast<double>(classes), where), where);
  return reduce_weighted(loss, p.weight, options.reduction(), b, where);
}

}  // namespace functional
}  // namespace gg::nn

namespace gg {

Tensor nll_loss(const Tensor& input, const Tensor& target, const Tensor& weight, std::int64_t reduction,
                std::int64_t ignore_index, Where where) {
  nn::functional::NLLLossFuncOptions options;
  options.weight(weight).ignore_index(ignore_index);
  switch (reduction) {
    case Reduction::None: options.reduction(enumtype::kNone{}); break;
    case Reduction::Mean: options.reduction(enumtype::kMean{}); break;
    case Reduction::Sum: options.reduction(enumtype::kSum{}); break;
    default:
      throw std::invalid_argument("nll_loss: got reduction " + std::to_string(reduction) +
                                  ", expected Reduction::None (0), Mean (1) or Sum (2)");
  }
  return nn::functional::nll_loss(input, target, options, where);
}

}  // namespace gg
