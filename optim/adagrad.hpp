#pragma once
// Adagrad, as torch.optim.Adagrad in PyTorch 1.13:
//   g = -grad if maximize, else grad;  g = g + weight_decay * p
//   clr = lr / (1 + (step - 1) * lr_decay);  s = s + g * g;  p = p - clr * g / (sqrt(s) + eps)
// Buffer (as torch's state name): sum (s), starting at initial_accumulator_value.
// Defaults as torch: lr 1e-2, lr_decay 0, weight decay 0, initial accumulator 0, eps 1e-10.
#include <gategrad/optim/optimizer.hpp>

namespace gg::optim {

struct AdagradOptions {
  AdagradOptions(double learning_rate = 1e-2) : lr(learning_rate) {}  // implicit: Adagrad(params, 0.1)
  AdagradOptions& lr_decay(double v) { lr_decay_ = v; return *this; }
  AdagradOptions& weight_decay(double v) { weight_decay_ = v; return *this; }
  AdagradOptions& initial_accumulator_value(double v) { initial_accumulator_value_ = v; return *this; }
  AdagradOptions& eps(double v) { eps_ = v; return *this; }
  AdagradOptions& maximize(bool v) { maximize_ = v; return *this; }
  double lr, lr_decay_ = 0, weight_decay_ = 0, initial_accumulator_value_ = 0, eps_ = 1e-10;
  bool maximize_ = false;
};

class Adagrad : public Optimizer {
 public:
  Adagrad(std::vector<Tensor> params, const AdagradOptions& options = {});
  Adagrad(std::vector<ParamGroup> groups, const AdagradOptions& options = {});

 private:
  void update(const ParamSlice<float>& slice, double lr, std::int64_t step) override;
  void update(const ParamSlice<double>& slice, double lr, std::int64_t step) override;
  template <class T>
  void run(const ParamSlice<T>& slice, double lr, std::int64_t step) const;
  std::vector<std::string> buffer_names() const override { return {"sum"}; }
  bool nonnegative_buffer(const std::string& name) const override { return name == "sum"; }
  double initial_buffer_value(const std::string&) const override { return options_.initial_accumulator_value_; }
  AdagradOptions options_;
};

}  // namespace gg::optim
