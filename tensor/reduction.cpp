// Reductions on gg::Tensor: sum, mean, amax, max, argmax, sum_to, and softmax / log_softmax
// (a max and a sum along one dim).
//
// Every kernel reads a contiguous input (a strided one is copied first) in the dtype it
// accumulates in: bool and int64 in int64, bfloat16 in float32 (converted once and rounded
// back once at the end, as PyTorch's CPU kernels accumulate it), float32 and float64 in their
// own type.
#include <gategrad/tensor/detail/simd.hpp>
#include <gategrad/tensor/factory.hpp>
#include <gategrad/tensor/native.hpp>
#include <gategrad/tensor/parallel.hpp>
#include <gategrad/tensor/thread_pool.hpp>
#include <gategrad/tensor/shape.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <type_traits>

namespace gg::native {
namespace {

using detail::Batch;

std::size_t to_size(std::int64_t n) { return static_cast<std::size_t>(n); }

// --- combining two partial results, for a Batch<T> or a plain T ----------------------------
template <class V> struct ElementOf { using type = V; };
template <class T, class A> struct ElementOf<xsimd::batch<T, A>> { using type = T; };

struct SumOp {
  template <class V> V operator()(const V& a, const V& b) const { return a + b; }
};
// The larger (Max) or smaller of a and b, NaN if either is NaN (torch.amax/amin propagate NaN;
// xsimd::max, like the maxps instruction, returns one operand when the other is NaN).
template <bool Max>
struct ExtremeOp {
  template <class V> V operator()(const V& a, const V& b) const {
    using T = typename ElementOf<V>::type;
    if constexpr (std::is_same_v<V, T>) {
      if constexpr (std::is_floating_point_v<T>) {
        if (a != a || b != b) return a + b;
      }
      return (Max ? a < b : b < a) ? b : a;
    } else if constexpr (std::is_floating_point_v<T>) {
      // x86's maxps/minps (xsimd::max/min) return their second operand, b, where either is
      // NaN, so only a NaN in a needs a select: 3 instructions instead of 6 (amax over dim 0 of
      // (256, 1024): 25 -> 20 us on one thread of the AMD EPYC VM). The NaN tests of
      // tests/test_core_reduction.cpp hold it to that on any target.
      return xsimd::select(xsimd::isnan(a), a, pick(a, b));
    } else {
      return pick(a, b);
    }
  }
  template <class V> static V pick(const V& a, const V& b) {
    if constexpr (Max) return xsimd::max(a, b);
    else return xsimd::min(a, b);
  }
};
using MaxOp = ExtremeOp<true>;
using MinOp = ExtremeOp<false>;

// The maximum (or minimum) of n >= 1 contiguous values, NaN if any is NaN: plain xsimd::max
// chains, four of them (as contiguous_sum's accumulators: max has a latency of several cycles
// and the chains are independent), the NaN test kept aside in one flag vector and read once per
// row. Four chains took amax over dim 1 of a (256, 1024) float tensor from 14.0 to 10.2 us
// (Xeon VM, AVX-512), the swizzle tree of detail::horizontal_extreme to 9.6.
template <bool Max, class T>
T row_extreme(const T* x, std::size_t n) {
  constexpr std::size_t L = detail::kLanes<T>;
  constexpr bool floating = std::is_floating_point_v<T>;
  const auto better = [](T v, T best) { return Max ? v > best : v < best; };
  const auto pick = [](const Batch<T>& a, const Batch<T>& b) { return ExtremeOp<Max>::pick(a, b); };
  T best = x[0];
  bool nan = false;
  std::size_t i = 0;
  if (n >= L) {
    Batch<T> acc0 = Batch<T>::load_unaligned(x);
    [[maybe_unused]] auto nan_lanes = xsimd::isnan(acc0);  // read only for floating T
    i = L;
    if (n >= 4 * L) {
      Batch<T> acc1 = Batch<T>::load_unaligned(x + L);
      Batch<T> acc2 = Batch<T>::load_unaligned(x + 2 * L);
      Batch<T> acc3 = Batch<T>::load_unaligned(x + 3 * L);
      if constexpr (floating) {
        nan_lanes = nan_lanes || xsimd::isnan(acc1) || xsimd::isnan(acc2) || xsimd::isnan(acc3);
      }
      for (i = 4 * L; i + 4 * L <= n; i += 4 * L) {
        const Batch<T> v0 = Batch<T>::load_unaligned(x + i);
        const Batch<T> v1 = Batch<T>::load_unaligned(x + i + L);
        const Batch<T> v2 = Batch<T>::load_unaligned(x + i + 2 * L);
        const Batch<T> v3 = Batch<T>::load_unaligned(x + i + 3 * L);
        acc0 = pick(acc0, v0);
        acc1 = pick(acc1, v1);
        acc2 = pick(acc2, v2);
        acc3 = pick(acc3, v3);
        if constexpr (floating) {
          nan_lanes = nan_lanes || ((xsimd::isnan(v0) || xsimd::isnan(v1)) ||
                                    (xsimd::isnan(v2) || xsimd::isnan(v3)));
        }
      }
      acc0 = pick(pick(acc0, acc1), pick(acc2, acc3));
    }
    for (; i + L <= n; i += L) {
      const Batch<T> v = Batch<T>::load_unaligned(x + i);
      acc0 = pick(acc0, v);
      if constexpr (floating) nan_lanes = nan_lanes || xsimd::isnan(v);
    }
    if constexpr (floating) nan = xsimd::any(nan_lanes);
    best = detail::horizontal_extreme<Max>(acc0);
  }
  for (; i < n; ++i) {
    best = better(x[i], best) ? x[i] : best;
    if constexpr (floating) nan = nan || x[i] != x[i];
  }
  if constexpr (floating) {
    if (nan) return std::numeric_limits<T>::quiet_NaN();
  }
  return best;
}

struct RowSum {
  template <class T> T operator()(const T* x, std::size_t n) const {
    return detail::contiguous_sum(x, n);
  }
};
template <bool Max>
struct RowExtreme {
  template <class T> T operator()(const T* x, std::size_t n) const { return row_extreme<Max>(x, n); }
};

// --- which dims a reduction removes -------------------------------------------------------
// A contiguous input seen as runs of adjacent dims that are all reduced or all kept (size-1
// dims dropped): (B, N) summed over dim 0 is one reduced run then one kept run, column sums;
// summed over dim 1 it is rows. The result is contiguous over the kept runs, in order.
struct ReducePlan {
  SizeVector out_sizes;          // the result's sizes (1 for each reduced dim under keepdim)
  SizeVector runs;               // run sizes, outermost first; never empty
  xt::svector<bool, 6> reduced;  // whether each run is reduced
  std::int64_t count = 1;        // input elements behind each output element (mean's divisor)
  std::int64_t numel = 1;        // of the input
};

// An empty `dims` reduces every dim, as torch 1.13's x.sum(dim=[]) does.
ReducePlan plan_reduction(const char* op, IntArrayRef sizes, IntArrayRef dims, bool keepdim) {
  const auto rank = static_cast<std::int64_t>(sizes.size());
  xt::svector<bool, 6> reduce(sizes.size(), dims.empty());
  for (const std::int64_t d : dims) {
    const std::size_t k = to_size(wrap_dim(op, d, rank));
    if (rank == 0) continue;  // a scalar's dim 0 (or -1) is nothing to reduce
    if (reduce[k]) {
      throw std::invalid_argument(std::string(op) + ": dim " + std::to_string(k) +
                                  " appears multiple times in the list of dims " +
                                  to_string(dims) + " (sizes " + to_string(sizes) + ")");
    }
    reduce[k] = true;
  }
  ReducePlan plan;
  for (std::size_t k = 0; k < sizes.size(); ++k) {
    plan.numel *= sizes[k];
    if (reduce[k]) {
      plan.count *= sizes[k];
      if (keepdim) plan.out_sizes.push_back(1);
    } else {
      plan.out_sizes.push_back(sizes[k]);
    }
    if (sizes[k] == 1) continue;
    if (!plan.runs.empty() && plan.reduced.back() == reduce[k]) {
      plan.runs.back() *= sizes[k];
    } else {
      plan.runs.push_back(sizes[k]);
      plan.reduced.push_back(reduce[k]);
    }
  }
  if (plan.runs.empty()) {  // one element: a kept run of 1 copies it
    plan.runs.push_back(1);
    plan.reduced.push_back(false);
  }
  return plan;
}

// out[kept index] = op over the reduced runs of x, for a non-empty contiguous x and `out`
// already holding op's identity. x is read once, front to back, in rows of its innermost run:
// a reduced innermost run collapses each row to one value (row(x, n)); a kept one is combined
// into its output row with one vector loop (a bias gradient's column sums).
template <class T, class Op, class Row>
void reduce_contiguous(const T* x, const ReducePlan& plan, T* out, Op op, Row row) {
  const std::size_t m = plan.runs.size();
  SizeVector out_stride(m);  // 0 on a reduced run: its rows land on the same outputs
  std::int64_t stride = 1;
  for (std::size_t k = m; k-- > 0;) {
    out_stride[k] = plan.reduced[k] ? 0 : stride;
    if (!plan.reduced[k]) stride *= plan.runs[k];
  }
  const std::int64_t inner = plan.runs[m - 1];
  const bool inner_reduced = plan.reduced[m - 1];
  const std::int64_t rows = plan.numel / inner;
  SizeVector counter(m, 0);
  std::int64_t offset = 0;
  for (std::int64_t r = 0; r < rows; ++r) {
    const T* src = x + r * inner;
    T* dst = out + offset;
    if (inner_reduced) *dst = op(*dst, row(src, to_size(inner)));
    else detail::zip(dst, 1, src, 1, dst, to_size(inner), op);
    for (std::size_t k = m - 1; k-- > 0;) {  // odometer over the outer runs
      offset += out_stride[k];
      if (++counter[k] < plan.runs[k]) break;
      offset -= out_stride[k] * plan.runs[k];
      counter[k] = 0;
    }
  }
}

// reduce_contiguous over the pool for a large x (tasks_for_bytes). A reduction of everything
// is split into runs, each task reducing one, the runs combined in task order (a float sum's
// value then depends on the thread count; a maximum's does not). A kept outermost run (amax
// over dim 1 of (256, 1024)) is split into ranges of its indices, each task reducing its own
// slab of x into its own outputs; a reduced outermost run over a kept inner one (a bias
// gradient's column sums, amax over dim 0) into ranges of whole vectors of columns. There
// every output is combined in the same order as on one thread: the values do not depend on
// the thread count.
template <class T, class Op, class Row>
void reduce_parallel(const T* x, const ReducePlan& plan, T* out, Op op, Row row) {
  const std::size_t m = plan.runs.size();
  constexpr int kMaxTasks = 64;
  const int tasks = std::min(kMaxTasks, tasks_for_bytes(to_size(plan.numel) * sizeof(T)));
  if (tasks > 1 && m == 1 && plan.reduced[0]) {
    T partial[kMaxTasks];
    parallel_run(tasks, [&](int task) {
      const std::int64_t begin = plan.numel * task / tasks, end = plan.numel * (task + 1) / tasks;
      partial[task] = row(x + begin, to_size(end - begin));
    });
    T total = partial[0];
    for (int t = 1; t < tasks; ++t) total = op(total, partial[t]);
    *out = total;  // out held op's identity
    return;
  }
  if (tasks > 1 && m >= 2 && !plan.reduced[0] && plan.runs[0] >= tasks) {
    const std::int64_t outer = plan.runs[0];
    const std::int64_t slab = plan.numel / outer;
    std::int64_t out_slab = 1;  // outputs per index of the outer run
    for (std::size_t k = 1; k < m; ++k) out_slab *= plan.reduced[k] ? 1 : plan.runs[k];
    parallel_run(tasks, [&](int task) {
      const std::int64_t begin = outer * task / tasks, end = outer * (task + 1) / tasks;
      ReducePlan part = plan;
      part.runs[0] = end - begin;
      part.numel = slab * (end - begin);
      reduce_contiguous(x + begin * slab, part, out + begin * out_slab, op, row);
    });
    return;
  }
  constexpr auto L = static_cast<std::int64_t>(detail::kLanes<T>);
  if (tasks > 1 && m == 2 && plan.reduced[0] && plan.runs[1] >= 4 * L * tasks) {
    const std::int64_t rows = plan.runs[0], cols = plan.runs[1];
    parallel_run(tasks, [&](int task) {
      const std::int64_t begin = cols * task / tasks / L * L;
      const std::int64_t end = task + 1 == tasks ? cols : cols * (task + 1) / tasks / L * L;
      for (std::int64_t r = 0; r < rows; ++r) {
        detail::zip(out + begin, 1, x + r * cols + begin, 1, out + begin, to_size(end - begin), op);
      }
    });
    return;
  }
  reduce_contiguous(x, plan, out, op, row);
}

// x contiguous and of `dtype` (a copy when it is neither).
Tensor contiguous_as(const Tensor& x, Dtype dtype) {
  const Tensor c = contiguous(x);
  return c.dtype() == dtype ? c : contiguous(to(c, dtype));
}

Dtype sum_dtype(Dtype d) { return d == Dtype::Bool || d == Dtype::Int64 ? Dtype::Int64 : d; }
// The dtype a kernel computes in: bfloat16 has no vector arithmetic of its own.
Dtype accumulate_dtype(Dtype d) {
  return d == Dtype::BFloat16 ? Dtype::Float32 : d == Dtype::Bool ? Dtype::Int64 : d;
}

// sum over the plan's reduced dims, with the result shaped `out_sizes` (the plan's, or
// sum_to's target), in the accumulation dtype.
Tensor sum_accumulated(const Tensor& x, const ReducePlan& plan, IntArrayRef out_sizes) {
  const Dtype acc = accumulate_dtype(x.dtype());
  Tensor out = zeros(out_sizes, acc);
  if (plan.numel == 0) return out;
  const Tensor src = contiguous_as(x, acc);
  visit_dtype(acc, [&]<class T>() {
    if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double> ||
                  std::is_same_v<T, std::int64_t>) {
      reduce_parallel(src.data_ptr<T>(), plan, out.data_ptr<T>(), SumOp{}, RowSum{});
    }
  });
  return out;
}

std::string describe(const Tensor& x) {
  return "tensor of sizes " + to_string(x.sizes()) + " and dtype " + name(x.dtype());
}

void require_floating(const char* op, const Tensor& x) {
  if (!x.is_floating_point()) {
    throw std::invalid_argument(std::string(op) + ": got a " + describe(x) +
                                ", expected a floating dtype (float32, float64 or bfloat16; "
                                "convert with .to(gg::kFloat32) first)");
  }
}

template <bool Max>
Tensor extreme_impl(const char* op, const Tensor& x, IntArrayRef dims, bool keepdim) {
  const char* what = Max ? "maximum" : "minimum";
  const ReducePlan plan = plan_reduction(op, x.sizes(), dims, keepdim);
  if (plan.count == 0) {
    throw ShapeError(std::string(op) + ": cannot take the " + what + " over no elements: the " +
                     describe(x) + " has size 0 in a reduced dim (a " + what + " needs at least "
                     "one element)");
  }
  const Dtype acc = accumulate_dtype(x.dtype());
  Tensor out = empty(plan.out_sizes, acc);
  if (plan.numel > 0) {
    const Tensor src = contiguous_as(x, acc);
    visit_dtype(acc, [&]<class T>() {
      if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double> ||
                    std::is_same_v<T, std::int64_t>) {
        T* o = out.data_ptr<T>();
        using Limits = std::numeric_limits<T>;
        const T identity = Max ? (Limits::has_infinity ? -Limits::infinity() : Limits::lowest())
                               : (Limits::has_infinity ? Limits::infinity() : Limits::max());
        std::fill_n(o, out.numel(), identity);
        reduce_parallel(src.data_ptr<T>(), plan, o, ExtremeOp<Max>{}, RowExtreme<Max>{});
      }
    });
  }
  return out.dtype() == x.dtype() ? out : to(out, x.dtype());
}

// x:(outer, len, inner) contiguous -> out:(outer, inner), the index of the first largest (Max)
// or smallest value along len; a NaN beats every number, and the first NaN wins (as torch).
template <bool Max, class T>
void argmax_kernel(const T* x, std::int64_t outer, std::int64_t len, std::int64_t inner,
                   std::int64_t* out, T* best) {
  const auto better = [](T v, T b) {
    const bool beats = Max ? v > b : v < b;
    if constexpr (std::is_floating_point_v<T>) return beats || (v != v && b == b);
    else return beats;
  };
  for (std::int64_t o = 0; o < outer; ++o) {
    const T* block = x + o * len * inner;
    std::int64_t* index = out + o * inner;
    if (inner == 1) {  // one contiguous row
      std::int64_t at = 0;
      for (std::int64_t l = 1; l < len; ++l) {
        if (better(block[l], block[at])) at = l;
      }
      *index = at;
      continue;
    }
    // Whole rows at a time, so the loop streams through memory.
    std::copy_n(block, inner, best);
    std::fill_n(index, inner, 0);
    for (std::int64_t l = 1; l < len; ++l) {
      const T* row = block + l * inner;
      for (std::int64_t j = 0; j < inner; ++j) {
        if (better(row[j], best[j])) {
          best[j] = row[j];
          index[j] = l;
        }
      }
    }
  }
}

}  // namespace

Tensor sum(const Tensor& x) { return sum(x, {}, false); }

Tensor sum(const Tensor& x, IntArrayRef dims, bool keepdim) {
  const ReducePlan plan = plan_reduction("sum", x.sizes(), dims, keepdim);
  Tensor out = sum_accumulated(x, plan, plan.out_sizes);
  const Dtype want = sum_dtype(x.dtype());
  return out.dtype() == want ? out : to(out, want);
}

Tensor mean(const Tensor& x) { return mean(x, {}, false); }

Tensor mean(const Tensor& x, IntArrayRef dims, bool keepdim) {
  if (!x.is_floating_point()) {
    throw std::invalid_argument(
        "mean(): could not infer output dtype. Input dtype must be a floating point dtype "
        "(float32, float64 or bfloat16), got a " + describe(x) +
        " (convert with .to(gg::kFloat32) first)");
  }
  const ReducePlan plan = plan_reduction("mean", x.sizes(), dims, keepdim);
  Tensor out = sum_accumulated(x, plan, plan.out_sizes);
  visit_dtype(out.dtype(), [&]<class T>() {
    if constexpr (std::is_floating_point_v<T>) {
      // An empty reduction is 0 / 0 = NaN, as in PyTorch.
      const T count = static_cast<T>(plan.count);
      T* o = out.data_ptr<T>();
      detail::map(o, o, to_size(out.numel()),
                  [count](const auto& v) { return v / std::decay_t<decltype(v)>(count); });
    }
  });
  return out.dtype() == x.dtype() ? out : to(out, x.dtype());
}

Tensor amax(const Tensor& x, IntArrayRef dims, bool keepdim) {
  return extreme_impl<true>("amax", x, dims, keepdim);
}
Tensor amin(const Tensor& x, IntArrayRef dims, bool keepdim) {
  return extreme_impl<false>("amin", x, dims, keepdim);
}

Tensor max(const Tensor& x) { return extreme_impl<true>("max", x, {}, false); }
Tensor min(const Tensor& x) { return extreme_impl<false>("min", x, {}, false); }

// all: no element is zero; any: the count of nonzero elements is positive (a count, so empty
// gives true / false, and NaN, being nonzero, counts).
Tensor all(const Tensor& x) { return eq(sum(eq(x, false)), 0); }
Tensor all(const Tensor& x, std::int64_t dim, bool keepdim) {
  return eq(sum(eq(x, false), {wrap_dim("all", dim, x.dim())}, keepdim), 0);
}
Tensor any(const Tensor& x) { return gt(sum(ne(x, false)), 0); }
Tensor any(const Tensor& x, std::int64_t dim, bool keepdim) {
  return gt(sum(ne(x, false), {wrap_dim("any", dim, x.dim())}, keepdim), 0);
}

namespace {
template <bool Max>
Tensor arg_extreme(const char* op, const Tensor& x, std::optional<std::int64_t> dim, bool keepdim) {
  if (x.dtype() == Dtype::Bool) {
    throw std::invalid_argument(std::string(op) + ": got a " + describe(x) +
                                ", expected a number dtype (convert with .to(gg::kInt64) first)");
  }
  // Over the flattened tensor (outer = inner = 1), or x seen as (outer, len, inner) around dim.
  std::int64_t outer = 1, len = x.numel(), inner = 1;
  SizeVector out_sizes;
  if (dim) {
    const std::int64_t d = wrap_dim(op, *dim, x.dim());
    len = x.dim() == 0 ? 1 : x.size(d);
    for (std::int64_t k = 0; k < x.dim(); ++k) {
      if (k < d) outer *= x.size(k);
      if (k > d) inner *= x.size(k);
      if (k != d) out_sizes.push_back(x.size(k));
      else if (keepdim) out_sizes.push_back(1);
    }
  } else if (keepdim) {
    out_sizes.assign(to_size(x.dim()), 1);
  }
  if (len == 0) {
    throw ShapeError(std::string(op) + ": cannot take the index of the " +
                     (Max ? "maximum" : "minimum") + " over no elements: the " + describe(x) +
                     (dim ? " has size 0 in dim " + std::to_string(*dim) : std::string(" is empty")));
  }
  Tensor out = empty(out_sizes, Dtype::Int64);
  if (outer * inner == 0) return out;
  const Dtype acc = accumulate_dtype(x.dtype());  // bfloat16 -> float32 keeps the order
  const Tensor src = contiguous_as(x, acc);
  visit_dtype(acc, [&]<class T>() {
    if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double> ||
                  std::is_same_v<T, std::int64_t>) {
      Tensor best = empty({inner}, acc);
      argmax_kernel<Max>(src.data_ptr<T>(), outer, len, inner, out.data_ptr<std::int64_t>(),
                         best.data_ptr<T>());
    }
  });
  return out;
}
}  // namespace

Tensor argmax(const Tensor& x, std::optional<std::int64_t> dim, bool keepdim) {
  return arg_extreme<true>("argmax", x, dim, keepdim);
}
Tensor argmin(const Tensor& x, std::optional<std::int64_t> dim, bool keepdim) {
  return arg_extreme<false>("argmin", x, dim, keepdim);
}

Tensor sum_to(const Tensor& x, IntArrayRef sizes) {
  const IntArrayRef from = x.sizes();
  if (from == sizes) return x;
  bool broadcasts = sizes.size() <= from.size();
  const std::size_t lead = broadcasts ? from.size() - sizes.size() : 0;
  for (std::size_t k = 0; broadcasts && k < sizes.size(); ++k) {
    broadcasts = sizes[k] == from[lead + k] || sizes[k] == 1;
  }
  if (!broadcasts) {
    throw ShapeError("sum_to: cannot reduce sizes " + to_string(from) + " to " +
                     to_string(sizes) + ": expected sizes that broadcast to " + to_string(from));
  }
  const Dtype want = sum_dtype(x.dtype());
  std::int64_t kept = 1;
  for (const std::int64_t s : sizes) kept *= s;
  if (x.numel() == kept) {  // only dims of size 1 go: nothing is summed (a batch of 1)
    const Tensor same = reshape(x, sizes);
    return same.dtype() == want ? same : to(same, want);
  }
  // The dims broadcasting added (leading) or expanded (size 1 in `sizes`); never empty here,
  // since the sizes differ.
  SizeVector dims;
  for (std::size_t k = 0; k < from.size(); ++k) {
    if (k < lead || (sizes[k - lead] == 1 && from[k] != 1)) {
      dims.push_back(static_cast<std::int64_t>(k));
    }
  }
  const ReducePlan plan = plan_reduction("sum_to", from, dims, /*keepdim=*/true);
  Tensor out = sum_accumulated(x, plan, sizes);
  return out.dtype() == want ? out : to(out, want);
}

// --- softmax / log_softmax along one dim -----------------------------------------------------
namespace {

struct Sub {
  template <class V> V operator()(const V& a, const V& b) const { return a - b; }
};
struct Mul {
  template <class V> V operator()(const V& a, const V& b) const { return a * b; }
};

// y[i] = exp(x[i] - shift): the one call of detail::exp on vectors in this file. With one call
// site GCC inlines it into the loop; with several it kept an out-of-line copy and softmax ran
// 1.5x slower than the old core's.
template <class T>
void exp_shifted(const T* x, T shift, T* y, std::size_t n) {
  detail::map(x, y, n, [shift](const auto& v) {
    return detail::exp(v - std::decay_t<decltype(v)>(shift));
  });
}

// Rows shorter than a vector (log_softmax over 10 classes): softmax_rows' vector loops would
// run only their scalar tails, a std::exp per element (log_softmax/4096x10 took 239 us, 5.8 ns
// an element, on the AMD EPYC VM with AVX-512). Here L rows at a time are transposed into n
// vectors, lane r holding row r, so that the max, the exponentials, the sum and the log are
// lane-parallel; the spare lanes of a last block of fewer than L rows hold zeros and are not
// stored. The arithmetic is softmax_rows' (the same order of sums and subtractions).
template <class T, bool Log>
void softmax_short_rows(const T* x, T* y, std::size_t rows, std::size_t n) {
  constexpr std::size_t L = detail::kLanes<T>;
  using V = detail::Batch<T>;
  alignas(64) T z[L * L];  // z[j * L + r] = x[r][j] - max[r], n < L
  alignas(64) T e[L * L];  // exp(z)
  for (std::size_t r0 = 0; r0 < rows; r0 += L) {
    const std::size_t m = std::min(L, rows - r0);
    const T* xb = x + r0 * n;
    if (m < L) std::fill_n(z, n * L, T(0));
    for (std::size_t r = 0; r < m; ++r) {
      for (std::size_t j = 0; j < n; ++j) z[j * L + r] = xb[r * n + j];
    }
    V max_value = V::load_aligned(z);
    for (std::size_t j = 1; j < n; ++j) max_value = xsimd::max(max_value, V::load_aligned(z + j * L));
    for (std::size_t j = 0; j < n; ++j) (V::load_aligned(z + j * L) - max_value).store_aligned(z + j * L);
    exp_shifted(z, T(0), e, n * L);
    V sum = V::load_aligned(e);
    for (std::size_t j = 1; j < n; ++j) sum += V::load_aligned(e + j * L);
    if constexpr (Log) {
      const V log_sum = xsimd::log(sum);
      for (std::size_t j = 0; j < n; ++j) (V::load_aligned(z + j * L) - log_sum).store_aligned(e + j * L);
    } else {
      const V inv = V(T(1)) / sum;
      for (std::size_t j = 0; j < n; ++j) (V::load_aligned(e + j * L) * inv).store_aligned(e + j * L);
    }
    T* yb = y + r0 * n;
    for (std::size_t r = 0; r < m; ++r) {
      for (std::size_t j = 0; j < n; ++j) yb[r * n + j] = e[j * L + r];
    }
  }
}

// x:(rows, n) contiguous -> y:(rows, n), along each row: the old core's kernel
// (tensor/elementwise.cpp), log_softmax's exponentials and sum vectorized as softmax's.
// Subtracting the row maximum keeps exp() finite for logits of any magnitude; a NaN in a row
// gives a NaN row.
template <class T, bool Log>
void softmax_rows(const T* x, T* y, std::size_t rows, std::size_t n) {
  if (n < detail::kLanes<T>) {
    softmax_short_rows<T, Log>(x, y, rows, n);
    return;
  }
  for (std::size_t r = 0; r < rows; ++r) {
    const T* xr = x + r * n;
    T* yr = y + r * n;
    const T max_value = detail::contiguous_max(xr, n);
    if constexpr (Log) {
      // The exponentials pass through y's row, overwritten below. (Summing them as they are
      // made measured slower: in a second caller of detail::exp, softmax/256x1000 took 1.25x
      // as long; inside exp_shifted, both softmax and log_softmax took 1.2x as long.)
      exp_shifted(xr, max_value, yr, n);
      // (z - max) - log(sum), in this order: z - (max + log(sum)) would round the shift to
      // the spacing of max, losing every digit of log(sum) below it for large logits.
      const T log_sum = std::log(detail::contiguous_sum(yr, n));
      detail::map(xr, yr, n, [max_value, log_sum](const auto& v) {
        using V = std::decay_t<decltype(v)>;
        return (v - V(max_value)) - V(log_sum);
      });
    } else {
      exp_shifted(xr, max_value, yr, n);
      const T sum = detail::contiguous_sum(yr, n);
      const T inv = T(1) / sum;
      detail::map(yr, yr, n, [inv](const auto& v) { return v * std::decay_t<decltype(v)>(inv); });
    }
  }
}

// x:(outer, len, inner) contiguous, inner > 1 -> y, the same sizes, along len: whole rows of
// `inner` at a time, so every loop is a vector loop over contiguous memory. scratch: 3 * inner.
template <class T, bool Log>
void softmax_columns(const T* x, T* y, std::size_t outer, std::size_t len, std::size_t inner,
                     T* scratch) {
  T* max_value = scratch;
  T* sum = scratch + inner;
  T* exps = scratch + 2 * inner;
  for (std::size_t o = 0; o < outer; ++o) {
    const T* xb = x + o * len * inner;
    T* yb = y + o * len * inner;
    std::copy_n(xb, inner, max_value);
    for (std::size_t l = 1; l < len; ++l) {
      detail::zip(max_value, 1, xb + l * inner, 1, max_value, inner, MaxOp{});
    }
    std::fill_n(sum, inner, T(0));
    for (std::size_t l = 0; l < len; ++l) {  // y = z - max, sum += exp(y)
      T* yl = yb + l * inner;
      detail::zip(xb + l * inner, 1, max_value, 1, yl, inner, Sub{});
      T* e = Log ? exps : yl;  // log_softmax keeps z - max, softmax overwrites it
      exp_shifted(yl, T(0), e, inner);
      detail::zip(sum, 1, e, 1, sum, inner, SumOp{});
    }
    if constexpr (Log) {  // y = (z - max) - log(sum)
      detail::map(sum, sum, inner, [](const auto& v) { return xsimd::log(v); });
      for (std::size_t l = 0; l < len; ++l) {
        detail::zip(yb + l * inner, 1, sum, 1, yb + l * inner, inner, Sub{});
      }
    } else {  // y = exp(z - max) / sum
      detail::map(sum, sum, inner, [](const auto& v) { return std::decay_t<decltype(v)>(1) / v; });
      for (std::size_t l = 0; l < len; ++l) {
        detail::zip(yb + l * inner, 1, sum, 1, yb + l * inner, inner, Mul{});
      }
    }
  }
}

template <bool Log>
Tensor softmax_impl(const char* op, const Tensor& x, std::int64_t dim) {
  require_floating(op, x);
  const std::int64_t d = wrap_dim(op, dim, x.dim());
  std::int64_t outer = 1, len = 1, inner = 1;
  for (std::int64_t k = 0; k < x.dim(); ++k) {
    if (k < d) outer *= x.size(k);
    if (k == d) len = x.size(k);
    if (k > d) inner *= x.size(k);
  }
  const Dtype acc = accumulate_dtype(x.dtype());
  Tensor y = empty(x.sizes(), acc);
  if (x.numel() == 0) return y.dtype() == x.dtype() ? y : to(y, x.dtype());
  const Tensor src = contiguous_as(x, acc);
  visit_dtype(acc, [&]<class T>() {
    if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double>) {
      if (inner == 1) {
        // Rows are independent: a run of them per task, the same values at any thread count.
        // The exponentials make it compute-bound: a task from 16,384 elements (~15 us).
        constexpr std::int64_t kElementsPerTask = 16384;
        const int tasks = static_cast<int>(std::max<std::int64_t>(
            1, std::min<std::int64_t>({num_threads(), outer, x.numel() / kElementsPerTask})));
        parallel_run(tasks, [&](int task) {
          const std::int64_t begin = outer * task / tasks, end = outer * (task + 1) / tasks;
          softmax_rows<T, Log>(src.data_ptr<T>() + begin * len, y.data_ptr<T>() + begin * len,
                               to_size(end - begin), to_size(len));
        });
      } else {
        Tensor scratch = empty({3 * inner}, acc);
        softmax_columns<T, Log>(src.data_ptr<T>(), y.data_ptr<T>(), to_size(outer),
                                to_size(len), to_size(inner), scratch.data_ptr<T>());
      }
    }
  });
  return y.dtype() == x.dtype() ? y : to(y, x.dtype());
}

}  // namespace

Tensor softmax(const Tensor& x, std::int64_t dim) { return softmax_impl<false>("softmax", x, dim); }

Tensor log_softmax(const Tensor& x, std::int64_t dim) {
  return softmax_impl<true>("log_softmax", x, dim);
}

// --- cumulative sums and products ------------------------------------------------------------

namespace {
// x seen as (outer, len, inner) around dim.
struct AroundDim {
  std::int64_t outer = 1, len = 1, inner = 1;
};
AroundDim around(const Tensor& x, std::int64_t d) {
  AroundDim a;
  for (std::int64_t k = 0; k < x.dim(); ++k) {
    if (k < d) a.outer *= x.size(k);
    if (k == d) a.len = x.size(k);
    if (k > d) a.inner *= x.size(k);
  }
  return a;
}
}  // namespace

Tensor cumsum(const Tensor& x, std::int64_t dim, bool reverse) {
  const std::int64_t d = wrap_dim("cumsum", dim, std::max<std::int64_t>(x.dim(), 1));
  const Dtype acc = accumulate_dtype(x.dtype());
  Tensor out = clone(to(x, acc));  // a contiguous copy to sum in place
  const AroundDim a = around(x, d);
  visit_dtype(acc, [&]<class T>() {
    if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double> || std::is_same_v<T, std::int64_t>) {
      T* p = out.data_ptr<T>();
      // Row after row along dim, each added into the next: inner runs stay contiguous.
      for (std::int64_t o = 0; o < a.outer; ++o) {
        T* block = p + o * a.len * a.inner;
        for (std::int64_t l = 1; l < a.len; ++l) {
          const std::int64_t to_row = reverse ? a.len - 1 - l : l;
          const std::int64_t from_row = reverse ? to_row + 1 : to_row - 1;
          T* row = block + to_row * a.inner;
          const T* prev = block + from_row * a.inner;
          for (std::int64_t i = 0; i < a.inner; ++i) row[i] += prev[i];
        }
      }
    }
  });
  const Dtype want = sum_dtype(x.dtype());
  return out.dtype() == want ? out : to(out, want);
}

Tensor prod(const Tensor& x, std::optional<std::int64_t> dim, bool keepdim) {
  const Dtype acc = accumulate_dtype(x.dtype());
  const Tensor src = contiguous_as(x, acc);
  const std::int64_t d = dim ? wrap_dim("prod", *dim, std::max<std::int64_t>(x.dim(), 1)) : 0;
  const AroundDim a = dim ? around(x, d) : AroundDim{1, x.numel(), 1};
  SizeVector out_sizes;
  if (dim) {
    for (std::int64_t k = 0; k < x.dim(); ++k) {
      if (k != d) out_sizes.push_back(x.size(k));
      else if (keepdim) out_sizes.push_back(1);
    }
  } else if (keepdim) {
    out_sizes.assign(to_size(x.dim()), 1);
  }
  Tensor out = ones(out_sizes, acc);
  visit_dtype(acc, [&]<class T>() {
    if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double> || std::is_same_v<T, std::int64_t>) {
      const T* p = src.data_ptr<T>();
      T* o = out.data_ptr<T>();
      for (std::int64_t q = 0; q < a.outer; ++q) {
        for (std::int64_t l = 0; l < a.len; ++l) {
          const T* row = p + (q * a.len + l) * a.inner;
          T* into = o + q * a.inner;
          for (std::int64_t i = 0; i < a.inner; ++i) {
            if constexpr (std::is_same_v<T, std::int64_t>) {
              into[i] = static_cast<std::int64_t>(static_cast<std::uint64_t>(into[i]) * static_cast<std::uint64_t>(row[i]));
            } else {
              into[i] *= row[i];
            }
          }
        }
      }
    }
  });
  const Dtype want = sum_dtype(x.dtype());
  return out.dtype() == want ? out : to(out, want);
}

}  // namespace gg::native
