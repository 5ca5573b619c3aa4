#pragma once
// Learning-rate schedules, stepped once per epoch as in PyTorch (scheduler.step() after the
// epoch's optimizer steps). Each sets the learning rate of every parameter group.
#include <gategrad/optim/optimizer.hpp>

namespace gg::optim {

// lr = base_lr * gamma^floor(epoch / step_size).
class StepLR {
 public:
  StepLR(Optimizer& optimizer, std::int64_t step_size, double gamma = 0.1);
  void step();
  std::int64_t last_epoch() const { return epoch_; }
  void set_last_epoch(std::int64_t epoch);  // restores a saved schedule

 private:
  Optimizer& optimizer_;
  std::vector<double> base_lrs_;
  std::int64_t step_size_;
  double gamma_;
  std::int64_t epoch_ = 0;
};

// lr = base_lr * gamma^epoch: the homework's "multiply by 0.95 once per epoch".
class ExponentialLR {
 public:
  ExponentialLR(Optimizer& optimizer, double gamma);
  void step();
  std::int64_t last_epoch() const { return epoch_; }
  void set_last_epoch(std::int64_t epoch);

 private:
  Optimizer& optimizer_;
  std::vector<double> base_lrs_;
  double gamma_;
  std::int64_t epoch_ = 0;
};

// Multiplies the learning rate by `factor` when the metric has not improved (decreased by
// more than threshold * best, PyTorch's "rel" mode for "min") for `patience` epochs, then waits
// `cooldown` epochs; never below min_lr.
class ReduceLROnPlateau {
 public:
  struct Options {
    double factor = 0.1;
    std::int64_t patience = 10;
    double threshold = 1e-4;
    std::int64_t cooldown = 0;
    double min_lr = 0;
  };
  ReduceLROnPlateau(Optimizer& optimizer, Options options);
  explicit ReduceLROnPlateau(Optimizer& optimizer) : ReduceLROnPlateau(optimizer, Options{}) {}
  // Call once per epoch with the validation metric to minimise (e.g. the loss).
  void step(double metric);

  struct State {
    double best;
    std::int64_t bad_epochs, cooldown_left;
  };
  State state() const { return {best_, bad_epochs_, cooldown_left_}; }
  void set_state(const State& s);

 private:
  Optimizer& optimizer_;
  Options options_;
  double best_;
  std::int64_t bad_epochs_ = 0, cooldown_left_ = 0;
};

// Scales all gradients so that their global L2 norm is at most max_norm (PyTorch's
// clip_grad_norm_, with its 1e-6 guard); returns the norm before clipping.
double clip_grad_norm(const std::vector<Var>& params, double max_norm);

}  // namespace gg::optim
