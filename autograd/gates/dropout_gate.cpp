// DropoutGate (inverted dropout): Y = X * M, where M = 1/(1-p) with probability 1-p, else 0.
// dX = dY * M: the same mask, saved from the forward pass.
#include <gategrad/autograd/ops.hpp>
#include <gategrad/autograd/record.hpp>
#include <gategrad/tensor/elementwise.hpp>

#include <stdexcept>
#include <string>

namespace gg {
namespace {

template <class T>
struct DropoutGate final : Node<T> {
  std::shared_ptr<const Array<T>> mask;
  const char* name() const override { return "DropoutGate"; }
  void backward(const Array<T>& dy, std::array<Array<T>, kMaxGateInputs>& din) override {
    din[0] = mul(dy, *mask);
  }
  void release() override { mask.reset(); }
};

}  // namespace

template <class T>
Variable<T> dropout(const Variable<T>& x, double p, Generator& gen, bool training, Where where) {
  if (!(p >= 0.0 && p <= 1.0)) {
    throw std::invalid_argument("dropout: got p = " + std::to_string(p) +
                                ", expected a probability 0 <= p <= 1");
  }
  if (!training || p == 0.0) return x;
  // Keep an element when u >= p, u uniform in [0, 1): probability 1 - p.
  auto mask = make_cached_shared<Array<T>>(Array<T>::empty(x.shape()));
  const T keep_scale = p < 1.0 ? T(1.0 / (1.0 - p)) : T(0);
  for (T& m : mask->values()) m = gen.uniform01() >= p ? keep_scale : T(0);
  auto y = make_cached_shared<Array<T>>(mul(x.data(), *mask));
  if (!detail::should_record<T>({&x})) return detail::make_result<T>("DropoutGate", y, nullptr, {&x}, where);
  auto node = make_cached_shared<DropoutGate<T>>();
  node->mask = std::move(mask);
  return detail::make_result<T>("DropoutGate", y, node, {&x}, where);
}

template Variable<float> dropout(const Variable<float>&, double, Generator&, bool, Where);
template Variable<double> dropout(const Variable<double>&, double, Generator&, bool, Where);

}  // namespace gg
