#pragma once
// IntArrayRef: a borrowed list of int64 (sizes, strides, dims), as c10::IntArrayRef. Built from
// a braced list (`t.view({2, -1})`), a std::vector, a SizeVector or a span; it never owns, so a
// function that keeps the values copies them (vec()).
#include <xtensor/xstorage.hpp>

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <vector>

namespace gg {

// Sizes and strides as a tensor keeps them: no heap for rank <= 6.
using SizeVector = xt::svector<std::int64_t, 6>;

class IntArrayRef {
 public:
  IntArrayRef() = default;
  // The list lives until the end of the full expression the call is in: enough for an argument.
  IntArrayRef(std::initializer_list<std::int64_t> list) {  // NOLINT: implicit, as c10::ArrayRef
    data_ = list.begin();
    size_ = list.size();
  }
  IntArrayRef(const std::vector<std::int64_t>& v) : data_(v.data()), size_(v.size()) {}  // NOLINT
  IntArrayRef(const SizeVector& v) : data_(v.data()), size_(v.size()) {}                 // NOLINT
  IntArrayRef(std::span<const std::int64_t> s) : data_(s.data()), size_(s.size()) {}     // NOLINT
  IntArrayRef(const std::int64_t* data, std::size_t size) : data_(data), size_(size) {}
  // One value, as c10::ArrayRef's one-element constructor: x.sum(1), x.view(-1), zeros(3). It
  // refers to the value, which must outlive the reference (a literal argument does).
  IntArrayRef(const std::int64_t& one) : data_(&one), size_(1) {}  // NOLINT: implicit, as c10::ArrayRef

  const std::int64_t* data() const { return data_; }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const std::int64_t* begin() const { return data_; }
  const std::int64_t* end() const { return data_ + size_; }
  std::int64_t operator[](std::size_t i) const { return data_[i]; }
  std::int64_t back() const { return data_[size_ - 1]; }

  SizeVector vec() const { return SizeVector(begin(), end()); }
  friend bool operator==(IntArrayRef a, IntArrayRef b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (a[i] != b[i]) return false;
    }
    return true;
  }

 private:
  const std::int64_t* data_ = nullptr;
  std::size_t size_ = 0;
};

// "[2, 3]", as LibTorch prints sizes; "[]" for a scalar.
std::string to_string(IntArrayRef values);

// The product of the sizes (1 for none); throws std::length_error naming `op` on overflow or a
// negative size.
std::int64_t checked_numel(const char* op, IntArrayRef sizes);

// Row-major (C-order) strides of `sizes`, in elements.
SizeVector contiguous_strides(IntArrayRef sizes);

// Resolves a possibly negative dim (-1 is the last) against `rank`; throws std::out_of_range
// naming `op` ("Dimension out of range (expected to be in range of [-2, 1], but got 2)").
std::int64_t wrap_dim(const char* op, std::int64_t dim, std::int64_t rank);

// Broadcasts two size lists (NumPy rules, aligned from the right); throws ShapeError naming
// `op` and both sizes.
SizeVector broadcast_sizes(const char* op, IntArrayRef a, IntArrayRef b);

}  // namespace gg
