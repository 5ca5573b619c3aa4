#pragma once
// StridedLoop: the elementwise engine under the copies and pointwise ops, a small version of
// PyTorch's TensorIterator. Included only by the library's .cpp files.
//
// Contract.
//   * Operand 0 is the output, operands 1..N-1 the inputs. Each operand comes as its first
//     element's address, its element size and its element strides laid against the output's
//     sizes: broadcast_strides() gives those, with stride 0 along every dimension the input is
//     broadcast on. Callers check beforehand that the sizes broadcast and that the output does
//     not overlap itself or an input partially (copy_ and the in-place ops do); the loop
//     checks nothing.
//   * The loop drops size-1 dimensions, orders the rest innermost-first as torch's
//     reorder_dimensions does (by the output's strides; where those tie or are 0, by the first
//     input that tells them apart), so a transposed output or input is walked in memory order,
//     and merges neighbouring dimensions that are contiguous relative to each other in every
//     operand (stride[d+1] == stride[d] * size[d]), so a same-layout op is one flat run.
//   * run(f) calls f(data, steps, n) once per innermost run: data[k] is operand k's element at
//     the start of the run, steps[k] its step in elements along the run (0: the same element n
//     times, 1: contiguous), n >= 1 the run's length. Every output element is in exactly one
//     run; runs come in no promised order. A zero-element output calls f never; a rank-0
//     output calls it once, with n = 1.
//   * An input that walks the run with a step of a cache line or more but is contiguous along
//     the next dimension (a transposed input against a row-major output) is packed: the two
//     innermost dimensions are walked in tiles of kTileRun x (two cache lines of that input),
//     and f gets its run from a copy of the tile, transposed, with step 1. Read in place, each
//     run would touch one line per element, and with power-of-two strides those lines fall in
//     a few cache sets and evict each other before the next run could reuse them. A tile of
//     4- or 8-byte elements is transposed in registers (simd.hpp's transpose_block), L x L
//     elements at a time; its ragged edges and 1- or 2-byte elements are copied one by one.
// Nothing is allocated per run; a packed walk takes its tiles from the caching allocator
// (tensor/allocator.hpp) once per call, so after the first call it reaches no system heap.
#include <gategrad/tensor/allocator.hpp>
#include <gategrad/tensor/detail/simd.hpp>
#include <gategrad/tensor/factory.hpp>
#include <gategrad/tensor/tensor.hpp>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <type_traits>

namespace gg::detail {

// t's element strides against `sizes`, which t's sizes broadcast to (aligned from the right):
// 0 along each dimension t lacks or has size 1 in.
inline SizeVector broadcast_strides(const Tensor& t, IntArrayRef sizes) {
  SizeVector strides(sizes.size(), 0);
  const IntArrayRef own_sizes = t.sizes(), own_strides = t.strides();
  const std::size_t skip = sizes.size() - own_sizes.size();
  for (std::size_t d = 0; d < own_sizes.size(); ++d) {
    strides[skip + d] = own_sizes[d] == 1 ? 0 : own_strides[d];
  }
  return strides;
}

// The dimensions of `sizes`, innermost first, in the order the operands' strides ask for:
// PyTorch's reorder_dimensions. For two dimensions, the first operand whose strides along
// them are both non-zero and differ decides (the smaller stride goes inner); equal strides
// put the smaller size inner; when every operand is ambiguous the original order stays.
// An insertion sort, as in PyTorch, because "ambiguous" is not a strict weak order.
inline SizeVector inner_first_order(IntArrayRef sizes, std::span<const SizeVector> strides) {
  const std::size_t rank = sizes.size();
  SizeVector order(rank);
  for (std::size_t i = 0; i < rank; ++i) order[i] = static_cast<std::int64_t>(rank - 1 - i);
  // > 0: dim0 belongs outside dim1; < 0: inside; 0: no operand tells.
  const auto compare = [&](std::int64_t dim0, std::int64_t dim1) {
    const auto d0 = static_cast<std::size_t>(dim0), d1 = static_cast<std::size_t>(dim1);
    for (const SizeVector& s : strides) {
      if (s[d0] == 0 || s[d1] == 0) continue;
      if (s[d0] != s[d1]) return s[d0] < s[d1] ? -1 : 1;
      if (sizes[d0] > sizes[d1]) return 1;
    }
    return 0;
  };
  for (std::size_t i = 1; i < rank; ++i) {
    std::size_t d1 = i;
    for (std::size_t d0 = i; d0-- > 0;) {
      const int c = compare(order[d0], order[d1]);
      if (c > 0) {
        std::swap(order[d0], order[d1]);
        d1 = d0;
      } else if (c < 0) {
        break;
      }
    }
  }
  return order;
}

// Strides for a new tensor of `sizes` laid out as its inputs are, as TensorIterator allocates
// an output: dense, with the dimensions nested in inner_first_order(). Inputs that agree on a
// transposed layout give that layout; row-major inputs give row-major strides.
inline SizeVector output_strides(IntArrayRef sizes, std::span<const SizeVector> input_strides) {
  const SizeVector order = inner_first_order(sizes, input_strides);
  SizeVector strides(sizes.size());
  std::int64_t stride = 1;
  for (const std::int64_t d : order) {
    strides[static_cast<std::size_t>(d)] = stride;
    stride *= std::max<std::int64_t>(sizes[static_cast<std::size_t>(d)], 1);
  }
  return strides;
}

// A new tensor of `sizes` with `strides`, which must be a dense layout (a permutation of
// contiguous strides, as output_strides() gives): the storage is the contiguous one's.
inline Tensor empty_strided(IntArrayRef sizes, IntArrayRef strides, Dtype dtype) {
  Tensor out = gg::empty(sizes, dtype);
  out.unsafe_impl()->strides = strides.vec();
  return out;
}

// Whether two index tuples of t reach the same element through a dimension of stride 0 (an
// expanded tensor): writing through t would write that element more than once. Other
// self-overlapping as_strided layouts are not detected (PyTorch gives up on them too).
inline bool has_internal_overlap(const Tensor& t) {
  for (std::size_t d = 0; d < t.sizes().size(); ++d) {
    if (t.sizes()[d] > 1 && t.strides()[d] == 0) return true;
  }
  return false;
}

// Whether an elementwise write through `out` may change an element of `in` before it is
// read: they share a storage and their byte ranges intersect, and `in` is not `out` itself
// (the same elements in the same order, which an elementwise loop reads before it writes).
inline bool overlaps_partially(const Tensor& out, const Tensor& in) {
  if (out.storage() != in.storage() || out.numel() == 0 || in.numel() == 0) return false;
  if (out.storage_offset() == in.storage_offset() && out.sizes() == in.sizes() &&
      out.strides() == in.strides() && out.dtype() == in.dtype()) {
    return false;
  }
  const auto byte_range = [](const Tensor& t) {
    std::int64_t last = t.storage_offset();
    for (std::size_t d = 0; d < t.sizes().size(); ++d) last += (t.sizes()[d] - 1) * t.strides()[d];
    const auto bytes = static_cast<std::int64_t>(t.element_size());
    return std::array<std::int64_t, 2>{t.storage_offset() * bytes, (last + 1) * bytes};
  };
  const auto a = byte_range(out), b = byte_range(in);
  return a[0] < b[1] && b[0] < a[1];
}

template <std::size_t N>
class StridedLoop {
 public:
  using Data = std::array<void*, N>;
  using Steps = std::array<std::int64_t, N>;

  // A packed tile: runs of kTileRun elements, as many runs as kTileHeight bytes of the
  // packed input hold (32 floats, 16 doubles), each run kTilePad elements longer than
  // kTileRun in the buffer, so that the rows a transposed block writes at once do not share
  // cache sets (a power-of-two row stride put them in one or two). On bench_strided's 512x512
  // float32 a.t() + b (AMD EPYC, 32 KiB L1), where a contiguous add takes 0.05 ms: read in
  // place 0.53 ms, packed one element at a time in 64 x 64 tiles 0.26 ms, in 256 x one line
  // 0.19 ms. With the in-register transpose, tiles of 64 to 512 elements by one to four lines
  // came within the machine's noise of each other; 256 x two lines, padded, was as fast as
  // any for float32 and the fastest for float64. Tried and dropped (compare_builds.py against
  // this layout, 9 rounds, 2026-12-01): runs of 128 (a tile inside L1), 0.975 for float32;
  // software prefetch of the next rows, 0.93-0.97; and no tile at all, each 8 x 8 block
  // transposed in registers and added to the other operand as it stands, 164 us against 130:
  // the output's and the other input's 8-16 rows, 2 KiB apart, fall in the same few L1 sets.
  static constexpr std::int64_t kTileRun = 256;
  static constexpr std::int64_t kTilePad = 16;
  static constexpr std::int64_t kTileStride = kTileRun + kTilePad;
  static constexpr std::int64_t kLine = 64;
  static constexpr std::int64_t kTileHeight = 2 * kLine;

  // out_sizes: the output's. operand_strides[k]: operand k's element strides against them.
  StridedLoop(IntArrayRef out_sizes, const std::array<SizeVector, N>& operand_strides,
              const Data& data, const std::array<std::size_t, N>& element_sizes) {
    std::int64_t numel = 1;
    for (const std::int64_t s : out_sizes) numel *= s;
    empty_ = numel == 0;
    for (std::size_t k = 0; k < N; ++k) data_[k] = static_cast<char*>(data[k]);
    if (empty_) return;

    // Keep the dimensions longer than 1, then nest them innermost-first.
    SizeVector kept_sizes;
    std::array<SizeVector, N> kept_strides;
    for (std::size_t d = 0; d < out_sizes.size(); ++d) {
      if (out_sizes[d] == 1) continue;
      kept_sizes.push_back(out_sizes[d]);
      for (std::size_t k = 0; k < N; ++k) kept_strides[k].push_back(operand_strides[k][d]);
    }
    const SizeVector order = inner_first_order(kept_sizes, kept_strides);

    // Merge each dimension into the one inside it when every operand steps over the inner
    // one exactly (a contiguous pair), then keep at least two dimensions for run().
    for (const std::int64_t dim : order) {
      const auto d = static_cast<std::size_t>(dim);
      const std::size_t last = sizes_.size();
      bool merges = last > 0;
      for (std::size_t k = 0; k < N && merges; ++k) {
        merges = kept_strides[k][d] == strides_[k][last - 1] * sizes_[last - 1];
      }
      if (merges) {
        sizes_[last - 1] *= kept_sizes[d];
        continue;
      }
      sizes_.push_back(kept_sizes[d]);
      for (std::size_t k = 0; k < N; ++k) strides_[k].push_back(kept_strides[k][d]);
    }
    while (sizes_.size() < 2) {
      sizes_.push_back(1);
      for (std::size_t k = 0; k < N; ++k) strides_[k].push_back(0);
    }
    for (std::size_t k = 0; k < N; ++k) {
      const auto bytes = static_cast<std::int64_t>(element_sizes[k]);
      byte_strides_[k] = strides_[k];
      for (std::int64_t& s : byte_strides_[k]) s *= bytes;
      steps_[k] = strides_[k][0];
    }
    element_sizes_ = element_sizes;
    choose_packed();
  }

  // The loop of operands that are all contiguous with the same sizes: one flat run of numel.
  StridedLoop(std::int64_t numel, const Data& data, const std::array<std::size_t, N>& element_sizes)
      : empty_(numel == 0), element_sizes_(element_sizes), sizes_{numel, 1} {
    for (std::size_t k = 0; k < N; ++k) {
      data_[k] = static_cast<char*>(data[k]);
      strides_[k] = {1, 0};
      byte_strides_[k] = {static_cast<std::int64_t>(element_sizes[k]), 0};
      steps_[k] = 1;
    }
  }

  // The loop's dimensions after ordering and merging, innermost first (at least two, padded
  // with size 1), and operand k's element strides along them: what the tests look at.
  IntArrayRef sizes() const { return sizes_; }
  IntArrayRef strides(std::size_t operand) const { return strides_[operand]; }
  bool tiled() const { return tiled_; }

  template <class F>
  void run(F&& f) const {
    if (empty_) return;
    const TileBuffer buffer(tiled_ ? N * kTileBytes : 0);
    // Odometer over the dimensions outside the two innermost; those two are plane().
    const std::size_t rank = sizes_.size();
    SizeVector counter(rank, 0);
    std::array<char*, N> base = data_;
    while (true) {
      plane(base, f, buffer.data);
      std::size_t d = 2;
      for (; d < rank; ++d) {
        for (std::size_t k = 0; k < N; ++k) base[k] += byte_strides_[k][d];
        if (++counter[d] < sizes_[d]) break;
        for (std::size_t k = 0; k < N; ++k) base[k] -= byte_strides_[k][d] * sizes_[d];
        counter[d] = 0;
      }
      if (d >= rank) return;
    }
  }

 private:
  static constexpr std::size_t kTileBytes = static_cast<std::size_t>(kTileStride * kTileHeight);

  // The packed tiles of one run() call, from the caching allocator.
  struct TileBuffer {
    explicit TileBuffer(std::size_t size)
        : data(size == 0 ? nullptr : static_cast<std::byte*>(cached_allocate(size))),
          bytes(size) {}
    TileBuffer(const TileBuffer&) = delete;
    TileBuffer& operator=(const TileBuffer&) = delete;
    ~TileBuffer() {
      if (data != nullptr) cached_deallocate(data, bytes);
    }
    std::byte* data;
    std::size_t bytes;
  };

  // Packs each input whose run step is a cache line or more while its next dimension's step
  // is less (see the contract); the tile is as tall as kTileHeight bytes of the widest
  // packed element.
  void choose_packed() {
    if (sizes_[1] == 1) return;
    std::int64_t widest = 0;
    for (std::size_t k = 1; k < N; ++k) {
      const auto bytes = static_cast<std::int64_t>(element_sizes_[k]);
      const std::int64_t step = byte_strides_[k][0], next = byte_strides_[k][1];
      packed_[k] = step >= kLine && next != 0 && next < kLine;
      if (packed_[k]) widest = std::max(widest, bytes);
    }
    tiled_ = widest > 0;
    if (tiled_) tile_rows_ = kTileHeight / widest;
  }

  // The two innermost dimensions from `base`: sizes_[1] runs of sizes_[0] elements, in tiles
  // with the packed inputs copied to `buffer` first when tiled_.
  template <class F>
  void plane(const std::array<char*, N>& base, F& f, std::byte* buffer) const {
    const std::int64_t n = sizes_[0], rows = sizes_[1];
    if (!tiled_) {
      for (std::int64_t r = 0; r < rows; ++r) f(at(base, 0, r), steps_, n);
      return;
    }
    Steps steps = steps_;
    for (std::size_t k = 0; k < N; ++k) {
      if (packed_[k]) steps[k] = 1;
    }
    for (std::int64_t r0 = 0; r0 < rows; r0 += tile_rows_) {
      const std::int64_t height = std::min(tile_rows_, rows - r0);
      for (std::int64_t i0 = 0; i0 < n; i0 += kTileRun) {
        const std::int64_t len = std::min(kTileRun, n - i0);
        const Data origin = at(base, i0, r0);
        for (std::size_t k = 0; k < N; ++k) {
          if (!packed_[k]) continue;
          pack(k, static_cast<const char*>(origin[k]), len, height, packed_run(buffer, k, 0));
        }
        for (std::int64_t r = 0; r < height; ++r) {
          Data p = at(base, i0, r0 + r);
          for (std::size_t k = 0; k < N; ++k) {
            if (packed_[k]) p[k] = packed_run(buffer, k, r);
          }
          f(p, steps, len);
        }
      }
    }
  }

  // packed[r * kTileStride + i] = tile element (i, r) of input k, for i < len, r < height: read
  // along the input's short step (a few lines, sequentially), written across the buffer.
  void pack(std::size_t k, const char* origin, std::int64_t len, std::int64_t height,
            std::byte* packed) const {
    switch (element_sizes_[k]) {
      case 1: return pack_words<1>(k, origin, len, height, packed);
      case 2: return pack_words<2>(k, origin, len, height, packed);
      case 4: return pack_words<4>(k, origin, len, height, packed);
      default: return pack_words<8>(k, origin, len, height, packed);
    }
  }
  template <std::size_t Bytes>
  void pack_words(std::size_t k, const char* origin, std::int64_t len, std::int64_t height,
                  std::byte* packed) const {
    const std::int64_t step = byte_strides_[k][0], next = byte_strides_[k][1];
    const auto to = [&](std::int64_t i, std::int64_t r) {
      return packed + static_cast<std::size_t>(r * kTileStride + i) * Bytes;
    };
    // Elements [i0, i1) x [r0, r1) of the tile, one by one.
    const auto copy = [&](std::int64_t i0, std::int64_t i1, std::int64_t r0, std::int64_t r1) {
      for (std::int64_t i = i0; i < i1; ++i) {
        const char* source = origin + i * step;
        for (std::int64_t r = r0; r < r1; ++r) std::memcpy(to(i, r), source + r * next, Bytes);
      }
    };
    std::int64_t done = 0;  // columns i < done are packed
    if constexpr (Bytes == 4 || Bytes == 8) {
      // Contiguous source rows (the usual transposed operand): L x L blocks in registers, all
      // blocks of a few source rows before the next rows, so each line is read once.
      using Word = std::conditional_t<Bytes == 4, float, double>;
      constexpr auto L = static_cast<std::int64_t>(kLanes<Word>);
      if (next == static_cast<std::int64_t>(Bytes)) {
        const std::int64_t block_rows = height - height % L;
        const auto from_stride = static_cast<std::size_t>(step) / Bytes;
        for (; done + L <= len; done += L) {
          const char* source = origin + done * step;
          for (std::int64_t r = 0; r < block_rows; r += L) {
            transpose_block(reinterpret_cast<const Word*>(source + r * next), from_stride,
                            reinterpret_cast<Word*>(to(done, r)), kTileStride);
          }
          copy(done, done + L, block_rows, height);
        }
      }
    }
    copy(done, len, 0, height);
  }

  // Run r of input k's packed tile, in the buffer run() allocates (kTileBytes per operand).
  std::byte* packed_run(std::byte* buffer, std::size_t k, std::int64_t r) const {
    return buffer + k * kTileBytes +
           element_sizes_[k] * static_cast<std::size_t>(r * kTileStride);
  }

  Data at(const std::array<char*, N>& base, std::int64_t i, std::int64_t r) const {
    Data p;
    for (std::size_t k = 0; k < N; ++k) {
      p[k] = base[k] + i * byte_strides_[k][0] + r * byte_strides_[k][1];
    }
    return p;
  }

  bool empty_ = false;
  bool tiled_ = false;
  std::int64_t tile_rows_ = 1;
  std::array<bool, N> packed_{};
  std::array<std::size_t, N> element_sizes_{};
  std::array<char*, N> data_{};
  SizeVector sizes_;
  std::array<SizeVector, N> strides_;
  std::array<SizeVector, N> byte_strides_;
  Steps steps_{};
};

// The loop over `out` and `inputs` (each broadcast to out's sizes).
template <class... Inputs>
StridedLoop<1 + sizeof...(Inputs)> make_loop(const Tensor& out, const Inputs&... inputs) {
  constexpr std::size_t N = 1 + sizeof...(Inputs);
  const IntArrayRef sizes = out.sizes();
  const std::array<void*, N> data{out.data_ptr(), inputs.data_ptr()...};
  const std::array<std::size_t, N> element_sizes{out.element_size(), inputs.element_size()...};
  if (out.is_contiguous() && ((inputs.is_contiguous() && inputs.sizes() == sizes) && ...)) {
    return StridedLoop<N>(out.numel(), data, element_sizes);  // the common case, set up fast
  }
  const std::array<SizeVector, N> strides{out.strides().vec(), broadcast_strides(inputs, sizes)...};
  return StridedLoop<N>(sizes, strides, data, element_sizes);
}

}  // namespace gg::detail
