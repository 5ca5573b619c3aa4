#pragma once
// RMSprop, as torch.optim.RMSprop:
//   g = grad + weight_decay * p;  v = alpha v + (1 - alpha) g^2
//   centered: a = alpha a + (1 - alpha) g, denominator sqrt(v - a^2) + eps; else sqrt(v) + eps
//   momentum > 0: b = momentum b + g / denominator, p = p - lr b;  else p = p - lr g / denominator
#include <gategrad/optim/optimizer.hpp>

namespace gg::optim {

struct RMSpropOptions {
  explicit RMSpropOptions(double learning_rate = 1e-2) : lr(learning_rate) {}
  RMSpropOptions& alpha(double v) { smoothing = v; return *this; }
  RMSpropOptions& eps(double v) { epsilon = v; return *this; }
  RMSpropOptions& weight_decay(double v) { decay = v; return *this; }
  RMSpropOptions& momentum(double v) { mu = v; return *this; }
  RMSpropOptions& centered(bool v) { center = v; return *this; }
  double lr, smoothing = 0.99, epsilon = 1e-8, decay = 0, mu = 0;
  bool center = false;
};

class RMSprop : public Optimizer {
 public:
  RMSprop(std::vector<Var> params, const RMSpropOptions& options);

 private:
  void update(const ParamSlice& slice, double lr, std::int64_t step) override;
  std::vector<std::string> buffer_names() const override;
  RMSpropOptions options_;
};

}  // namespace gg::optim
