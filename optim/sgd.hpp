#pragma once
// SGD with optional momentum, dampening, Nesterov momentum, weight decay and maximize, as
// torch.optim.SGD in PyTorch 1.13:
//   g = -grad if maximize, else grad;  g = g + weight_decay * p
//   b = g on the first step, else momentum * b + (1 - dampening) * g
//   g = g + momentum * b (Nesterov) or b (plain momentum);   p = p - lr * g
// Buffer (as torch's state name): momentum_buffer (b), when momentum > 0. The learning rate has
// no default (torch's is `required`); the rest default to 0 / off.
#include <gategrad/optim/optimizer.hpp>

namespace gg::optim {

struct SGDOptions {
  SGDOptions(double learning_rate) : lr(learning_rate) {}  // implicit, as LibTorch's: SGD(params, 0.1)
  SGDOptions& momentum(double v) { momentum_ = v; return *this; }
  SGDOptions& dampening(double v) { dampening_ = v; return *this; }
  SGDOptions& nesterov(bool v) { nesterov_ = v; return *this; }
  SGDOptions& weight_decay(double v) { weight_decay_ = v; return *this; }
  SGDOptions& maximize(bool v) { maximize_ = v; return *this; }
  double lr, momentum_ = 0, dampening_ = 0, weight_decay_ = 0;
  bool nesterov_ = false, maximize_ = false;
};

class SGD : public Optimizer {
 public:
  SGD(std::vector<Tensor> params, const SGDOptions& options);
  SGD(std::vector<ParamGroup> groups, const SGDOptions& options);

 private:
  void update(const ParamSlice<float>& slice, double lr, std::int64_t step) override;
  void update(const ParamSlice<double>& slice, double lr, std::int64_t step) override;
  template <class T>
  void run(const ParamSlice<T>& slice, double lr, std::int64_t step) const;
  std::vector<std::string> buffer_names() const override;
  SGDOptions options_;
};

}  // namespace gg::optim
