// The view kernels: each builds a new TensorImpl over the same storage with other sizes,
// strides or offset, and touches no data. PyTorch's semantics throughout (aten's
// TensorShape.cpp, computeStride, inferExpandGeometry); the differences are named where they
// are.
#include <gategrad/tensor/native.hpp>
#include <gategrad/tensor/shape.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>

namespace gg::native {
namespace {

using std::int64_t;
using std::size_t;

const TensorImpl& impl_of(const char* op, const Tensor& t) {
  if (!t.defined()) {
    throw std::logic_error(std::string(op) + ": the tensor is undefined (default-constructed)");
  }
  return *t.unsafe_impl();
}

// A new handle with base's storage, geometry and dtype and no autograd state; the caller
// edits the geometry. From the caching allocator, so a view in a steady loop makes no system
// allocation.
std::shared_ptr<TensorImpl> share(const TensorImpl& base) {
  std::shared_ptr<TensorImpl> impl = make_cached_shared<TensorImpl>();
  impl->storage = base.storage;
  impl->sizes = base.sizes;
  impl->strides = base.strides;
  impl->storage_offset = base.storage_offset;
  impl->dtype = base.dtype;
  impl->is_view = true;
  return impl;
}

Tensor restrided(const TensorImpl& base, IntArrayRef sizes, IntArrayRef strides,
                 int64_t storage_offset) {
  std::shared_ptr<TensorImpl> impl = make_cached_shared<TensorImpl>();
  impl->storage = base.storage;
  impl->sizes.assign(sizes.begin(), sizes.end());
  impl->strides.assign(strides.begin(), strides.end());
  impl->storage_offset = storage_offset;
  impl->dtype = base.dtype;
  impl->is_view = true;
  return Tensor(std::move(impl));
}

int64_t numel_of(const TensorImpl& impl) {
  int64_t n = 1;
  for (int64_t s : impl.sizes) n *= s;
  return n;
}

int64_t rank_of(const TensorImpl& impl) { return static_cast<int64_t>(impl.sizes.size()); }

size_t at(int64_t dim) { return static_cast<size_t>(dim); }

std::string sizes_text(const TensorImpl& impl) { return to_string(IntArrayRef(impl.sizes)); }

}  // namespace

// --- as_strided, alias ---------------------------------------------------------------------

Tensor as_strided(const Tensor& t, IntArrayRef sizes, IntArrayRef strides, int64_t storage_offset) {
  const TensorImpl& base = impl_of("as_strided", t);
  auto geometry = [&] {
    return "sizes " + to_string(sizes) + ", strides " + to_string(strides) +
           " and storage offset " + std::to_string(storage_offset);
  };
  if (sizes.size() != strides.size()) {
    throw std::invalid_argument("as_strided: " + geometry() + ": expected one stride per size");
  }
  if (storage_offset < 0) {
    throw std::invalid_argument("as_strided: " + geometry() + ": expected a storage offset >= 0");
  }
  bool empty = false;
  for (size_t i = 0; i < sizes.size(); ++i) {
    if (sizes[i] < 0) {
      throw std::invalid_argument("as_strided: " + geometry() + ": expected sizes >= 0");
    }
    if (strides[i] < 0) {
      throw std::invalid_argument("as_strided: " + geometry() +
                                  ": negative strides are not supported, as in PyTorch");
    }
    empty = empty || sizes[i] == 0;
  }
  // The last element reached must lie in the storage (nothing is reached when numel is 0).
  if (!empty) {
    int64_t last = storage_offset;
    bool overflow = false;
    for (size_t i = 0; i < sizes.size(); ++i) {
      int64_t reach = 0;
      overflow = overflow || __builtin_mul_overflow(sizes[i] - 1, strides[i], &reach) ||
                 __builtin_add_overflow(last, reach, &last);
    }
    const int64_t item = static_cast<int64_t>(element_size(base.dtype));
    const int64_t held = base.storage ? static_cast<int64_t>(base.storage->nbytes()) : 0;
    int64_t needed = 0;
    overflow = overflow || __builtin_add_overflow(last, 1, &needed) ||
               __builtin_mul_overflow(needed, item, &needed);
    if (overflow) {
      throw std::out_of_range("as_strided: " + geometry() + " reach beyond 2^63 bytes");
    }
    if (needed > held) {
      throw std::out_of_range("as_strided: " + geometry() + " reach element " +
                              std::to_string(last) + ", needing " + std::to_string(needed) +
                              " bytes of " + name(base.dtype) + ", but the storage holds " +
                              std::to_string(held) + " bytes");
    }
  }
  return restrided(base, sizes, strides, storage_offset);
}

Tensor alias(const Tensor& t) {
  std::shared_ptr<TensorImpl> impl = share(impl_of("alias", t));
  impl->is_view = false;  // a new handle on the same tensor, as detach(): not a view of it
  return Tensor(std::move(impl));
}

// --- view, reshape, flatten ----------------------------------------------------------------

SizeVector infer_size(const char* op, IntArrayRef sizes, int64_t numel) {
  std::optional<size_t> inferred;
  int64_t known = 1;  // the product of the sizes other than -1
  bool overflow = false;
  for (size_t i = 0; i < sizes.size(); ++i) {
    if (sizes[i] == -1) {
      if (inferred) {
        throw ShapeError(std::string(op) + ": only one dimension can be inferred (-1), got sizes " +
                         to_string(sizes));
      }
      inferred = i;
    } else if (sizes[i] < 0) {
      throw ShapeError(std::string(op) + ": invalid size " + std::to_string(sizes[i]) +
                       " in sizes " + to_string(sizes) +
                       " (expected >= 0, or -1 once to infer it)");
    } else {
      overflow = overflow || __builtin_mul_overflow(known, sizes[i], &known);
    }
  }
  SizeVector out = sizes.vec();
  if (!overflow && known == numel && !inferred) return out;
  if (!overflow && inferred && known > 0 && numel % known == 0) {
    out[*inferred] = numel / known;
    return out;
  }
  if (!overflow && inferred && known == 0 && numel == 0) {
    throw ShapeError(std::string(op) + ": cannot reshape a tensor of 0 elements into sizes " +
                     to_string(sizes) + ": the -1 could be any value");
  }
  throw ShapeError(std::string(op) + ": sizes " + to_string(sizes) +
                   " are invalid for a tensor of " + std::to_string(numel) + " elements");
}

// at::detail::computeStride. Walking from the innermost dim, t's dims fall into chunks, each
// contiguous relative to itself (stride[d-1] == size[d] * stride[d], size-1 dims skipped); a
// view exists when each chunk is exactly covered by a run of the new sizes, whose strides are
// then row-major within the chunk, scaled by the chunk's innermost stride.
std::optional<SizeVector> view_strides(const Tensor& t, IntArrayRef sizes) {
  const TensorImpl& base = impl_of("view_strides", t);
  const int64_t numel = numel_of(base);
  int64_t new_numel = 1;
  for (int64_t s : sizes) {
    if (s < 0 || __builtin_mul_overflow(new_numel, s, &new_numel)) return std::nullopt;
  }
  if (new_numel != numel) return std::nullopt;

  const SizeVector& old_sizes = base.sizes;
  const SizeVector& old_strides = base.strides;
  if (old_sizes.empty()) return SizeVector(sizes.size(), 1);
  // Any strides serve an empty tensor: keep t's for the same sizes, else row-major ones (as
  // NumPy and PyTorch do).
  if (numel == 0) {
    if (IntArrayRef(old_sizes) == sizes) return old_strides;
    return contiguous_strides(sizes);
  }

  SizeVector new_strides(sizes.size());
  int64_t view_d = static_cast<int64_t>(sizes.size()) - 1;
  int64_t chunk_base_stride = old_strides.back();
  int64_t tensor_numel = 1;
  int64_t view_numel = 1;
  for (int64_t tensor_d = rank_of(base) - 1; tensor_d >= 0; --tensor_d) {
    tensor_numel *= old_sizes[at(tensor_d)];
    const bool chunk_ends =
        tensor_d == 0 || (old_sizes[at(tensor_d - 1)] != 1 &&
                          old_strides[at(tensor_d - 1)] != tensor_numel * chunk_base_stride);
    if (!chunk_ends) continue;
    while (view_d >= 0 && (view_numel < tensor_numel || sizes[at(view_d)] == 1)) {
      new_strides[at(view_d)] = view_numel * chunk_base_stride;
      view_numel *= sizes[at(view_d)];
      --view_d;
    }
    if (view_numel != tensor_numel) return std::nullopt;
    if (tensor_d > 0) {
      chunk_base_stride = old_strides[at(tensor_d - 1)];
      tensor_numel = 1;
      view_numel = 1;
    }
  }
  if (view_d != -1) return std::nullopt;
  return new_strides;
}

Tensor view(const Tensor& t, IntArrayRef sizes) {
  const TensorImpl& base = impl_of("view", t);
  const SizeVector resolved = infer_size("view", sizes, numel_of(base));
  const std::optional<SizeVector> strides = view_strides(t, resolved);
  if (!strides) {
    throw ShapeError(
        "view: view size is not compatible with input tensor's size and stride (at "
        "least one dimension spans across two contiguous subspaces): sizes " +
        sizes_text(base) + " with strides " + to_string(IntArrayRef(base.strides)) +
        " cannot be viewed as " + to_string(IntArrayRef(resolved)) +
        ": use reshape, which copies when it must");
  }
  return restrided(base, resolved, *strides, base.storage_offset);
}

namespace {
// reshape under another op's name, for its error messages.
Tensor reshape_as_op(const char* op, const Tensor& t, IntArrayRef sizes) {
  const TensorImpl& base = impl_of(op, t);
  const SizeVector resolved = infer_size(op, sizes, numel_of(base));
  if (const std::optional<SizeVector> strides = view_strides(t, resolved)) {
    return restrided(base, resolved, *strides, base.storage_offset);
  }
  // at::_unsafe_view of a contiguous clone: the copy is row-major, so the view always exists.
  const Tensor copy = clone(t);
  const TensorImpl& copied = *copy.unsafe_impl();
  return restrided(copied, resolved, contiguous_strides(resolved), copied.storage_offset);
}
}  // namespace

Tensor reshape(const Tensor& t, IntArrayRef sizes) { return reshape_as_op("reshape", t, sizes); }

// Dims start_dim..end_dim merged into one. PyTorch returns t itself when start_dim == end_dim;
// this returns a new handle (alias), since every view op here does.
Tensor flatten(const Tensor& t, int64_t start_dim, int64_t end_dim) {
  const TensorImpl& base = impl_of("flatten", t);
  const int64_t rank = rank_of(base);
  const int64_t start = wrap_dim("flatten", start_dim, rank);
  const int64_t end = wrap_dim("flatten", end_dim, rank);
  if (rank == 0) return reshape_as_op("flatten", t, {1});
  if (start > end) {
    throw std::invalid_argument("flatten: start_dim " + std::to_string(start_dim) +
                                " comes after end_dim " + std::to_string(end_dim) + " for sizes " +
                                sizes_text(base) + ": expected start_dim <= end_dim");
  }
  if (start == end) return alias(t);
  SizeVector sizes;
  for (int64_t d = 0; d < start; ++d) sizes.push_back(base.sizes[at(d)]);
  int64_t merged = 1;
  for (int64_t d = start; d <= end; ++d) merged *= base.sizes[at(d)];
  sizes.push_back(merged);
  for (int64_t d = end + 1; d < rank; ++d) sizes.push_back(base.sizes[at(d)]);
  return reshape_as_op("flatten", t, sizes);
}

// --- permute, transpose, t -----------------------------------------------------------------

// out dim i is t's dim dims[i].
Tensor permute(const Tensor& t, IntArrayRef dims) {
  const TensorImpl& base = impl_of("permute", t);
  const int64_t rank = rank_of(base);
  if (static_cast<int64_t>(dims.size()) != rank) {
    throw ShapeError("permute: got " + std::to_string(dims.size()) + " dims " + to_string(dims) +
                     " for a tensor of sizes " + sizes_text(base) + ", expected " +
                     std::to_string(rank) + " (one per dimension)");
  }
  std::shared_ptr<TensorImpl> impl = share(base);
  SizeVector seen(dims.size(), 0);
  for (size_t i = 0; i < dims.size(); ++i) {
    const size_t d = at(wrap_dim("permute", dims[i], rank));
    if (seen[d]++ != 0) {
      throw std::invalid_argument("permute: dims " + to_string(dims) + " name dim " +
                                  std::to_string(d) + " twice; expected a permutation of 0.." +
                                  std::to_string(rank - 1));
    }
    impl->sizes[i] = base.sizes[d];
    impl->strides[i] = base.strides[d];
  }
  return Tensor(std::move(impl));
}

Tensor transpose(const Tensor& t, int64_t dim0, int64_t dim1) {
  const TensorImpl& base = impl_of("transpose", t);
  const size_t d0 = at(wrap_dim("transpose", dim0, rank_of(base)));
  const size_t d1 = at(wrap_dim("transpose", dim1, rank_of(base)));
  std::shared_ptr<TensorImpl> impl = share(base);
  if (base.sizes.empty()) return Tensor(std::move(impl));  // dims 0 and -1 both name the scalar
  std::swap(impl->sizes[d0], impl->sizes[d1]);
  std::swap(impl->strides[d0], impl->strides[d1]);
  return Tensor(std::move(impl));
}

Tensor t(const Tensor& t) {
  const TensorImpl& base = impl_of("t", t);
  if (rank_of(base) > 2) {
    throw ShapeError("t: expects a tensor with <= 2 dimensions, got sizes " + sizes_text(base) +
                     "; use transpose(dim0, dim1) or permute for more");
  }
  return rank_of(base) < 2 ? alias(t) : transpose(t, 0, 1);
}

// --- narrow, slice, select -----------------------------------------------------------------

namespace {
int64_t wrap_sliced_dim(const char* op, const TensorImpl& base, int64_t dim) {
  if (base.sizes.empty()) {
    throw std::out_of_range(std::string(op) +
                            ": cannot be applied to a 0-dim tensor (it has no dim " +
                            std::to_string(dim) + ")");
  }
  return wrap_dim(op, dim, rank_of(base));
}
}  // namespace

// Elements start..start+length-1 of dim; a negative start counts from the end, as torch.
Tensor narrow(const Tensor& t, int64_t dim, int64_t start, int64_t length) {
  const TensorImpl& base = impl_of("narrow", t);
  const size_t d = at(wrap_sliced_dim("narrow", base, dim));
  const int64_t size = base.sizes[d];
  auto where = [&] {
    return "size " + std::to_string(size) + " of dim " + std::to_string(d) + " in sizes " +
           sizes_text(base);
  };
  if (start < -size || start > size) {
    throw std::out_of_range("narrow: start " + std::to_string(start) + " is outside " + where() +
                            " (expected to be in [" + std::to_string(-size) + ", " +
                            std::to_string(size) + "])");
  }
  if (start < 0) start += size;
  if (length < 0) {
    throw std::invalid_argument("narrow: length " + std::to_string(length) +
                                " is negative; expected a length >= 0");
  }
  if (length > size - start) {
    throw std::out_of_range("narrow: start " + std::to_string(start) + " + length " +
                            std::to_string(length) + " exceeds " + where());
  }
  std::shared_ptr<TensorImpl> impl = share(base);
  impl->sizes[d] = length;
  impl->storage_offset += start * base.strides[d];
  return Tensor(std::move(impl));
}

Tensor slice(const Tensor& t, int64_t dim, std::optional<int64_t> start, std::optional<int64_t> end,
             int64_t step) {
  const TensorImpl& base = impl_of("slice", t);
  const size_t d = at(wrap_sliced_dim("slice", base, dim));
  if (step <= 0) {
    throw std::invalid_argument("slice: step " + std::to_string(step) +
                                " is not supported; expected a step > 0, as PyTorch");
  }
  const int64_t size = base.sizes[d];
  // Python's slicing rules: negative bounds count from the end, then both clamp to [0, size].
  int64_t first = start.value_or(0);
  int64_t last = end.value_or(size);
  if (first < 0) first = first < -size ? 0 : first + size;
  if (last < 0) last = last < -size ? 0 : last + size;
  if (first > size) first = size;
  if (last > size) last = size;
  if (last < first) last = first;
  const int64_t length = last - first;

  std::shared_ptr<TensorImpl> impl = share(base);
  impl->sizes[d] = length == 0 ? 0 : (length - 1) / step + 1;
  impl->storage_offset += first * base.strides[d];
  // stride * step can overflow only for a huge step, which leaves at most one element, whose
  // stride does not matter.
  int64_t stepped = 0;
  if (!__builtin_mul_overflow(base.strides[d], step, &stepped)) impl->strides[d] = stepped;
  return Tensor(std::move(impl));
}

// The slice at `index` of dim, which is removed; a negative index counts from the end.
Tensor select(const Tensor& t, int64_t dim, int64_t index) {
  const TensorImpl& base = impl_of("select", t);
  const size_t d = at(wrap_sliced_dim("select", base, dim));
  const int64_t size = base.sizes[d];
  if (index < -size || index >= size) {
    throw std::out_of_range(
        "select: index " + std::to_string(index) + " is out of range for size " +
        std::to_string(size) + " of dim " + std::to_string(d) + " in sizes " + sizes_text(base) +
        " (expected to be in [" + std::to_string(-size) + ", " + std::to_string(size - 1) + "])");
  }
  if (index < 0) index += size;
  std::shared_ptr<TensorImpl> impl = share(base);
  impl->storage_offset += index * base.strides[d];
  impl->sizes.erase(impl->sizes.begin() + static_cast<std::ptrdiff_t>(d));
  impl->strides.erase(impl->strides.begin() + static_cast<std::ptrdiff_t>(d));
  return Tensor(std::move(impl));
}

// --- unsqueeze, squeeze, expand ------------------------------------------------------------

Tensor unsqueeze(const Tensor& t, int64_t dim) {
  const TensorImpl& base = impl_of("unsqueeze", t);
  const int64_t rank = rank_of(base);
  const size_t d = at(wrap_dim("unsqueeze", dim, rank + 1));
  // The stride PyTorch gives the new dim: the one that keeps the tensor contiguous if it was.
  const int64_t stride = d >= base.sizes.size() ? 1 : base.sizes[d] * base.strides[d];
  std::shared_ptr<TensorImpl> impl = share(base);
  // Shifted by hand: svector::insert trips GCC 12's -Warray-bounds on its aliasing check.
  impl->sizes.resize(base.sizes.size() + 1);
  impl->strides.resize(base.sizes.size() + 1);
  for (size_t i = base.sizes.size(); i > d; --i) {
    impl->sizes[i] = base.sizes[i - 1];
    impl->strides[i] = base.strides[i - 1];
  }
  impl->sizes[d] = 1;
  impl->strides[d] = stride;
  return Tensor(std::move(impl));
}

Tensor squeeze(const Tensor& t) {
  const TensorImpl& base = impl_of("squeeze", t);
  std::shared_ptr<TensorImpl> impl = share(base);
  impl->sizes.clear();
  impl->strides.clear();
  for (size_t d = 0; d < base.sizes.size(); ++d) {
    if (base.sizes[d] == 1) continue;
    impl->sizes.push_back(base.sizes[d]);
    impl->strides.push_back(base.strides[d]);
  }
  return Tensor(std::move(impl));
}

// Removes dim when its size is 1; otherwise the same geometry, as torch.
Tensor squeeze(const Tensor& t, int64_t dim) {
  const TensorImpl& base = impl_of("squeeze", t);
  const size_t d = at(wrap_dim("squeeze", dim, rank_of(base)));
  std::shared_ptr<TensorImpl> impl = share(base);
  if (d < base.sizes.size() && base.sizes[d] == 1) {
    impl->sizes.erase(impl->sizes.begin() + static_cast<std::ptrdiff_t>(d));
    impl->strides.erase(impl->strides.begin() + static_cast<std::ptrdiff_t>(d));
  }
  return Tensor(std::move(impl));
}

// at::inferExpandGeometry: sizes align from the right; a size-1 dim grows with stride 0; new
// leading dims take the stride that keeps a size-1 dim contiguous, 0 once they grow.
Tensor expand(const Tensor& t, IntArrayRef sizes) {
  const TensorImpl& base = impl_of("expand", t);
  const int64_t rank = rank_of(base);
  const int64_t out_rank = static_cast<int64_t>(sizes.size());
  auto context = [&] {
    return " (target sizes " + to_string(sizes) + ", tensor sizes " + sizes_text(base) + ")";
  };
  if (out_rank < rank) {
    throw ShapeError("expand: got " + std::to_string(out_rank) + " sizes, expected at least the " +
                     std::to_string(rank) + " dimensions of the tensor" + context());
  }
  std::shared_ptr<TensorImpl> impl = share(base);
  impl->sizes.resize(sizes.size());
  impl->strides.resize(sizes.size());
  for (int64_t i = out_rank - 1; i >= 0; --i) {
    const int64_t d = rank - out_rank + i;  // t's dim under out dim i, if any
    int64_t size = d >= 0 ? base.sizes[at(d)] : 1;
    // A rank-0 tensor's new dims all get stride 0, as PyTorch gives them.
    int64_t stride = d >= 0             ? base.strides[at(d)]
                     : i + 1 < out_rank ? impl->sizes[at(i + 1)] * impl->strides[at(i + 1)]
                                        : 0;
    int64_t target = sizes[at(i)];
    if (target == -1) {
      if (d < 0) {
        throw ShapeError("expand: -1 at dim " + std::to_string(i) +
                         " cannot keep a size: it is a new leading dimension" + context());
      }
      target = size;
    }
    if (target < 0) {
      throw ShapeError("expand: size " + std::to_string(target) + " at dim " + std::to_string(i) +
                       " is negative; expected >= 0, or -1 to keep a size" + context());
    }
    if (target != size) {
      if (size != 1) {
        throw ShapeError("expand: size " + std::to_string(target) + " at dim " + std::to_string(i) +
                         " must match the existing size " + std::to_string(size) +
                         ": only size-1 dimensions can expand" + context());
      }
      size = target;
      stride = 0;
    }
    impl->sizes[at(i)] = size;
    impl->strides[at(i)] = stride;
  }
  return Tensor(std::move(impl));
}

}  // namespace gg::native
