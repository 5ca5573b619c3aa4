#pragma once
// The element types a Tensor can hold, carried at run time as PyTorch's ScalarType is.
//
// Adding a dtype touches this file only for its name, size and promotion rank, and the places
// docs/DESIGN.md lists; every kernel reaches its element type through visit_dtype(), the one
// table that maps a Dtype to a C++ type.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string>
#include <type_traits>

namespace gg {

// The enumerators are in promotion order: for these five types, PyTorch's promote_types(a, b)
// is the later of the two (bool < int64 < bfloat16 < float32 < float64). A type that breaks
// that order (float16, whose promotion with bfloat16 is float32) needs a table in
// promote_types instead.
enum class Dtype : std::uint8_t { Bool, Int64, BFloat16, Float32, Float64 };

// LibTorch's spellings (torch::kFloat32, torch::kLong, ...).
inline constexpr Dtype kBool = Dtype::Bool;
inline constexpr Dtype kInt64 = Dtype::Int64;
inline constexpr Dtype kLong = Dtype::Int64;
inline constexpr Dtype kBFloat16 = Dtype::BFloat16;
inline constexpr Dtype kFloat32 = Dtype::Float32;
inline constexpr Dtype kFloat = Dtype::Float32;
inline constexpr Dtype kFloat64 = Dtype::Float64;
inline constexpr Dtype kDouble = Dtype::Float64;

// bfloat16: the top half of a float32 (8 exponent bits, 7 mantissa bits). Arithmetic happens
// in float32; a float converts by rounding to nearest, ties to even, as PyTorch's c10::BFloat16.
struct BFloat16 {
  std::uint16_t bits = 0;

  BFloat16() = default;
  BFloat16(float value) : bits(round_to_bits(value)) {}  // NOLINT: converts, as c10::BFloat16
  operator float() const {                                // NOLINT: converts, as c10::BFloat16
    const std::uint32_t word = std::uint32_t{bits} << 16;
    float value;
    std::memcpy(&value, &word, sizeof value);
    return value;
  }

  static BFloat16 from_bits(std::uint16_t raw) {
    BFloat16 b;
    b.bits = raw;
    return b;
  }

 private:
  static std::uint16_t round_to_bits(float value) {
    std::uint32_t word;
    std::memcpy(&word, &value, sizeof word);
    if ((word & 0x7fffffffu) > 0x7f800000u) return 0x7fc0;  // NaN stays a (quiet) NaN
    word += 0x7fffu + ((word >> 16) & 1u);                  // round to nearest, ties to even
    return static_cast<std::uint16_t>(word >> 16);
  }
};

// The Dtype of a C++ element type.
template <class T> inline constexpr bool kIsElement = false;
template <> inline constexpr bool kIsElement<bool> = true;
template <> inline constexpr bool kIsElement<std::int64_t> = true;
template <> inline constexpr bool kIsElement<BFloat16> = true;
template <> inline constexpr bool kIsElement<float> = true;
template <> inline constexpr bool kIsElement<double> = true;

// x as a To, as static_cast except where static_cast is undefined or PyTorch differs: the one
// rule for every conversion between element types (tensor/copy.cpp's to(), Scalar::to()).
//   float -> int64   truncates; NaN and values outside int64 give INT64_MIN (what x86's
//                    cvttsd2si, and so PyTorch on x86, gives) instead of undefined behaviour
//   x -> bool        x != 0 (NaN is true)
//   double -> bf16   through float32 (rounds twice), as c10::BFloat16's float constructor
//   bf16 -> x        through float32
template <class To, class From>
  requires kIsElement<To> && (kIsElement<From> || std::is_arithmetic_v<From>)
To convert(From x) {
  if constexpr (std::is_same_v<To, From>) {
    return x;
  } else if constexpr (std::is_same_v<From, BFloat16>) {
    return convert<To>(static_cast<float>(x));
  } else if constexpr (std::is_same_v<To, bool>) {
    return x != From(0);
  } else if constexpr (std::is_same_v<To, BFloat16>) {
    return BFloat16(static_cast<float>(x));
  } else if constexpr (std::is_same_v<To, std::int64_t> && std::is_floating_point_v<From>) {
    constexpr From kTwo63 = From(9223372036854775808.0);  // exact in float and double
    return x >= -kTwo63 && x < kTwo63 ? static_cast<std::int64_t>(x)
                                      : std::numeric_limits<std::int64_t>::min();
  } else {
    return static_cast<To>(x);
  }
}

template <class T>
  requires kIsElement<T>
inline constexpr Dtype dtype_of = std::is_same_v<T, bool>           ? Dtype::Bool
                                  : std::is_same_v<T, std::int64_t> ? Dtype::Int64
                                  : std::is_same_v<T, BFloat16>     ? Dtype::BFloat16
                                  : std::is_same_v<T, float>        ? Dtype::Float32
                                                                    : Dtype::Float64;

// Calls f.template operator()<T>() with the C++ type of `dtype`: the one table from a run-time
// dtype to the kernels' element type. Use with a templated lambda:
//   visit_dtype(t.dtype(), [&]<class T>() { fill(t.data_ptr<T>(), ...); });
template <class F>
decltype(auto) visit_dtype(Dtype dtype, F&& f) {
  switch (dtype) {
    case Dtype::Bool: return f.template operator()<bool>();
    case Dtype::Int64: return f.template operator()<std::int64_t>();
    case Dtype::BFloat16: return f.template operator()<BFloat16>();
    case Dtype::Float32: return f.template operator()<float>();
    case Dtype::Float64: return f.template operator()<double>();
  }
  throw std::logic_error("visit_dtype: not a Dtype");
}

// The element size in bytes.
std::size_t element_size(Dtype dtype);
// "float32", "float64", "int64", "bool", "bfloat16": PyTorch's names (torch.float32, ...).
const char* name(Dtype dtype);
// LibTorch's printed type: "CPUFloatType", "CPUDoubleType", "CPULongType", "CPUBoolType",
// "CPUBFloat16Type".
const char* type_name(Dtype dtype);
std::string to_string(Dtype dtype);

inline bool is_floating_point(Dtype dtype) {
  return dtype == Dtype::BFloat16 || dtype == Dtype::Float32 || dtype == Dtype::Float64;
}

// torch.promote_types: the smallest type both convert to without losing their category.
inline Dtype promote_types(Dtype a, Dtype b) { return a < b ? b : a; }

// The dtype a floating-point Python-style number becomes (torch.get_default_dtype()).
inline constexpr Dtype kDefaultFloat = Dtype::Float32;

}  // namespace gg
