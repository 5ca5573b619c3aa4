#include <gategrad/autograd/ops.hpp>
#include <gategrad/nn/loss.hpp>

#include <stdexcept>

namespace gg::nn {

Var cross_entropy(const Var& logits, std::span<const std::int64_t> labels) {
  return gg::cross_entropy(logits, labels);
}

Var mse_loss(const Var& prediction, const Var& target) {
  if (prediction.shape() != target.shape()) {
    throw ShapeError("mse_loss: got prediction of shape " + to_string(prediction.shape()) +
                     " and target of shape " + to_string(target.shape()) +
                     ", expected equal shapes");
  }
  const Var diff = prediction - target;
  return mean(diff * diff);
}

Var l2_penalty(const Module& model, double lambda, bool include_biases) {
  Var total(ArrayF::scalar(0.0f));
  for (const auto& [name, param] : model.named_parameters()) {
    const bool is_weight = name.size() >= 6 && name.compare(name.size() - 6, 6, "weight") == 0;
    if (is_weight || include_biases) total = total + gg::l2_penalty(param, lambda);
  }
  return total;
}

}  // namespace gg::nn
