#pragma once
// Vector loops shared by the elementwise and reduction kernels. Included only by the library's
// .cpp files, which are compiled for the build's SIMD target; xsimd::batch<T> is its widest
// vector (16 floats under AVX-512).
#include <xsimd/xsimd.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>

namespace gg::detail {

template <class T>
using Batch = xsimd::batch<T>;

template <class T>
inline constexpr std::size_t kLanes = Batch<T>::size;

// -x with the sign of zero flipped as IEEE negation does: xsimd 8's unary minus on AVX-512
// computes 0 - x, which gives +0 for +0 (torch.neg(0.) is -0.).
template <class T>
Batch<T> negate(const Batch<T>& x) {
  return xsimd::bitwise_xor(x, Batch<T>(T(-0.0)));
}

// memcpy(dst, src, n) for the copies of cat and index_select, in full vectors (four at a time)
// and memcpy for the tail. glibc's memcpy of the 2 KiB blocks of a dim-1 cat ran at half the
// speed of this loop on two threads of the AMD EPYC VM (99 against 41 us for 4 MiB; docs/
// PERFORMANCE.md, session 11). The ranges must not overlap.
inline void copy_bytes(void* dst, const void* src, std::size_t n) {
  using Bytes = xsimd::batch<std::uint8_t>;
  constexpr std::size_t kStep = Bytes::size;
  auto* d = static_cast<std::uint8_t*>(dst);
  const auto* s = static_cast<const std::uint8_t*>(src);
  std::size_t i = 0;
  for (; i + 4 * kStep <= n; i += 4 * kStep) {
    const Bytes a = Bytes::load_unaligned(s + i), b = Bytes::load_unaligned(s + i + kStep);
    const Bytes c = Bytes::load_unaligned(s + i + 2 * kStep), e = Bytes::load_unaligned(s + i + 3 * kStep);
    a.store_unaligned(d + i);
    b.store_unaligned(d + i + kStep);
    c.store_unaligned(d + i + 2 * kStep);
    e.store_unaligned(d + i + 3 * kStep);
  }
  for (; i + kStep <= n; i += kStep) Bytes::load_unaligned(s + i).store_unaligned(d + i);
  if (i < n) std::memcpy(d + i, s + i, n - i);
}

// exp(x) with subnormal results, as std::exp and PyTorch give them: xsimd::exp flushes every
// result below the smallest normal number to 0 (a 17-float tensor of -100 gave 0 in the vector
// lanes and 3.78e-44 in the scalar tail). Below log(min normal), exp(x) = exp(x/2)^2, whose
// half is normal; the extra rounding is far below a subnormal's spacing.
//
// xsimd::exp rounds x / log 2 to an integer lane by lane where the target has no vector
// instruction for it (double -> int64 below AVX-512DQ): a NaN, infinite or huge x is undefined
// behaviour there (clang's UBSan stops on it). Such lanes take exp(0) and get their value after.

template <class T>
Batch<T> exp_defined(const Batch<T>& x) {
  if constexpr (std::is_same_v<T, double>) {
    const auto moderate = xsimd::abs(x) < Batch<T>(T(1000));  // false for NaN
    if (xsimd::all(moderate)) return xsimd::exp(x);
    const Batch<T> beyond = xsimd::select(x > Batch<T>(0), Batch<T>(std::numeric_limits<T>::infinity()),
                                          xsimd::select(x < Batch<T>(0), Batch<T>(0), x));
    return xsimd::select(moderate, xsimd::exp(xsimd::select(moderate, x, Batch<T>(0))), beyond);
  } else {
    return xsimd::exp(x);
  }
}
template <class T>
Batch<T> exp(const Batch<T>& x) {
  const Batch<T> y = exp_defined(x);
  const auto tiny = x < Batch<T>(std::log(std::numeric_limits<T>::min()));
  if (!xsimd::any(tiny)) return y;
  const Batch<T> half = exp_defined(x * Batch<T>(T(0.5)));
  return xsimd::select(tiny, half * half, y);
}
template <class T>
  requires std::is_floating_point_v<T>
T exp(T x) {
  return std::exp(x);
}

// y[i] = op(x[i]) for i < n. `op` takes and returns either a Batch<T> or a T.
template <class T, class Op>
void map(const T* x, T* y, std::size_t n, Op op) {
  std::size_t i = 0;
  for (; i + kLanes<T> <= n; i += kLanes<T>) {
    op(Batch<T>::load_unaligned(x + i)).store_unaligned(y + i);
  }
  for (; i < n; ++i) y[i] = op(x[i]);
}

// out[i] = op(a[i * a_step], b[i * b_step]) for i < n, where a step of 0 repeats one element
// (a broadcast dimension) and a step of 1 walks a contiguous row.
template <class T, class Op>
void zip(const T* a, std::size_t a_step, const T* b, std::size_t b_step, T* out, std::size_t n,
         Op op) {
  constexpr std::size_t L = kLanes<T>;
  std::size_t i = 0;
  if (a_step == 1 && b_step == 1) {
    for (; i + L <= n; i += L) {
      op(Batch<T>::load_unaligned(a + i), Batch<T>::load_unaligned(b + i)).store_unaligned(out + i);
    }
    for (; i < n; ++i) out[i] = op(a[i], b[i]);
  } else if (a_step == 1) {
    const Batch<T> vb(*b);
    for (; i + L <= n; i += L) op(Batch<T>::load_unaligned(a + i), vb).store_unaligned(out + i);
    for (; i < n; ++i) out[i] = op(a[i], *b);
  } else if (b_step == 1) {
    const Batch<T> va(*a);
    for (; i + L <= n; i += L) op(va, Batch<T>::load_unaligned(b + i)).store_unaligned(out + i);
    for (; i < n; ++i) out[i] = op(*a, b[i]);
  } else {
    std::fill_n(out, n, op(*a, *b));
  }
}

// An L x L block transposed in registers, L = kLanes<T>: to[c * to_stride + r] =
// from[r * from_stride + c] for r, c < L. It only moves bits (NaN payloads and, through
// double, int64 values come out unchanged). Element (r, c) goes to (c, r) by exchanging bit b
// of the row with bit b of the lane for each b: rows r and r + 2^b (bit b of r clear) trade
// the lanes of one against the other's lanes shifted by 2^b, one swizzle and one select each;
// log2(L) rounds of L swizzles, as many shuffles as the usual unpack/shuffle/permute
// sequence, in xsimd's portable swizzle and select. Inlined whole, so that the rows stay in
// registers (called out of line, GCC 12 kept them in memory: 3x slower).
template <std::size_t D>
struct LaneXor {  // lane i reads lane i ^ D
  static constexpr unsigned get(unsigned i, unsigned) { return i ^ static_cast<unsigned>(D); }
};
template <std::size_t D>
struct LaneHasBit {  // lanes with bit D set
  static constexpr bool get(unsigned i, unsigned) { return (i & D) != 0; }
};
template <class T, std::size_t D = 1>
[[gnu::always_inline]] inline void swap_row_lane_bits(Batch<T>* rows) {
  constexpr std::size_t L = kLanes<T>;
  if constexpr (D < L) {
    using Index = std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>;
    constexpr auto across = xsimd::make_batch_constant<xsimd::batch<Index>, LaneXor<D>>();
    constexpr auto high = xsimd::make_batch_bool_constant<Batch<T>, LaneHasBit<D>>();
    for (std::size_t r = 0; r < L; ++r) {
      if ((r & D) != 0) continue;
      const Batch<T> x = rows[r], y = rows[r + D];
      rows[r] = xsimd::select(high, xsimd::swizzle(y, across), x);
      rows[r + D] = xsimd::select(high, y, xsimd::swizzle(x, across));
    }
    swap_row_lane_bits<T, 2 * D>(rows);
  }
}
template <class T>
  requires(std::is_same_v<T, float> || std::is_same_v<T, double>)
[[gnu::always_inline]] inline void transpose_block(const T* from, std::size_t from_stride, T* to, std::size_t to_stride) {
  constexpr std::size_t L = kLanes<T>;
  Batch<T> rows[L];
  for (std::size_t r = 0; r < L; ++r) rows[r] = Batch<T>::load_unaligned(from + r * from_stride);
  swap_row_lane_bits<T>(rows);
  for (std::size_t c = 0; c < L; ++c) rows[c].store_unaligned(to + c * to_stride);
}

// Horizontal maximum (Max) or minimum of a batch: log2(L) rounds of swizzle and max, lane i
// against lane i ^ D. A scalar max_element over the stored lanes, as before, branches on every
// new maximum (on random data, we suppose, a few mispredictions per call, not measured: no
// perf counters here); the tree took amax over dim 1 of (256, 1024) from 10.2 to 9.6 us, one
// call per row. With a NaN lane the result is NaN or one of the numbers: callers that
// propagate NaN test for it themselves.
template <bool Max, class T, std::size_t D = kLanes<T> / 2>
T horizontal_extreme(const Batch<T>& v) {
  if constexpr (D == 0) {
    return v.get(0);
  } else {
    using Index = std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>;
    constexpr auto across = xsimd::make_batch_constant<xsimd::batch<Index>, LaneXor<D>>();
    const Batch<T> other = xsimd::swizzle(v, across);
    return horizontal_extreme<Max, T, D / 2>(Max ? xsimd::max(v, other) : xsimd::min(v, other));
  }
}
template <class T>
T hmax(const Batch<T>& v) {
  return horizontal_extreme<true>(v);
}

// Sum of n contiguous values; four independent accumulators hide the add latency and make
// float rounding grow more slowly than a single running sum. Fewer than L values are summed
// in order without the vectors (the same result: their part would be +0), since the horizontal
// add of the four empty accumulators is tens of cycles of latency: log_softmax of (4096, 10)
// took 1.4x as long with it (AVX-512, 16 lanes).
template <class T>
T contiguous_sum(const T* x, std::size_t n) {
  constexpr std::size_t L = kLanes<T>;
  if (n < L) {
    T total = 0;
    for (std::size_t i = 0; i < n; ++i) total += x[i];
    return total;
  }
  Batch<T> acc0(T(0)), acc1(T(0)), acc2(T(0)), acc3(T(0));
  std::size_t i = 0;
  for (; i + 4 * L <= n; i += 4 * L) {
    acc0 += Batch<T>::load_unaligned(x + i);
    acc1 += Batch<T>::load_unaligned(x + i + L);
    acc2 += Batch<T>::load_unaligned(x + i + 2 * L);
    acc3 += Batch<T>::load_unaligned(x + i + 3 * L);
  }
  for (; i + L <= n; i += L) acc0 += Batch<T>::load_unaligned(x + i);
  T total = xsimd::hadd((acc0 + acc1) + (acc2 + acc3));
  for (; i < n; ++i) total += x[i];
  return total;
}

template <class T>
T contiguous_max(const T* x, std::size_t n) {  // n >= 1
  constexpr std::size_t L = kLanes<T>;
  T best = x[0];
  std::size_t i = 0;
  if (n >= L) {
    Batch<T> acc = Batch<T>::load_unaligned(x);
    for (i = L; i + L <= n; i += L) acc = xsimd::max(acc, Batch<T>::load_unaligned(x + i));
    best = hmax(acc);
  }
  for (; i < n; ++i) best = std::max(best, x[i]);
  return best;
}

}  // namespace gg::detail
