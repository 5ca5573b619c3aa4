#pragma once
// The SIMD vector type the GEMM kernels are written in, chosen at compile time from the
// compiler's target flags: AVX-512 (this project's -march=native default on Sapphire Rapids),
// else AVX2+FMA, else a one-lane scalar stand-in with the same small interface, so the
// kernels below are written once.
#include <xsimd/xsimd.hpp>

#include <cstddef>

namespace gg::gemm_detail {

// One-lane "batch": the subset of xsimd::batch the kernels use.
template <class T>
struct ScalarBatch {
  static constexpr std::size_t size = 1;
  T value;
  ScalarBatch() = default;
  explicit ScalarBatch(T v) : value(v) {}
  static ScalarBatch load_aligned(const T* p) { return ScalarBatch(*p); }
  static ScalarBatch load_unaligned(const T* p) { return ScalarBatch(*p); }
  void store_aligned(T* p) const { *p = value; }
  void store_unaligned(T* p) const { *p = value; }
  friend ScalarBatch operator*(ScalarBatch a, ScalarBatch b) { return ScalarBatch(a.value * b.value); }
  friend ScalarBatch operator+(ScalarBatch a, ScalarBatch b) { return ScalarBatch(a.value + b.value); }
};

#if XSIMD_WITH_AVX512F
using simd_arch = xsimd::avx512f;
inline constexpr const char* simd_name = "avx512f";
template <class T>
using Batch = xsimd::batch<T, simd_arch>;
#elif XSIMD_WITH_FMA3_AVX2
using simd_arch = xsimd::fma3<xsimd::avx2>;
inline constexpr const char* simd_name = "fma3<avx2>";
template <class T>
using Batch = xsimd::batch<T, simd_arch>;
#else
inline constexpr const char* simd_name = "scalar";
template <class T>
using Batch = ScalarBatch<T>;
#endif

// c + a * b, fused where the hardware has it.
template <class T, class A>
inline xsimd::batch<T, A> multiply_add(const xsimd::batch<T, A>& a, const xsimd::batch<T, A>& b,
                                       const xsimd::batch<T, A>& c) {
  return xsimd::fma(a, b, c);
}
template <class T>
inline ScalarBatch<T> multiply_add(ScalarBatch<T> a, ScalarBatch<T> b, ScalarBatch<T> c) {
  return ScalarBatch<T>(a.value * b.value + c.value);
}

// Sum of the lanes.
template <class T, class A>
inline T sum_lanes(const xsimd::batch<T, A>& x) {
  return xsimd::hadd(x);
}
template <class T>
inline T sum_lanes(ScalarBatch<T> x) {
  return x.value;
}

}  // namespace gg::gemm_detail
