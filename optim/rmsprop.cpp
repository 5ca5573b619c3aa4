#include <gategrad/optim/rmsprop.hpp>

#include <cmath>

namespace gg::optim {

RMSprop::RMSprop(std::vector<Var> params, const RMSpropOptions& options)
    : RMSprop(std::vector<ParamGroup>{{std::move(params), options.lr}}, options) {}

RMSprop::RMSprop(std::vector<ParamGroup> groups, const RMSpropOptions& options)
    : Optimizer(std::move(groups), "RMSprop"), options_(options) {
  check_hyper("RMSprop", "alpha", options.smoothing, 0, 1, true);
  check_hyper("RMSprop", "eps", options.epsilon, 0, INFINITY);
  check_hyper("RMSprop", "weight_decay", options.decay, 0, INFINITY);
  check_hyper("RMSprop", "momentum", options.mu, 0, INFINITY);
  create_buffers();
}

std::vector<std::string> RMSprop::buffer_names() const {
  std::vector<std::string> names = {"square_avg"};
  if (options_.mu > 0) names.push_back("momentum_buffer");
  if (options_.center) names.push_back("grad_avg");
  return names;
}

void RMSprop::update(const ParamSlice& slice, double lr, std::int64_t) {
  // Coefficients formed in double and rounded once, as torch forms them from Python floats.
  const float alpha = static_cast<float>(options_.smoothing);
  const float one_minus_alpha = static_cast<float>(1.0 - options_.smoothing);
  const float eps = static_cast<float>(options_.epsilon);
  const float wd = static_cast<float>(options_.decay);
  const float mu = static_cast<float>(options_.mu);
  const float rate = static_cast<float>(lr);
  const float sign = options_.maximize_ ? -1.0f : 1.0f;
  float* w = slice.param;
  const float* g = slice.grad;
  float* v = slice.buffers[0];
  float* b = options_.mu > 0 ? slice.buffers[1] : nullptr;
  float* a = options_.center ? slice.buffers[options_.mu > 0 ? 2 : 1] : nullptr;
  for (std::size_t i = 0; i < slice.n; ++i) {
    const float d = sign * g[i] + wd * w[i];
    v[i] = alpha * v[i] + one_minus_alpha * d * d;
    float denominator;
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

}  // namespace gg::optim
