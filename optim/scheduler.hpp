#pragma once
// Learning-rate schedules, stepped once per epoch as in PyTorch (scheduler.step() after the
// epoch's optimizer steps). Each changes the learning rate of every parameter group, and
// scales the rate the group has now (torch 1.13's chainable form): a rate set by hand, or by
// another scheduler, is kept and scaled from, not overwritten from the rate at construction.
// To resume, restore the optimizer's state (which holds the rates) and the schedule's own
// counters (set_last_epoch, set_state).
#include <gategrad/optim/optimizer.hpp>

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

}  // namespace gg::optim
