#include <gategrad/optim/adagrad.hpp>

#include <cmath>

namespace gg::optim {

Adagrad::Adagrad(std::vector<Tensor> params, const AdagradOptions& options)
    : Adagrad(std::vector<ParamGroup>{{std::move(params), options.lr}}, options) {}

Adagrad::Adagrad(std::vector<ParamGroup> groups, const AdagradOptions& options)
    : Optimizer(std::move(groups), "Adagrad"), options_(options) {
  check_hyper("Adagrad", "lr_decay", options.lr_decay_, 0, INFINITY);
  check_hyper("Adagrad", "weight_decay", options.weight_decay_, 0, INFINITY);
  check_hyper("Adagrad", "initial_accumulator_value", options.initial_accumulator_value_, 0, INFINITY);
  check_hyper("Adagrad", "eps", options.eps_, 0, INFINITY);
  create_buffers();
}

template <class T>
void Adagrad::run(const ParamSlice<T>& slice, double lr, std::int64_t step) const {
  // The step's rate formed in double and rounded once, as torch forms clr from Python floats;
  // the update is torch's addcdiv: p + (-clr * g) / std.
  const T neg_clr = static_cast<T>(-(lr / (1 + static_cast<double>(step - 1) * options_.lr_decay_)));
  const T eps = static_cast<T>(options_.eps_);
  const T wd = static_cast<T>(options_.weight_decay_);
  const T sign = options_.maximize_ ? -T(1) : T(1);
  T* w = slice.param;
  const T* g = slice.grad;
  T* s = slice.buffers[0];
  for (std::size_t i = 0; i < slice.n; ++i) {
    const T d = options_.weight_decay_ != 0 ? sign * g[i] + wd * w[i] : sign * g[i];
    s[i] += d * d;
    w[i] += neg_clr * d / (std::sqrt(s[i]) + eps);
  }
}

void Adagrad::update(const ParamSlice<float>& slice, double lr, std::int64_t step) { run(slice, lr, step); }
void Adagrad::update(const ParamSlice<double>& slice, double lr, std::int64_t step) { run(slice, lr, step); }

}  // namespace gg::optim
