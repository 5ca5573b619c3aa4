#include <gategrad/tensor/int_array_ref.hpp>
#include <gategrad/tensor/shape.hpp>

#include <limits>
#include <stdexcept>

namespace gg {

std::string to_string(IntArrayRef values) {
  std::string text = "[";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) text += ", ";
    text += std::to_string(values[i]);
  }
  return text + "]";
}

std::int64_t checked_numel(const char* op, IntArrayRef sizes) {
  std::int64_t n = 1;
  for (std::int64_t s : sizes) {
    if (s < 0) {
      throw std::length_error(std::string(op) + ": got a negative size in " + to_string(sizes) +
                              ", expected sizes >= 0");
    }
    if (s != 0 && n > std::numeric_limits<std::int64_t>::max() / s) {
      throw std::length_error(std::string(op) + ": sizes " + to_string(sizes) +
                              " hold more than 2^63 elements");
    }
    n *= s;
  }
  return n;
}

SizeVector contiguous_strides(IntArrayRef sizes) {
  SizeVector strides(sizes.size());
  std::int64_t stride = 1;
  for (std::size_t i = sizes.size(); i-- > 0;) {
    strides[i] = stride;
    stride *= sizes[i] > 1 ? sizes[i] : 1;
  }
  return strides;
}

std::int64_t wrap_dim(const char* op, std::int64_t dim, std::int64_t rank) {
  const std::int64_t lo = rank == 0 ? -1 : -rank;
  const std::int64_t hi = rank == 0 ? 0 : rank - 1;
  if (dim < lo || dim > hi) {
    throw std::out_of_range(std::string(op) + ": dimension out of range (expected to be in range of [" +
                            std::to_string(lo) + ", " + std::to_string(hi) + "], but got " +
                            std::to_string(dim) + ")");
  }
  return dim < 0 ? dim + (rank == 0 ? 1 : rank) : dim;
}

SizeVector broadcast_sizes(const char* op, IntArrayRef a, IntArrayRef b) {
  const std::size_t rank = a.size() > b.size() ? a.size() : b.size();
  SizeVector out(rank);
  for (std::size_t i = 0; i < rank; ++i) {
    const std::int64_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    const std::int64_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (da != db && da != 1 && db != 1) {
      throw ShapeError(std::string(op) + ": sizes " + to_string(a) + " and " + to_string(b) +
                       " do not broadcast: dimension " + std::to_string(i) + " is " +
                       std::to_string(da) + " against " + std::to_string(db) +
                       " (sizes aligned from the right must be equal or 1)");
    }
    out[i] = da == 1 ? db : da;
  }
  return out;
}

}  // namespace gg
