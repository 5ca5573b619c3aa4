#include <gategrad/autograd/autograd_meta.hpp>
#include <gategrad/autograd/graph.hpp>
#include <gategrad/autograd/graph_dot.hpp>

#include <sstream>
#include <stdexcept>
#include <string_view>
#include <unordered_map>
#include <vector>

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

// Stable short ids ("n0", "n1", ...) for the graph's objects, in order of first use.
class Ids {
 public:
  bool seen(const void* p) const { return ids_.contains(p); }
  const std::string& of(const void* p) {
    std::string id = "n";  // built by appending: GCC 12's -Wrestrict misfires on "n" + string
    id += std::to_string(ids_.size());
    return ids_.try_emplace(p, std::move(id)).first->second;
  }

 private:
  std::unordered_map<const void*, std::string> ids_;
};

// "model.cpp:12": the file's name without its directories, which only widen the box.
std::string line_of(const SourceLocation& where) {
  std::string_view file = where.file_name();
  if (const std::size_t slash = file.find_last_of('/'); slash != std::string_view::npos) {
    file.remove_prefix(slash + 1);
  }
  return std::string(file) + ":" + std::to_string(where.line());
}

// A gate's box: name, output sizes, the user's line (unknown for the Tensor methods, which
// record no line) and the module scope.
std::string gate_label(const autograd::Node& node) {
  std::string label = std::string(node.name()) + "\n" + to_string(IntArrayRef(node.out_sizes));
  if (node.out_dtype != kDefaultFloat) label += " " + std::string(name(node.out_dtype));
  if (node.where.line() != 0) label += "\n" + line_of(node.where);
  if (node.scope != nullptr && !node.scope->empty()) label += "\nin " + *node.scope;
  return label;
}

std::string leaf_label(const std::string& name, IntArrayRef sizes) {
  return (name.empty() ? std::string("leaf") : name) + "\n" + to_string(sizes);
}

}  // namespace

std::string to_dot(const Tensor& root, const std::string& title) {
  if (!root.defined()) {
    throw std::invalid_argument("to_dot: got an undefined tensor, expected a tensor to draw the "
                                "graph of");
  }
  std::ostringstream dot;
  dot << "digraph gategrad {\n  rankdir=LR;\n  label=" << quoted(title) << ";\n"
      << "  node [fontname=\"Helvetica\"];\n";
  Ids ids;
  if (root.grad_fn() == nullptr) {
    dot << "  " << ids.of(root.unsafe_impl()) << " [shape=ellipse, label="
        << quoted(leaf_label(root.name(), root.sizes())) << "];\n}\n";
    return dot.str();
  }
  std::vector<autograd::Node*> order;
  autograd::topological_order(root.grad_fn().get(), order);
  std::size_t constants = 0;
  for (const autograd::Node* node : order) {
    const std::string id = ids.of(node);
    dot << "  " << id << " [shape=box, style=rounded, label=" << quoted(gate_label(*node))
        << "];\n";
    for (const autograd::Edge& e : node->edges) {
      std::string from;
      if (e.node) {
        from = ids.of(e.node.get());
      } else if (e.leaf) {
        const bool first_use = !ids.seen(e.leaf.get());
        from = ids.of(e.leaf.get());
        if (first_use) {
          dot << "  " << from << " [shape=ellipse, label="
              << quoted(leaf_label(e.leaf->name, e.sizes)) << "];\n";
        }
      } else {
        // An input that needs no gradient: the edge keeps its sizes but not the tensor, so its
        // name (Tensor::name) cannot be shown; each use gets its own ellipse.
        from = "c";
        from += std::to_string(constants++);
        dot << "  " << from << " [shape=ellipse, style=dashed, label="
            << quoted("constant\n" + to_string(IntArrayRef(e.sizes))) << "];\n";
      }
      dot << "  " << from << " -> " << id << ";\n";
    }
  }
  const std::string root_label =
      (root.name().empty() ? std::string("output") : root.name()) + "\n" + to_string(root.sizes());
  const std::string root_id = ids.of(root.unsafe_impl());
  dot << "  " << root_id << " [shape=plaintext, label=" << quoted(root_label) << "];\n  "
      << ids.of(root.grad_fn().get()) << " -> " << root_id << ";\n}\n";
  return dot.str();
}

}  // namespace gg
