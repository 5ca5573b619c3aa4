#include <gategrad/optim/rmsprop.hpp>

#include <cmath>

namespace gg::optim {

RMSprop::RMSprop(std::vector<Tensor> params, const RMSpropOptions& options)
    : RMSprop(std::vector<ParamGroup>{{std::move(params), options.lr}}, options) {}

RMSprop::RMSprop(std::vector<ParamGroup> groups, const RMSpropOptions& options)
    : Optimizer(std::move(groups), "RMSprop"), options_(options) {
  check_hyper("RMSprop", "alpha", options.smoothing, 0, 1, true);
  check_hyper("RMSprop", "eps", options.epsilon, 0, INFINITY);
  check_hyper("RMSprop", "weight_decay", options.decay, 0, INFINITY);
  check_hyper("RMSprop", "momentum", options.mu, 0, INFINITY);
  // Its momentum buffer exists from construction or never: built with momentum 0, no group may
  // be given momentum later (torch would start a buffer).
  enable_momentum("momentum", options.mu, INFINITY, options.mu > 0);
  create_buffers();
}

std::vector<std::string> RMSprop::buffer_names() const {
  std::vector<std::string> names = {"square_avg"};
  if (options_.mu > 0) names.push_back("momentum_buffer");
  if (options_.center) names.push_back("grad_avg");
  return names;
}

template <class T>
void RMSprop::run(const ParamSlice<T>& slice, double lr, std::int64_t) const {
  // Coefficients formed in double and rounded once, as torch forms them from Python floats.
  const T alpha = static_cast<T>(options_.smoothing);
  const T one_minus_alpha = static_cast<T>(1.0 - options_.smoothing);
  const T eps = static_cast<T>(options_.epsilon);
  const T wd = static_cast<T>(options_.decay);
  const double momentum = group_momentum();
  const T mu = static_cast<T>(momentum);
  const T rate = static_cast<T>(lr);
  const T sign = options_.maximize_ ? -T(1) : T(1);
  T* w = slice.param;
  const T* g = slice.grad;
  T* v = slice.buffers[0];
  T* b = momentum > 0 ? slice.buffers[1] : nullptr;  // (momentum > 0 only if options_.mu > 0)
  T* a = options_.center ? slice.buffers[options_.mu > 0 ? 2 : 1] : nullptr;
  for (std::size_t i = 0; i < slice.n; ++i) {
    const T d = sign * g[i] + wd * w[i];
    v[i] = alpha * v[i] + one_minus_alpha * d * d;
    T denominator;
    if (a != nullptr) {
      a[i] = alpha * a[i] + one_minus_alpha * d;
      denominator = std::sqrt(v[i] - a[i] * a[i]) + eps;
    } else {
      denominator = std::sqrt(v[i]) + eps;
    }
    if (b != nullptr) {
      b[i] = mu * b[i] + d / denominator;
      w[i] -= rate * b[i];
    } else {
      w[i] -= rate * d / denominator;
    }
  }
}

void RMSprop::update(const ParamSlice<float>& slice, double lr, std::int64_t step) { run(slice, lr, step); }
void RMSprop::update(const ParamSlice<double>& slice, double lr, std::int64_t step) { run(slice, lr, step); }

}  // namespace gg::optim
