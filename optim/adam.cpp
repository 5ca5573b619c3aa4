#include <gategrad/optim/adam.hpp>

#include <algorithm>
#include <cmath>
#include <type_traits>

namespace gg::optim {

Adam::Adam(std::vector<Tensor> params, const AdamOptions& options)
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
  enable_momentum("beta1", settings.beta1, 1);
  create_buffers();
}

AdamW::AdamW(std::vector<Tensor> params, const AdamWOptions& options)
    : Adam(std::vector<ParamGroup>{{std::move(params), options.lr}}, options, true, "AdamW") {}

AdamW::AdamW(std::vector<ParamGroup> groups, const AdamWOptions& options)
    : Adam(std::move(groups), options, true, "AdamW") {}

std::vector<std::string> Adam::buffer_names() const {
  if (settings_.amsgrad_) return {"exp_avg", "exp_avg_sq", "max_exp_avg_sq"};
  return {"exp_avg", "exp_avg_sq"};
}

template <class T>
void Adam::run(const ParamSlice<T>& slice, double lr, std::int64_t step) const {
  // Every coefficient is formed in double and rounded to T once, as torch forms them from
  // Python floats: 1.0f - 0.9999f is 1.0001e-4, 1e-4 off, and moved every update by 8e-5.
  const AdamSettings& s = settings_;
  const double t = static_cast<double>(step);
  const double b1 = group_momentum();  // the group's beta1 (s.beta1 unless a schedule moved it)
  const T beta1 = static_cast<T>(b1), beta2 = static_cast<T>(s.beta2);
  const T one_minus_beta1 = static_cast<T>(1.0 - b1);
  const T one_minus_beta2 = static_cast<T>(1.0 - s.beta2);
  const T step_size = static_cast<T>(lr / (1.0 - std::pow(b1, t)));
  const T root_bc2 = static_cast<T>(std::sqrt(1.0 - std::pow(s.beta2, t)));
  const T eps = static_cast<T>(s.epsilon);
  const T coupled_decay = decoupled_ ? T(0) : static_cast<T>(s.decay);
  const T shrink = decoupled_ ? static_cast<T>(1.0 - lr * s.decay) : T(1);
  const T sign = s.maximize_ ? -T(1) : T(1);
  T* w = slice.param;
  const T* g = slice.grad;
  T* m = slice.buffers[0];
  T* v = slice.buffers[1];
  T* v_max = slice.buffers[2];  // amsgrad's running maximum of v, else null
  // The amsgrad choice is made once, outside the loop, so that each loop vectorizes plainly.
  const auto loop = [&](auto amsgrad) {
    for (std::size_t i = 0; i < slice.n; ++i) {
      const T d = sign * g[i] + coupled_decay * w[i];
      w[i] *= shrink;
      m[i] = beta1 * m[i] + one_minus_beta1 * d;
      v[i] = beta2 * v[i] + one_minus_beta2 * d * d;
      T second = v[i];
      if constexpr (decltype(amsgrad)::value) second = v_max[i] = std::max(v_max[i], v[i]);
      w[i] -= step_size * m[i] / (std::sqrt(second) / root_bc2 + eps);
    }
  };
  if (s.amsgrad_) loop(std::true_type{});
  else loop(std::false_type{});
}

void Adam::update(const ParamSlice<float>& slice, double lr, std::int64_t step) { run(slice, lr, step); }
void Adam::update(const ParamSlice<double>& slice, double lr, std::int64_t step) { run(slice, lr, step); }

}  // namespace gg::optim
