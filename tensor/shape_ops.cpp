// The shape kernels that copy: cat, flip, tril/triu and constant_pad_nd, as torch's (aten's
// TensorShape.cpp, TensorTransformations.cpp, TriangularOps.cpp, PadNd.cpp). Every input may be
// strided: a contiguous input of the output's dtype is copied in vectors per block
// (detail::copy_bytes), any other through copy_ (the strided loop, converting), or with a step
// per element (flip).
#include <gategrad/tensor/factory.hpp>
#include <gategrad/tensor/native.hpp>
#include <gategrad/tensor/parallel.hpp>
#include <gategrad/tensor/thread_pool.hpp>

#include <gategrad/tensor/detail/simd.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

namespace gg::native {
namespace {

using std::int64_t;
using std::size_t;

const Tensor& defined(const char* op, const Tensor& t, size_t position) {
  if (!t.defined()) {
    throw std::logic_error(std::string(op) + ": tensor " + std::to_string(position) +
                           " is undefined (default-constructed)");
  }
  return t;
}

int64_t product(IntArrayRef sizes, size_t begin, size_t end) {
  int64_t n = 1;
  for (size_t d = begin; d < end; ++d) n *= sizes[d];
  return n;
}

// torch's legacy rule: a 1-D tensor of size 0 takes no part in cat's size checks or its result.
bool skipped_by_cat(const Tensor& t) { return t.dim() == 1 && t.size(0) == 0; }

}  // namespace

// --- cat ------------------------------------------------------------------------------------
// tensors[i]:(..., n_i, ...) along dim -> (..., sum n_i, ...), in their promoted dtype.
Tensor cat(TensorList tensors, int64_t dim) {
  if (tensors.empty()) throw std::invalid_argument("cat: expected a non-empty list of tensors, got none");
  const Tensor* reference = nullptr;
  Dtype dtype = defined("cat", tensors[0], 0).dtype();
  for (size_t i = 0; i < tensors.size(); ++i) {
    const Tensor& t = defined("cat", tensors[i], i);
    if (t.dim() == 0) {
      throw ShapeError("cat: zero-dimensional tensor (at position " + std::to_string(i) +
                       ") cannot be concatenated; unsqueeze it to sizes [1] first");
    }
    dtype = promote_types(dtype, t.dtype());
    if (reference == nullptr && !skipped_by_cat(t)) reference = &t;
  }
  if (reference == nullptr) return gg::empty({0}, dtype);  // only skipped tensors
  const int64_t rank = reference->dim();
  const auto d = static_cast<size_t>(wrap_dim("cat", dim, rank));
  SizeVector sizes = reference->sizes().vec();
  sizes[d] = 0;
  for (size_t i = 0; i < tensors.size(); ++i) {
    const Tensor& t = tensors[i];
    if (skipped_by_cat(t)) continue;
    if (t.dim() != rank) {
      throw ShapeError("cat: tensors must have the same number of dimensions: got " +
                       std::to_string(rank) + " (sizes " + to_string(reference->sizes()) +
                       ") and " + std::to_string(t.dim()) + " (sizes " + to_string(t.sizes()) +
                       ", tensor " + std::to_string(i) + ")");
    }
    for (size_t k = 0; k < sizes.size(); ++k) {
      if (k != d && t.size(static_cast<int64_t>(k)) != sizes[k]) {
        throw ShapeError("cat: sizes of tensors must match except in dimension " + std::to_string(d) +
                         ": expected size " + std::to_string(sizes[k]) + " but got size " +
                         std::to_string(t.size(static_cast<int64_t>(k))) + " at dim " +
                         std::to_string(k) + " for tensor " + std::to_string(i) +
                         " in the list (sizes " + to_string(t.sizes()) + ")");
      }
    }
    sizes[d] += t.size(static_cast<int64_t>(d));
  }
  Tensor out = gg::empty(sizes, dtype);
  // Row r of the output along dims before d holds each input's block of n_i * inner elements.
  const int64_t outer = product(sizes, 0, d);
  const int64_t inner = product(sizes, d + 1, sizes.size());
  const size_t item = out.element_size();
  auto* out_bytes = static_cast<char*>(out.data_ptr());
  const auto out_row = static_cast<size_t>(sizes[d] * inner) * item;
  // The contiguous inputs of the output's dtype are block copies: each input's block of n_i *
  // inner elements in each of the `outer` rows. Taken in the output's order (row by row), their
  // bytes are split evenly across the pool's tasks (tasks_for_bytes), so each task writes one
  // contiguous stretch of the output; each task finds its blocks by arithmetic. (A list of the
  // blocks, 1024 of them for a dim-1 cat of four (256, 512) inputs, written by the caller and
  // read by the worker, made that cat take 85-90 us at 2 threads instead of 37 in most
  // processes on the AMD EPYC VM: the list's cache lines moved between the cores every call.)
  // The other inputs are copied after.
  struct Source {
    const char* bytes;
    size_t block;   // bytes per output row
    size_t offset;  // of its block in an output row, in bytes
  };
  std::vector<Source> sources;
  size_t row_total = 0;  // bytes per output row that come from `sources`
  int64_t offset = 0;
  for (const Tensor& t : tensors) {
    if (skipped_by_cat(t)) continue;
    const int64_t n = t.size(static_cast<int64_t>(d));
    if (n != 0 && outer * inner != 0 && t.dtype() == dtype && t.is_contiguous()) {
      const auto block = static_cast<size_t>(n * inner) * item;
      sources.push_back({static_cast<const char*>(t.data_ptr()), block, static_cast<size_t>(offset * inner) * item});
      row_total += block;
    }
    offset += n;
  }
  const size_t total = row_total * static_cast<size_t>(outer);
  const int tasks = tasks_for_bytes(total);
  parallel_run(tasks, [&](int task) {
    // Task `task` copies bytes [begin, end) of the blocks in the output's order.
    const size_t begin = total * static_cast<size_t>(task) / static_cast<size_t>(tasks);
    const size_t end = total * static_cast<size_t>(task + 1) / static_cast<size_t>(tasks);
    if (begin == end) return;
    size_t row = begin / row_total, at = begin - row * row_total, s = 0;
    while (at >= sources[s].block) at -= sources[s++].block;
    for (size_t done = begin; done < end;) {
      const Source& source = sources[s];
      const size_t n = std::min(source.block - at, end - done);
      detail::copy_bytes(out_bytes + row * out_row + source.offset + at, source.bytes + row * source.block + at, n);
      done += n;
      at = 0;
      if (++s == sources.size()) {
        s = 0;
        ++row;
      }
    }
  });
  offset = 0;
  for (const Tensor& t : tensors) {
    if (skipped_by_cat(t)) continue;
    const int64_t n = t.size(static_cast<int64_t>(d));
    if (n != 0 && outer * inner != 0 && !(t.dtype() == dtype && t.is_contiguous())) {
      copy_(narrow(out, static_cast<int64_t>(d), offset, n), t);
    }
    offset += n;
  }
  return out;
}

// --- flip -----------------------------------------------------------------------------------
// out[i] = t[n - 1 - i] along each dim of dims, read through t's strides with the flipped
// dims' strides negated: one run per innermost row.
Tensor flip(const Tensor& t, IntArrayRef dims) {
  defined("flip", t, 0);
  const int64_t rank = t.dim();
  SizeVector strides = t.strides().vec();
  int64_t offset = t.storage_offset();
  std::vector<bool> flipped(static_cast<size_t>(std::max<int64_t>(rank, 1)), false);
  for (const int64_t dim : dims) {
    const auto d = static_cast<size_t>(wrap_dim("flip", dim, std::max<int64_t>(rank, 1)));
    if (flipped[d]) {
      throw std::invalid_argument("flip: dim " + std::to_string(d) +
                                  " appears multiple times in the list of dims " + to_string(dims) +
                                  "; expected each dim at most once");
    }
    flipped[d] = true;
  }
  if (rank == 0 || t.numel() == 0) return clone(t);
  for (size_t d = 0; d < static_cast<size_t>(rank); ++d) {
    if (!flipped[d]) continue;
    offset += (t.sizes()[d] - 1) * strides[d];
    strides[d] = -strides[d];
  }
  Tensor out = gg::empty(t.sizes(), t.dtype());
  const IntArrayRef sizes = t.sizes();
  const auto last = static_cast<size_t>(rank - 1);
  const int64_t run = sizes[last], step = strides[last];
  const int64_t rows = t.numel() / run;
  visit_dtype(t.dtype(), [&]<class T>() {
    const T* base = static_cast<const T*>(t.storage()->data()) + offset;
    T* dst = static_cast<T*>(out.data_ptr());
    SizeVector index(last, 0);  // the odometer over every dim but the last
    int64_t at = 0;             // base's element of index
    for (int64_t r = 0; r < rows; ++r, dst += run) {
      const T* src = base + at;
      if (step == 1) {
        std::copy(src, src + run, dst);
      } else {
        for (int64_t i = 0; i < run; ++i) dst[i] = src[i * step];
      }
      for (size_t k = last; k-- > 0;) {  // advance the odometer
        at += strides[k];
        if (++index[k] < sizes[k]) break;
        at -= strides[k] * sizes[k];
        index[k] = 0;
      }
    }
  });
  return out;
}

// --- tril, triu -----------------------------------------------------------------------------
namespace {
// A copy of t:(..., M, N) with the elements outside the triangle zeroed: below the diagonal
// (row i keeps columns j <= i + diagonal) for tril, above it (j >= i + diagonal) for triu.
Tensor triangle(const char* op, const Tensor& t, int64_t diagonal, bool upper) {
  defined(op, t, 0);
  if (t.dim() < 2) {
    throw ShapeError(std::string(op) + ": expected a tensor of at least 2 dimensions (a matrix or a batch of them), got sizes " +
                     to_string(t.sizes()));
  }
  Tensor out = clone(t);
  const int64_t m = t.size(-2), n = t.size(-1);
  if (out.numel() == 0) return out;
  const int64_t matrices = out.numel() / (m * n);
  const size_t item = out.element_size();
  auto* p = static_cast<char*>(out.data_ptr());
  for (int64_t b = 0; b < matrices; ++b) {
    for (int64_t i = 0; i < m; ++i, p += static_cast<size_t>(n) * item) {
      // Zero bits are 0 in every dtype (false, 0, +0.0, bfloat16 +0).
      const int64_t edge = std::clamp<int64_t>(upper ? i + diagonal : i + diagonal + 1, 0, n);
      if (upper) std::memset(p, 0, static_cast<size_t>(edge) * item);
      else std::memset(p + static_cast<size_t>(edge) * item, 0, static_cast<size_t>(n - edge) * item);
    }
  }
  return out;
}
}  // namespace

Tensor tril(const Tensor& t, int64_t diagonal) { return triangle("tril", t, diagonal, false); }
Tensor triu(const Tensor& t, int64_t diagonal) { return triangle("triu", t, diagonal, true); }

// --- constant_pad_nd ------------------------------------------------------------------------
// pad = (left, right) of the last dim, then of the one before, ...; a negative pad crops.
Tensor constant_pad_nd(const Tensor& t, IntArrayRef pad, Scalar value) {
  defined("constant_pad_nd", t, 0);
  const int64_t rank = t.dim();
  if (pad.size() % 2 != 0) {
    throw std::invalid_argument("constant_pad_nd: pad " + to_string(pad) + " has " +
                                std::to_string(pad.size()) +
                                " values; expected an even number (left, right per dim)");
  }
  const auto pairs = static_cast<int64_t>(pad.size() / 2);
  if (pairs > rank) {
    throw ShapeError("constant_pad_nd: pad " + to_string(pad) + " pads " + std::to_string(pairs) +
                     " dims of a tensor of sizes " + to_string(t.sizes()) + "; expected at most " +
                     std::to_string(rank) + " pairs");
  }
  SizeVector sizes = t.sizes().vec();
  for (int64_t p = 0; p < pairs; ++p) {
    const auto d = static_cast<size_t>(rank - 1 - p);
    const int64_t left = pad[static_cast<size_t>(2 * p)], right = pad[static_cast<size_t>(2 * p + 1)];
    sizes[d] += left + right;
    if (sizes[d] < 0) {
      throw ShapeError("constant_pad_nd: dim " + std::to_string(d) + " of size " +
                       std::to_string(t.sizes()[d]) + " padded by " + std::to_string(left) + " and " +
                       std::to_string(right) + " would have size " + std::to_string(sizes[d]) +
                       " (sizes " + to_string(t.sizes()) + ", pad " + to_string(pad) + "); expected a size >= 0");
    }
  }
  Tensor out = gg::empty(sizes, t.dtype());
  fill_(out, value);
  // The input's part that survives the crops, and where it goes in the output.
  Tensor src = t, dst = out;
  for (int64_t p = 0; p < pairs; ++p) {
    const auto d = rank - 1 - p;
    const int64_t left = pad[static_cast<size_t>(2 * p)], right = pad[static_cast<size_t>(2 * p + 1)];
    const int64_t length = t.size(d) - std::max<int64_t>(-left, 0) - std::max<int64_t>(-right, 0);
    if (length < 0) {  // torch's narrow refuses it too
      throw ShapeError("constant_pad_nd: pads " + std::to_string(left) + " and " + std::to_string(right) +
                       " crop " + std::to_string(t.size(d) - length) + " elements of dim " + std::to_string(d) +
                       " of size " + std::to_string(t.size(d)) + " (sizes " + to_string(t.sizes()) +
                       "); expected crops of at most its size");
    }
    if (length == 0) return out;  // everything cropped: the value alone
    src = narrow(src, d, std::max<int64_t>(-left, 0), length);
    dst = narrow(dst, d, std::max<int64_t>(left, 0), length);
  }
  copy_(dst, src);
  return out;
}

}  // namespace gg::native
