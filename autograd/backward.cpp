#include <gategrad/autograd/backward.hpp>
#include <gategrad/autograd/graph.hpp>
#include <gategrad/tensor/factory.hpp>

#include <stdexcept>
#include <string>

namespace gg::autograd {
namespace {

// The seeds: the given gradients, or 1 for each one-element output.
tensor_list seeds(const char* caller, const tensor_list& outputs, const tensor_list& given) {
  if (!given.empty() && given.size() != outputs.size()) {
    throw std::invalid_argument(std::string(caller) + ": got " + std::to_string(outputs.size()) +
                                " outputs and " + std::to_string(given.size()) +
                                " gradients for them, expected one per output (or none)");
  }
  tensor_list out(outputs.size());
  for (std::size_t i = 0; i < outputs.size(); ++i) {
    if (!given.empty() && given[i].defined()) {
      out[i] = given[i];
      continue;
    }
    if (!outputs[i].defined() || outputs[i].numel() != 1) {
      throw std::logic_error(std::string(caller) + ": grad can be implicitly created only for a "
                             "one-element output, got output " + std::to_string(i) + " of sizes " +
                             (outputs[i].defined() ? to_string(outputs[i].sizes()) : std::string("(undefined)")) +
                             "; pass its gradient in grad_outputs");
    }
    out[i] = ones_like(outputs[i]);
  }
  return out;
}

// retain_graph defaults to create_graph, as in LibTorch.
BackwardPass make_pass(const tensor_list& roots, const tensor_list& grads, std::optional<bool> retain_graph,
                       bool create_graph, const tensor_list& inputs) {
  BackwardPass pass;
  pass.roots = roots;
  pass.grads = grads;
  pass.retain_graph = retain_graph.value_or(create_graph);
  pass.create_graph = create_graph;
  pass.inputs = inputs;
  return pass;
}

}  // namespace

tensor_list grad(const tensor_list& outputs, const tensor_list& inputs, const tensor_list& grad_outputs,
                 std::optional<bool> retain_graph, bool create_graph, bool allow_unused) {
  if (inputs.empty()) throw std::invalid_argument("grad: got no inputs, expected at least one tensor");
  const tensor_list grads = seeds("grad", outputs, grad_outputs);
  BackwardPass pass = make_pass(outputs, grads, retain_graph, create_graph, inputs);
  pass.accumulate = false;
  pass.allow_unused = allow_unused;
  pass.caller = "grad";
  return run_backward(pass);
}

void backward(const tensor_list& tensors, const tensor_list& grad_tensors,
              std::optional<bool> retain_graph, bool create_graph, const tensor_list& inputs) {
  const tensor_list grads = seeds("backward", tensors, grad_tensors);
  run_backward(make_pass(tensors, grads, retain_graph, create_graph, inputs));
}

}  // namespace gg::autograd
