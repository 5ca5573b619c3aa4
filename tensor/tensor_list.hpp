#pragma once
// TensorList: a borrowed list of tensors (cat's and stack's inputs), as at::TensorList. Built
// from a braced list (`gg::cat({a, b})`), a std::vector (split's result) or a span; it never
// owns, so a function that keeps the tensors copies them.
#include <gategrad/tensor/tensor.hpp>

#include <cstddef>
#include <initializer_list>
#include <span>
#include <vector>

namespace gg {

class TensorList {
 public:
  TensorList() = default;
  // The list lives until the end of the full expression the call is in: enough for an argument.
  TensorList(std::initializer_list<Tensor> list) {  // NOLINT: implicit, as at::TensorList
    data_ = list.begin();
    size_ = list.size();
  }
  TensorList(const std::vector<Tensor>& v) : data_(v.data()), size_(v.size()) {}              // NOLINT
  TensorList(std::span<const Tensor> s) : data_(s.data()), size_(s.size()) {}                 // NOLINT

  const Tensor* data() const { return data_; }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const Tensor* begin() const { return data_; }
  const Tensor* end() const { return data_ + size_; }
  const Tensor& operator[](std::size_t i) const { return data_[i]; }
  std::span<const Tensor> span() const { return {data_, size_}; }

 private:
  const Tensor* data_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace gg
