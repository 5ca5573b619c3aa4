#include <gategrad/tensor/detail/simd.hpp>
#include <gategrad/tensor/elementwise.hpp>
#include <gategrad/tensor/layout.hpp>
#include <gategrad/tensor/reduce.hpp>

#include <algorithm>

#include <limits>
#include <stdexcept>
#include <string>
#include <string_view>

namespace gg {
namespace {

using detail::Batch;

struct SumOp {
  template <class V> V operator()(const V& a, const V& b) const { return a + b; }
};
struct MaxOp {
  template <class V> V operator()(const V& a, const V& b) const { return xsimd::max(a, b); }
};

// A reduction over one axis sees the tensor as (outer, len, inner), row-major.
struct AxisSplit {
  std::size_t outer = 1, len = 1, inner = 1;
  Shape out_shape;
};

AxisSplit split_at(std::string_view op, const Shape& shape, std::ptrdiff_t axis, bool keepdims) {
  const std::size_t a = normalize_axis(op, axis, shape);
  AxisSplit s;
  for (std::size_t k = 0; k < shape.size(); ++k) {
    if (k < a) s.outer *= shape[k];
    if (k > a) s.inner *= shape[k];
    if (k != a) s.out_shape.push_back(shape[k]);
    else if (keepdims) s.out_shape.push_back(1);
  }
  s.len = shape[a];
  return s;
}

// out(o, j) = reduce over l of x(o, l, j): for inner > 1 whole rows are combined with vector
// ops (a column sum of a (B, N) matrix streams B rows of N); for inner == 1 each row collapses.
template <class T, class Op>
void reduce_axis(const T* x, const AxisSplit& s, T* out, Op op) {
  if (s.inner == 1) {
    for (std::size_t o = 0; o < s.outer; ++o) {
      const T* row = x + o * s.len;
      if constexpr (std::is_same_v<Op, SumOp>) out[o] = detail::contiguous_sum(row, s.len);
      else out[o] = detail::contiguous_max(row, s.len);
    }
    return;
  }
  for (std::size_t o = 0; o < s.outer; ++o) {
    const T* block = x + o * s.len * s.inner;
    T* dst = out + o * s.inner;
    std::copy_n(block, s.inner, dst);
    for (std::size_t l = 1; l < s.len; ++l) {
      detail::zip(dst, 1, block + l * s.inner, 1, dst, s.inner, op);
    }
  }
}

void require_nonempty(std::string_view op, const Shape& shape, std::size_t len) {
  if (len == 0) {
    throw std::invalid_argument(std::string(op) + ": got an empty reduction over shape " +
                                to_string(shape) + ", expected at least one element");
  }
}

}  // namespace

template <class T>
Array<T> sum(const Array<T>& x) {
  return Array<T>::scalar(detail::contiguous_sum(x.data(), x.size()));
}

template <class T>
Array<T> sum(const Array<T>& x, std::ptrdiff_t axis, bool keepdims) {
  const AxisSplit s = split_at("sum", x.shape(), axis, keepdims);
  if (s.len == 0) return Array<T>::zeros(s.out_shape);
  Array<T> out = Array<T>::empty(s.out_shape);
  reduce_axis(x.data(), s, out.data(), SumOp{});
  return out;
}

template <class T>
Array<T> mean(const Array<T>& x) {
  return Array<T>::scalar(detail::contiguous_sum(x.data(), x.size()) / static_cast<T>(x.size()));
}

template <class T>
Array<T> mean(const Array<T>& x, std::ptrdiff_t axis, bool keepdims) {
  const std::size_t len = x.shape()[normalize_axis("mean", axis, x.shape())];
  Array<T> out = sum(x, axis, keepdims);
  mul_(out, len == 0 ? std::numeric_limits<T>::quiet_NaN() : T(1) / static_cast<T>(len));
  return out;
}

template <class T>
Array<T> max(const Array<T>& x) {
  require_nonempty("max", x.shape(), x.size());
  return Array<T>::scalar(detail::contiguous_max(x.data(), x.size()));
}

template <class T>
Array<T> max(const Array<T>& x, std::ptrdiff_t axis, bool keepdims) {
  const AxisSplit s = split_at("max", x.shape(), axis, keepdims);
  require_nonempty("max", x.shape(), s.len);
  Array<T> out = Array<T>::empty(s.out_shape);
  reduce_axis(x.data(), s, out.data(), MaxOp{});
  return out;
}

template <class T>
std::size_t argmax(const Array<T>& x) {
  require_nonempty("argmax", x.shape(), x.size());
  const T* p = x.data();
  return static_cast<std::size_t>(std::max_element(p, p + x.size()) - p);
}

template <class T>
IndexArray argmax(const Array<T>& x, std::ptrdiff_t axis, bool keepdims) {
  const AxisSplit s = split_at("argmax", x.shape(), axis, keepdims);
  require_nonempty("argmax", x.shape(), s.len);
  IndexArray out = IndexArray::from_shape(s.out_shape);
  for (std::size_t o = 0; o < s.outer; ++o) {
    for (std::size_t j = 0; j < s.inner; ++j) {
      const T* base = x.data() + o * s.len * s.inner + j;
      std::size_t best = 0;
      for (std::size_t l = 1; l < s.len; ++l) {
        if (base[l * s.inner] > base[best * s.inner]) best = l;
      }
      out.data()[o * s.inner + j] = static_cast<std::int64_t>(best);
    }
  }
  return out;
}

template <class T>
void sum_to_into(Array<T>& out, const Array<T>& x, const Shape& shape) {
  // The common case, written straight into out: the reduced axes are all leading ones (a
  // bias's gradient, (B, N) -> (N) or (1, N)), so x is (R, C) rows summed into C values.
  const Shape& from = x.shape();
  std::size_t first = 0;  // shape without its leading 1s
  while (first < shape.size() && shape[first] == 1) ++first;
  const std::size_t kept = shape.size() - first;
  bool leading_only = kept <= from.size();
  for (std::size_t k = 0; leading_only && k < kept; ++k) {
    leading_only = shape[first + k] == from[from.size() - kept + k];
  }
  if (!leading_only) {  // inner axes broadcast too: reduce through a temporary
    Array<T> reduced = sum_to(x, shape);
    if (out.shape() == shape) std::copy_n(reduced.data(), reduced.size(), out.data());
    else out = std::move(reduced);
    return;
  }
  if (out.shape() != shape) out = Array<T>::empty(shape);
  const std::size_t C = out.size();
  const std::size_t R = C == 0 ? 0 : x.size() / C;
  T* o = out.data();
  const T* in = x.data();
  std::fill_n(o, C, T(0));
  for (std::size_t r = 0; r < R; ++r) {
    const T* row = in + r * C;
    for (std::size_t j = 0; j < C; ++j) o[j] += row[j];
  }
}

template <class T>
Array<T> sum_to(const Array<T>& x, const Shape& shape) {
  const Shape& from = x.shape();
  if (from == shape) return x;
  bool broadcasts = shape.size() <= from.size();
  for (std::size_t k = 0; broadcasts && k < shape.size(); ++k) {
    const std::size_t d = shape[k], e = from[from.size() - shape.size() + k];
    broadcasts = d == e || d == 1;
  }
  if (!broadcasts) {
    throw ShapeError("sum_to: cannot reduce shape " + to_string(from) + " to " +
                     to_string(shape) + " (expected a shape that broadcasts to " +
                     to_string(from) + ")");
  }
  // Sum each expanded axis with keepdims, outermost first, then drop the leading axes.
  const std::size_t lead = from.size() - shape.size();
  Array<T> out = x;
  for (std::size_t k = 0; k < from.size(); ++k) {
    const bool expanded = k < lead ? true : (shape[k - lead] == 1 && from[k] != 1);
    if (expanded) out = sum(out, static_cast<std::ptrdiff_t>(k), /*keepdims=*/true);
  }
  return reshape(std::move(out), shape);
}

template void sum_to_into(Array<float>&, const Array<float>&, const Shape&);
template void sum_to_into(Array<double>&, const Array<double>&, const Shape&);
template Array<float> sum_to(const Array<float>&, const Shape&);
template Array<double> sum_to(const Array<double>&, const Shape&);
template Array<float> sum(const Array<float>&);
template Array<double> sum(const Array<double>&);
template Array<float> sum(const Array<float>&, std::ptrdiff_t, bool);
template Array<double> sum(const Array<double>&, std::ptrdiff_t, bool);
template Array<float> mean(const Array<float>&);
template Array<double> mean(const Array<double>&);
template Array<float> mean(const Array<float>&, std::ptrdiff_t, bool);
template Array<double> mean(const Array<double>&, std::ptrdiff_t, bool);
template Array<float> max(const Array<float>&);
template Array<double> max(const Array<double>&);
template Array<float> max(const Array<float>&, std::ptrdiff_t, bool);
template Array<double> max(const Array<double>&, std::ptrdiff_t, bool);
template std::size_t argmax(const Array<float>&);
template std::size_t argmax(const Array<double>&);
template IndexArray argmax(const Array<float>&, std::ptrdiff_t, bool);
template IndexArray argmax(const Array<double>&, std::ptrdiff_t, bool);

}  // namespace gg
