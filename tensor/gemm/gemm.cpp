// Fast GEMM in the BLIS design. C:(M,N) := alpha * op(A):(M,K) * op(B):(K,N) + beta * C.
//
// Five loops around the micro-kernel (microkernel.hpp), blocked for the caches (blocking.hpp):
//   jc over N by NC      packed B block (KC x NC) in L3
//    pc over K by KC     pack B
//     ic over M by MC    pack A: packed A block (MC x KC) in L2
//      jr over NC by NR  B micro-panel (KC x NR) in L1
//       ir over MC by MR A micro-panel streamed from L2; micro-kernel on one MR x NR tile
// Threads claim bands of C (rows or columns, chosen per shape by a small cost model) and run
// the five loops on each with their own packing buffers, so there are no barriers. A few rows (batch-1 inference) skip packing entirely (small_m.hpp).
#include <gategrad/tensor/gemm.hpp>
#include <gategrad/tensor/gemm/blocking.hpp>
#include <gategrad/tensor/gemm/buffer.hpp>
#include <gategrad/tensor/gemm/check.hpp>
#include <gategrad/tensor/gemm/microkernel.hpp>
#include <gategrad/tensor/gemm/packing.hpp>
#include <gategrad/tensor/gemm/small_m.hpp>
#include <gategrad/tensor/parallel.hpp>
#include <gategrad/tensor/thread_pool.hpp>


#include <algorithm>
#include <atomic>
#include <cstddef>
#include <type_traits>
#include <utility>

namespace gg {
namespace gemm_detail {
namespace {

constexpr std::size_t round_up(std::size_t x, std::size_t multiple) {
  return (x + multiple - 1) / multiple * multiple;
}

// Below this many flops per thread, waking another thread costs more than it saves.
constexpr double min_flops_per_thread = 1.0e6;

// From this size of B on (beyond a core's 2 MiB L2), the few-rows path and the rank-1 update
// split B or C between threads whatever the flop count. Smaller operands stay in the L2 of the
// core that last used them: split, they crossed between the cores' caches every step and a
// batch-1 training step took twice as long on two threads as on one.
constexpr std::size_t small_m_parallel_bytes = std::size_t{4} << 20;

// At most this many column panels: the micro-kernel reads A in place instead of packing it.
constexpr std::size_t a_in_place_max_panels = 4;

// At most this many row panels, or a B of at most this many bytes: the micro-kernel reads B in
// place instead of packing it.
constexpr std::size_t b_in_place_max_panels = 4;
constexpr std::size_t b_in_place_max_bytes = 16 * 1024;

// K at least this many times max(M, N): threads split K rather than the rows or columns of C.
constexpr std::size_t k_split_ratio = 4;

// One call's operands, with the row/column offsets of a sub-rectangle of C applied by at().
template <class T>
struct Operands {
  Trans trans_a, trans_b;
  T alpha;
  const T* A;
  std::size_t lda;
  const T* B;
  std::size_t ldb;
  T beta;
  T* C;
  std::size_t ldc;

  // op(A)(i, p), op(B)(p, j) and C(i, j) addresses.
  const T* a_at(std::size_t i, std::size_t p) const {
    return trans_a == Trans::No ? A + i * lda + p : A + p * lda + i;
  }
  const T* b_at(std::size_t p, std::size_t j) const {
    return trans_b == Trans::No ? B + p * ldb + j : B + j * ldb + p;
  }
  T* c_at(std::size_t i, std::size_t j) const { return C + i * ldc + j; }
};

// How the micro-kernel reads A in one call: from the packed block, or in place when packing
// would cost more than it saves (few column panels, so each A element is used only a few
// times).
enum class ASource { packed, rows, columns };

// C block (mc x nc) += A block * packed B block, tile by tile; edge tiles are computed whole
// (zero padding) and only their valid part is written to C.
//   source packed: a is the packed A block.
//   source rows/columns: a is op(A)(ic, pc) in place (A stored (M,K) / (K,M), stride lda);
//   the last partial row panel, if any, is packed into edge_panel so no row past mc is read.
//   b_in_place non-null: the whole column panels of op(B) are read in place from it (B stored
//   (K,N), stride ldb) and packed_b holds only the last, partial panel.
template <class T, ASource source>
void macro_kernel(std::size_t mc, std::size_t nc, std::size_t kc, T alpha, T beta, const T* a,
                  std::size_t lda, T* edge_panel, const T* packed_b, const T* b_in_place,
                  std::size_t ldb, T* c, std::size_t ldc) {
  constexpr std::size_t MR = Blocking<T>::MR;
  constexpr std::size_t NR = Blocking<T>::NR;
  const std::size_t full_rows = source == ASource::packed ? mc : mc / MR * MR;
  if constexpr (source != ASource::packed) {
    if (full_rows < mc) {
      const Trans trans = source == ASource::rows ? Trans::No : Trans::Yes;
      const T* rest = source == ASource::rows ? a + full_rows * lda : a + full_rows;
      pack_a<T, MR>(trans, mc - full_rows, kc, rest, lda, edge_panel);
    }
  }
  const auto run_tile_with = [&](auto reader, auto b_panel, std::size_t m, std::size_t n,
                                 T* c_tile) { tile_kernel(kc, reader, b_panel, alpha, beta, c_tile, ldc, m, n); };
  const std::size_t full_cols = nc / NR * NR;
  const T* b_here = nullptr;  // the current column panel when read in place
  const T* b_panel = nullptr;  // else the current packed panel
  const auto run_tile = [&](auto reader, std::size_t m, std::size_t n, T* c_tile) {
    if (b_here != nullptr) {
      run_tile_with(reader, RowsOfB<T>{b_here, ldb}, m, n, c_tile);
    } else {
      run_tile_with(reader, PackedB<T>{b_panel}, m, n, c_tile);
    }
  };
  const auto tile_at = [&](std::size_t ir, std::size_t jr) {
    const std::size_t m = std::min(MR, mc - ir);
    const std::size_t n = std::min(NR, nc - jr);
    if (b_in_place != nullptr) {
      b_here = jr < full_cols ? b_in_place + jr : nullptr;
      b_panel = packed_b;  // the partial panel, packed alone
    } else {
      b_panel = packed_b + jr * kc;
    }
    T* c_tile = c + ir * ldc + jr;
    if constexpr (source == ASource::packed) {
      run_tile(PackedA<T>{a + ir * kc}, m, n, c_tile);
    } else if (ir >= full_rows) {
      run_tile(PackedA<T>{edge_panel}, m, n, c_tile);
    } else if constexpr (source == ASource::rows) {
      run_tile(RowsOfA<T>{a + ir * lda, lda}, m, n, c_tile);
    } else {
      run_tile(ColumnsOfA<T>{a + ir, lda}, m, n, c_tile);
    }
  };
  // The B micro-panel stays in L1 while the A micro-panels stream from L2. (Swapping the
  // loops for A read in place measured slower.)
  for (std::size_t jr = 0; jr < nc; jr += NR) {
    for (std::size_t ir = 0; ir < mc; ir += MR) tile_at(ir, jr);
  }
}

// [begin, end) of part `index` of `parts` when `count` items are dealt in units of `unit`.
struct Range {
  std::size_t begin, end;
};
Range part_of(std::size_t count, std::size_t unit, int parts, int index) {
  const std::size_t units = (count + unit - 1) / unit;
  const std::size_t p = static_cast<std::size_t>(parts);
  const std::size_t i = static_cast<std::size_t>(index);
  return {std::min(count, units * i / p * unit), std::min(count, units * (i + 1) / p * unit)};
}

// Elements of packing scratch one gemm_packed call on at most M x N of C needs: B's
// KC x NC block, then A's MC x KC block, each a whole number of cache lines.
template <class T>
std::size_t pack_scratch_size(std::size_t M, std::size_t N, std::size_t K) {
  using B = Blocking<T>;
  constexpr std::size_t line = 64 / sizeof(T);
  return round_up(std::min(B::KC, K) * round_up(std::min(B::NC, N), B::NR), line) +
         round_up(round_up(std::min(B::MC, M), B::MR) * std::min(B::KC, K), line);
}

// Packing scratch for `threads` workers, taken by the calling thread before the workers start:
// which thread runs which chunk depends on scheduling, and blocks taken inside the workers
// would make a steady-state call allocate whenever two chunks first ran at once.
template <class T>
class PackScratch {
 public:
  PackScratch(int threads, std::size_t M, std::size_t N, std::size_t K)
      : per_thread_(pack_scratch_size<T>(M, N, K)), block_(static_cast<std::size_t>(threads) * per_thread_) {}
  T* of(int thread) const { return block_.data() + static_cast<std::size_t>(thread) * per_thread_; }

 private:
  std::size_t per_thread_;
  Workspace<T> block_;
};

// The five loops on a rectangle of C (rows x cols) on the calling thread, packing into
// `scratch` (pack_scratch_size(rows, cols, K) elements or more, 64-byte aligned). K > 0.
template <class T>
void gemm_packed(const Operands<T>& op, Range rows, Range cols, std::size_t K, T* scratch) {
  constexpr std::size_t MR = Blocking<T>::MR;
  constexpr std::size_t NR = Blocking<T>::NR;
  constexpr std::size_t MC = Blocking<T>::MC;
  constexpr std::size_t KC = Blocking<T>::KC;
  constexpr std::size_t NC = Blocking<T>::NC;
  // Packing A touches every element of the block once more; the micro-kernel uses each
  // element of A once per column panel. With few column panels, reading A in place is
  // cheaper (measured on one core: (200,3072,50) 67 -> 100 GFLOP/s, 64^3 59 -> 123,
  // (784,200,100) +12% going from two to four panels).
  const std::size_t M = rows.end - rows.begin;
  const std::size_t N = cols.end - cols.begin;
  T* packed_b = scratch;
  T* packed_a = scratch + round_up(std::min(KC, K) * round_up(std::min(NC, N), NR), 64 / sizeof(T));
  const bool pack_a_block = N > a_in_place_max_panels * NR;
  // Likewise B with few row panels (a weight gradient dW = dY^T X of a narrow layer, M = 50):
  // packing B wrote a K x N copy as large as X (2.4 MB for 200 x 3072, beyond L2) that was
  // then read only ceil(M / MR) times. Whole panels are read in place instead (B stored (K,N):
  // NR contiguous values per k) and only the partial last panel is packed.
  // And a B small enough to stay in L1 across the row panels (a 64 x 64 product of bmm) is
  // read where it is too: packing it cost as much as the product of a row panel.
  const bool b_fits_l1 = K * N * sizeof(T) <= b_in_place_max_bytes;
  const bool b_in_place = op.trans_b == Trans::No && (M <= b_in_place_max_panels * MR || b_fits_l1);
  for (std::size_t jc = cols.begin; jc < cols.end; jc += NC) {
    const std::size_t nc = std::min(NC, cols.end - jc);
    for (std::size_t pc = 0; pc < K; pc += KC) {
      const std::size_t kc = std::min(KC, K - pc);
      const T beta = pc == 0 ? op.beta : T(1);  // later K blocks accumulate
      const std::size_t full_cols = nc / NR * NR;
      const T* b_block = b_in_place ? op.b_at(pc, jc) : nullptr;
      if (!b_in_place) {
        pack_b<T, NR>(op.trans_b, kc, nc, op.b_at(pc, jc), op.ldb, packed_b);
      } else if (full_cols < nc) {
        pack_b<T, NR>(op.trans_b, kc, nc - full_cols, op.b_at(pc, jc + full_cols), op.ldb, packed_b);
      }
      for (std::size_t ic = rows.begin; ic < rows.end; ic += MC) {
        const std::size_t mc = std::min(MC, rows.end - ic);
        T* c = op.c_at(ic, jc);
        if (pack_a_block) {
          pack_a<T, MR>(op.trans_a, mc, kc, op.a_at(ic, pc), op.lda, packed_a);
          macro_kernel<T, ASource::packed>(mc, nc, kc, op.alpha, beta, packed_a, 0, nullptr,
                                           packed_b, b_block, op.ldb, c, op.ldc);
        } else if (op.trans_a == Trans::No) {
          macro_kernel<T, ASource::rows>(mc, nc, kc, op.alpha, beta, op.a_at(ic, pc), op.lda,
                                         packed_a, packed_b, b_block, op.ldb, c, op.ldc);
        } else {
          macro_kernel<T, ASource::columns>(mc, nc, kc, op.alpha, beta, op.a_at(ic, pc),
                                            op.lda, packed_a, packed_b, b_block, op.ldb, c,
                                            op.ldc);
        }
      }
    }
  }
}

// c[j] = a * b[j * b_stride] + beta * c[j] for j < N (beta == 0 never reads c).
template <class T>
void rank1_row(std::size_t N, T a, const T* b, std::size_t b_stride, T beta, T* c) {
  if (b_stride == 1) {
    if (beta == T(0)) {
      for (std::size_t j = 0; j < N; ++j) c[j] = a * b[j];
    } else {
      for (std::size_t j = 0; j < N; ++j) c[j] = a * b[j] + beta * c[j];
    }
    return;
  }
  for (std::size_t j = 0; j < N; ++j) {
    c[j] = a * b[j * b_stride] + (beta == T(0) ? T(0) : beta * c[j]);
  }
}

// Rows [0, M) (M small) and columns [n0, n1) of C without packing B.
template <class T>
void gemm_small_m(const Operands<T>& op, const T* a, std::size_t a_row, std::size_t a_col,
                  std::size_t M, std::size_t n0, std::size_t n1, std::size_t K) {
  const bool b_transposed = op.trans_b == Trans::Yes;
  const T* b = op.b_at(0, n0);
  for (std::size_t i = 0; i < M; i += 4) {
    const T* a_rows = a + i * a_row;
    T* c = op.c_at(i, n0);
    const std::size_t N = n1 - n0;
    const auto rows = [&](auto row_count) {
      small_m_rows<T, decltype(row_count)::value>(b_transposed, N, K, a_rows, a_row, a_col, b,
                                                   op.ldb, op.alpha, op.beta, c, op.ldc);
    };
    switch (std::min<std::size_t>(4, M - i)) {
      case 1: rows(std::integral_constant<std::size_t, 1>{}); break;
      case 2: rows(std::integral_constant<std::size_t, 2>{}); break;
      case 3: rows(std::integral_constant<std::size_t, 3>{}); break;
      default: rows(std::integral_constant<std::size_t, 4>{}); break;
    }
  }
}

// Runs body(thread_index) on `threads` threads of gategrad's pool (inline when 1); rethrows
// the first exception.
template <class Body>
void run_threads(int threads, const Body& body) {
  parallel_run(threads, body);
}

// How the threads share C: `chunks` bands of rows (MR panels) or of columns (NR panels),
// claimed one at a time.
struct Split {
  bool by_rows = true;
  int chunks = 1;
};

// Rows or columns. A row band needs all of op(B) (each thread packs the whole K x N of B) and
// a column band all of op(A) (each thread packs, or reads in place, the whole M x K of A), so
// split the dimension that duplicates the smaller operand: rows when N <= M. (A cost model
// that counted tiles and packing but not the repeated in-place reads of A picked columns for
// (200,784,100) and ran slower on 2 threads than on 1.) Chunks are claimed in turn, so a
// thread that starts late leaves its chunk to the other.
template <class T>
Split choose_split(int threads, std::size_t M, std::size_t N) {
  const std::size_t row_panels = (M + Blocking<T>::MR - 1) / Blocking<T>::MR;
  const std::size_t col_panels = (N + Blocking<T>::NR - 1) / Blocking<T>::NR;
  const std::size_t t = static_cast<std::size_t>(threads);
  const bool by_rows = col_panels < t || (row_panels >= t && N <= M);
  return {by_rows, static_cast<int>(std::min(by_rows ? row_panels : col_panels, t))};
}

template <class T>
void scale_c(std::size_t M, std::size_t N, T beta, T* C, std::size_t ldc) {
  for (std::size_t i = 0; i < M; ++i) {
    T* row = C + i * ldc;
    if (beta == T(0)) {
      std::fill_n(row, N, T(0));
    } else {
      for (std::size_t j = 0; j < N; ++j) row[j] *= beta;
    }
  }
}

// C = sum over threads t of op(A)(:, K_t) op(B)(K_t, :) (+ beta C on thread 0's part).
template <class T>
void gemm_split_k(const Operands<T>& op, std::size_t M, std::size_t N, std::size_t K,
                  int threads) {
  const std::size_t parts = static_cast<std::size_t>(threads);
  const Workspace<T> partial((parts - 1) * M * N);
  const PackScratch<T> scratch(threads, M, N, K);
  run_threads(threads, [&](int t) {
    const Range ks = part_of(K, Blocking<T>::KC, threads, t);
    if (ks.begin >= ks.end) {
      if (t > 0) std::fill_n(partial.data() + static_cast<std::size_t>(t - 1) * M * N, M * N, T(0));
      else scale_c(M, N, op.beta, op.C, op.ldc);
      return;
    }
    Operands<T> slice = op;
    slice.A = op.a_at(0, ks.begin);
    slice.B = op.b_at(ks.begin, 0);
    if (t > 0) {
      slice.C = partial.data() + static_cast<std::size_t>(t - 1) * M * N;
      slice.ldc = N;
      slice.beta = T(0);
    }
    gemm_packed(slice, Range{0, M}, Range{0, N}, ks.end - ks.begin, scratch.of(t));
  });
  // Sum the partial products into C, rows shared between the threads.
  run_threads(threads, [&](int t) {
    const Range rows = part_of(M, 1, threads, t);
    for (std::size_t i = rows.begin; i < rows.end; ++i) {
      T* c = op.C + i * op.ldc;
      for (std::size_t p = 0; p + 1 < parts; ++p) {
        const T* add = partial.data() + p * M * N + i * N;
        for (std::size_t j = 0; j < N; ++j) c[j] += add[j];
      }
    }
  });
}

}  // namespace
}  // namespace gemm_detail

template <class T>
void gemm(Trans trans_a, Trans trans_b, std::size_t M, std::size_t N, std::size_t K, T alpha,
          const T* A, std::size_t lda, const T* B, std::size_t ldb, T beta, T* C,
          std::size_t ldc) {
  using namespace gemm_detail;
  check_gemm_args("gemm", trans_a, trans_b, M, N, K, A, lda, B, ldb, C, ldc);
  if (M == 0 || N == 0) return;
  if (K == 0) {
    scale_c(M, N, beta, C, ldc);
    return;
  }
  const Operands<T> op{trans_a, trans_b, alpha, A, lda, B, ldb, beta, C, ldc};
  const double flops = 2.0 * static_cast<double>(M) * static_cast<double>(N) * static_cast<double>(K);
  const int threads = static_cast<int>(std::max(
      1.0, std::min(static_cast<double>(num_threads()), flops / min_flops_per_thread)));

  if (K == 1) {
    // A rank-1 update (the weight gradient of a batch-1 step, x^T dy): one pass over C, with
    // no packing and no micro-kernel set-up per tile. Rows of C are shared between threads
    // only when C is large enough to be worth it.
    const int parts = static_cast<int>(std::min<std::size_t>(
        M, M * N * sizeof(T) >= small_m_parallel_bytes ? static_cast<std::size_t>(threads) : 1));
    run_threads(std::max(parts, 1), [&](int t) {
      const Range rows = part_of(M, 1, std::max(parts, 1), t);
      for (std::size_t i = rows.begin; i < rows.end; ++i) {
        rank1_row(N, alpha * *op.a_at(i, 0), op.B, op.trans_b == Trans::No ? 1 : op.ldb, beta,
                  op.c_at(i, 0));
      }
    });
    return;
  }
  if (M <= Blocking<T>::small_m) {
    // op(A)(i, k) = a[i * a_row + k * a_col]; the dot-product path (B transposed) wants
    // contiguous rows of op(A), so a transposed A is first copied (M*K elements, tiny).
    const T* a = A;
    std::size_t a_row = trans_a == Trans::No ? lda : 1;
    std::size_t a_col = trans_a == Trans::No ? 1 : lda;
    const Workspace<T> a_rows(trans_b == Trans::Yes && trans_a == Trans::Yes ? M * K : 0);
    if (trans_b == Trans::Yes && trans_a == Trans::Yes) {
      T* rows = a_rows.data();
      for (std::size_t i = 0; i < M; ++i) {
        for (std::size_t k = 0; k < K; ++k) rows[i * K + k] = A[k * lda + i];
      }
      a = rows;
      a_row = K;
      a_col = 1;
    }
    // Few flops but a large B is memory-bound: each thread then streams its own columns of B
    // through its own core (batch-1 (1,784,256) reads 784 KiB of B per call).
    constexpr std::size_t W = Blocking<T>::W;
    const int small_threads = K * N * sizeof(T) >= small_m_parallel_bytes ? num_threads() : threads;
    const int parts = static_cast<int>(
        std::min<std::size_t>(static_cast<std::size_t>(small_threads), (N + W - 1) / W));
    run_threads(parts, [&](int t) {
      const Range cols = part_of(N, W, parts, t);
      if (cols.begin < cols.end) gemm_small_m(op, a, a_row, a_col, M, cols.begin, cols.end, K);
    });
    return;
  }

  // Long K against small M and N (a first layer's forward, (200,3072,50)): bands of rows or
  // columns would each pack or read all of one operand, so split K instead. Every thread
  // multiplies its own slice of K over the whole of C, packing only its own part of A and B;
  // the partial products are then summed into C (M*N, small against M*K and K*N here).
  if (threads >= 2 && K >= k_split_ratio * std::max(M, N) && K >= 2 * Blocking<T>::KC) {
    gemm_split_k(op, M, N, K, threads);
    return;
  }

  // One fork and join per call and no barriers: each chunk packs its own panels. Sharing
  // the packed B between row-split threads saves a few percent of packing on an idle machine,
  // but each barrier can wait out a scheduler time slice when the machine is oversubscribed
  // (beside a parallel build, (200,3072,50) on 2 threads: 218 ms per call with a shared B and
  // 24 barriers, 4-12 ms with one join).
  const Split split = threads == 1 ? Split{} : choose_split<T>(threads, M, N);
  std::atomic<int> next_chunk{0};
  const int workers = std::min(threads, split.chunks);
  const PackScratch<T> scratch(workers, M, N, K);
  run_threads(workers, [&](int t) {
    for (int chunk = next_chunk++; chunk < split.chunks; chunk = next_chunk++) {
      const Range band = split.by_rows ? part_of(M, Blocking<T>::MR, split.chunks, chunk)
                                       : part_of(N, Blocking<T>::NR, split.chunks, chunk);
      const Range rows = split.by_rows ? band : Range{0, M};
      const Range cols = split.by_rows ? Range{0, N} : band;
      if (rows.begin < rows.end && cols.begin < cols.end) gemm_packed(op, rows, cols, K, scratch.of(t));
    }
  });
}

namespace gemm_detail {
namespace {
// K in equal blocks of at most 5/4 KC for the convolutions' products: a short last block
// (32 of K = 288 with blocks of 256) loads and stores every C tile for a few k steps.
template <class T>
std::size_t even_kc(std::size_t K) {
  constexpr std::size_t most = Blocking<T>::KC * 5 / 4;
  const std::size_t blocks = (K + most - 1) / most;
  return (K + blocks - 1) / blocks;
}
}  // namespace
}  // namespace gemm_detail

template <class T>
std::size_t packed_a_size(std::size_t M, std::size_t K) {
  using namespace gemm_detail;
  return round_up(M, Blocking<T>::MR) * K;
}

// Block (pc, ic) of the packed A is at round_up(M, MR) pc + ic kc: every K block before it
// holds round_up(M, MR) x KC values (KC = even_kc(K) here), and every M block before it within
// its K block MC x kc.
template <class T>
void pack_a_blocks(std::size_t M, std::size_t K, const T* A, std::size_t lda, T* packed) {
  using namespace gemm_detail;
  constexpr std::size_t MR = Blocking<T>::MR, MC = Blocking<T>::MC;
  const std::size_t KC = even_kc<T>(K);
  const std::size_t Mp = round_up(M, MR);
  for (std::size_t pc = 0; pc < K; pc += KC) {
    const std::size_t kc = std::min(KC, K - pc);
    for (std::size_t ic = 0; ic < M; ic += MC) {
      pack_a<T, MR>(Trans::No, std::min(MC, M - ic), kc, A + ic * lda + pc, lda, packed + Mp * pc + ic * kc);
    }
  }
}

template <class T>
void gemm_b_rows(std::size_t M, std::size_t N, std::size_t K, T alpha, const T* packed_a, const T* b,
                 const std::ptrdiff_t* b_rows, T beta, T* C, std::size_t ldc, const std::size_t* k_begin,
                 const std::size_t* k_end) {
  using namespace gemm_detail;
  constexpr std::size_t MR = Blocking<T>::MR, NR = Blocking<T>::NR;
  constexpr std::size_t MC = Blocking<T>::MC;
  if (M == 0 || N == 0) return;
  if (K == 0) {
    scale_c(M, N, beta, C, ldc);
    return;
  }
  const std::size_t KC = even_kc<T>(K);  // as pack_a_blocks
  // The k steps [k0, k1) a column panel needs: all of K, or the union of its columns' ranges.
  const auto panel_range = [&](std::size_t jr, std::size_t n) -> std::pair<std::size_t, std::size_t> {
    if (k_begin == nullptr) return {0, K};
    std::size_t k0 = K, k1 = 0;
    for (std::size_t j = jr; j < jr + n; ++j) {
      if (k_begin[j] >= k_end[j]) continue;
      k0 = std::min(k0, k_begin[j]);
      k1 = std::max(k1, std::min(k_end[j], K));
    }
    return {k0, k1};
  };
  // The loops of gemm_packed without any packing: a B micro-panel (kc rows of NR values) is
  // read where it is, and stays in L1 while the packed A micro-panels stream past it. A panel
  // that needs only k steps [k0, k1) runs those, from its first A micro-panel step on; one
  // that needs none is scaled by beta.
  const std::size_t Mp = round_up(M, MR);
  for (std::size_t pc = 0; pc < K; pc += KC) {
    const std::size_t kc = std::min(KC, K - pc);
    for (std::size_t ic = 0; ic < M; ic += MC) {
      const std::size_t mc = std::min(MC, M - ic);
      const T* block = packed_a + Mp * pc + ic * kc;
      for (std::size_t jr = 0; jr < N; jr += NR) {
        const std::size_t n = std::min(NR, N - jr);
        const auto [k0, k1] = panel_range(jr, n);
        if (k0 >= k1) {
          if (pc == 0) scale_c(mc, n, beta, C + ic * ldc + jr, ldc);
          continue;
        }
        const std::size_t lo = std::max(pc, k0), hi = std::min(pc + kc, k1);
        if (lo >= hi) continue;
        const T beta_here = lo == k0 ? beta : T(1);
        for (std::size_t ir = 0; ir < mc; ir += MR) {
          tile_kernel(hi - lo, PackedA<T>{block + ir * kc + (lo - pc) * MR}, OffsetRowsOfB<T>{b + jr, b_rows + lo},
                      alpha, beta_here, C + (ic + ir) * ldc + jr, ldc, std::min(MR, mc - ir), n);
        }
      }
    }
  }
}

template <class T>
std::size_t gemm_b_columns_scratch(std::size_t M, std::size_t N, std::size_t K) {
  using namespace gemm_detail;
  constexpr std::size_t MR = Blocking<T>::MR, NR = Blocking<T>::NR;
  constexpr std::size_t MC = Blocking<T>::MC, NC = Blocking<T>::NC;
  const std::size_t KC = even_kc<T>(std::max<std::size_t>(K, 1));
  return round_up(KC * round_up(std::min(NC, N), NR), 64 / sizeof(T)) + round_up(std::min(MC, M), MR) * KC;
}

template <class T>
void gemm_b_columns(std::size_t M, std::size_t N, std::size_t K, T alpha, const T* A, std::size_t lda, const T* b,
                    const std::ptrdiff_t* b_columns, T beta, T* C, std::size_t ldc, T* scratch) {
  using namespace gemm_detail;
  constexpr std::size_t MR = Blocking<T>::MR, NR = Blocking<T>::NR;
  constexpr std::size_t MC = Blocking<T>::MC, NC = Blocking<T>::NC;
  if (M == 0 || N == 0) return;
  if (K == 0) {
    scale_c(M, N, beta, C, ldc);
    return;
  }
  // gemm_packed's loops with B packed from its columns, K in even blocks. A is read in place
  // with few column panels, as gemm_packed does.
  const std::size_t KC = even_kc<T>(K);
  const std::size_t b_block = round_up(KC * round_up(std::min(NC, N), NR), 64 / sizeof(T));
  T* packed_b = scratch;
  T* packed_a = packed_b + b_block;
  const bool pack_a_block = N > a_in_place_max_panels * NR;
  for (std::size_t jc = 0; jc < N; jc += NC) {
    const std::size_t nc = std::min(NC, N - jc);
    for (std::size_t pc = 0; pc < K; pc += KC) {
      const std::size_t kc = std::min(KC, K - pc);
      const T beta_here = pc == 0 ? beta : T(1);
      pack_b_columns<T, NR>(kc, nc, [&](std::size_t j) { return b + b_columns[jc + j] + pc; }, packed_b);
      for (std::size_t ic = 0; ic < M; ic += MC) {
        const std::size_t mc = std::min(MC, M - ic);
        const T* a = A + ic * lda + pc;
        T* c = C + ic * ldc + jc;
        if (pack_a_block) {
          pack_a<T, MR>(Trans::No, mc, kc, a, lda, packed_a);
          macro_kernel<T, ASource::packed>(mc, nc, kc, alpha, beta_here, packed_a, 0, nullptr, packed_b, nullptr, 0,
                                           c, ldc);
        } else {
          macro_kernel<T, ASource::rows>(mc, nc, kc, alpha, beta_here, a, lda, packed_a, packed_b, nullptr, 0, c,
                                         ldc);
        }
      }
    }
  }
}

template std::size_t gemm_b_columns_scratch<float>(std::size_t, std::size_t, std::size_t);
template std::size_t gemm_b_columns_scratch<double>(std::size_t, std::size_t, std::size_t);
template void gemm_b_columns<float>(std::size_t, std::size_t, std::size_t, float, const float*, std::size_t,
                                    const float*, const std::ptrdiff_t*, float, float*, std::size_t, float*);
template void gemm_b_columns<double>(std::size_t, std::size_t, std::size_t, double, const double*, std::size_t,
                                     const double*, const std::ptrdiff_t*, double, double*, std::size_t, double*);
template std::size_t packed_a_size<float>(std::size_t, std::size_t);
template std::size_t packed_a_size<double>(std::size_t, std::size_t);
template void pack_a_blocks<float>(std::size_t, std::size_t, const float*, std::size_t, float*);
template void pack_a_blocks<double>(std::size_t, std::size_t, const double*, std::size_t, double*);
template void gemm_b_rows<float>(std::size_t, std::size_t, std::size_t, float, const float*, const float*,
                                 const std::ptrdiff_t*, float, float*, std::size_t, const std::size_t*,
                                 const std::size_t*);
template void gemm_b_rows<double>(std::size_t, std::size_t, std::size_t, double, const double*, const double*,
                                  const std::ptrdiff_t*, double, double*, std::size_t, const std::size_t*,
                                  const std::size_t*);

template void gemm<float>(Trans, Trans, std::size_t, std::size_t, std::size_t, float,
                          const float*, std::size_t, const float*, std::size_t, float, float*,
                          std::size_t);
template void gemm<double>(Trans, Trans, std::size_t, std::size_t, std::size_t, double,
                           const double*, std::size_t, const double*, std::size_t, double,
                           double*, std::size_t);

}  // namespace gg
