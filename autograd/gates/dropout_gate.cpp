// DropoutGate (inverted dropout): Y = X * M, where M = 1/(1-p) with probability 1-p, else 0.
// dX = dY * M: the same mask, saved from the forward pass.
#include <gategrad/autograd/ops.hpp>
#include <gategrad/autograd/record.hpp>
#include <gategrad/tensor/elementwise.hpp>

#include <stdexcept>
#include <string>
#include <gategrad/autograd/recording.hpp>
#include <gategrad/autograd/tensor_ops.hpp>
#include <gategrad/tensor/native.hpp>

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

// --- gg::Tensor -----------------------------------------------------------------------------
// DropoutGate: Y = X * M, M = 1/(1-p) with probability 1-p, else 0.  dX = dY * M.
// The mask is drawn in row-major order of X's elements, one gen.uniform01() each: the old
// gate's stream, so a seeded run drops the same units.

namespace gg {
namespace {
struct TensorDropoutGate final : autograd::Node {
  static constexpr const char* kName = "DropoutGate";
  Tensor mask;  // made here: no one else can change it
  void backward(const Tensor& dout, std::span<Tensor> din) override { din[0] = native::mul(dout, mask); }
  void release() override { mask = Tensor(); }
};
}  // namespace

Tensor dropout(const Tensor& x, double p, Generator& gen, bool training, Where where) {
  if (!(p >= 0.0 && p <= 1.0)) {
    throw std::invalid_argument("dropout: got p = " + std::to_string(p) +
                                ", expected a probability 0 <= p <= 1");
  }
  if (!x.is_floating_point()) {
    throw std::invalid_argument("dropout: got a tensor of dtype " + to_string(x.dtype()) +
                                ", expected a floating dtype");
  }
  if (!training || p == 0.0) return x;
  Tensor mask = empty_like(x);  // contiguous, x's sizes
  visit_dtype(x.dtype(), [&]<class T>() {
    if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double> || std::is_same_v<T, BFloat16>) {
      using Compute = std::conditional_t<std::is_same_v<T, double>, double, float>;
      // Keep an element when u >= p, u uniform in [0, 1): probability 1 - p.
      const T keep_scale = p < 1.0 ? T(static_cast<Compute>(1.0 / (1.0 - p))) : T(0.0f);
      T* m = mask.data_ptr<T>();
      for (std::int64_t i = 0, n = mask.numel(); i < n; ++i) m[i] = gen.uniform01() >= p ? keep_scale : T(0.0f);
    }
  });
  Tensor y = native::mul(x, mask);
  return autograd::record<TensorDropoutGate>(std::move(y), {&x}, where,
                                             [&](TensorDropoutGate& g) { g.mask = std::move(mask); });
}
}  // namespace gg
