#include <gategrad/tensor/shape.hpp>

#include <algorithm>

namespace gg {

std::string to_string(const Shape& shape) {
  std::string s = "(";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (i > 0) s += ", ";
    s += std::to_string(shape[i]);
  }
  if (shape.size() == 1) s += ",";
  return s + ")";
}

std::size_t numel(const Shape& shape) {
  std::size_t n = 1;
  for (std::size_t d : shape) n *= d;
  return n;
}

Shape broadcast_shapes(std::string_view op, const Shape& a, const Shape& b) {
  const std::size_t rank = std::max(a.size(), b.size());
  Shape out(rank);
  for (std::size_t i = 0; i < rank; ++i) {
    // Align from the right: a missing leading dimension acts as 1.
    const std::size_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    const std::size_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (da != db && da != 1 && db != 1) {
      throw ShapeError(std::string(op) + ": shapes " + to_string(a) + " and " + to_string(b) +
                       " cannot be broadcast together (dimension " + std::to_string(i) +
                       " of the result: " + std::to_string(da) + " vs " + std::to_string(db) +
                       "; expected equal sizes or 1)");
    }
    out[i] = da == 1 ? db : da;
  }
  return out;
}

std::size_t normalize_axis(std::string_view op, std::ptrdiff_t axis, const Shape& shape) {
  const auto rank = static_cast<std::ptrdiff_t>(shape.size());
  if (axis < -rank || axis >= rank) {
    throw std::out_of_range(std::string(op) + ": axis " + std::to_string(axis) +
                            " is out of range for shape " + to_string(shape) + " (expected " +
                            std::to_string(-rank) + " <= axis < " + std::to_string(rank) + ")");
  }
  return static_cast<std::size_t>(axis < 0 ? axis + rank : axis);
}

}  // namespace gg
