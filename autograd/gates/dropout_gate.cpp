// DropoutGate: Y = X * M, M = 1/(1-p) with probability 1-p, else 0.  dX = dY * M.
// The mask is drawn in row-major order of X's elements, one gen.uniform01() each: the old
// gate's stream, so a seeded run drops the same units.
#include <gategrad/autograd/ops.hpp>
#include <gategrad/autograd/recording.hpp>
#include <gategrad/tensor/native.hpp>

#include <stdexcept>
#include <string>

namespace gg {
namespace {
struct DropoutGate final : autograd::Node {
  static constexpr const char* kName = "DropoutGate";
  Tensor mask;  // made here: no one else can change it
  void backward(const Tensor& dout, std::span<Tensor> din) override { din[0] = mul(dout, mask); }
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
  return autograd::record<DropoutGate>(std::move(y), {&x}, where,
                                             [&](DropoutGate& g) { g.mask = std::move(mask); });
}
Tensor dropout(const Tensor& x, double p, bool train, Where where) {
  return dropout(x, p, default_generator(), train, where);
}
}  // namespace gg
