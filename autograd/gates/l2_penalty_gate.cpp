// L2PenaltyGate: y = lambda * sum(W^2), a scalar.  dW = 2 lambda W dy.
#include <gategrad/autograd/ops.hpp>
#include <gategrad/autograd/record.hpp>
#include <gategrad/tensor/elementwise.hpp>
#include <gategrad/tensor/reduce.hpp>

#include <cmath>
#include <stdexcept>
#include <string>

namespace gg {
namespace {

template <class T>
struct L2PenaltyGate final : Node<T> {
  std::shared_ptr<const Array<T>> w;
  T lambda = T(0);
  const char* name() const override { return "L2PenaltyGate"; }
  void backward(const Array<T>& dy, std::array<Array<T>, kMaxGateInputs>& din) override {
    din[0] = mul(*w, T(2) * lambda * dy.item());
  }
  void release() override { w.reset(); }
};

}  // namespace

template <class T>
Variable<T> l2_penalty(const Variable<T>& w, double lambda, Where where) {
  if (!std::isfinite(lambda) || lambda < 0) {
    throw std::invalid_argument("l2_penalty: got lambda = " + std::to_string(lambda) +
                                ", expected a finite value >= 0");
  }
  const T lam = static_cast<T>(lambda);
  auto y = make_cached_shared<Array<T>>(mul(sum(square(w.data())), lam));
  if (!detail::should_record<T>({&w})) return detail::make_result<T>("L2PenaltyGate", y, nullptr, {&w}, where);
  auto node = make_cached_shared<L2PenaltyGate<T>>();
  node->w = w.impl()->data;
  node->lambda = lam;
  return detail::make_result<T>("L2PenaltyGate", y, node, {&w}, where);
}

template Variable<float> l2_penalty(const Variable<float>&, double, Where);
template Variable<double> l2_penalty(const Variable<double>&, double, Where);

}  // namespace gg
