#include <gategrad/tensor/array.hpp>

#include <xtensor/xio.hpp>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace gg {

template <class T>
Array<T>::Array() : array_(storage_type::from_shape(Shape{})) {
  array_.data()[0] = T(0);
}

template <class T>
Array<T> Array<T>::empty(const Shape& shape) {
  return Array(storage_type::from_shape(shape));
}

template <class T>
Array<T> Array<T>::full(const Shape& shape, T value) {
  Array t = empty(shape);
  std::fill_n(t.data(), t.size(), value);
  return t;
}

template <class T>
Array<T> Array<T>::zeros(const Shape& shape) { return full(shape, T(0)); }

template <class T>
Array<T> Array<T>::ones(const Shape& shape) { return full(shape, T(1)); }

template <class T>
Array<T> Array<T>::scalar(T value) { return full(Shape{}, value); }

template <class T>
Array<T> Array<T>::from(const Shape& shape, std::span<const T> values) {
  if (values.size() != numel(shape)) {
    throw ShapeError("Array::from: got " + std::to_string(values.size()) +
                     " values for shape " + to_string(shape) + ", expected " +
                     std::to_string(numel(shape)));
  }
  Array t = empty(shape);
  std::copy(values.begin(), values.end(), t.data());
  return t;
}

template <class T>
Array<T> Array<T>::from(const Shape& shape, std::initializer_list<T> values) {
  return from(shape, std::span<const T>(values.begin(), values.size()));
}

template <class T>
Array<T> Array<T>::arange(T start, T stop, T step) {
  if (step == T(0) || !std::isfinite(start) || !std::isfinite(stop) || !std::isfinite(step)) {
    throw std::invalid_argument("Array::arange: got start " + std::to_string(start) +
                                ", stop " + std::to_string(stop) + ", step " +
                                std::to_string(step) + "; expected finite values, step != 0");
  }
  const double count = std::ceil((static_cast<double>(stop) - start) / step);
  const std::size_t n = count > 0 ? static_cast<std::size_t>(count) : 0;
  Array t = empty(Shape{n});
  for (std::size_t i = 0; i < n; ++i) t.data()[i] = static_cast<T>(start + static_cast<T>(i) * step);
  return t;
}

template <class T>
Array<T> Array<T>::randn(const Shape& shape, Generator& gen, T mean, T stddev) {
  Array t = empty(shape);
  for (T& x : t.values()) x = mean + stddev * static_cast<T>(gen.normal());
  return t;
}

template <class T>
Array<T> Array<T>::uniform(const Shape& shape, Generator& gen, T low, T high) {
  if (!(low <= high)) {
    throw std::invalid_argument("Array::uniform: got low " + std::to_string(low) + " > high " +
                                std::to_string(high) + ", expected low <= high");
  }
  Array t = empty(shape);
  for (T& x : t.values()) {
    const T u = std::is_same_v<T, float> ? static_cast<T>(gen.uniform01f())
                                         : static_cast<T>(gen.uniform01());
    x = low + (high - low) * u;
  }
  return t;
}

template <class T>
std::size_t Array<T>::size(std::ptrdiff_t axis) const {
  return shape()[normalize_axis("Array::size", axis, shape())];
}

template <class T>
std::size_t Array<T>::offset_of(std::initializer_list<std::size_t> index) const {
  const Shape& s = shape();
  auto fail = [&] {
    std::string idx = "(";
    for (std::size_t i : index) idx += (idx.size() > 1 ? ", " : "") + std::to_string(i);
    throw std::out_of_range("Array::at: index " + idx + ") is out of range for shape " +
                            to_string(s));
  };
  if (index.size() != s.size()) fail();
  std::size_t offset = 0;
  std::size_t d = 0;
  for (std::size_t i : index) {
    if (i >= s[d]) fail();
    offset = offset * s[d] + i;
    ++d;
  }
  return offset;
}

template <class T>
T& Array<T>::at(std::initializer_list<std::size_t> index) { return data()[offset_of(index)]; }

template <class T>
const T& Array<T>::at(std::initializer_list<std::size_t> index) const {
  return data()[offset_of(index)];
}

template <class T>
T Array<T>::item() const {
  if (size() != 1) {
    throw ShapeError("Array::item: got shape " + to_string(shape()) +
                     ", expected a tensor with exactly one element");
  }
  return data()[0];
}

template <class T>
bool allclose(const Array<T>& a, const Array<T>& b, double rtol, double atol) {
  if (a.shape() != b.shape()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const double x = a.data()[i];
    const double y = b.data()[i];
    if (x != y && !(std::abs(x - y) <= atol + rtol * std::abs(y))) return false;
  }
  return true;
}

template <class T>
std::ostream& operator<<(std::ostream& os, const Array<T>& t) {
  return os << t.xarray();
}

template class Array<float>;
template std::ostream& operator<<(std::ostream&, const Array<float>&);
template std::ostream& operator<<(std::ostream&, const Array<double>&);
template class Array<double>;
template bool allclose(const Array<float>&, const Array<float>&, double, double);
template bool allclose(const Array<double>&, const Array<double>&, double, double);

}  // namespace gg
