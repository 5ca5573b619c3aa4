#include <gategrad/autograd/ops.hpp>
#include <gategrad/nn/loss.hpp>
#include <gategrad/tensor/shape.hpp>

#include <stdexcept>

namespace gg::nn {

Tensor cross_entropy(const Tensor& logits, const Tensor& target, Where where) {
  return gg::cross_entropy(logits, target, where);
}

Tensor mse_loss(const Tensor& prediction, const Tensor& target, Where where) {
  if (prediction.sizes() != target.sizes()) {
    throw ShapeError("mse_loss: got prediction of sizes " + to_string(prediction.sizes()) +
                     " and target of sizes " + to_string(target.sizes()) +
                     ", expected equal sizes");
  }
  const Tensor diff = gg::sub(prediction, target, where);
  return gg::mean(gg::mul(diff, diff, where), where);
}

Tensor l2_penalty(const Module& model, double lambda, bool include_biases, Where where) {
  Tensor total;
  for (const auto& [name, param] : model.named_parameters()) {
    const bool is_weight = name.size() >= 6 && name.compare(name.size() - 6, 6, "weight") == 0;
    if (!is_weight && !include_biases) continue;
    const Tensor term = gg::l2_penalty(param, lambda, where);
    // The first term starts the sum (the old core added it to a zero: the same value).
    total = total.defined() ? gg::add(total, term, where) : term;
  }
  return total.defined() ? total : gg::scalar_tensor(0.0);
}

}  // namespace gg::nn
