#pragma once
// Scalar: a number of any dtype's kind (bool, integer, floating), as c10::Scalar: what
// fill_, full, item() and tensor-with-number arithmetic take and give.
#include <gategrad/tensor/dtype.hpp>

#include <cstdint>
#include <type_traits>

namespace gg {

class Scalar {
 public:
  enum class Kind : std::uint8_t { Bool, Integer, Floating };

  Scalar() : Scalar(std::int64_t{0}) {}
  Scalar(bool v) : kind_(Kind::Bool), i_(v ? 1 : 0) {}  // NOLINT: implicit, as c10::Scalar
  template <class I>
    requires(std::is_integral_v<I> && !std::is_same_v<I, bool>)
  Scalar(I v) : kind_(Kind::Integer), i_(static_cast<std::int64_t>(v)) {}  // NOLINT
  template <class F>
    requires std::is_floating_point_v<F>
  Scalar(F v) : kind_(Kind::Floating), d_(static_cast<double>(v)) {}  // NOLINT
  Scalar(BFloat16 v) : Scalar(static_cast<float>(v)) {}                // NOLINT

  Kind kind() const { return kind_; }
  bool is_floating_point() const { return kind_ == Kind::Floating; }
  bool is_integral() const { return kind_ == Kind::Integer; }
  bool is_bool() const { return kind_ == Kind::Bool; }

  // The value converted by gg::convert, the rule tensor conversions use (bool: nonzero is
  // true; NaN or an out-of-range float to int64 gives INT64_MIN, never undefined behaviour).
  template <class T>
    requires kIsElement<T>
  T to() const {
    return kind_ == Kind::Floating ? convert<T>(d_) : convert<T>(i_);
  }

  // The dtype a tensor made from this number has: bool, int64 or the default float (float32).
  Dtype dtype() const {
    return kind_ == Kind::Bool ? Dtype::Bool : kind_ == Kind::Integer ? Dtype::Int64 : kDefaultFloat;
  }

 private:
  Kind kind_;
  union {
    std::int64_t i_;
    double d_;
  };
};

}  // namespace gg
