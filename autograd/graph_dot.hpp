#pragma once
// The recorded graph of a gg::Tensor as Graphviz DOT: one box per gate with its name, output
// sizes, the line of user code that created it and the module it ran in (when recorded inside
// one); one ellipse per leaf that requires a gradient (its name when set_name was used); one
// dashed ellipse per input that needs no gradient; and an edge from each input to the gate
// that consumed it. Render with `dot -Tpng graph.dot`.
#include <gategrad/tensor/tensor.hpp>

#include <string>

namespace gg {

// Throws std::invalid_argument for an undefined tensor.
std::string to_dot(const Tensor& root, const std::string& title = "computational graph");

}  // namespace gg
