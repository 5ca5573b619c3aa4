#pragma once
// ExpandingArray<D>: D sizes given as one value for all dims or as D values, as LibTorch's
// torch::ExpandingArray: Conv2dOptions(1, 10, 5) and Conv2dOptions(1, 10, {5, 3}) both work.
#include <gategrad/tensor/int_array_ref.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <vector>

namespace gg {

template <std::size_t D>
class ExpandingArray {
 public:
  ExpandingArray(std::int64_t value) { values_.fill(value); }  // NOLINT: implicit, as LibTorch's
  ExpandingArray(std::initializer_list<std::int64_t> list) {   // NOLINT
    assign(list.begin(), list.size());
  }
  ExpandingArray(const std::vector<std::int64_t>& list) { assign(list.data(), list.size()); }  // NOLINT

  std::size_t size() const { return D; }
  std::int64_t operator[](std::size_t i) const { return values_[i]; }
  // LibTorch's `*options.kernel_size()`: the values as an IntArrayRef.
  IntArrayRef operator*() const { return IntArrayRef(values_.data(), D); }
  operator IntArrayRef() const { return **this; }  // NOLINT: implicit, as LibTorch's
  const std::array<std::int64_t, D>& values() const { return values_; }

 private:
  void assign(const std::int64_t* data, std::size_t n) {
    if (n != D) {
      throw std::invalid_argument("ExpandingArray: got " + std::to_string(n) + " values, expected " +
                                  std::to_string(D));
    }
    for (std::size_t i = 0; i < D; ++i) values_[i] = data[i];
  }
  std::array<std::int64_t, D> values_{};
};

}  // namespace gg
