#include <gategrad/optim/adam.hpp>

#include <algorithm>
#include <cmath>
#include <type_traits>

namespace gg::optim {

Adam::Adam(std::vector<Var> params, const AdamOptions& options)
    : Adam(std::vector<ParamGroup>{{std::move(params), options.lr}}, options, false, "Adam") {}

Adam::Adam(std::vector<ParamGroup> groups, const AdamOptions& options)
    : Adam(std::move(groups), options, false, "Adam") {}

Adam::Adam(std::vector<ParamGroup> groups, const AdamSettings& settings, bool decoupled,
           const char* name)
    : Optimizer(std::move(groups), name), settings_(settings), decoupled_(decoupled) {
  check_hyper(name, "beta1", settings.beta1, 0, 1);
  check_hyper(name, "beta2", settings.beta2, 0, 1);
  check_hyper(name, "eps", settings.epsilon, 0, INFINITY);
  check_hyper(name, "weight_decay", settings.decay, 0, INFINITY);
  create_buffers();
}

AdamW::AdamW(std::vector<Var> params, const AdamWOptions& options)
    : Adam(std::vector<ParamGroup>{{std::move(params), options.lr}}, options, true, "AdamW") {}

AdamW::AdamW(std::vector<ParamGroup> groups, const AdamWOptions& options)
    : Adam(std::move(groups), options, true, "AdamW") {}

std::vector<std::string> Adam::buffer_names() const {
  if (settings_.amsgrad_) return {"exp_avg", "exp_avg_sq", "max_exp_avg_sq"};
  return {"exp_avg", "exp_avg_sq"};
}

void Adam::update(const ParamSlice& slice, double lr, std::int64_t step) {
  // Every coefficient is formed in double and rounded to float once, as torch forms them from
  // Python floats: 1.0f - 0.9999f is 1.0001e-4, 1e-4 off, and moved every update by 8e-5.
  const AdamSettings& s = settings_;
  const double t = static_cast<double>(step);
  const float beta1 = static_cast<float>(s.beta1), beta2 = static_cast<float>(s.beta2);
  const float one_minus_beta1 = static_cast<float>(1.0 - s.beta1);
  const float one_minus_beta2 = static_cast<float>(1.0 - s.beta2);
  const float step_size = static_cast<float>(lr / (1.0 - std::pow(s.beta1, t)));
  const float root_bc2 = static_cast<float>(std::sqrt(1.0 - std::pow(s.beta2, t)));
  const float eps = static_cast<float>(s.epsilon);
  const float coupled_decay = decoupled_ ? 0.0f : static_cast<float>(s.decay);
  const float shrink = decoupled_ ? static_cast<float>(1.0 - lr * s.decay) : 1.0f;
  const float sign = s.maximize_ ? -1.0f : 1.0f;
  float* w = slice.param;
  const float* g = slice.grad;
  float* m = slice.buffers[0];
  float* v = slice.buffers[1];
  float* v_max = slice.buffers[2];  // amsgrad's running maximum of v, else null
  // The amsgrad choice is made once, outside the loop, so that each loop vectorizes plainly.
  const auto run = [&](auto amsgrad) {
    for (std::size_t i = 0; i < slice.n; ++i) {
      const float d = sign * g[i] + coupled_decay * w[i];
      w[i] *= shrink;
      m[i] = beta1 * m[i] + one_minus_beta1 * d;
      v[i] = beta2 * v[i] + one_minus_beta2 * d * d;
      float second = v[i];
      if constexpr (decltype(amsgrad)::value) second = v_max[i] = std::max(v_max[i], v[i]);
      w[i] -= step_size * m[i] / (std::sqrt(second) / root_bc2 + eps);
    }
  };
  if (s.amsgrad_) run(std::true_type{});
  else run(std::false_type{});
}

}  // namespace gg::optim
