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
  if (momentum == 0 && wd == T(0)) {
    const T signed_rate = sign * rate;
    for (std::size_t i = 0; i < slice.n; ++i) w[i] -= signed_rate * g[i];  // the homework's plain SGD
    return;
  }
  T* b = momentum > 0 ? slice.buffers[0] : nullptr;
  for (std::size_t i = 0; i < slice.n; ++i) {
    T d = sign * g[i] + wd * w[i];
    if (b != nullptr) {
      b[i] = step == 1 ? d : mu * b[i] + one_minus_damp * d;
      d = options_.nesterov_ ? d + mu * b[i] : b[i];
    }
    w[i] -= rate * d;
  }
}

void SGD::update(const ParamSlice<float>& slice, double lr, std::int64_t step) { run(slice, lr, step); }
void SGD::update(const ParamSlice<double>& slice, double lr, std::int64_t step) { run(slice, lr, step); }

}  // namespace gg::optim
