#pragma once
// Adam and AdamW, as torch.optim.Adam / AdamW (amsgrad off):
//   Adam:  g = grad + weight_decay * p           AdamW: p = p * (1 - lr * weight_decay), g = grad
//   m = beta1 m + (1 - beta1) g;  v = beta2 v + (1 - beta2) g^2
//   p = p - lr * (m / (1 - beta1^t)) / (sqrt(v / (1 - beta2^t)) + eps)
#include <gategrad/optim/optimizer.hpp>

namespace gg::optim {

struct AdamOptions {
  explicit AdamOptions(double learning_rate = 1e-3) : lr(learning_rate) {}
  AdamOptions& betas(double b1, double b2) { beta1 = b1; beta2 = b2; return *this; }
  AdamOptions& eps(double v) { epsilon = v; return *this; }
  AdamOptions& weight_decay(double v) { decay = v; return *this; }
  double lr, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8, decay = 0;
};

class Adam : public Optimizer {
 public:
  Adam(std::vector<Var> params, const AdamOptions& options);
  Adam(std::vector<ParamGroup> groups, const AdamOptions& options);

 protected:
  Adam(std::vector<ParamGroup> groups, const AdamOptions& options, bool decoupled, const char* name);

 private:
  void update(const ParamSlice& slice, double lr, std::int64_t step) override;
  std::vector<std::string> buffer_names() const override { return {"exp_avg", "exp_avg_sq"}; }
  AdamOptions options_;
  bool decoupled_;  // AdamW's weight decay
};

// Adam with decoupled weight decay (Loshchilov & Hutter); PyTorch's default decay is 1e-2.
class AdamW : public Adam {
 public:
  AdamW(std::vector<Var> params, const AdamOptions& options);
};

}  // namespace gg::optim
