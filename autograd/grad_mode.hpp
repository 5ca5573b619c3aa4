#pragma once
// Thread-local switches of the autograd engine, each with an RAII guard.
#include <stdexcept>

namespace gg {

// Whether operations are recorded for backward (on by default).
bool is_grad_enabled();

// While alive, no operation records a graph node (as torch::NoGradGuard): use it for
// evaluation and for optimizer updates.
class NoGradGuard {
 public:
  NoGradGuard();
  ~NoGradGuard();
  NoGradGuard(const NoGradGuard&) = delete;
  NoGradGuard& operator=(const NoGradGuard&) = delete;

 private:
  bool previous_;
};

// While alive, grad mode is `enabled` (as torch::AutoGradMode): on to record inside a
// NoGradGuard, off as NoGradGuard. The engine runs gates' backward under AutoGradMode(create_graph).
class AutoGradMode {
 public:
  explicit AutoGradMode(bool enabled);
  ~AutoGradMode();
  AutoGradMode(const AutoGradMode&) = delete;
  AutoGradMode& operator=(const AutoGradMode&) = delete;

 private:
  bool previous_;
};

// torch::InferenceMode: while an enabled one lives, no operation records a graph node, as
// under NoGradGuard (a disabled one turns grad mode on, as c10's); is_enabled() says whether
// inference mode is on for this thread. Tensors made
// inside are ordinary tensors (LibTorch's are "inference tensors" that autograd later refuses;
// docs/PORTING.md).
class InferenceMode {
 public:
  explicit InferenceMode(bool enabled = true);
  ~InferenceMode();
  InferenceMode(const InferenceMode&) = delete;
  InferenceMode& operator=(const InferenceMode&) = delete;
  static bool is_enabled();

 private:
  bool previous_grad_, previous_inference_;
};

// torch::GradMode: the switch itself, for code that sets it without a guard.
struct GradMode {
  static bool is_enabled() { return is_grad_enabled(); }
  static void set_enabled(bool enabled);
};

// Thrown under AnomalyGuard when a gate produces NaN or Inf.
class AnomalyError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Whether every gate checks its outputs and gradients for NaN/Inf (off by default).
bool is_anomaly_enabled();

// While alive, a gate whose output or gradient holds NaN or Inf throws gg::AnomalyError naming
// the gate, its shapes and the source location that created it.
class AnomalyGuard {
 public:
  AnomalyGuard();
  ~AnomalyGuard();
  AnomalyGuard(const AnomalyGuard&) = delete;
  AnomalyGuard& operator=(const AnomalyGuard&) = delete;

 private:
  bool previous_;
};

}  // namespace gg
