#pragma once
// torch::autograd::grad and torch::autograd::backward: the engine's entry points for several
// outputs at once, and for gradients of chosen inputs only (a gradient penalty, a Hessian-vector
// product, a second derivative).
#include <gategrad/tensor/tensor.hpp>

#include <optional>
#include <vector>

namespace gg::autograd {

using tensor_list = std::vector<Tensor>;

// The gradients of sum_i <outputs[i], grad_outputs[i]> with respect to each of `inputs`, as
// torch::autograd::grad: returned, not accumulated into .grad(). grad_outputs may be empty
// when every output has one element (each is seeded with 1). retain_graph defaults to
// create_graph; create_graph gives gradients that are differentiable again. An input that no
// output depends on throws std::logic_error, or gives an undefined tensor with allow_unused.
// Only the nodes on a path from an output to an input run.
tensor_list grad(const tensor_list& outputs, const tensor_list& inputs,
                 const tensor_list& grad_outputs = {}, std::optional<bool> retain_graph = std::nullopt,
                 bool create_graph = false, bool allow_unused = false);

// Tensor::backward for several outputs at once, as torch::autograd::backward: accumulates into
// the .grad() of every leaf reached (or of `inputs` alone when given).
void backward(const tensor_list& tensors, const tensor_list& grad_tensors = {},
              std::optional<bool> retain_graph = std::nullopt, bool create_graph = false,
              const tensor_list& inputs = {});

}  // namespace gg::autograd
