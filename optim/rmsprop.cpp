#include <gategrad/optim/rmsprop.hpp>

#include <cmath>

namespace gg::optim {

RMSprop::RMSprop(std::vector<Var> params, const RMSpropOptions& options)
    : Optimizer(std::vector<ParamGroup>{{std::move(params), options.lr}}, "RMSprop"),
      options_(options) {
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
  const float alpha = static_cast<float>(options_.smoothing);
  const float eps = static_cast<float>(options_.epsilon);
  const float wd = static_cast<float>(options_.decay);
  const float mu = static_cast<float>(options_.mu);
  const float rate = static_cast<float>(lr);
  float* w = slice.param;
  const float* g = slice.grad;
  float* v = slice.buffers[0];
  float* b = mu > 0 ? slice.buffers[1] : nullptr;
  float* a = options_.center ? slice.buffers[mu > 0 ? 2 : 1] : nullptr;
  for (std::size_t i = 0; i < slice.n; ++i) {
    const float d = g[i] + wd * w[i];
    v[i] = alpha * v[i] + (1.0f - alpha) * d * d;
    float denominator;
    if (a != nullptr) {
      a[i] = alpha * a[i] + (1.0f - alpha) * d;
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
