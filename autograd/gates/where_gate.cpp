// WhereGate: Y = C ? A : B, broadcasting all three (C a bool constant).  dA = dY where C, else
// 0, summed to A's sizes; dB = dY where not C, summed to B's. The backward is where again, so
// it records under create_graph (and its own second derivative is 0). masked_fill is where.
#include <gategrad/autograd/ops.hpp>
#include <gategrad/autograd/recording.hpp>
#include <gategrad/tensor/native.hpp>

#include <stdexcept>
#include <string>

namespace gg {
namespace {
struct WhereGate final : autograd::Node {
  static constexpr const char* kName = "WhereGate";
  Tensor condition;  // bool, no graph
  void backward(const Tensor& dout, std::span<Tensor> din) override {
    const Tensor zero = scalar_tensor(0, dout.dtype());
    if (needs_grad(0)) din[0] = sum_to_size(gg::where(condition, dout, zero), IntArrayRef(edges[0].sizes));
    if (needs_grad(1)) din[1] = sum_to_size(gg::where(condition, zero, dout), IntArrayRef(edges[1].sizes));
  }
  void release() override { condition = Tensor(); }
};

void check_mask(const Tensor& mask) {
  if (mask.dtype() != kBool) {
    throw std::invalid_argument(std::string("masked_fill: got a mask of dtype ") + name(mask.dtype()) +
                                ", expected a bool mask (masked_fill only supports boolean masks, as "
                                "PyTorch; make one with gg::ne(mask, 0))");
  }
}
}  // namespace

Tensor where(const Tensor& condition, const Tensor& a, const Tensor& b, Where location) {
  return autograd::record<WhereGate>(native::where(condition, a, b), {&a, &b}, location,
                                     [&](WhereGate& g) { g.condition = condition.detach(); });
}

Tensor masked_fill(const Tensor& x, const Tensor& mask, Scalar value, Where location) {
  check_mask(mask);
  return gg::where(mask, scalar_tensor(value, x.dtype()), x, location);
}

Tensor masked_fill(const Tensor& x, const Tensor& mask, const Tensor& value, Where location) {
  check_mask(mask);
  if (value.dim() != 0) {
    throw std::invalid_argument("masked_fill: got a value tensor with " + std::to_string(value.dim()) +
                                " dimension(s), expected a 0-dim value tensor (as PyTorch; pass "
                                "value.item() or a Scalar)");
  }
  return gg::where(mask, to(value, x.dtype(), location), x, location);
}
}  // namespace gg
