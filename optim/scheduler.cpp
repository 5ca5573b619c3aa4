#include <gategrad/tensor/number_text.hpp>
#include <gategrad/optim/scheduler.hpp>
#include <gategrad/tensor/native.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <stdexcept>
#include <string>
#include <type_traits>

namespace gg::optim {
namespace {

void scale(Optimizer& optimizer, double factor) {
  for (ParamGroup& g : optimizer.param_groups()) g.lr *= factor;
}

void check_positive(const char* who, const char* what, double value) {
  if (!(value > 0) || !std::isfinite(value)) {
    throw std::invalid_argument(std::string(who) + ": got " + what + " = " + number_text(value) +
                                ", expected a finite value > 0");
  }
}

}  // namespace

void EpochSchedule::set_last_epoch(std::int64_t epoch) {
  if (epoch < 0) {
    throw std::invalid_argument(std::string(name_) + "::set_last_epoch: got epoch " + std::to_string(epoch) +
                                ", expected >= 0");
  }
  epoch_ = epoch;
}

StepLR::StepLR(Optimizer& optimizer, std::int64_t step_size, double gamma)
    : EpochSchedule("StepLR"), optimizer_(optimizer), step_size_(step_size), gamma_(gamma) {
  if (step_size <= 0) {
    throw std::invalid_argument("StepLR: got step_size = " + std::to_string(step_size) + ", expected > 0");
  }
  check_positive("StepLR", "gamma", gamma);
}

void StepLR::step() {
  ++epoch_;
  if (epoch_ % step_size_ == 0) scale(optimizer_, gamma_);
}

ExponentialLR::ExponentialLR(Optimizer& optimizer, double gamma) : EpochSchedule("ExponentialLR"), optimizer_(optimizer), gamma_(gamma) {
  check_positive("ExponentialLR", "gamma", gamma);
}

void ExponentialLR::step() {
  ++epoch_;
  scale(optimizer_, gamma_);
}

ReduceLROnPlateau::ReduceLROnPlateau(Optimizer& optimizer, Options options)
    : optimizer_(optimizer),
      options_(options),
      best_(options.mode == Mode::Min ? std::numeric_limits<double>::infinity()
                                      : -std::numeric_limits<double>::infinity()) {
  const auto fail = [](const std::string& what, double value, const char* expected) {
    throw std::invalid_argument("ReduceLROnPlateau: got " + what + " = " + number_text(value) + ", expected " +
                                expected);
  };
  if (!(options.factor > 0 && options.factor < 1)) fail("factor", options.factor, "0 < factor < 1");
  if (options.patience < 0) fail("patience", double(options.patience), "patience >= 0");
  if (options.cooldown < 0) fail("cooldown", double(options.cooldown), "cooldown >= 0");
  const auto finite_nonnegative = [](double v) { return v >= 0 && std::isfinite(v); };
  if (!finite_nonnegative(options.threshold)) fail("threshold", options.threshold, "a finite threshold >= 0");
  if (!finite_nonnegative(options.min_lr)) fail("min_lr", options.min_lr, "a finite min_lr >= 0");
  if (!finite_nonnegative(options.eps)) fail("eps", options.eps, "a finite eps >= 0");
}

void ReduceLROnPlateau::set_state(const State& s) {
  if (std::isnan(s.best) || s.bad_epochs < 0 || s.cooldown_left < 0) {
    throw std::invalid_argument("ReduceLROnPlateau::set_state: got best " + number_text(s.best) +
                                ", bad_epochs " + std::to_string(s.bad_epochs) + ", cooldown_left " +
                                std::to_string(s.cooldown_left) + ", expected a best that is not NaN and counters >= 0");
  }
  best_ = s.best;
  bad_epochs_ = s.bad_epochs;
  cooldown_left_ = s.cooldown_left;
}

bool ReduceLROnPlateau::is_better(double metric) const {
  const double t = options_.threshold;
  const bool rel = options_.threshold_mode == ThresholdMode::Rel;
  if (options_.mode == Mode::Min) return rel ? metric < best_ * (1.0 - t) : metric < best_ - t;
  return rel ? metric > best_ * (t + 1.0) : metric > best_ + t;
}

void ReduceLROnPlateau::step(double metric) {
  if (std::isnan(metric)) {
    throw std::invalid_argument("ReduceLROnPlateau::step: got a NaN metric, expected a number");
  }
  if (is_better(metric)) {
    best_ = metric;
    bad_epochs_ = 0;
  } else {
    ++bad_epochs_;
  }
  if (cooldown_left_ > 0) {
    --cooldown_left_;
    bad_epochs_ = 0;  // bad epochs in cooldown do not count
  }
  if (bad_epochs_ > options_.patience) {
    for (ParamGroup& g : optimizer_.param_groups()) {
      const double reduced = std::max(g.lr * options_.factor, options_.min_lr);
      if (g.lr - reduced > options_.eps) g.lr = reduced;
    }
    cooldown_left_ = options_.cooldown;
    bad_epochs_ = 0;
  }
}

MultiStepLR::MultiStepLR(Optimizer& optimizer, std::vector<std::int64_t> milestones, double gamma)
    : EpochSchedule("MultiStepLR"), optimizer_(optimizer), milestones_(std::move(milestones)), gamma_(gamma) {
  check_positive("MultiStepLR", "gamma", gamma);
  std::sort(milestones_.begin(), milestones_.end());
}

void MultiStepLR::step() {
  ++epoch_;
  const auto [first, last] = std::equal_range(milestones_.begin(), milestones_.end(), epoch_);
  if (first != last) scale(optimizer_, std::pow(gamma_, static_cast<double>(last - first)));
}

namespace {
std::vector<double> current_rates(const Optimizer& optimizer) {
  std::vector<double> rates;
  for (const ParamGroup& g : optimizer.param_groups()) rates.push_back(g.lr);
  return rates;
}
}  // namespace

LambdaLR::LambdaLR(Optimizer& optimizer, Lambda lr_lambda)
    : LambdaLR(optimizer, std::vector<Lambda>(optimizer.param_groups().size(), std::move(lr_lambda))) {}

LambdaLR::LambdaLR(Optimizer& optimizer, std::vector<Lambda> lr_lambdas)
    : EpochSchedule("LambdaLR"), optimizer_(optimizer), lambdas_(std::move(lr_lambdas)), base_lrs_(current_rates(optimizer)) {
  if (lambdas_.size() != base_lrs_.size()) {
    throw std::invalid_argument("LambdaLR: got " + std::to_string(lambdas_.size()) + " lr_lambdas for " +
                                std::to_string(base_lrs_.size()) + " parameter groups, expected one per group");
  }
  for (std::size_t g = 0; g < lambdas_.size(); ++g) {
    if (!lambdas_[g]) {
      throw std::invalid_argument("LambdaLR: lr_lambda " + std::to_string(g) + " is empty, expected a function");
    }
  }
  apply();
}

void LambdaLR::apply() {
  std::vector<ParamGroup>& groups = optimizer_.param_groups();
  for (std::size_t g = 0; g < groups.size(); ++g) groups[g].lr = base_lrs_[g] * lambdas_[g](epoch_);
}

void LambdaLR::step() {
  ++epoch_;
  apply();
}

CosineAnnealingLR::CosineAnnealingLR(Optimizer& optimizer, std::int64_t T_max, double eta_min)
    : EpochSchedule("CosineAnnealingLR"), optimizer_(optimizer), t_max_(T_max), eta_min_(eta_min), base_lrs_(current_rates(optimizer)) {
  if (T_max <= 0) {
    throw std::invalid_argument("CosineAnnealingLR: got T_max = " + std::to_string(T_max) + ", expected > 0");
  }
  if (!(eta_min >= 0) || !std::isfinite(eta_min)) {
    throw std::invalid_argument("CosineAnnealingLR: got eta_min = " + number_text(eta_min) +
                                ", expected a finite value >= 0");
  }
}

void CosineAnnealingLR::step() {
  ++epoch_;
  const double pi = std::numbers::pi, e = static_cast<double>(epoch_), t = static_cast<double>(t_max_);
  // Python's modulo (the remainder has the divisor's sign): (e - 1 - T_max) % (2 T_max) == 0.
  const std::int64_t period = 2 * t_max_, r = ((epoch_ - 1 - t_max_) % period + period) % period;
  std::vector<ParamGroup>& groups = optimizer_.param_groups();
  for (std::size_t g = 0; g < groups.size(); ++g) {
    double& lr = groups[g].lr;
    if (r == 0) {
      lr = lr + (base_lrs_[g] - eta_min_) * (1 - std::cos(pi / t)) / 2;
    } else {
      lr = (1 + std::cos(pi * e / t)) / (1 + std::cos(pi * (e - 1) / t)) * (lr - eta_min_) + eta_min_;
    }
  }
}

LinearLR::LinearLR(Optimizer& optimizer, double start_factor, double end_factor, std::int64_t total_iters)
    : EpochSchedule("LinearLR"), optimizer_(optimizer), start_(start_factor), end_(end_factor), total_(total_iters) {
  if (!(start_factor > 0 && start_factor <= 1)) {
    throw std::invalid_argument("LinearLR: got start_factor = " + number_text(start_factor) +
                                ", expected 0 < start_factor <= 1");
  }
  if (!(end_factor >= 0 && end_factor <= 1)) {
    throw std::invalid_argument("LinearLR: got end_factor = " + number_text(end_factor) +
                                ", expected 0 <= end_factor <= 1");
  }
  if (total_iters <= 0) {
    throw std::invalid_argument("LinearLR: got total_iters = " + std::to_string(total_iters) + ", expected > 0");
  }
  scale(optimizer_, start_);
}

void LinearLR::step() {
  ++epoch_;
  if (epoch_ > total_) return;
  // torch's expression, in its order of operations (the rates match it exactly).
  const double factor = 1. + (end_ - start_) / (static_cast<double>(total_) * start_ +
                                                static_cast<double>(epoch_ - 1) * (end_ - start_));
  scale(optimizer_, factor);
}

namespace {
enum Level { kInitialLr, kMaxLr, kMinLr, kMaxMomentum, kBaseMomentum };

// One value for every group, or one per group (torch's _format_param).
std::vector<double> per_group(const char* what, std::vector<double> values, std::size_t groups) {
  if (values.size() == 1) return std::vector<double>(groups, values.front());
  if (values.size() != groups) {
    throw std::invalid_argument(std::string("OneCycleLR: got ") + std::to_string(values.size()) + " values for " +
                                what + ", expected 1 or " + std::to_string(groups) + " (one per parameter group)");
  }
  return values;
}
}  // namespace

OneCycleLR::OneCycleLR(Optimizer& optimizer, std::vector<double> max_lr, Options options)
    : EpochSchedule("OneCycleLR"), optimizer_(optimizer), options_(std::move(options)) {
  const Options& o = options_;
  if (o.total_steps > 0) {
    total_ = o.total_steps;
  } else if (o.total_steps < 0) {
    throw std::invalid_argument("OneCycleLR: got total_steps = " + std::to_string(o.total_steps) + ", expected > 0");
  } else if (o.epochs <= 0 || o.steps_per_epoch <= 0) {
    throw std::invalid_argument("OneCycleLR: got total_steps 0 (unset), epochs " + std::to_string(o.epochs) +
                                " and steps_per_epoch " + std::to_string(o.steps_per_epoch) +
                                ", expected total_steps > 0 or both epochs and steps_per_epoch > 0");
  } else {
    total_ = o.epochs * o.steps_per_epoch;
  }
  if (!(o.pct_start >= 0 && o.pct_start <= 1)) {
    throw std::invalid_argument("OneCycleLR: got pct_start = " + number_text(o.pct_start) + ", expected 0 <= pct_start <= 1");
  }
  check_positive("OneCycleLR", "div_factor", o.div_factor);
  check_positive("OneCycleLR", "final_div_factor", o.final_div_factor);
  const std::size_t groups = optimizer.param_groups().size();
  const std::vector<double> max_lrs = per_group("max_lr", std::move(max_lr), groups);
  for (double lr : max_lrs) check_positive("OneCycleLR", "max_lr", lr);
  std::vector<double> max_m(groups, 0), base_m(groups, 0);
  if (o.cycle_momentum) {
    if (!optimizer.has_momentum()) {
      throw std::invalid_argument("OneCycleLR: optimizer must support momentum with `cycle_momentum` option "
                                  "enabled (SGD, RMSprop, Adam, AdamW do; or set cycle_momentum false)");
    }
    max_m = per_group("max_momentum", o.max_momentum, groups);
    base_m = per_group("base_momentum", o.base_momentum, groups);
  }
  const double total = static_cast<double>(total_);
  // torch's phase boundaries, as floats: the rise ends at step pct_start * total - 1.
  if (o.three_phase) {
    phases_ = {{o.pct_start * total - 1, kInitialLr, kMaxLr, kMaxMomentum, kBaseMomentum},
               {2 * o.pct_start * total - 2, kMaxLr, kInitialLr, kBaseMomentum, kMaxMomentum},
               {total - 1, kInitialLr, kMinLr, kMaxMomentum, kMaxMomentum}};
  } else {
    phases_ = {{o.pct_start * total - 1, kInitialLr, kMaxLr, kMaxMomentum, kBaseMomentum},
               {total - 1, kMaxLr, kMinLr, kBaseMomentum, kMaxMomentum}};
  }
  for (std::size_t g = 0; g < groups; ++g) {
    const double initial = max_lrs[g] / o.div_factor;
    levels_.push_back({initial, max_lrs[g], initial / o.final_div_factor, max_m[g], base_m[g]});
  }
  if (o.cycle_momentum) {
    // Both ends checked (by set_momentum, which knows the optimizer's range) before any group
    // changes; the momentum in between is a mix of the two.
    for (std::size_t g = 0; g < groups; ++g) {
      const double old = optimizer.momentum(g);
      optimizer.set_momentum(g, base_m[g]);
      optimizer.set_momentum(g, max_m[g]);
      optimizer.set_momentum(g, old);
    }
  }
  apply();
}

double OneCycleLR::anneal(double start, double end, double pct) const {
  if (options_.anneal_strategy == Anneal::Cos) {
    const double cos_out = std::cos(std::numbers::pi * pct) + 1;
    return end + (start - end) / 2.0 * cos_out;
  }
  return (end - start) * pct + start;
}

void OneCycleLR::apply() {
  const double step_num = static_cast<double>(epoch_);
  std::vector<ParamGroup>& groups = optimizer_.param_groups();
  for (std::size_t g = 0; g < groups.size(); ++g) {
    double start_step = 0;
    for (std::size_t i = 0; i < phases_.size(); ++i) {
      const Phase& phase = phases_[i];
      if (step_num <= phase.end_step || i + 1 == phases_.size()) {
        const double pct = (step_num - start_step) / (phase.end_step - start_step);
        const std::array<double, 5>& level = levels_[g];
        groups[g].lr = anneal(level[phase.start_lr], level[phase.end_lr], pct);
        if (options_.cycle_momentum) {
          optimizer_.set_momentum(g, anneal(level[phase.start_momentum], level[phase.end_momentum], pct));
        }
        break;
      }
      start_step = phase.end_step;
    }
  }
}

void OneCycleLR::step() {
  if (epoch_ + 1 > total_) {
    throw std::logic_error("OneCycleLR::step: Tried to step " + std::to_string(epoch_ + 2) +
                           " times. The specified number of total steps is " + std::to_string(total_));
  }
  ++epoch_;
  apply();
}

}  // namespace gg::optim
