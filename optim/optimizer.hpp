#pragma once
// Optimizer: updates parameters from their gradients, over parameter groups that each carry
// their own learning rate (as torch::optim::Optimizer). Parameters without a gradient are
// skipped, as in PyTorch. Parameters may be float32 or float64 (each its own; a group may mix
// them): the update arithmetic runs in the parameter's type, in place, through its data.
#include <gategrad/tensor/tensor.hpp>

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace gg::optim {

struct ParamGroup {
  std::vector<Tensor> params;
  double lr;
};

// The elements [0, n) of one parameter's range that an update() call owns: the parameter,
// its gradient and its state buffers (as many as buffer_names() has; the rest are null), all
// of T, the parameter's element type (float or double).
template <class T>
struct ParamSlice {
  T* param;
  const T* grad;
  std::array<T*, 3> buffers;
  std::size_t n;
};

// Everything an optimizer must save for a resumed run to continue exactly: per-parameter
// tensors (momentum buffers, moment estimates; each of its parameter's dtype and sizes) named
// "<param index>.<buffer>", and scalars.
struct OptimizerState {
  std::map<std::string, Tensor> tensors;
  std::map<std::string, double> scalars;
};

class Optimizer {
 public:
  Optimizer(std::vector<ParamGroup> groups, const char* name);
  virtual ~Optimizer() = default;
  Optimizer(const Optimizer&) = delete;
  Optimizer& operator=(const Optimizer&) = delete;

  // One update of every parameter that has a gradient (runs without recording a graph; bumps
  // each updated parameter's version). Allocates nothing once the buffers exist.
  void step();
  void zero_grad();

  std::vector<ParamGroup>& param_groups() { return groups_; }
  const std::vector<ParamGroup>& param_groups() const { return groups_; }
  // The first group's learning rate; set_lr sets every group's.
  double lr() const { return groups_.front().lr; }
  void set_lr(double lr);

  // Group g's momentum, which torch keeps in the group (and schedules such as OneCycleLR cycle):
  // SGD's and RMSprop's `momentum`, Adam's and AdamW's beta1 (`betas`[0]). Every group starts
  // with the options' value; Adagrad has none (has_momentum() false, the others throw).
  bool has_momentum() const { return !momenta_.empty(); }
  double momentum(std::size_t group) const;
  // Checks the value against the optimizer's range for it, and the group index.
  void set_momentum(std::size_t group, double value);

  // Per parameter i: "i.step" and a tensor "i.<buffer>" per buffer_names() (copies, which later
  // steps leave alone); per group g: "group<g>.lr".
  OptimizerState state() const;
  // Restores a saved state, strictly (as nn::load): every entry this optimizer saves must be
  // there (a parameter never updated, step 0, may lack its buffers: they start as a new optimizer's) and
  // nothing else; steps must be whole numbers in [0, 2^63), learning rates finite and >= 0,
  // buffers finite, of the parameter's sizes and dtype, and >= 0 where they hold squares.
  // Throws std::invalid_argument "<name>::load_state: entry '...' ..." naming the first bad
  // entry, its value and what was expected, having changed nothing (everything is checked
  // first). The values are copied in.
  void load_state(const OptimizerState& state);

 protected:
  // Updates a slice of one parameter given `step`, its update count (already incremented for
  // this update). Every element is independent: step() splits a large parameter into slices
  // and updates them on gategrad's threads at once (the update is memory-bound: a 3072x512
  // weight, its gradient and state are 12-25 MB of traffic per step). A concrete optimizer
  // implements both with one function template over the element type.
  virtual void update(const ParamSlice<float>& slice, double lr, std::int64_t step) = 0;
  virtual void update(const ParamSlice<double>& slice, double lr, std::int64_t step) = 0;
  // Names of the per-parameter buffers, in the order update() keeps them (at most 3).
  virtual std::vector<std::string> buffer_names() const = 0;
  // Whether a buffer holds a running mean of squares (which load_state requires to be >= 0).
  virtual bool nonnegative_buffer(const std::string& /*name*/) const { return false; }
  // A buffer's value before the first update (0 but for Adagrad's initial_accumulator_value).
  virtual double initial_buffer_value(const std::string& /*name*/) const { return 0; }
  // Parameter p's buffers as they start: one per buffer_names(), of p's sizes and dtype.
  std::vector<Tensor> fresh_buffers(const Tensor& p) const;
  // Creates every parameter's state buffers (zeros of its dtype) and reserves its gradient
  // buffer now: each concrete optimizer calls it at the end of its constructor, so that
  // everything that lives from step to step exists before the first step's temporaries, which
  // are then what every later step reuses (no allocation after the first step).
  void create_buffers();
  static void check_hyper(const char* optimizer, const char* what, double value, double low,
                          double high, bool high_inclusive = false);
  // Gives every group a momentum, `initial`, named `what` in errors and kept in [0, high);
  // with can_start false, a group's momentum may not go from 0 to > 0.
  void enable_momentum(const char* what, double initial, double high, bool can_start = true);
  // The momentum of the group that update() is updating now (read inside update()).
  double group_momentum() const { return momenta_[group_]; }
  // Whether some group's momentum is > 0 (SGD's and RMSprop's momentum buffer then exists).
  bool any_momentum() const;

 private:
  std::vector<ParamGroup> groups_;
  const char* name_;
  std::vector<std::vector<Tensor>> buffers_;  // per parameter, in index order
  std::vector<std::int64_t> steps_;           // per parameter
  std::vector<double> momenta_;               // per group, when the optimizer has a momentum
  const char* momentum_name_ = nullptr;
  double momentum_high_ = 0;
  bool momentum_can_start_ = true;
  std::size_t group_ = 0;                     // the group step() is updating
};

}  // namespace gg::optim
