#include <gategrad/optim/number_text.hpp>
#include <gategrad/optim/scheduler.hpp>
#include <gategrad/tensor/native.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
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

void check_epoch(const char* who, std::int64_t epoch) {
  if (epoch < 0) {
    throw std::invalid_argument(std::string(who) + "::set_last_epoch: got epoch " + std::to_string(epoch) +
                                ", expected >= 0");
  }
}

}  // namespace

StepLR::StepLR(Optimizer& optimizer, std::int64_t step_size, double gamma)
    : optimizer_(optimizer), step_size_(step_size), gamma_(gamma) {
  if (step_size <= 0) {
    throw std::invalid_argument("StepLR: got step_size = " + std::to_string(step_size) + ", expected > 0");
  }
  check_positive("StepLR", "gamma", gamma);
}

void StepLR::set_last_epoch(std::int64_t epoch) {
  check_epoch("StepLR", epoch);
  epoch_ = epoch;
}

void StepLR::step() {
  ++epoch_;
  if (epoch_ % step_size_ == 0) scale(optimizer_, gamma_);
}

ExponentialLR::ExponentialLR(Optimizer& optimizer, double gamma) : optimizer_(optimizer), gamma_(gamma) {
  check_positive("ExponentialLR", "gamma", gamma);
}

void ExponentialLR::set_last_epoch(std::int64_t epoch) {
  check_epoch("ExponentialLR", epoch);
  epoch_ = epoch;
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

double clip_grad_norm(const std::vector<Tensor>& params, double max_norm) {
  if (!(max_norm > 0)) {
    throw std::invalid_argument("clip_grad_norm: got max_norm = " + std::to_string(max_norm) +
                                ", expected > 0");
  }
  // Each gradient's elements, in place: a leaf's gradient is contiguous (the engine makes it so;
  // one a user set by hand may not be, and is written back).
  const auto for_each_grad = [&](bool writes, auto&& f) {
    for (const Tensor& p : params) {
      const Tensor& grad = p.grad();
      if (!grad.defined()) continue;
      const Tensor g = grad.is_contiguous() ? grad : native::contiguous(grad);
      visit_dtype(g.dtype(), [&]<class T>() {
        if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double>) {
          f(g.data_ptr<T>(), static_cast<std::size_t>(g.numel()));
        } else {
          throw std::invalid_argument("clip_grad_norm: got a gradient of dtype " + to_string(g.dtype()) +
                                      ", expected float32 or float64");
        }
      });
      if (writes && !g.is_same(grad)) native::copy_(grad, g);
    }
  };
  double total = 0;
  for_each_grad(false, [&](const auto* g, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) total += double(g[i]) * g[i];
  });
  const double norm = std::sqrt(total);
  const double scale = max_norm / (norm + 1e-6);
  if (scale < 1.0) {
    for_each_grad(true, [&](auto* g, std::size_t n) {
      using T = std::remove_pointer_t<decltype(g)>;
      const T s = static_cast<T>(scale);
      for (std::size_t i = 0; i < n; ++i) g[i] *= s;
    });
  }
  return norm;
}

}  // namespace gg::optim
