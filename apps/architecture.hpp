#pragma once
// MLP architectures written as strings, as `gategrad depth --arch` takes them:
//   "linear,relu,linear,dropout(0.5),linear"
// Every linear but the last maps to `hidden` units; the first takes the input dimension and the
// last gives one logit per class.
#include <gategrad/nn/layers.hpp>

#include <memory>
#include <string>
#include <vector>

namespace gg::app {

struct NamedArchitecture {
  std::string name;  // "Linear-ReLU-Linear"
  std::string spec;  // "linear,relu,linear"
};

// The homework's seven depth experiments, in its order.
const std::vector<NamedArchitecture>& homework_architectures();

// Throws std::invalid_argument naming the position and the token for an unknown layer, a
// malformed dropout(p), or a spec that does not start and end with linear.
std::shared_ptr<nn::Sequential> build_mlp(const std::string& spec, std::size_t inputs,
                                          std::size_t hidden, std::size_t classes,
                                          Generator& init);

// "linear,relu,linear" -> "Linear-ReLU-Linear".
std::string display_name(const std::string& spec);

}  // namespace gg::app
