#pragma once
// Array<T>: an n-d, row-major, contiguous array of float (training) or double (exact gradient
// checks), stored in an xtensor container with 64-byte-aligned memory.
//
// This is the core that Variable<T>, nn, optim, data and the apps still run on while they move
// to gg::Tensor (tensor/tensor.hpp: runtime dtype, strided views over shared storage, issue 11);
// it goes once the last of them has moved.
//
// Value semantics: copying an Array copies its data, moving it moves the buffer. Operations
// (elementwise.hpp, reduce.hpp, layout.hpp, matmul.hpp) return new tensors; xarray() exposes
// the underlying xt::xarray for xtensor expressions.
#include <gategrad/tensor/allocator.hpp>
#include <gategrad/tensor/random.hpp>
#include <gategrad/tensor/shape.hpp>

#include <xtensor/xarray.hpp>

#include <cstddef>
#include <initializer_list>
#include <iosfwd>
#include <span>
#include <type_traits>

namespace gg {

template <class T>
class Array {
  static_assert(std::is_same_v<T, float> || std::is_same_v<T, double>,
                "gg::Array holds float (training) or double (gradient checks)");

 public:
  using value_type = T;
  using storage_type = xt::xarray<T, xt::layout_type::row_major,
                                  CachingAllocator<T>>;  // 64-byte aligned, reused

  // A rank-0 tensor holding 0.
  Array();
  // Adopts an xtensor array.
  explicit Array(storage_type array) : array_(std::move(array)) {}

  // Uninitialized storage of the given shape: for outputs about to be overwritten.
  static Array empty(const Shape& shape);
  static Array zeros(const Shape& shape);
  static Array ones(const Shape& shape);
  static Array full(const Shape& shape, T value);
  static Array scalar(T value);
  // Copies `values` (row-major); throws ShapeError unless values.size() == numel(shape).
  static Array from(const Shape& shape, std::span<const T> values);
  static Array from(const Shape& shape, std::initializer_list<T> values);
  // [start, stop) in steps of `step`, as numpy.arange; throws std::invalid_argument for step 0.
  static Array arange(T start, T stop, T step = T(1));
  // Seeded draws: the same generator state gives the same numbers on every run.
  static Array randn(const Shape& shape, Generator& gen, T mean = T(0), T stddev = T(1));
  static Array uniform(const Shape& shape, Generator& gen, T low = T(0), T high = T(1));

  const Shape& shape() const { return array_.shape(); }
  std::size_t dim() const { return array_.dimension(); }
  std::size_t size() const { return array_.size(); }
  // Size of one dimension; negative counts from the end. Throws std::out_of_range.
  std::size_t size(std::ptrdiff_t axis) const;

  T* data() { return array_.data(); }
  const T* data() const { return array_.data(); }
  std::span<T> values() & { return {data(), size()}; }
  std::span<const T> values() const& { return {data(), size()}; }
  // A span into a temporary would dangle (e.g. `for (x : make().values())`): name it first.
  void values() && = delete;

  // Bounds-checked element access; throws std::out_of_range naming the index and the shape.
  T& at(std::initializer_list<std::size_t> index);
  const T& at(std::initializer_list<std::size_t> index) const;
  // The single value of a one-element tensor; throws ShapeError otherwise.
  T item() const;

  storage_type& xarray() { return array_; }
  const storage_type& xarray() const { return array_; }

  template <class U>
  Array<U> cast() const {
    typename Array<U>::storage_type out = Array<U>::storage_type::from_shape(shape());
    for (std::size_t i = 0; i < size(); ++i) out.data()[i] = static_cast<U>(data()[i]);
    return Array<U>(std::move(out));
  }

 private:
  std::size_t offset_of(std::initializer_list<std::size_t> index) const;
  storage_type array_;
};

using ArrayF = Array<float>;
using ArrayD = Array<double>;

// |a - b| <= atol + rtol * |b| elementwise (equal infinities match, NaN matches nothing);
// false when the shapes differ.
template <class T>
bool allclose(const Array<T>& a, const Array<T>& b, double rtol = 1e-5, double atol = 1e-8);

// Prints the values as xtensor does (nested braces), e.g. {{ 1., 2.}, { 3., 4.}}.
template <class T>
std::ostream& operator<<(std::ostream& os, const Array<T>& t);

extern template class Array<float>;
extern template class Array<double>;

}  // namespace gg
