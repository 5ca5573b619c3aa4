// Indexing kernels with int64 indices: gather, scatter, scatter_add, index_select, index_add,
// and sort / topk (which give the indices gather then reads values with), as torch's.
//
// Every kernel takes any strides: the data tensors are read and written through contiguous
// copies (a copy is what a strided input costs here), the index is read in row-major order,
// and each index is checked against its dimension before any element moves, so a bad index
// throws and changes nothing.
#include <gategrad/tensor/factory.hpp>
#include <gategrad/tensor/native.hpp>
#include <gategrad/tensor/parallel.hpp>
#include <gategrad/tensor/thread_pool.hpp>
#include <gategrad/tensor/shape.hpp>
#include <gategrad/tensor/detail/simd.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

namespace gg::native {
namespace {

std::string describe(const char* what, const Tensor& t) {
  return std::string(what) + " of sizes " + to_string(t.sizes()) + " and dtype " + name(t.dtype());
}

void require_index(const char* op, const Tensor& index, const char* what = "index") {
  if (index.dtype() != Dtype::Int64) {
    throw std::invalid_argument(std::string(op) + ": got an " + describe(what, index) +
                                ", expected int64 indices (convert with .to(gg::kInt64))");
  }
}

// Throws unless every one of the n values is in [-size, size).
void check_bounds(const char* op, const std::int64_t* values, std::int64_t n, std::int64_t dim,
                  std::int64_t size) {
  for (std::int64_t k = 0; k < n; ++k) {
    const std::int64_t i = values[k];
    if (i < -size || i >= size) {
      throw std::out_of_range(std::string(op) + ": index " + std::to_string(i) +
                              " is out of bounds for dimension " + std::to_string(dim) +
                              " with size " + std::to_string(size));
    }
  }
}

// The index's values, row-major, each checked to be in [-size, size) and wrapped to [0, size).
std::vector<std::int64_t> checked_indices(const char* op, const Tensor& index, std::int64_t dim,
                                          std::int64_t size) {
  const Tensor c = contiguous(index);
  const std::int64_t* p = c.data_ptr<std::int64_t>();
  check_bounds(op, p, c.numel(), dim, size);
  std::vector<std::int64_t> out(p, p + c.numel());
  for (std::int64_t& i : out) {
    if (i < 0) i += size;
  }
  return out;
}

// gather's and scatter's rule: index has x's rank and no dimension longer than x's (than
// src's too, for scatter), except along dim for x.
void check_gather_sizes(const char* op, const Tensor& x, std::int64_t dim, const Tensor& index,
                        const Tensor* src) {
  const bool ok_rank = index.dim() == x.dim() && (src == nullptr || src->dim() == x.dim());
  bool ok = ok_rank;
  for (std::int64_t d = 0; ok && d < x.dim(); ++d) {
    if (d != dim && index.size(d) > x.size(d)) ok = false;
    if (src != nullptr && index.size(d) > src->size(d)) ok = false;
  }
  if (!ok) {
    throw ShapeError(std::string(op) + ": got " + describe("input", x) + ", " +
                     describe("index", index) +
                     (src != nullptr ? ", " + describe("src", *src) : std::string()) +
                     " along dim " + std::to_string(dim) +
                     ", expected an index of the input's rank, no larger than the input in "
                     "any other dim" + (src != nullptr ? " and no larger than src in any dim" : ""));
  }
}

// Calls f(flat position in index, offset in a contiguous tensor of `sizes` with dim replaced
// by the index value) for every element of an index of `index_sizes`, row-major.
template <class F>
void walk(IntArrayRef index_sizes, IntArrayRef sizes, std::int64_t dim,
          const std::vector<std::int64_t>& values, F f) {
  const auto rank = index_sizes.size();
  SizeVector strides = contiguous_strides(sizes);
  SizeVector counter(rank, 0);
  std::int64_t base = 0;  // offset of counter with dim at 0
  for (std::size_t p = 0; p < values.size(); ++p) {
    f(p, base + values[p] * (rank == 0 ? 0 : strides[static_cast<std::size_t>(dim)]));
    for (std::size_t k = rank; k-- > 0;) {
      if (static_cast<std::int64_t>(k) != dim) base += strides[k];
      if (++counter[k] < index_sizes[k]) break;
      if (static_cast<std::int64_t>(k) != dim) base -= strides[k] * index_sizes[k];
      counter[k] = 0;
    }
  }
}

// Element k of a contiguous tensor laid out as `from` (row-major position p of sizes `from`)
// read at the same multi-index in a contiguous tensor of `sizes` (which is at least as large in
// every dim): the offset, for src tensors larger than their index.
std::int64_t same_index_offset(std::size_t p, IntArrayRef from, const SizeVector& strides) {
  std::int64_t offset = 0;
  auto rest = static_cast<std::int64_t>(p);
  for (std::size_t k = from.size(); k-- > 0;) {
    offset += (rest % from[k]) * strides[k];
    rest /= from[k];
  }
  return offset;
}

template <class T>
void add_to(T& into, T value) {
  if constexpr (std::is_same_v<T, bool>) into = into || value;
  else if constexpr (std::is_same_v<T, BFloat16>) into = BFloat16(static_cast<float>(into) + static_cast<float>(value));
  else into = static_cast<T>(into + value);
}

enum class Reduce { Assign, Add };

// self with src's elements (or `value`) put at the indexed places: scatter and scatter_add.
Tensor scatter_impl(const char* op, const Tensor& self, std::int64_t dim, const Tensor& index,
                    const Tensor* src, const Tensor* value, Reduce reduce) {
  require_index(op, index);
  const std::int64_t d = wrap_dim(op, dim, std::max<std::int64_t>(self.dim(), 1));
  check_gather_sizes(op, self, d, index, src);
  if (src != nullptr && src->dtype() != self.dtype()) {
    throw std::invalid_argument(std::string(op) + ": got self of dtype " + name(self.dtype()) +
                                " and src of dtype " + name(src->dtype()) +
                                ", expected one dtype (as torch)");
  }
  const std::vector<std::int64_t> at =
      checked_indices(op, index, d, self.dim() == 0 ? 1 : self.size(d));
  Tensor out = clone(self);  // contiguous
  const Tensor s = src != nullptr ? contiguous(*src) : to(*value, self.dtype());
  const SizeVector src_strides = src != nullptr ? contiguous_strides(src->sizes()) : SizeVector{};
  visit_dtype(self.dtype(), [&]<class T>() {
    T* o = out.data_ptr<T>();
    const T* v = s.data_ptr<T>();
    walk(index.sizes(), self.sizes(), d, at, [&](std::size_t p, std::int64_t offset) {
      const T x = src != nullptr ? v[same_index_offset(p, index.sizes(), src_strides)] : v[0];
      if (reduce == Reduce::Add) add_to(o[offset], x);
      else o[offset] = x;
    });
  });
  return out;
}

// sort's order along one run: indices of x[0..n) (step `step`), stable, NaN last ascending
// (first descending), as torch.
template <class T>
void sorted_order(const T* x, std::int64_t n, std::int64_t step, bool descending,
                  std::vector<std::int64_t>& order) {
  order.resize(static_cast<std::size_t>(n));
  std::iota(order.begin(), order.end(), 0);
  const auto value = [&](std::int64_t i) { return x[i * step]; };
  std::stable_sort(order.begin(), order.end(), [&](std::int64_t a, std::int64_t b) {
    const T va = value(a), vb = value(b);
    if constexpr (std::is_floating_point_v<T>) {
      if (std::isnan(va) || std::isnan(vb)) {
        // NaN counts as larger than every number, as torch.sort does.
        return descending ? (std::isnan(va) && !std::isnan(vb)) : (!std::isnan(va) && std::isnan(vb));
      }
    }
    return descending ? va > vb : va < vb;
  });
}

// The first k of the sorted order along dim, and their values' indices: sort and topk.
std::tuple<Tensor, Tensor> sort_impl(const char* op, const Tensor& x, std::int64_t dim, bool descending,
                                     std::int64_t k) {
  if (x.dtype() == Dtype::Bool) {
    throw std::invalid_argument(std::string(op) + ": got a " + describe("tensor", x) +
                                ", expected a number dtype (convert with .to(gg::kInt64))");
  }
  const std::int64_t d = wrap_dim(op, dim, std::max<std::int64_t>(x.dim(), 1));
  const std::int64_t len = x.dim() == 0 ? 1 : x.size(d);
  if (k < 0 || k > len) {
    throw std::out_of_range(std::string(op) + ": got k = " + std::to_string(k) + " for dim " +
                            std::to_string(d) + " of size " + std::to_string(len) +
                            ", expected 0 <= k <= " + std::to_string(len));
  }
  SizeVector out_sizes(x.sizes().begin(), x.sizes().end());
  if (x.dim() > 0) out_sizes[static_cast<std::size_t>(d)] = k;
  Tensor indices = empty(out_sizes, Dtype::Int64);
  const Tensor c = contiguous(to(x, x.dtype() == Dtype::BFloat16 ? Dtype::Float32 : x.dtype()));
  std::int64_t outer = 1, inner = 1;
  for (std::int64_t j = 0; j < x.dim(); ++j) {
    if (j < d) outer *= x.size(j);
    if (j > d) inner *= x.size(j);
  }
  std::int64_t* out = indices.data_ptr<std::int64_t>();
  visit_dtype(c.dtype(), [&]<class T>() {
    if constexpr (!std::is_same_v<T, BFloat16>) {
      const T* p = c.data_ptr<T>();
      std::vector<std::int64_t> order;
      for (std::int64_t o = 0; o < outer; ++o) {
        for (std::int64_t i = 0; i < inner; ++i) {
          sorted_order(p + o * len * inner + i, len, inner, descending, order);
          for (std::int64_t j = 0; j < k; ++j) out[(o * k + j) * inner + i] = order[static_cast<std::size_t>(j)];
        }
      }
    }
  });
  return {gather(x, d, indices), indices};
}

}  // namespace

Tensor gather(const Tensor& x, std::int64_t dim, const Tensor& index) {
  require_index("gather", index);
  const std::int64_t d = wrap_dim("gather", dim, std::max<std::int64_t>(x.dim(), 1));
  check_gather_sizes("gather", x, d, index, nullptr);
  const std::vector<std::int64_t> at = checked_indices("gather", index, d, x.dim() == 0 ? 1 : x.size(d));
  Tensor out = empty(index.sizes(), x.dtype());
  const Tensor c = contiguous(x);
  visit_dtype(x.dtype(), [&]<class T>() {
    const T* in = c.data_ptr<T>();
    T* o = out.data_ptr<T>();
    walk(index.sizes(), x.sizes(), d, at, [&](std::size_t p, std::int64_t offset) { o[p] = in[offset]; });
  });
  return out;
}

Tensor scatter(const Tensor& self, std::int64_t dim, const Tensor& index, const Tensor& src) {
  return scatter_impl("scatter", self, dim, index, &src, nullptr, Reduce::Assign);
}
Tensor scatter(const Tensor& self, std::int64_t dim, const Tensor& index, Scalar value) {
  const Tensor v = scalar_tensor(value, self.dtype());
  return scatter_impl("scatter", self, dim, index, nullptr, &v, Reduce::Assign);
}
Tensor scatter_add(const Tensor& self, std::int64_t dim, const Tensor& index, const Tensor& src) {
  return scatter_impl("scatter_add", self, dim, index, &src, nullptr, Reduce::Add);
}

namespace {
// out:(outer, n, inner) row (q, j) = x:(outer, len, inner) row (q, at[j]), rows of `bytes`.
// Rows picked at random from a table beyond the caches miss where the hardware prefetcher
// cannot foresee them, so the row kAhead places ahead is prefetched while this one is copied:
// 4096 rows of 512 bytes from a 1 GiB table, 184 -> 159 us in a loop of these copies (Xeon
// VM); no change on bench_ops' 5 MiB table, whose copies run at memcpy's speed with or
// without it. The rows are copied in vectors (detail::copy_bytes): the same as memcpy on the
// Xeon VM, 67-74 us against memcpy's 72-83 for index_select/4096 on the AMD EPYC VM.
void gather_rows(const std::byte* in, std::int64_t outer, std::int64_t len,
                 const std::int64_t* at, std::int64_t n, std::size_t bytes, std::byte* out) {
  constexpr std::int64_t kAhead = 8;
  constexpr std::size_t kLine = 64;
  const bool prefetch = bytes <= 64 * kLine;  // longer rows: the hardware streams them itself
  const auto row = [&](std::int64_t q, std::int64_t j) {
    const std::int64_t i = at[j] < 0 ? at[j] + len : at[j];
    return in + static_cast<std::size_t>(q * len + i) * bytes;
  };
  // The outer * n rows of the result, a run of them per task (threads from the pool when the
  // result is large: tasks_for_bytes).
  const std::int64_t total = outer * n;
  const int tasks = tasks_for_bytes(static_cast<std::size_t>(total) * bytes);
  parallel_run(tasks, [&](int task) {
    const std::int64_t begin = total * task / tasks, end = total * (task + 1) / tasks;
    for (std::int64_t k = begin; k < end; ++k) {
      if (prefetch && k + kAhead < end) {
        const std::byte* next = row((k + kAhead) / n, (k + kAhead) % n);
        for (std::size_t b = 0; b < bytes; b += kLine) __builtin_prefetch(next + b);
      }
      detail::copy_bytes(out + static_cast<std::size_t>(k) * bytes, row(k / n, k % n), bytes);
    }
  });
}
}  // namespace

Tensor index_select(const Tensor& x, std::int64_t dim, const Tensor& index) {
  require_index("index_select", index);
  if (index.dim() > 1) {
    throw ShapeError("index_select: got an " + describe("index", index) + ", expected a 1-D index (or a scalar)");
  }
  const std::int64_t d = wrap_dim("index_select", dim, std::max<std::int64_t>(x.dim(), 1));
  const std::int64_t len = x.dim() == 0 ? 1 : x.size(d);
  // Read in place (checked first, wrapped as it is read), not copied into a vector.
  const Tensor at = contiguous(index);
  const std::int64_t n = at.numel();
  check_bounds("index_select", at.data_ptr<std::int64_t>(), n, d, len);
  SizeVector out_sizes(x.sizes().begin(), x.sizes().end());
  if (x.dim() > 0) out_sizes[static_cast<std::size_t>(d)] = n;
  Tensor out = empty(out_sizes, x.dtype());
  if (out.numel() == 0) return out;
  std::int64_t outer = 1, inner = 1;
  for (std::int64_t j = 0; j < x.dim(); ++j) {
    if (j < d) outer *= x.size(j);
    if (j > d) inner *= x.size(j);
  }
  const Tensor c = contiguous(x);
  gather_rows(static_cast<const std::byte*>(c.data_ptr()), outer, len, at.data_ptr<std::int64_t>(), n,
              static_cast<std::size_t>(inner) * x.element_size(), static_cast<std::byte*>(out.data_ptr()));
  return out;
}

Tensor index_add(const Tensor& self, std::int64_t dim, const Tensor& index, const Tensor& source,
                 Scalar alpha) {
  require_index("index_add", index);
  const std::int64_t d = wrap_dim("index_add", dim, std::max<std::int64_t>(self.dim(), 1));
  const std::int64_t len = self.dim() == 0 ? 1 : self.size(d);
  bool ok = index.dim() <= 1 && source.dim() == self.dim() && source.dtype() == self.dtype();
  for (std::int64_t j = 0; ok && j < self.dim(); ++j) {
    ok = j == d ? source.size(j) == index.numel() : source.size(j) == self.size(j);
  }
  if (!ok) {
    throw ShapeError("index_add: got " + describe("self", self) + ", " + describe("index", index) +
                     " and " + describe("source", source) + " along dim " + std::to_string(d) +
                     ", expected a 1-D index and a source of self's dtype and sizes except " +
                     "index.numel() along dim");
  }
  const std::vector<std::int64_t> at = checked_indices("index_add", index, d, len);
  Tensor out = clone(self);
  std::int64_t outer = 1, inner = 1;
  for (std::int64_t j = 0; j < self.dim(); ++j) {
    if (j < d) outer *= self.size(j);
    if (j > d) inner *= self.size(j);
  }
  const Tensor s = contiguous(to(mul(source, alpha), self.dtype()));
  visit_dtype(self.dtype(), [&]<class T>() {
    T* o = out.data_ptr<T>();
    const T* v = s.data_ptr<T>();
    const auto n = static_cast<std::int64_t>(at.size());
    for (std::int64_t q = 0; q < outer; ++q) {
      for (std::int64_t j = 0; j < n; ++j) {
        T* row = o + (q * len + at[static_cast<std::size_t>(j)]) * inner;
        const T* from = v + (q * n + j) * inner;
        for (std::int64_t i = 0; i < inner; ++i) add_to(row[i], from[i]);
      }
    }
  });
  return out;
}

Tensor put(const Tensor& self, const Tensor& index, const Tensor& source, bool accumulate) {
  require_index("put", index);
  if (source.numel() != index.numel()) {
    throw ShapeError("put: got an " + describe("index", index) + " and a " + describe("source", source) +
                     ", expected as many source elements as indices");
  }
  const std::vector<std::int64_t> at = checked_indices("put", index, 0, self.numel());
  Tensor out = clone(self);  // contiguous: its flat order is self's row-major order
  const Tensor s = contiguous(to(source, self.dtype()));
  visit_dtype(self.dtype(), [&]<class T>() {
    T* o = out.data_ptr<T>();
    const T* v = s.data_ptr<T>();
    for (std::size_t i = 0; i < at.size(); ++i) {
      if (accumulate) add_to(o[at[i]], v[i]);
      else o[at[i]] = v[i];
    }
  });
  return out;
}

Tensor nonzero(const Tensor& x) {
  const Tensor c = contiguous(x);
  const auto k = static_cast<std::size_t>(x.dim());
  std::vector<std::int64_t> hits;
  visit_dtype(c.dtype(), [&]<class T>() {
    const T* p = c.data_ptr<T>();
    for (std::int64_t i = 0; i < c.numel(); ++i) {
      if (p[i] != T(0)) hits.push_back(i);
    }
  });
  Tensor out = empty({static_cast<std::int64_t>(hits.size()), x.dim()}, Dtype::Int64);
  std::int64_t* o = out.data_ptr<std::int64_t>();
  for (std::size_t h = 0; h < hits.size(); ++h) {
    std::int64_t rest = hits[h];
    for (std::size_t j = k; j-- > 0;) {
      const std::int64_t size = x.size(static_cast<std::int64_t>(j));
      o[h * k + j] = rest % size;
      rest /= size;
    }
  }
  return out;
}

std::tuple<Tensor, Tensor> sort(const Tensor& x, std::int64_t dim, bool descending) {
  const std::int64_t d = wrap_dim("sort", dim, std::max<std::int64_t>(x.dim(), 1));
  return sort_impl("sort", x, dim, descending, x.dim() == 0 ? 1 : x.size(d));
}

Tensor argsort(const Tensor& x, std::int64_t dim, bool descending) {
  return std::get<1>(sort(x, dim, descending));
}

std::tuple<Tensor, Tensor> topk(const Tensor& x, std::int64_t k, std::int64_t dim, bool largest,
                                bool sorted) {
  (void)sorted;  // the k come out sorted in every case, which torch allows for sorted = false
  return sort_impl("topk", x, dim, largest, k);
}

}  // namespace gg::native
