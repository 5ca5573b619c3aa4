// LinearGate: Y = X W^T + b, torch.nn.functional.linear as one gate.
//   X:(B,in)  W:(out,in)  b:(out)  ->  Y:(B,out)
//   dX = dY W   (B,out)(out,in);   dW = dY^T X   (out,B)(B,in);   db = sum over rows of dY
// One gate rather than mm(X, W.t()) + b because W is then a direct input: dW is written by the
// GEMM straight into W's lent gradient buffer, in W's own layout (dY^T read transposed in
// place). Through the W.t() view, dW would arrive as a transposed view of X^T dY, which the
// engine must copy into a new contiguous gradient every step (a pass over W and a second
// W-sized buffer). These are the old core's products, operand for operand.
#include <gategrad/autograd/grad_mode.hpp>
#include <gategrad/autograd/ops.hpp>
#include <gategrad/autograd/recording.hpp>
#include <gategrad/nn/layers.hpp>
#include <gategrad/tensor/native.hpp>
#include <gategrad/tensor/shape.hpp>

#include <stdexcept>

namespace gg::nn {
namespace {

struct LinearGate final : autograd::Node {
  static constexpr const char* kName = "LinearGate";
  autograd::SavedTensor x, weight;  // each saved only if the other's gradient is needed
  void backward(const Tensor& dout, std::span<Tensor> din) override {
    if (needs_grad(0)) product_into(din[0], dout, weight.unpack(*this));         // (B,out)(out,in)
    if (needs_grad(1)) product_into(din[1], gg::transpose(dout, 0, 1), x.unpack(*this));  // (out,B)(B,in)
    if (din.size() > 2 && needs_grad(2)) din[2] = gg::sum_to_size(dout, IntArrayRef(edges[2].sizes));
  }
  void release() override {
    x.reset();
    weight.reset();
  }

  // A lent buffer is overwritten (beta 0) when nothing is recorded; else a new (recorded,
  // under create_graph) product is made.
  static void product_into(Tensor& slot, const Tensor& a, const Tensor& b) {
    if (slot.defined() && slot.dtype() == a.dtype() && !is_grad_enabled()) native::addmm_(slot, a, b, 0, 1);
    else slot = gg::mm(a, b);
  }
};

}  // namespace

Tensor linear(const Tensor& x, const Tensor& weight, const Tensor& bias, Where where) {
  if (x.dim() != 2 || weight.dim() != 2 || x.size(1) != weight.size(1) ||
      (bias.defined() && (bias.dim() != 1 || bias.size(0) != weight.size(0)))) {
    throw ShapeError("linear: got input of sizes " + to_string(x.sizes()) + ", weight of sizes " +
                     to_string(weight.sizes()) + " and " +
                     (bias.defined() ? "bias of sizes " + to_string(bias.sizes()) : std::string("no bias")) +
                     ", expected (B, in), (out, in) and (out)");
  }
  if (x.dtype() != weight.dtype() || (bias.defined() && bias.dtype() != weight.dtype())) {
    throw std::invalid_argument("linear: got input of dtype " + to_string(x.dtype()) + ", weight of dtype " +
                                to_string(weight.dtype()) +
                                (bias.defined() ? " and bias of dtype " + to_string(bias.dtype()) : std::string()) +
                                ", expected one dtype");
  }
  Tensor y = native::mm(x, native::t(weight));  // W^T is a view: the GEMM reads W transposed
  if (bias.defined()) native::add_(y, bias);    // y is new: the bias is added in place
  const auto save = [&](LinearGate& g) {
    if (g.needs_grad(1)) g.x = g.save(x);
    if (g.needs_grad(0)) g.weight = g.save(weight);
  };
  // (Inputs borrows its braced list for the one call: one call per arity.)
  if (bias.defined()) return autograd::record<LinearGate>(std::move(y), {&x, &weight, &bias}, where, save);
  return autograd::record<LinearGate>(std::move(y), {&x, &weight}, where, save);
}

}  // namespace gg::nn
