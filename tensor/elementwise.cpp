#include <gategrad/tensor/detail/simd.hpp>
#include <gategrad/tensor/elementwise.hpp>

#include <string>
#include <string_view>

namespace gg {
namespace {

using detail::Batch;

// Op functors: each call operator accepts a Batch<T> or a plain T, so one definition serves
// the vector body and the scalar tail of a loop.
struct Neg { template <class V> V operator()(const V& x) const { return -x; } };
struct Exp { template <class V> V operator()(const V& x) const { return detail::exp(x); } };
struct Log { template <class V> V operator()(const V& x) const { return xsimd::log(x); } };
struct Sqrt { template <class V> V operator()(const V& x) const { return xsimd::sqrt(x); } };
struct Square { template <class V> V operator()(const V& x) const { return x * x; } };
struct Relu { template <class V> V operator()(const V& x) const { return xsimd::max(x, V(0)); } };
struct Sigmoid {
  template <class V> V operator()(const V& x) const { return V(1) / (V(1) + xsimd::exp(-x)); }
};
struct Tanh { template <class V> V operator()(const V& x) const { return xsimd::tanh(x); } };

struct Add { template <class V> V operator()(const V& a, const V& b) const { return a + b; } };
struct Sub { template <class V> V operator()(const V& a, const V& b) const { return a - b; } };
struct Mul { template <class V> V operator()(const V& a, const V& b) const { return a * b; } };
struct Div { template <class V> V operator()(const V& a, const V& b) const { return a / b; } };
struct Max {
  template <class V> V operator()(const V& a, const V& b) const { return xsimd::max(a, b); }
};
// relu_backward: pass dy where the ReLU output y is positive.
struct PassWherePositive {
  template <class T, class A>
  xsimd::batch<T, A> operator()(const xsimd::batch<T, A>& y, const xsimd::batch<T, A>& dy) const {
    return xsimd::select(y > xsimd::batch<T, A>(T(0)), dy, xsimd::batch<T, A>(T(0)));
  }
  template <class T>
  T operator()(T y, T dy) const { return y > T(0) ? dy : T(0); }
};

template <class T, class Op>
Array<T> unary(const Array<T>& x, Op op) {
  Array<T> y = Array<T>::empty(x.shape());
  detail::map(x.data(), y.data(), x.size(), op);
  return y;
}

// Row-major element strides of `shape` laid against an output of rank `rank` (aligned right),
// with stride 0 on every broadcast dimension.
Shape broadcast_strides(const Shape& shape, const Shape& out) {
  Shape strides(out.size(), 0);
  std::size_t stride = 1;
  for (std::size_t k = 0; k < shape.size(); ++k) {
    const std::size_t i = shape.size() - 1 - k;          // dimension of the operand
    const std::size_t o = out.size() - 1 - k;            // matching dimension of the output
    strides[o] = shape[i] == 1 && out[o] != 1 ? 0 : stride;
    stride *= shape[i];
  }
  return strides;
}

// out = op(a, b) with broadcasting, for an `out` already shaped to the broadcast shape.
// Adjacent dimensions that are contiguous in both operands are merged first, so a same-shape
// op is one flat loop and a bias add (B,N) + (N,) is B rows of one vectorized loop each.
template <class T, class Op>
void broadcast_into(const T* a, const Shape& a_shape, const T* b, const Shape& b_shape, T* out,
                    const Shape& out_shape, Op op) {
  const std::size_t rank = out_shape.size();
  if (numel(out_shape) == 0) return;
  if (rank == 0) {
    out[0] = op(a[0], b[0]);
    return;
  }
  const Shape sa = broadcast_strides(a_shape, out_shape);
  const Shape sb = broadcast_strides(b_shape, out_shape);
  // Merge from the innermost dimension outwards; dimensions of size 1 merge with anything.
  Shape dims, da, db;
  for (std::size_t k = rank; k-- > 0;) {
    if (out_shape[k] == 1) continue;
    if (!dims.empty() && sa[k] == da.back() * dims.back() && sb[k] == db.back() * dims.back()) {
      dims.back() *= out_shape[k];
      continue;
    }
    dims.push_back(out_shape[k]);
    da.push_back(sa[k]);
    db.push_back(sb[k]);
  }
  if (dims.empty()) {  // every dimension is 1
    out[0] = op(a[0], b[0]);
    return;
  }
  // dims/da/db are innermost-first now; the innermost stride is 0 or 1 by construction.
  const std::size_t n = dims[0];
  std::size_t rows = 1;
  for (std::size_t k = 1; k < dims.size(); ++k) rows *= dims[k];
  Shape counter(dims.size(), 0);
  std::size_t offset_a = 0, offset_b = 0;
  for (std::size_t r = 0; r < rows; ++r) {
    detail::zip(a + offset_a, da[0], b + offset_b, db[0], out + r * n, n, op);
    // Odometer over the outer dimensions.
    for (std::size_t k = 1; k < dims.size(); ++k) {
      offset_a += da[k];
      offset_b += db[k];
      if (++counter[k] < dims[k]) break;
      offset_a -= da[k] * dims[k];
      offset_b -= db[k] * dims[k];
      counter[k] = 0;
    }
  }
}

template <class T, class Op>
Array<T> binary(std::string_view name, const Array<T>& a, const Array<T>& b, Op op) {
  Array<T> out = Array<T>::empty(broadcast_shapes(name, a.shape(), b.shape()));
  broadcast_into(a.data(), a.shape(), b.data(), b.shape(), out.data(), out.shape(), op);
  return out;
}

template <class T, class Op>
Array<T> with_scalar_right(const Array<T>& a, T b, Op op) {
  Array<T> out = Array<T>::empty(a.shape());
  detail::zip(a.data(), 1, &b, 0, out.data(), a.size(), op);
  return out;
}

template <class T, class Op>
Array<T> with_scalar_left(T a, const Array<T>& b, Op op) {
  Array<T> out = Array<T>::empty(b.shape());
  detail::zip(&a, 0, b.data(), 1, out.data(), b.size(), op);
  return out;
}

template <class T, class Op>
Array<T>& in_place(std::string_view name, Array<T>& a, const Array<T>& b, Op op) {
  if (broadcast_shapes(name, a.shape(), b.shape()) != a.shape()) {
    throw ShapeError(std::string(name) + ": cannot update a tensor of shape " +
                     to_string(a.shape()) + " in place with shape " + to_string(b.shape()) +
                     " (expected a shape that broadcasts to " + to_string(a.shape()) + ")");
  }
  broadcast_into(a.data(), a.shape(), b.data(), b.shape(), a.data(), a.shape(), op);
  return a;
}

void require_same_shape(std::string_view name, const Shape& a, const Shape& b) {
  if (a != b) {
    throw ShapeError(std::string(name) + ": shapes " + to_string(a) + " and " + to_string(b) +
                     " differ, expected equal shapes");
  }
}

void require_rank_at_least_one(std::string_view name, const Shape& s) {
  if (s.empty()) {
    throw ShapeError(std::string(name) + ": got a scalar of shape (), expected at least one axis");
  }
}

}  // namespace

template <class T> Array<T> neg(const Array<T>& x) { return unary(x, Neg{}); }
template <class T> Array<T> exp(const Array<T>& x) { return unary(x, Exp{}); }
template <class T> Array<T> log(const Array<T>& x) { return unary(x, Log{}); }
template <class T> Array<T> sqrt(const Array<T>& x) { return unary(x, Sqrt{}); }
template <class T> Array<T> square(const Array<T>& x) { return unary(x, Square{}); }
template <class T> Array<T> relu(const Array<T>& x) { return unary(x, Relu{}); }
template <class T> Array<T> sigmoid(const Array<T>& x) { return unary(x, Sigmoid{}); }
template <class T> Array<T> tanh(const Array<T>& x) { return unary(x, Tanh{}); }

template <class T> Array<T> add(const Array<T>& a, const Array<T>& b) { return binary("add", a, b, Add{}); }
template <class T> Array<T> sub(const Array<T>& a, const Array<T>& b) { return binary("sub", a, b, Sub{}); }
template <class T> Array<T> mul(const Array<T>& a, const Array<T>& b) { return binary("mul", a, b, Mul{}); }
template <class T> Array<T> div(const Array<T>& a, const Array<T>& b) { return binary("div", a, b, Div{}); }
template <class T> Array<T> maximum(const Array<T>& a, const Array<T>& b) { return binary("maximum", a, b, Max{}); }

template <class T> Array<T> add(const Array<T>& a, T b) { return with_scalar_right(a, b, Add{}); }
template <class T> Array<T> sub(const Array<T>& a, T b) { return with_scalar_right(a, b, Sub{}); }
template <class T> Array<T> sub(T a, const Array<T>& b) { return with_scalar_left(a, b, Sub{}); }
template <class T> Array<T> mul(const Array<T>& a, T b) { return with_scalar_right(a, b, Mul{}); }
template <class T> Array<T> div(const Array<T>& a, T b) { return with_scalar_right(a, b, Div{}); }
template <class T> Array<T> div(T a, const Array<T>& b) { return with_scalar_left(a, b, Div{}); }
template <class T> Array<T> maximum(const Array<T>& a, T b) { return with_scalar_right(a, b, Max{}); }

template <class T> Array<T>& add_(Array<T>& a, const Array<T>& b) { return in_place("add_", a, b, Add{}); }
template <class T> Array<T>& sub_(Array<T>& a, const Array<T>& b) { return in_place("sub_", a, b, Sub{}); }
template <class T> Array<T>& mul_(Array<T>& a, const Array<T>& b) { return in_place("mul_", a, b, Mul{}); }
template <class T> Array<T>& div_(Array<T>& a, const Array<T>& b) { return in_place("div_", a, b, Div{}); }
template <class T> Array<T>& mul_(Array<T>& a, T b) {
  detail::zip(a.data(), 1, &b, 0, a.data(), a.size(), Mul{});
  return a;
}

template <class T>
void axpy_(T alpha, const Array<T>& x, Array<T>& y) {
  require_same_shape("axpy_", x.shape(), y.shape());
  const auto scaled_add = [alpha](const auto& xi, const auto& yi) {
    return xsimd::fma(decltype(xi)(alpha), xi, yi);
  };
  detail::zip(x.data(), 1, y.data(), 1, y.data(), x.size(), scaled_add);
}

template <class T>
Array<T> softmax(const Array<T>& x) {
  require_rank_at_least_one("softmax", x.shape());
  Array<T> y = Array<T>::empty(x.shape());
  const std::size_t n = x.shape().back();
  const std::size_t rows = n == 0 ? 0 : x.size() / n;
  for (std::size_t r = 0; r < rows; ++r) {
    const T* xr = x.data() + r * n;
    T* yr = y.data() + r * n;
    // Subtracting the row maximum keeps exp() finite for logits of any magnitude.
    const T max_value = detail::contiguous_max(xr, n);
    const auto shifted_exp = [max_value](const auto& v) {
      return detail::exp(v - decltype(v)(max_value));
    };
    detail::map(xr, yr, n, shifted_exp);
    const T inv = T(1) / detail::contiguous_sum(yr, n);
    detail::map(yr, yr, n, [inv](const auto& v) { return v * decltype(v)(inv); });
  }
  return y;
}

template <class T>
Array<T> log_softmax(const Array<T>& x) {
  require_rank_at_least_one("log_softmax", x.shape());
  Array<T> y = Array<T>::empty(x.shape());
  const std::size_t n = x.shape().back();
  const std::size_t rows = n == 0 ? 0 : x.size() / n;
  for (std::size_t r = 0; r < rows; ++r) {
    const T* xr = x.data() + r * n;
    T* yr = y.data() + r * n;
    const T max_value = detail::contiguous_max(xr, n);
    T sum = 0;
    for (std::size_t i = 0; i < n; ++i) sum += std::exp(xr[i] - max_value);
    // (z - max) - log(sum), in this order: z - (max + log(sum)) would round the shift to the
    // spacing of max, losing every digit of log(sum) below it for large logits.
    const T log_sum = std::log(sum);
    detail::map(xr, yr, n, [max_value, log_sum](const auto& v) {
      using V = std::decay_t<decltype(v)>;
      return (v - V(max_value)) - V(log_sum);
    });
  }
  return y;
}

template <class T>
Array<T> relu_backward(const Array<T>& y, const Array<T>& dy) {
  require_same_shape("relu_backward", y.shape(), dy.shape());
  Array<T> dx = Array<T>::empty(y.shape());
  detail::zip(y.data(), 1, dy.data(), 1, dx.data(), y.size(), PassWherePositive{});
  return dx;
}

// Explicit instantiations: the library is compiled once for float and for double.
template Array<float> neg(const Array<float>&);
template Array<float> exp(const Array<float>&);
template Array<float> log(const Array<float>&);
template Array<float> sqrt(const Array<float>&);
template Array<float> square(const Array<float>&);
template Array<float> relu(const Array<float>&);
template Array<float> sigmoid(const Array<float>&);
template Array<float> tanh(const Array<float>&);
template Array<float> add(const Array<float>&, const Array<float>&);
template Array<float> sub(const Array<float>&, const Array<float>&);
template Array<float> mul(const Array<float>&, const Array<float>&);
template Array<float> div(const Array<float>&, const Array<float>&);
template Array<float> maximum(const Array<float>&, const Array<float>&);
template Array<float> add(const Array<float>&, float);
template Array<float> sub(const Array<float>&, float);
template Array<float> sub(float, const Array<float>&);
template Array<float> mul(const Array<float>&, float);
template Array<float> div(const Array<float>&, float);
template Array<float> div(float, const Array<float>&);
template Array<float> maximum(const Array<float>&, float);
template Array<float>& add_(Array<float>&, const Array<float>&);
template Array<float>& sub_(Array<float>&, const Array<float>&);
template Array<float>& mul_(Array<float>&, const Array<float>&);
template Array<float>& div_(Array<float>&, const Array<float>&);
template Array<float>& mul_(Array<float>&, float);
template void axpy_(float, const Array<float>&, Array<float>&);
template Array<float> softmax(const Array<float>&);
template Array<float> log_softmax(const Array<float>&);
template Array<float> relu_backward(const Array<float>&, const Array<float>&);
template Array<double> neg(const Array<double>&);
template Array<double> exp(const Array<double>&);
template Array<double> log(const Array<double>&);
template Array<double> sqrt(const Array<double>&);
template Array<double> square(const Array<double>&);
template Array<double> relu(const Array<double>&);
template Array<double> sigmoid(const Array<double>&);
template Array<double> tanh(const Array<double>&);
template Array<double> add(const Array<double>&, const Array<double>&);
template Array<double> sub(const Array<double>&, const Array<double>&);
template Array<double> mul(const Array<double>&, const Array<double>&);
template Array<double> div(const Array<double>&, const Array<double>&);
template Array<double> maximum(const Array<double>&, const Array<double>&);
template Array<double> add(const Array<double>&, double);
template Array<double> sub(const Array<double>&, double);
template Array<double> sub(double, const Array<double>&);
template Array<double> mul(const Array<double>&, double);
template Array<double> div(const Array<double>&, double);
template Array<double> div(double, const Array<double>&);
template Array<double> maximum(const Array<double>&, double);
template Array<double>& add_(Array<double>&, const Array<double>&);
template Array<double>& sub_(Array<double>&, const Array<double>&);
template Array<double>& mul_(Array<double>&, const Array<double>&);
template Array<double>& div_(Array<double>&, const Array<double>&);
template Array<double>& mul_(Array<double>&, double);
template void axpy_(double, const Array<double>&, Array<double>&);
template Array<double> softmax(const Array<double>&);
template Array<double> log_softmax(const Array<double>&);
template Array<double> relu_backward(const Array<double>&, const Array<double>&);

}  // namespace gg
