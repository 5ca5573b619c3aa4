// AddGate: Y = A + B, broadcasting.  dA = dY summed to A's sizes, dB likewise; with a number
// for B, only dA.
#include <gategrad/autograd/ops.hpp>
#include <gategrad/autograd/recording.hpp>
#include <gategrad/tensor/native.hpp>

namespace gg {
namespace {
struct AddGate final : autograd::Node {
  static constexpr const char* kName = "AddGate";
  void backward(const Tensor& dout, std::span<Tensor> din) override {
    for (std::size_t i = 0; i < din.size(); ++i) {
      if (needs_grad(i)) din[i] = sum_to_size(dout, IntArrayRef(edges[i].sizes));
    }
  }
  void release() override {}
};
}  // namespace

Tensor add(const Tensor& a, const Tensor& b, Where where) {
  return autograd::record<AddGate>(native::add(a, b), {&a, &b}, where);
}
Tensor add(const Tensor& a, Scalar b, Where where) {
  return autograd::record<AddGate>(native::add(a, b), {&a}, where);
}
}  // namespace gg
