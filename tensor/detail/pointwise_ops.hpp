#pragma once
// The element functions of tensor/pointwise.cpp. Each is a functor whose call operators are
// constrained by element kind, so that "does this op exist for T" is a compile-time question
// (std::is_invocable) and an op never reaches a type through an implicit conversion:
//   Real    float, double, or their xsimd batches: one definition for the vector body and the
//           scalar tail of a loop
//   Int     int64, wrapping on overflow as PyTorch does (computed in uint64: signed overflow
//           is undefined in C++)
//   Boolean bool: add is or, mul is and, maximum is or, minimum is and, as in PyTorch
#include <gategrad/tensor/detail/simd.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

namespace gg::detail::ops {

template <class V>
concept RealScalar = std::is_same_v<V, float> || std::is_same_v<V, double>;
template <class V>
concept RealBatch = std::is_same_v<V, Batch<float>> || std::is_same_v<V, Batch<double>>;
template <class V>
concept Real = RealScalar<V> || RealBatch<V>;
template <class V>
concept Int = std::is_same_v<V, std::int64_t>;
template <class V>
concept Boolean = std::is_same_v<V, bool>;
template <class V>
concept Element = RealScalar<V> || Int<V> || Boolean<V>;

inline std::uint64_t bits(std::int64_t x) { return static_cast<std::uint64_t>(x); }
inline std::int64_t wrap(std::uint64_t x) { return static_cast<std::int64_t>(x); }  // mod 2^64

// A functor's parameter (held as a double) in V's lanes or as a V.
template <class V> struct ElementOf { using type = V; };
template <class T, class A> struct ElementOf<xsimd::batch<T, A>> { using type = T; };
template <Real V> V splat(double v) { return V(static_cast<typename ElementOf<V>::type>(v)); }

// a^b for int64, wrapping as PyTorch's: by squaring. A negative b gives 1/a^|b| truncated
// (1, +-1 for a = -1, else 0), as torch.pow(int tensor, int tensor); the Scalar-exponent
// driver refuses a negative exponent first, as PyTorch does.
inline std::int64_t int_pow(std::int64_t a, std::int64_t b) {
  if (b < 0) return a == 1 ? 1 : a == -1 ? ((b & 1) != 0 ? -1 : 1) : 0;
  std::uint64_t result = 1, base = bits(a);
  for (auto e = static_cast<std::uint64_t>(b); e != 0; e >>= 1) {
    if ((e & 1) != 0) result *= base;
    base *= base;
  }
  return wrap(result);
}

// x^y with C's special values (pow(x, 0) = 1 even for NaN x, pow(1, y) = 1, pow(+-0, y < 0) =
// +-inf, pow(-1, +-inf) = 1, a negative finite x to a non-integer y is NaN): xsimd 8's pow
// gives pow(0, 0) = 0 and pow(0, -1) = 0. exp(y log|x|) has a relative error of about
// |y log|x|| ulp in float64 (Sleef's, in PyTorch, has 1), so float32 goes through float64.
template <class V> requires std::is_same_v<V, Batch<double>> V pow_batch(const V& x, const V& y) {
  const V ax = xsimd::abs(x);
  V z = detail::exp(y * xsimd::log(ax));
  const auto negative = (x < V(0)) | ((x == V(0)) & (V(1) / x < V(0)));  // -0 included
  // z * -1, not -z: xsimd 8's AVX-512 negation is 0 - z, which makes pow(-0, 3) +0.
  z = xsimd::select(negative & xsimd::is_odd(y), z * V(-1), z);
  const auto invalid = (x < V(0)) & xsimd::isfinite(x) & !xsimd::is_flint(y) & !xsimd::isinf(y);
  z = xsimd::select(invalid, V(std::numeric_limits<typename ElementOf<V>::type>::quiet_NaN()), z);
  return xsimd::select((y == V(0)) | (x == V(1)) | ((ax == V(1)) & xsimd::isinf(y)), V(1), z);
}
// float32 lanes through the float64 pow: exp(y log|x|) in float64 rounds to the float32 result
// (in float32 it was off by 43 ulp at 10^20).
inline Batch<float> pow_batch(const Batch<float>& x, const Batch<float>& y) {
  alignas(64) float xs[kLanes<float>], ys[kLanes<float>], out[kLanes<float>];
  x.store_aligned(xs);
  y.store_aligned(ys);
  for (std::size_t i = 0; i < kLanes<float>; i += kLanes<double>) {
    pow_batch(Batch<double>::load_unaligned(xs + i), Batch<double>::load_unaligned(ys + i))
        .store_unaligned(out + i);
  }
  return Batch<float>::load_aligned(out);
}

// --- binary arithmetic ----------------------------------------------------------------------
struct Add {
  template <Real V> V operator()(const V& a, const V& b) const { return a + b; }
  template <Int V> V operator()(V a, V b) const { return wrap(bits(a) + bits(b)); }
  template <Boolean V> V operator()(V a, V b) const { return a || b; }
};
struct Sub {
  template <Real V> V operator()(const V& a, const V& b) const { return a - b; }
  template <Int V> V operator()(V a, V b) const { return wrap(bits(a) - bits(b)); }
};
struct Mul {
  template <Real V> V operator()(const V& a, const V& b) const { return a * b; }
  template <Int V> V operator()(V a, V b) const { return wrap(bits(a) * bits(b)); }
  template <Boolean V> V operator()(V a, V b) const { return a && b; }
};
// a + alpha * b, torch's add(a, b, alpha): alpha as a double for floating results and as an
// int64 for int64 ones (the driver refuses a floating alpha there, as PyTorch does).
struct AddScaled {
  double alpha = 1;
  std::int64_t int_alpha = 1;
  template <RealBatch V> V operator()(const V& a, const V& b) const {
    return a + V(static_cast<typename V::value_type>(alpha)) * b;
  }
  template <RealScalar V> V operator()(V a, V b) const { return a + static_cast<V>(alpha) * b; }
  template <Int V> V operator()(V a, V b) const { return wrap(bits(a) + bits(int_alpha) * bits(b)); }
};
struct Div {
  template <Real V> V operator()(const V& a, const V& b) const { return a / b; }
};
// maximum/minimum propagate NaN, as torch.maximum: vmaxps alone returns its second operand
// when either is NaN.
struct Maximum {
  template <RealBatch V> V operator()(const V& a, const V& b) const {
    return xsimd::select(xsimd::isnan(a) | xsimd::isnan(b), a + b, xsimd::max(a, b));
  }
  template <RealScalar V> V operator()(V a, V b) const {
    return std::isnan(a) || std::isnan(b) ? a + b : std::max(a, b);
  }
  template <class V> requires(Int<V> || Boolean<V>) V operator()(V a, V b) const {
    return std::max(a, b);
  }
};
struct Minimum {
  template <RealBatch V> V operator()(const V& a, const V& b) const {
    return xsimd::select(xsimd::isnan(a) | xsimd::isnan(b), a + b, xsimd::min(a, b));
  }
  template <RealScalar V> V operator()(V a, V b) const {
    return std::isnan(a) || std::isnan(b) ? a + b : std::min(a, b);
  }
  template <class V> requires(Int<V> || Boolean<V>) V operator()(V a, V b) const {
    return std::min(a, b);
  }
};

// a^b elementwise (torch.pow with a tensor exponent).
struct Pow {
  template <RealBatch V> V operator()(const V& a, const V& b) const { return pow_batch(a, b); }
  template <RealScalar V> V operator()(V a, V b) const { return std::pow(a, b); }
  template <Int V> V operator()(V a, V b) const { return int_pow(a, b); }
};

// --- comparisons: every element kind, a bool result -----------------------------------------
struct Eq { template <Element V> bool operator()(V a, V b) const { return a == b; } };
struct Ne { template <Element V> bool operator()(V a, V b) const { return a != b; } };
struct Lt { template <Element V> bool operator()(V a, V b) const { return a < b; } };
struct Le { template <Element V> bool operator()(V a, V b) const { return a <= b; } };
struct Gt { template <Element V> bool operator()(V a, V b) const { return a > b; } };
struct Ge { template <Element V> bool operator()(V a, V b) const { return a >= b; } };

// --- unary ------------------------------------------------------------------------------------
struct Neg {
  template <Real V> V operator()(const V& x) const { return -x; }
  template <Int V> V operator()(V x) const { return wrap(0 - bits(x)); }
};
struct Abs {
  template <Real V> V operator()(const V& x) const { return xsimd::abs(x); }
  template <Int V> V operator()(V x) const { return x < 0 ? wrap(0 - bits(x)) : x; }
};
struct Square {
  template <Real V> V operator()(const V& x) const { return x * x; }
  template <Int V> V operator()(V x) const { return wrap(bits(x) * bits(x)); }
};
// relu(NaN) is NaN and relu(-0) is -0, as torch.relu: only x < 0 becomes 0.
struct Relu {
  template <RealBatch V> V operator()(const V& x) const {
    return xsimd::select(x < V(0), V(0), x);
  }
  template <RealScalar V> V operator()(V x) const { return x < V(0) ? V(0) : x; }
  template <Int V> V operator()(V x) const { return std::max<V>(x, 0); }
};
// relu's gradient from its output y: dy where y > 0, else 0 (also where dy is NaN or Inf, as
// torch's threshold_backward). A select, not dy * (y > 0): one pass, and no -0 or NaN products.
struct PassWherePositive {
  template <RealBatch V> V operator()(const V& y, const V& dy) const {
    return xsimd::select(y > V(0), dy, V(0));
  }
  template <RealScalar V> V operator()(V y, V dy) const { return y > V(0) ? dy : V(0); }
};
// sign(NaN) = 0 and sign(-0) = 0, as torch 1.13's (0 < x) - (x < 0).
struct Sign {
  template <RealBatch V> V operator()(const V& x) const {
    return xsimd::select(x > V(0), V(1), V(0)) - xsimd::select(x < V(0), V(1), V(0));
  }
  template <RealScalar V> V operator()(V x) const { return V((V(0) < x) - (x < V(0))); }
  template <Int V> V operator()(V x) const { return (0 < x) - (x < 0); }
  template <Boolean V> V operator()(V x) const { return x; }
};
// x^p for a number p, with PyTorch's shortcuts (exact for p = 2, 3, 0.5, -0.5, -1, -2:
// pow(-inf, 0.5) is NaN, as sqrt(-inf), and pow(-0, 0.5) is -0).
struct PowScalar {
  double p = 1;
  std::int64_t int_p = 1;  // for int64 (the driver refuses a negative or non-integral one)
  template <Real V> V operator()(const V& x) const {
    if (p == 2) return x * x;
    if (p == 3) return x * x * x;
    if (p == 0.5) return xsimd::sqrt(x);
    if (p == -0.5) return V(1) / xsimd::sqrt(x);
    if (p == -1) return V(1) / x;
    if (p == -2) return V(1) / (x * x);
    if constexpr (RealBatch<V>) {
      return pow_batch(x, splat<V>(p));
    } else {
      return std::pow(x, static_cast<V>(p));
    }
  }
  template <Int V> V operator()(V x) const { return int_pow(x, int_p); }
};
// min(max(x, lo), hi) for the bounds given; NaN stays NaN, lo > hi gives hi (torch.clamp).
struct Clamp {
  double lo = 0, hi = 0;
  std::int64_t int_lo = 0, int_hi = 0;
  bool has_lo = false, has_hi = false;
  template <RealBatch V> V operator()(const V& x) const {
    V r = x;
    if (has_lo) r = xsimd::select(r < splat<V>(lo), splat<V>(lo), r);
    if (has_hi) r = xsimd::select(r > splat<V>(hi), splat<V>(hi), r);
    return r;
  }
  template <RealScalar V> V operator()(V x) const {
    V r = x;
    if (has_lo && r < static_cast<V>(lo)) r = static_cast<V>(lo);
    if (has_hi && r > static_cast<V>(hi)) r = static_cast<V>(hi);
    return r;
  }
  template <Int V> V operator()(V x) const {
    V r = x;
    if (has_lo && r < int_lo) r = int_lo;
    if (has_hi && r > int_hi) r = int_hi;
    return r;
  }
};

// Floating only: an integer or bool input is converted to float32 first.
struct Exp { template <Real V> V operator()(const V& x) const { return detail::exp(x); } };
struct Log { template <Real V> V operator()(const V& x) const { return xsimd::log(x); } };
struct Sqrt { template <Real V> V operator()(const V& x) const { return xsimd::sqrt(x); } };
struct Tanh { template <Real V> V operator()(const V& x) const { return xsimd::tanh(x); } };
struct Rsqrt { template <Real V> V operator()(const V& x) const { return V(1) / xsimd::sqrt(x); } };
// f(x) for an f with f(+-0) = +-0, which xsimd's vector sin/log1p/expm1/erf give as +0.
template <class V, class F> V keep_zero(const V& x, F f) {
  if constexpr (RealBatch<V>) {
    return xsimd::select(x == V(0), x, f(x));
  } else {
    return x == V(0) ? x : f(x);
  }
}
struct Sin {
  template <Real V> V operator()(const V& x) const { return keep_zero(x, [](const V& v) { return xsimd::sin(v); }); }
};
struct Cos { template <Real V> V operator()(const V& x) const { return xsimd::cos(x); } };
struct Log1p {
  template <Real V> V operator()(const V& x) const { return keep_zero(x, [](const V& v) { return xsimd::log1p(v); }); }
};
struct Expm1 {
  template <Real V> V operator()(const V& x) const { return keep_zero(x, [](const V& v) { return xsimd::expm1(v); }); }
};
struct Erf {
  template <Real V> V operator()(const V& x) const { return keep_zero(x, [](const V& v) { return xsimd::erf(v); }); }
};

// --- activations: floating only (torch.nn.functional refuses integer tensors) ---------------
struct LeakyRelu {
  double slope = 0.01;
  template <RealBatch V> V operator()(const V& x) const {
    return xsimd::select(x > V(0), x, x * splat<V>(slope));
  }
  template <RealScalar V> V operator()(V x) const { return x > V(0) ? x : x * static_cast<V>(slope); }
};
// x > 0 ? x : alpha (exp(x) - 1); NaN stays NaN. The + 0 makes elu(-0) = +0, as torch's
// exp(x) - 1 (expm1(-0) is -0).
struct Elu {
  double alpha = 1;
  template <RealBatch V> V operator()(const V& x) const {
    return xsimd::select(x > V(0), x, splat<V>(alpha) * xsimd::expm1(x) + V(0));
  }
  template <RealScalar V> V operator()(V x) const {
    return x > V(0) ? x : static_cast<V>(alpha) * std::expm1(x) + V(0);
  }
};
// x Phi(x) = x (1 + erf(x / sqrt 2)) / 2.
struct Gelu {
  template <Real V> V operator()(const V& x) const {
    return x * V(0.5) * (V(1) + xsimd::erf(x * splat<V>(0.70710678118654752440)));
  }
};
// x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))) / 2, torch's gelu(approximate="tanh").
struct GeluTanh {
  template <Real V> V operator()(const V& x) const {
    const V inner = splat<V>(0.79788456080286535588) * (x + splat<V>(0.044715) * x * x * x);
    return V(0.5) * x * (V(1) + xsimd::tanh(inner));
  }
};
struct Silu {
  template <Real V> V operator()(const V& x) const { return x / (V(1) + detail::exp(-x)); }
};
// x when beta x > threshold (linear there, and exp would overflow), else log1p(exp(beta x)) / beta.
struct Softplus {
  double beta = 1, threshold = 20;
  template <RealBatch V> V operator()(const V& x) const {
    const V bx = x * splat<V>(beta);
    return xsimd::select(bx > splat<V>(threshold), x, xsimd::log1p(detail::exp(bx)) / splat<V>(beta));
  }
  template <RealScalar V> V operator()(V x) const {
    const V bx = x * static_cast<V>(beta);
    return bx > static_cast<V>(threshold) ? x : std::log1p(std::exp(bx)) / static_cast<V>(beta);
  }
};

struct Sigmoid {
  template <Real V> V operator()(const V& x) const { return V(1) / (V(1) + detail::exp(-x)); }
};

}  // namespace gg::detail::ops
