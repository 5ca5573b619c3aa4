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
