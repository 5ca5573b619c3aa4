#pragma once
// Learning-rate schedules, stepped once per epoch as in PyTorch (scheduler.step() after the
// epoch's optimizer steps). Each changes the learning rate of every parameter group, and
// scales the rate the group has now (torch 1.13's chainable form): a rate set by hand, or by
// another scheduler, is kept and scaled from, not overwritten from the rate at construction.
// To resume, restore the optimizer's state (which holds the rates) and the schedule's own
// counters (set_last_epoch, set_state).
#include <gategrad/optim/optimizer.hpp>

#include <array>
#include <functional>
#include <vector>

namespace gg::optim {

// The epoch count of every per-epoch schedule below (torch's last_epoch), and its restore.
class EpochSchedule {
 public:
  std::int64_t last_epoch() const { return epoch_; }
  // Restores a saved schedule's epoch count (>= 0); leaves the rates alone.
  void set_last_epoch(std::int64_t epoch);

 protected:
  explicit EpochSchedule(const char* name) : name_(name) {}
  std::int64_t epoch_ = 0;

 private:
  const char* name_;
};

// torch.optim.lr_scheduler.StepLR: lr = lr * gamma when epoch reaches a multiple of step_size.
class StepLR : public EpochSchedule {
 public:
  StepLR(Optimizer& optimizer, std::int64_t step_size, double gamma = 0.1);
  void step();

 private:
  Optimizer& optimizer_;
  std::int64_t step_size_;
  double gamma_;
};

// torch.optim.lr_scheduler.ExponentialLR: lr = lr * gamma every epoch (the homework's "multiply
// by 0.95 once per epoch").
class ExponentialLR : public EpochSchedule {
 public:
  ExponentialLR(Optimizer& optimizer, double gamma);
  void step();

 private:
  Optimizer& optimizer_;
  double gamma_;
};

// torch.optim.lr_scheduler.ReduceLROnPlateau: a metric is better than the best so far when
//   Min, Rel: metric < best * (1 - threshold)     Max, Rel: metric > best * (1 + threshold)
//   Min, Abs: metric < best - threshold           Max, Abs: metric > best + threshold
// After more than `patience` epochs in a row that are not, every group's rate becomes
// max(lr * factor, min_lr), unless that changes it by eps or less; then `cooldown` epochs
// pass in which bad epochs are not counted.
class ReduceLROnPlateau {
 public:
  enum class Mode { Min, Max };
  enum class ThresholdMode { Rel, Abs };
  // In torch's order and with its defaults.
  struct Options {
    Mode mode = Mode::Min;
    double factor = 0.1;
    std::int64_t patience = 10;
    double threshold = 1e-4;
    ThresholdMode threshold_mode = ThresholdMode::Rel;
    std::int64_t cooldown = 0;
    double min_lr = 0;
    double eps = 1e-8;
  };
  ReduceLROnPlateau(Optimizer& optimizer, Options options);
  explicit ReduceLROnPlateau(Optimizer& optimizer) : ReduceLROnPlateau(optimizer, Options{}) {}
  // Call once per epoch with the validation metric (e.g. the loss for Min, an accuracy for
  // Max); a NaN metric is refused.
  void step(double metric);

  struct State {
    double best;  // +infinity (Min) or -infinity (Max) before the first step
    std::int64_t bad_epochs, cooldown_left;
  };
  State state() const { return {best_, bad_epochs_, cooldown_left_}; }
  // Throws std::invalid_argument for a NaN best or negative counters, changing nothing.
  void set_state(const State& s);

 private:
  bool is_better(double metric) const;
  Optimizer& optimizer_;
  Options options_;
  double best_;
  std::int64_t bad_epochs_ = 0, cooldown_left_ = 0;
};

// torch.optim.lr_scheduler.MultiStepLR: lr = lr * gamma^k when the epoch is a milestone listed
// k times (chainable, as StepLR).
class MultiStepLR : public EpochSchedule {
 public:
  MultiStepLR(Optimizer& optimizer, std::vector<std::int64_t> milestones, double gamma = 0.1);
  void step();

 private:
  Optimizer& optimizer_;
  std::vector<std::int64_t> milestones_;  // sorted, repeats kept
  double gamma_;
};

// The schedules below keep each group's rate at construction as its base rate (torch's
// initial_lr) and, as torch's, set the epoch-0 rate when constructed. To resume one, construct
// it on the optimizer before restoring the optimizer's state, then set_last_epoch.

// torch.optim.lr_scheduler.LambdaLR: lr = base_lr * lr_lambda(epoch), one function for every
// group or one per group.
class LambdaLR : public EpochSchedule {
 public:
  using Lambda = std::function<double(std::int64_t)>;
  LambdaLR(Optimizer& optimizer, Lambda lr_lambda);
  LambdaLR(Optimizer& optimizer, std::vector<Lambda> lr_lambdas);
  void step();
  const std::vector<double>& base_lrs() const { return base_lrs_; }

 private:
  void apply();
  Optimizer& optimizer_;
  std::vector<Lambda> lambdas_;
  std::vector<double> base_lrs_;
};

// torch.optim.lr_scheduler.CosineAnnealingLR in torch 1.13's recursive (chainable) form:
//   lr = (1 + cos(pi e / T_max)) / (1 + cos(pi (e - 1) / T_max)) * (lr - eta_min) + eta_min,
// and lr + (base_lr - eta_min) (1 - cos(pi / T_max)) / 2 where the denominator would be 0
// ((e - 1 - T_max) a multiple of 2 T_max): past T_max the rate climbs back, as torch's.
class CosineAnnealingLR : public EpochSchedule {
 public:
  CosineAnnealingLR(Optimizer& optimizer, std::int64_t T_max, double eta_min = 0);
  void step();
  const std::vector<double>& base_lrs() const { return base_lrs_; }

 private:
  Optimizer& optimizer_;
  std::int64_t t_max_;
  double eta_min_;
  std::vector<double> base_lrs_;
};

// torch.optim.lr_scheduler.LinearLR: the rate goes from start_factor to end_factor times the
// base rate over total_iters epochs (chainable: each step scales the current rate), then stays.
// Construction multiplies the rate by start_factor.
class LinearLR : public EpochSchedule {
 public:
  LinearLR(Optimizer& optimizer, double start_factor = 1.0 / 3, double end_factor = 1.0,
           std::int64_t total_iters = 5);
  void step();

 private:
  Optimizer& optimizer_;
  double start_, end_;
  std::int64_t total_;
};

// torch.optim.lr_scheduler.OneCycleLR (Smith & Topor, "Super-Convergence"), stepped once per
// batch (LibTorch has none: this follows the Python API, options by its keyword names). Over
// total_steps (or epochs * steps_per_epoch) steps each group's rate goes from
// initial_lr = max_lr / div_factor up to max_lr in the first pct_start of the steps, then down
// to min_lr = initial_lr / final_div_factor; with three_phase it comes back down to initial_lr
// over as many steps as it rose, then falls to min_lr. With cycle_momentum each group's
// momentum (SGD's and RMSprop's momentum, Adam's beta1) moves the other way, between
// max_momentum and base_momentum. Each piece is annealed from its start value s to its end
// value e, at fraction x of its steps, by e + (s - e) / 2 (cos(pi x) + 1) ("cos") or
// (e - s) x + s ("linear"). The rates do not scale the current ones (not chainable, as
// torch's): every step overwrites them. Construction sets step 0's rates and momenta.
class OneCycleLR : public EpochSchedule {
 public:
  enum class Anneal { Cos, Linear };
  // In torch's order and with its defaults; give total_steps, or epochs and steps_per_epoch.
  // base_momentum and max_momentum hold one value for every group or one per group.
  struct Options {
    std::int64_t total_steps = 0;
    std::int64_t epochs = 0;
    std::int64_t steps_per_epoch = 0;
    double pct_start = 0.3;
    Anneal anneal_strategy = Anneal::Cos;
    bool cycle_momentum = true;
    std::vector<double> base_momentum = {0.85};
    std::vector<double> max_momentum = {0.95};
    double div_factor = 25;
    double final_div_factor = 1e4;
    bool three_phase = false;
  };
  // max_lr: one for every group, or one per group. Throws std::invalid_argument for bad
  // options, or cycle_momentum on an optimizer without momentum (Adagrad), as torch.
  OneCycleLR(Optimizer& optimizer, std::vector<double> max_lr, Options options);
  OneCycleLR(Optimizer& optimizer, double max_lr, Options options)
      : OneCycleLR(optimizer, std::vector<double>{max_lr}, std::move(options)) {}
  // Steps 1 to total_steps are allowed; stepping again throws std::logic_error "Tried to step
  // <n> times. The specified number of total steps is <total>" (torch's ValueError), changing
  // nothing.
  void step();
  std::int64_t total_steps() const { return total_; }

 private:
  struct Phase {
    double end_step;
    std::size_t start_lr, end_lr, start_momentum, end_momentum;  // indices into levels_[g]
  };
  void apply();
  double anneal(double start, double end, double pct) const;
  Optimizer& optimizer_;
  Options options_;
  std::int64_t total_ = 0;
  std::vector<Phase> phases_;
  // Per group: initial_lr, max_lr, min_lr, max_momentum, base_momentum (the Phase indices).
  std::vector<std::array<double, 5>> levels_;
};

}  // namespace gg::optim
