#pragma once
// RMSprop, as torch.optim.RMSprop in PyTorch 1.13:
//   g = -grad if maximize, else grad;  g = g + weight_decay * p;  v = alpha v + (1 - alpha) g^2
//   centered: a = alpha a + (1 - alpha) g, denominator sqrt(v - a^2) + eps; else sqrt(v) + eps
//   momentum > 0: b = momentum b + g / denominator, p = p - lr b;  else p = p - lr g / denominator
// Buffers (as torch's state names): square_avg (v), momentum_buffer (b), grad_avg (a).
// Defaults as torch: lr 1e-2, alpha 0.99, eps 1e-8, weight decay 0, momentum 0, not centered.
#include <gategrad/optim/optimizer.hpp>

namespace gg::optim {

struct RMSpropOptions {
  RMSpropOptions(double learning_rate = 1e-2) : lr(learning_rate) {}  // implicit: RMSprop(params, 0.01)
  RMSpropOptions& alpha(double v) { smoothing = v; return *this; }
  RMSpropOptions& eps(double v) { epsilon = v; return *this; }
  RMSpropOptions& weight_decay(double v) { decay = v; return *this; }
  RMSpropOptions& momentum(double v) { mu = v; return *this; }
  RMSpropOptions& centered(bool v) { center = v; return *this; }
  RMSpropOptions& maximize(bool v) { maximize_ = v; return *this; }
  double lr, smoothing = 0.99, epsilon = 1e-8, decay = 0, mu = 0;
  bool center = false, maximize_ = false;
};

class RMSprop : public Optimizer {
 public:
  RMSprop(std::vector<Tensor> params, const RMSpropOptions& options);
  RMSprop(std::vector<ParamGroup> groups, const RMSpropOptions& options);

 private:
  void update(const ParamSlice<float>& slice, double lr, std::int64_t step) override;
  void update(const ParamSlice<double>& slice, double lr, std::int64_t step) override;
  template <class T>
  void run(const ParamSlice<T>& slice, double lr, std::int64_t step) const;
  std::vector<std::string> buffer_names() const override;
  bool nonnegative_buffer(const std::string& name) const override { return name == "square_avg"; }
  RMSpropOptions options_;
};

}  // namespace gg::optim
