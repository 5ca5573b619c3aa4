#pragma once
// SGD with optional momentum, Nesterov momentum and weight decay, as torch.optim.SGD:
//   g = grad + weight_decay * p
//   b = g on the first step, else momentum * b + (1 - dampening) * g
//   g = g + momentum * b (Nesterov) or b (plain momentum);   p = p - lr * g
#include <gategrad/optim/optimizer.hpp>

namespace gg::optim {

struct SGDOptions {
  explicit SGDOptions(double learning_rate) : lr(learning_rate) {}
  SGDOptions& momentum(double v) { momentum_ = v; return *this; }
  SGDOptions& dampening(double v) { dampening_ = v; return *this; }
  SGDOptions& nesterov(bool v) { nesterov_ = v; return *this; }
  SGDOptions& weight_decay(double v) { weight_decay_ = v; return *this; }
  double lr, momentum_ = 0, dampening_ = 0, weight_decay_ = 0;
  bool nesterov_ = false;
};

class SGD : public Optimizer {
 public:
  SGD(std::vector<Var> params, const SGDOptions& options);
  SGD(std::vector<ParamGroup> groups, const SGDOptions& options);

 private:
  void update(const ParamSlice& slice, double lr, std::int64_t step) override;
  std::vector<std::string> buffer_names() const override;
  SGDOptions options_;
};

}  // namespace gg::optim
