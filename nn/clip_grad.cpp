#include <gategrad/nn/clip_grad.hpp>
#include <gategrad/tensor/number_text.hpp>
#include <gategrad/tensor/native.hpp>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <type_traits>

namespace gg::nn::utils {
namespace {

// f(elements, count) on each parameter's gradient, float32 or float64. A leaf's gradient is
// contiguous (the engine makes it so); one a user set by hand may not be, and is written back.
template <class F>
void for_each_grad(const char* who, const std::vector<Tensor>& parameters, bool writes, F&& f) {
  for (const Tensor& p : parameters) {
    const Tensor& grad = p.grad();
    if (!grad.defined()) continue;
    const Tensor g = grad.is_contiguous() ? grad : native::contiguous(grad);
    visit_dtype(g.dtype(), [&]<class T>() {
      if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double>) {
        f(g.data_ptr<T>(), static_cast<std::size_t>(g.numel()));
      } else {
        throw std::invalid_argument(std::string(who) + ": got a gradient of dtype " + to_string(g.dtype()) +
                                    ", expected float32 or float64");
      }
    });
    if (writes && !g.is_same(grad)) native::copy_(grad, g);
  }
}

}  // namespace

double clip_grad_norm_(const std::vector<Tensor>& parameters, double max_norm, double norm_type,
                       bool error_if_nonfinite) {
  constexpr const char* who = "clip_grad_norm_";
  if (!(max_norm > 0)) {
    throw std::invalid_argument(std::string(who) + ": got max_norm = " + number_text(max_norm) +
                                ", expected > 0");
  }
  if (!(norm_type > 0)) {
    throw std::invalid_argument(std::string(who) + ": got norm_type = " + number_text(norm_type) +
                                ", expected > 0 (or infinity)");
  }
  const bool largest = std::isinf(norm_type);
  double total = 0;
  for_each_grad(who, parameters, false, [&](const auto* g, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) {
      const double a = std::abs(static_cast<double>(g[i]));
      if (largest) total = std::isnan(a) || std::isnan(total) ? NAN : std::max(total, a);
      else total += norm_type == 2 ? a * a : std::pow(a, norm_type);
    }
  });
  const double norm = largest ? total : norm_type == 2 ? std::sqrt(total) : std::pow(total, 1 / norm_type);
  if (error_if_nonfinite && !std::isfinite(norm)) {
    throw std::runtime_error(std::string(who) + ": the total norm of order " + number_text(norm_type) +
                             " of the gradients is " + number_text(norm) +
                             ", so they cannot be clipped; pass error_if_nonfinite = false to scale "
                             "them by it anyway");
  }
  const double scale = max_norm / (norm + 1e-6);
  if (!(scale >= 1.0)) {  // below 1, or NaN (torch multiplies by its clamped coefficient)
    for_each_grad(who, parameters, true, [&](auto* g, std::size_t n) {
      using T = std::remove_pointer_t<decltype(g)>;
      const T s = static_cast<T>(scale);
      for (std::size_t i = 0; i < n; ++i) g[i] *= s;
    });
  }
  return norm;
}

double clip_grad_norm_(const Tensor& parameter, double max_norm, double norm_type, bool error_if_nonfinite) {
  return clip_grad_norm_(std::vector<Tensor>{parameter}, max_norm, norm_type, error_if_nonfinite);
}

void clip_grad_value_(const std::vector<Tensor>& parameters, double clip_value) {
  if (std::isnan(clip_value)) {
    throw std::invalid_argument("clip_grad_value_: got clip_value = nan, expected a number");
  }
  for_each_grad("clip_grad_value_", parameters, true, [&](auto* g, std::size_t n) {
    using T = std::remove_pointer_t<decltype(g)>;
    const T low = static_cast<T>(-clip_value), high = static_cast<T>(clip_value);
    for (std::size_t i = 0; i < n; ++i) g[i] = std::min(std::max(g[i], low), high);
  });
}

void clip_grad_value_(const Tensor& parameter, double clip_value) {
  clip_grad_value_(std::vector<Tensor>{parameter}, clip_value);
}

}  // namespace gg::nn::utils
