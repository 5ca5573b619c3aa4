#pragma once
// Adam and AdamW, as torch.optim.Adam / AdamW in PyTorch 1.13 (step t counted per parameter):
//   g = -grad if maximize, else grad
//   Adam:  g = g + weight_decay * p             AdamW: p = p * (1 - lr * weight_decay)
//   m = beta1 m + (1 - beta1) g;  v = beta2 v + (1 - beta2) g^2
//   amsgrad: v_max = max(v_max, v), used for v below
//   p = p - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
// Buffers (as torch's state names): exp_avg (m), exp_avg_sq (v), max_exp_avg_sq (amsgrad).
// Defaults as torch: lr 1e-3, betas (0.9, 0.999), eps 1e-8, weight decay 0 (Adam) or 1e-2
// (AdamW), amsgrad and maximize off.
#include <gategrad/optim/optimizer.hpp>

namespace gg::optim {

// What Adam and AdamW share; AdamOptions and AdamWOptions below differ only in their default
// weight decay.
struct AdamSettings {
  double lr = 1e-3, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8, decay = 0;
  bool amsgrad_ = false, maximize_ = false;
};

// The chainable setters, returning the derived options type.
template <class Options>
struct AdamSetters : AdamSettings {
  Options& betas(double b1, double b2) { beta1 = b1; beta2 = b2; return self(); }
  Options& eps(double v) { epsilon = v; return self(); }
  Options& weight_decay(double v) { decay = v; return self(); }
  Options& amsgrad(bool v) { amsgrad_ = v; return self(); }
  Options& maximize(bool v) { maximize_ = v; return self(); }

 private:
  Options& self() { return static_cast<Options&>(*this); }
};

struct AdamOptions : AdamSetters<AdamOptions> {
  AdamOptions(double learning_rate = 1e-3) { lr = learning_rate; }  // implicit: Adam(params, 1e-3)
};

struct AdamWOptions : AdamSetters<AdamWOptions> {
  AdamWOptions(double learning_rate = 1e-3) { lr = learning_rate; decay = 1e-2; }
};

class Adam : public Optimizer {
 public:
  Adam(std::vector<Tensor> params, const AdamOptions& options);
  Adam(std::vector<ParamGroup> groups, const AdamOptions& options);

 protected:
  Adam(std::vector<ParamGroup> groups, const AdamSettings& settings, bool decoupled, const char* name);

 private:
  void update(const ParamSlice<float>& slice, double lr, std::int64_t step) override;
  void update(const ParamSlice<double>& slice, double lr, std::int64_t step) override;
  template <class T>
  void run(const ParamSlice<T>& slice, double lr, std::int64_t step) const;
  std::vector<std::string> buffer_names() const override;
  bool nonnegative_buffer(const std::string& name) const override { return name != "exp_avg"; }
  AdamSettings settings_;
  bool decoupled_;  // AdamW's weight decay
};

// Adam with decoupled weight decay (Loshchilov & Hutter, "Decoupled Weight Decay
// Regularization").
class AdamW : public Adam {
 public:
  AdamW(std::vector<Tensor> params, const AdamWOptions& options);
  AdamW(std::vector<ParamGroup> groups, const AdamWOptions& options);
};

}  // namespace gg::optim
