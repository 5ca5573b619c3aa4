#include <gategrad/optim/scheduler.hpp>
#include <gategrad/tensor/elementwise.hpp>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace gg::optim {
namespace {

std::vector<double> current_lrs(const Optimizer& optimizer) {
  std::vector<double> lrs;
  for (const ParamGroup& g : optimizer.param_groups()) lrs.push_back(g.lr);
  return lrs;
}

void apply(Optimizer& optimizer, const std::vector<double>& base, double factor) {
  auto& groups = optimizer.param_groups();
  for (std::size_t i = 0; i < groups.size(); ++i) groups[i].lr = base[i] * factor;
}

void check_positive(const char* who, const char* what, double value) {
  if (!(value > 0) || !std::isfinite(value)) {
    throw std::invalid_argument(std::string(who) + ": got " + what + " = " + std::to_string(value) +
                                ", expected a finite value > 0");
  }
}

}  // namespace

StepLR::StepLR(Optimizer& optimizer, std::int64_t step_size, double gamma)
    : optimizer_(optimizer), base_lrs_(current_lrs(optimizer)), step_size_(step_size), gamma_(gamma) {
  check_positive("StepLR", "step_size", static_cast<double>(step_size));
  check_positive("StepLR", "gamma", gamma);
}

void StepLR::set_last_epoch(std::int64_t epoch) {
  epoch_ = epoch;
  apply(optimizer_, base_lrs_, std::pow(gamma_, static_cast<double>(epoch_ / step_size_)));
}

void StepLR::step() { set_last_epoch(epoch_ + 1); }

ExponentialLR::ExponentialLR(Optimizer& optimizer, double gamma)
    : optimizer_(optimizer), base_lrs_(current_lrs(optimizer)), gamma_(gamma) {
  check_positive("ExponentialLR", "gamma", gamma);
}

void ExponentialLR::set_last_epoch(std::int64_t epoch) {
  epoch_ = epoch;
  apply(optimizer_, base_lrs_, std::pow(gamma_, static_cast<double>(epoch_)));
}

void ExponentialLR::step() { set_last_epoch(epoch_ + 1); }

ReduceLROnPlateau::ReduceLROnPlateau(Optimizer& optimizer, Options options)
    : optimizer_(optimizer), options_(options), best_(std::numeric_limits<double>::infinity()) {
  if (!(options.factor > 0 && options.factor < 1)) {
    throw std::invalid_argument("ReduceLROnPlateau: got factor = " + std::to_string(options.factor) +
                                ", expected 0 < factor < 1");
  }
  if (options.patience < 0 || options.cooldown < 0 || options.threshold < 0 || options.min_lr < 0) {
    throw std::invalid_argument("ReduceLROnPlateau: patience, cooldown, threshold and min_lr "
                                "must be >= 0");
  }
}

void ReduceLROnPlateau::set_state(const State& s) {
  best_ = s.best;
  bad_epochs_ = s.bad_epochs;
  cooldown_left_ = s.cooldown_left;
}

void ReduceLROnPlateau::step(double metric) {
  if (std::isnan(metric)) {
    throw std::invalid_argument("ReduceLROnPlateau::step: got a NaN metric");
  }
  if (metric < best_ * (1.0 - options_.threshold)) {
    best_ = metric;
    bad_epochs_ = 0;
  } else {
    ++bad_epochs_;
  }
  if (cooldown_left_ > 0) {
    --cooldown_left_;
    bad_epochs_ = 0;
  }
  if (bad_epochs_ > options_.patience) {
    for (ParamGroup& g : optimizer_.param_groups()) g.lr = std::max(g.lr * options_.factor, options_.min_lr);
    cooldown_left_ = options_.cooldown;
    bad_epochs_ = 0;
  }
}

double clip_grad_norm(const std::vector<Var>& params, double max_norm) {
  if (!(max_norm > 0)) {
    throw std::invalid_argument("clip_grad_norm: got max_norm = " + std::to_string(max_norm) +
                                ", expected > 0");
  }
  double total = 0;
  for (const Var& p : params) {
    if (!p.has_grad()) continue;
    for (float g : p.grad().values()) total += double(g) * g;
  }
  const double norm = std::sqrt(total);
  const double scale = max_norm / (norm + 1e-6);
  if (scale < 1.0) {
    for (Var p : params) {
      if (p.has_grad()) mul_(p.mutable_grad(), static_cast<float>(scale));
    }
  }
  return norm;
}

}  // namespace gg::optim
