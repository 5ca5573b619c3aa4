#pragma once
// Shapes and the errors that name them.
#include <xtensor/xstorage.hpp>

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>

namespace gg {

// Dimensions of a row-major tensor, outermost first. Small-buffer storage: no heap for rank <= 4.
using Shape = xt::svector<std::size_t, 4>;

// Thrown for every shape mismatch; the message names the operation and the shapes involved.
class ShapeError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// "(2, 3)"; a scalar (rank 0) prints as "()", a vector as "(5,)".
std::string to_string(const Shape& shape);

// Number of elements: the product of the dimensions (1 for a scalar).
std::size_t numel(const Shape& shape);

// NumPy broadcasting of two shapes: dimensions aligned from the right must be equal or 1.
// Throws ShapeError naming `op` and both shapes otherwise.
Shape broadcast_shapes(std::string_view op, const Shape& a, const Shape& b);

// Resolves a possibly negative axis (-1 is the last) against `rank`; throws std::out_of_range
// naming `op`, the axis and the shape when it is outside [-rank, rank).
std::size_t normalize_axis(std::string_view op, std::ptrdiff_t axis, const Shape& shape);

}  // namespace gg
