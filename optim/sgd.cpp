#include <gategrad/optim/sgd.hpp>

#include <stdexcept>

namespace gg::optim {

SGD::SGD(std::vector<Tensor> params, const SGDOptions& options)
    : SGD(std::vector<ParamGroup>{{std::move(params), options.lr}}, options) {}

SGD::SGD(std::vector<ParamGroup> groups, const SGDOptions& options)
    : Optimizer(std::move(groups), "SGD"), options_(options) {
  check_hyper("SGD", "momentum", options.momentum_, 0, INFINITY);
  check_hyper("SGD", "dampening", options.dampening_, 0, 1, true);
  check_hyper("SGD", "weight_decay", options.weight_decay_, 0, INFINITY);
  if (options.nesterov_ && (options.momentum_ <= 0 || options.dampening_ != 0)) {
    throw std::invalid_argument("SGD: Nesterov momentum needs momentum > 0 and dampening = 0");
  }
  enable_momentum("momentum", options.momentum_, INFINITY);
  create_buffers();
}

std::vector<std::string> SGD::buffer_names() const {
  // Any group's: a group given momentum later (OneCycleLR on SGD built with momentum 0, as
  // torch's) gets its buffer at its next step.
  if (any_momentum()) return {"momentum_buffer"};
  return {};
}

namespace {

// One sweep of the momentum update over n values, torch's formulas: d = sign g + wd w; the
// buffer b = d on the first step, else mu b + (1 - dampening) d; w -= lr (d + mu b) with
// Nesterov, else lr b. The branches are template arguments and the pointers restrict, so the
// loop vectorizes (with the branches inside and the pointers free to alias, it ran scalar:
// 4% of a LeNet-5 training step, all of it on one thread).
template <bool first, bool nesterov, class T>
void momentum_sweep(std::size_t n, T* __restrict w, const T* __restrict g, T* __restrict b, T sign, T wd, T mu,
                    T one_minus_damp, T rate) {
  for (std::size_t i = 0; i < n; ++i) {
    const T d = sign * g[i] + wd * w[i];
    const T bi = first ? d : mu * b[i] + one_minus_damp * d;
    b[i] = bi;
    w[i] -= rate * (nesterov ? d + mu * bi : bi);
  }
}

template <class T>
void plain_sweep(std::size_t n, T* __restrict w, const T* __restrict g, T sign, T wd, T rate) {
  for (std::size_t i = 0; i < n; ++i) w[i] -= rate * (sign * g[i] + wd * w[i]);
}

}  // namespace

template <class T>
void SGD::run(const ParamSlice<T>& slice, double lr, std::int64_t step) const {
  const T wd = static_cast<T>(options_.weight_decay_);
  const double momentum = group_momentum();
  const T mu = static_cast<T>(momentum);
  const T one_minus_damp = static_cast<T>(1.0 - options_.dampening_);  // rounded once, as torch
  const T rate = static_cast<T>(lr);
  const T sign = options_.maximize_ ? -T(1) : T(1);  // maximizing descends along -grad
  T* w = slice.param;
  const T* g = slice.grad;
  const std::size_t n = slice.n;
  if (momentum == 0 && wd == T(0)) {
    const T signed_rate = sign * rate;
    for (std::size_t i = 0; i < n; ++i) w[i] -= signed_rate * g[i];  // the homework's plain SGD
    return;
  }
  if (momentum == 0) return plain_sweep(n, w, g, sign, wd, rate);
  T* b = slice.buffers[0];
  const bool first = step == 1;
  if (first && options_.nesterov_) return momentum_sweep<true, true>(n, w, g, b, sign, wd, mu, one_minus_damp, rate);
  if (first) return momentum_sweep<true, false>(n, w, g, b, sign, wd, mu, one_minus_damp, rate);
  if (options_.nesterov_) return momentum_sweep<false, true>(n, w, g, b, sign, wd, mu, one_minus_damp, rate);
  momentum_sweep<false, false>(n, w, g, b, sign, wd, mu, one_minus_damp, rate);
}

void SGD::update(const ParamSlice<float>& slice, double lr, std::int64_t step) { run(slice, lr, step); }
void SGD::update(const ParamSlice<double>& slice, double lr, std::int64_t step) { run(slice, lr, step); }

}  // namespace gg::optim
