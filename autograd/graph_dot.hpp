#pragma once
// The recorded graph of a Variable as Graphviz DOT: one box per gate with its name and output
// shape, one ellipse per leaf (named when set_name was used) and per named constant input, and
// an edge from each input to the gate that consumed it. Render with `dot -Tpng graph.dot`.
#include <gategrad/autograd/variable.hpp>

#include <string>

namespace gg {

template <class T>
std::string to_dot(const Variable<T>& root, const std::string& title = "computational graph");

}  // namespace gg
