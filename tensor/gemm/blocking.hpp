#pragma once
// Register and cache blocking of the packed GEMM, per element type and SIMD target.
//
// Register tile MR x NR: the micro-kernel keeps an MR x NR block of C in MR * NV vector
// registers (NR = NV lanes-wide vectors per row, C is row-major so a row of the tile is NV
// contiguous vectors). Per k it loads NV vectors of packed B and broadcasts MR scalars of
// packed A (folded into the FMA as an embedded broadcast), so it needs MR*NV + NV (+1) registers:
//   AVX-512 (32 zmm): 14 x 2 accumulators + 2 B vectors + 1 broadcast = 31; MR=14 gives the
//   highest FMA-to-load ratio that fits (28 FMAs per 2 loads + 14 broadcasts).
//   AVX2 (16 ymm): 6 x 2 accumulators + 2 B vectors + 1 broadcast = 15 registers.
//
// Cache blocks (Sapphire Rapids here: L1d 48 KiB, L2 2 MiB per core, L3 shared and large):
//   KC: the packed B micro-panel (KC x NR) is reused by every A micro-panel of the block, so
//       it should stay in L1 together with the streaming A micro-panel (KC x MR):
//       fp32 256 * (32 + 14) * 4 B = 46 KiB; fp64 192 * (16 + 14) * 8 B = 45 KiB.
//   MC: the packed A block (MC x KC) is reused by every B micro-panel of the jr loop from L2.
//       Measured on 512..2048 squares (one core), a quarter-MiB block beats a 1 MiB one
//       (154 vs 147 GFLOP/s at 1024): L2 also has to hold the B panels streaming in from L3
//       and the C tiles. fp32 336 * 256 * 4 B = 336 KiB; fp64 280 * 192 * 8 B = 420 KiB.
//   NC: the packed B block (KC x NC) lives in L3; NC is large so B is packed once for most
//       shapes (fp32 4096 * 256 * 4 B = 4 MiB, fp64 2048 * 192 * 8 B = 3 MiB).
#include <gategrad/tensor/gemm/simd.hpp>

#include <cstddef>

namespace gg::gemm_detail {

template <class T>
struct Blocking {
  static constexpr std::size_t W = Batch<T>::size;  // lanes per vector
#if XSIMD_WITH_AVX512F
  static constexpr std::size_t MR = 14;
  static constexpr std::size_t NV = 2;
  static constexpr std::size_t KC = sizeof(T) == 4 ? 256 : 192;
  static constexpr std::size_t MC = sizeof(T) == 4 ? 14 * 24 : 14 * 20;
  static constexpr std::size_t NC = sizeof(T) == 4 ? 4096 : 2048;
#elif XSIMD_WITH_FMA3_AVX2
  static constexpr std::size_t MR = 6;
  static constexpr std::size_t NV = 2;
  static constexpr std::size_t KC = 256;
  static constexpr std::size_t MC = sizeof(T) == 4 ? 6 * 80 : 6 * 40;
  static constexpr std::size_t NC = sizeof(T) == 4 ? 4096 : 2048;
#else
  static constexpr std::size_t MR = 4;
  static constexpr std::size_t NV = 4;
  static constexpr std::size_t KC = 256;
  static constexpr std::size_t MC = 128;
  static constexpr std::size_t NC = 2048;
#endif
  static constexpr std::size_t NR = NV * W;
  static_assert(MC % MR == 0 && NC % NR == 0, "cache blocks must hold whole register tiles");

  // Rows at or below which gemm skips packing and reads B in place (see small_m.hpp): with so
  // few rows, packing B (K*N copies) costs as much as the multiply itself.
  static constexpr std::size_t small_m = 4;
};

}  // namespace gg::gemm_detail
