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
// Floating only: an integer or bool input is converted to float32 first.
struct Exp { template <Real V> V operator()(const V& x) const { return detail::exp(x); } };
struct Log { template <Real V> V operator()(const V& x) const { return xsimd::log(x); } };
struct Sqrt { template <Real V> V operator()(const V& x) const { return xsimd::sqrt(x); } };
struct Tanh { template <Real V> V operator()(const V& x) const { return xsimd::tanh(x); } };
struct Sigmoid {
  template <Real V> V operator()(const V& x) const { return V(1) / (V(1) + detail::exp(-x)); }
};

}  // namespace gg::detail::ops
