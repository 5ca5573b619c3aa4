#include <gategrad/autograd/graph_dot.hpp>

#include <sstream>
#include <unordered_map>

namespace gg {
namespace {

std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '\n') {
      out += "\\n";  // a line break inside a DOT label
      continue;
    }
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

}  // namespace

template <class T>
std::string to_dot(const Variable<T>& root, const std::string& title) {
  std::ostringstream dot;
  dot << "digraph gategrad {\n  rankdir=LR;\n  label=" << quoted(title) << ";\n"
      << "  node [fontname=\"Helvetica\"];\n";
  std::unordered_map<const void*, std::string> ids;
  const auto id_of = [&](const void* p) {
    std::string id = "n";  // built by appending: GCC 12's -Wrestrict misfires on "n" + string
    id += std::to_string(ids.size());
    auto [it, inserted] = ids.try_emplace(p, std::move(id));
    return it->second;
  };
  const auto leaf_label = [](const std::string& name, const Shape& shape) {
    return (name.empty() ? std::string("leaf") : name) + "\n" + to_string(shape);
  };
  if (root.is_leaf()) {
    dot << "  " << id_of(root.impl().get()) << " [shape=ellipse, label="
        << quoted(leaf_label(root.name(), root.shape())) << "];\n}\n";
    return dot.str();
  }
  std::size_t constants = 0;
  for (Node<T>* node : topological_order(root.grad_fn().get())) {
    const std::string id = id_of(node);
    dot << "  " << id << " [shape=box, style=rounded, label="
        << quoted(std::string(node->name()) + "\n" + to_string(node->out_shape)) << "];\n";
    for (std::size_t i = 0; i < node->num_inputs; ++i) {
      const Edge<T>& e = node->edges[i];
      std::string from;
      if (e.node) {
        from = id_of(e.node.get());
      } else if (e.leaf) {
        const bool first_use = !ids.contains(e.leaf.get());
        from = id_of(e.leaf.get());
        if (first_use) dot << "  " << from << " [shape=ellipse, label=" << quoted(leaf_label(e.leaf->name, e.shape))
            << "];\n";
      } else if (!e.constant_name.empty()) {
        from = "c";
        from += std::to_string(constants++);
        dot << "  " << from << " [shape=ellipse, style=dashed, label="
            << quoted(e.constant_name + "\n" + to_string(e.shape)) << "];\n";
      } else {
        continue;  // an unnamed constant (e.g. a scalar factor) is left out
      }
      dot << "  " << from << " -> " << id << ";\n";
    }
  }
  dot << "  " << id_of(&root) << " [shape=plaintext, label="
      << quoted((root.name().empty() ? std::string("output") : root.name()) + "\n" +
                to_string(root.shape()))
      << "];\n  " << id_of(root.grad_fn().get()) << " -> " << id_of(&root) << ";\n}\n";
  return dot.str();
}

template std::string to_dot(const Variable<float>&, const std::string&);
template std::string to_dot(const Variable<double>&, const std::string&);

}  // namespace gg
