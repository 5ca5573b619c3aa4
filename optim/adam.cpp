#include <gategrad/optim/adam.hpp>

#include <cmath>

namespace gg::optim {

Adam::Adam(std::vector<Var> params, const AdamOptions& options)
    : Adam(std::vector<ParamGroup>{{std::move(params), options.lr}}, options, false, "Adam") {}

Adam::Adam(std::vector<ParamGroup> groups, const AdamOptions& options)
    : Adam(std::move(groups), options, false, "Adam") {}

Adam::Adam(std::vector<ParamGroup> groups, const AdamOptions& options, bool decoupled,
           const char* name)
    : Optimizer(std::move(groups), name), options_(options), decoupled_(decoupled) {
  check_hyper(name, "beta1", options.beta1, 0, 1);
  check_hyper(name, "beta2", options.beta2, 0, 1);
  check_hyper(name, "eps", options.epsilon, 0, INFINITY);
  check_hyper(name, "weight_decay", options.decay, 0, INFINITY);
  create_buffers();
}

AdamW::AdamW(std::vector<Var> params, const AdamOptions& options)
    : Adam(std::vector<ParamGroup>{{std::move(params), options.lr}}, options, true, "AdamW") {}

void Adam::update(const ParamSlice& slice, double lr, std::int64_t step) {
  const double t = static_cast<double>(step);
  const float b1 = static_cast<float>(options_.beta1), b2 = static_cast<float>(options_.beta2);
  const float step_size = static_cast<float>(lr / (1.0 - std::pow(options_.beta1, t)));
  const float root_bc2 = static_cast<float>(std::sqrt(1.0 - std::pow(options_.beta2, t)));
  const float eps = static_cast<float>(options_.epsilon);
  const float wd = static_cast<float>(options_.decay);
  const float shrink = static_cast<float>(1.0 - lr * options_.decay);
  float* w = slice.param;
  const float* g = slice.grad;
  float* m = slice.buffers[0];
  float* v = slice.buffers[1];
  for (std::size_t i = 0; i < slice.n; ++i) {
    float d = g[i];
    if (decoupled_) w[i] *= shrink;
    else d += wd * w[i];
    m[i] = b1 * m[i] + (1.0f - b1) * d;
    v[i] = b2 * v[i] + (1.0f - b2) * d * d;
    w[i] -= step_size * m[i] / (std::sqrt(v[i]) / root_bc2 + eps);
  }
}

}  // namespace gg::optim
