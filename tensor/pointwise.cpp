// Pointwise ops on gg::Tensor: NumPy broadcasting, PyTorch's type promotion, any strides.
//
// Every op goes the same way: check the dtypes and pick the result dtype (result_type);
// convert the operands to it, and on to float32 when it is bfloat16, which computes in
// float32 and rounds once at the end (PyTorch's opmath); allocate the output laid out as the
// operands are (detail::output_strides); run one kernel call per innermost run of the strided
// loop. A contiguous or broadcast run of float/double goes through xsimd (detail::zip, map);
// int64, bool, comparisons, where and strided runs take a plain loop.
#include <gategrad/tensor/detail/pointwise_ops.hpp>
#include <gategrad/tensor/detail/strided_loop.hpp>
#include <gategrad/tensor/factory.hpp>
#include <gategrad/tensor/native.hpp>
#include <gategrad/tensor/parallel.hpp>
#include <gategrad/tensor/shape.hpp>
#include <gategrad/tensor/thread_pool.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>

namespace gg::native {
namespace {

namespace ops = detail::ops;

// --- result dtypes -----------------------------------------------------------------------------

enum class Category { Bool, Integral, Floating };
Category category(Dtype d) {
  return d == Dtype::Bool ? Category::Bool
         : is_floating_point(d) ? Category::Floating
                                : Category::Integral;
}

// torch's ResultTypeState: the operands' dtypes promoted within three groups, then combined.
struct ResultTypeState {
  std::optional<Dtype> dimensioned, zero_dim, number;

  void add(const Tensor& t) {
    std::optional<Dtype>& group = t.dim() > 0 ? dimensioned : zero_dim;
    group = group ? promote_types(*group, t.dtype()) : t.dtype();
  }
  void add(Scalar s) { number = number ? promote_types(*number, s.dtype()) : s.dtype(); }

  // A lower-priority group counts only when its category is higher (combine_categories).
  static std::optional<Dtype> combine(std::optional<Dtype> higher, std::optional<Dtype> lower) {
    if (!higher) return lower;
    if (!lower || category(*higher) >= category(*lower)) return higher;
    return promote_types(*higher, *lower);
  }
  Dtype result() const { return combine(dimensioned, combine(zero_dim, number)).value(); }
};

// torch.can_cast: no floating to integral or bool, nothing but bool to bool.
bool can_cast(Dtype from, Dtype to) {
  if (is_floating_point(from) && !is_floating_point(to)) return false;
  return from == Dtype::Bool || to != Dtype::Bool;
}

// div is true division: integers and bools divide in the default float dtype.
Dtype true_division(Dtype result) { return is_floating_point(result) ? result : kDefaultFloat; }

// An op of result dtype `result` computes in this one: bfloat16 in float32.
Dtype compute_dtype(Dtype result) { return result == Dtype::BFloat16 ? Dtype::Float32 : result; }

// A tensor operand of an op with result dtype `result`, converted to its compute dtype. The
// step through `result` rounds as PyTorch's cast to the common dtype does (a float32 0-dim
// tensor added to a bfloat16 one is rounded to bfloat16 first).
Tensor operand(const Tensor& t, Dtype result) {
  return to(t.dtype() == result ? t : to(t, result), compute_dtype(result));
}
// A number operand, as a 0-dim tensor: rounded to `result` too (torch 1.13 gives
// bfloat16(3) * 1.0039 = 3, the product with 1.0039 rounded to bfloat16 1.0).
Tensor operand(Scalar s, Dtype result) {
  return to(scalar_tensor(s, result), compute_dtype(result));
}

void refuse_bool_sub(const char* op, Dtype a, Dtype b) {
  if (a == Dtype::Bool && b == Dtype::Bool) {
    throw std::invalid_argument(std::string(op) +
                                ": got two bool operands; subtraction of bools is not supported, "
                                "as in PyTorch (ne() is the logical xor)");
  }
  if (a == Dtype::Bool || b == Dtype::Bool) {
    throw std::invalid_argument(std::string(op) + ": got " + name(a) + " and " + name(b) +
                                "; subtraction with a bool operand is not supported, as in "
                                "PyTorch (convert it with to(kInt64) first)");
  }
}

void refuse_bool(const char* op, Dtype dtype, const char* why) {
  if (dtype == Dtype::Bool) {
    throw std::invalid_argument(std::string(op) +
                                ": got a bool tensor, expected int64 or a floating dtype (" + why +
                                ")");
  }
}

// --- kernels: one call per innermost run of the strided loop --------------------------------

std::size_t count(std::int64_t n) { return static_cast<std::size_t>(n); }
bool unit_or_broadcast(std::int64_t step) { return step == 0 || step == 1; }

// run(begin, end) over [0, total) elements, shared out across the pool when the operands are
// large (tasks_for_bytes of `bytes`, every operand counted): a CNN's activations are tens of
// MB, and one core alone does not reach the memory's speed. Pieces start on 64-byte lines so
// that no two tasks write one line. Elementwise, so the values do not depend on the split.
template <class Run>
void split_elements(std::int64_t total, std::size_t element_bytes, std::size_t bytes, const Run& run) {
  const int tasks = tasks_for_bytes(bytes);
  if (tasks <= 1) {
    run(std::int64_t{0}, total);
    return;
  }
  const auto line = static_cast<std::int64_t>(64 / element_bytes);
  const auto piece = [&](int t) { return std::min(total, total * t / tasks / line * line); };
  parallel_run(tasks, [&](int t) { run(piece(t), t + 1 == tasks ? total : piece(t + 1)); });
}

// out = op(a, b), a and b of element type T, out of Out (T, or bool for a comparison).
template <class Out, class T, class Op>
void binary_kernel(const Tensor& out, const Tensor& a, const Tensor& b, Op op) {
  detail::make_loop(out, a, b).run([op](const auto& data, const auto& steps, std::int64_t n) {
    Out* y = static_cast<Out*>(data[0]);
    const T* x0 = static_cast<const T*>(data[1]);
    const T* x1 = static_cast<const T*>(data[2]);
    if constexpr (std::is_same_v<Out, T> && ops::RealScalar<T>) {
      if (steps[0] == 1 && unit_or_broadcast(steps[1]) && unit_or_broadcast(steps[2])) {
        detail::zip(x0, count(steps[1]), x1, count(steps[2]), y, count(n), op);
        return;
      }
    }
    // int64, bool, comparisons: without strides GCC vectorizes this loop itself.
    if (steps[0] == 1 && steps[1] == 1 && steps[2] == 1) {
      for (std::int64_t i = 0; i < n; ++i) y[i] = op(x0[i], x1[i]);
      return;
    }
    for (std::int64_t i = 0; i < n; ++i) y[i * steps[0]] = op(x0[i * steps[1]], x1[i * steps[2]]);
  });
}

template <class T, class Op>
void unary_kernel(const Tensor& out, const Tensor& x, Op op) {
  detail::make_loop(out, x).run([op](const auto& data, const auto& steps, std::int64_t n) {
    T* y = static_cast<T*>(data[0]);
    const T* v = static_cast<const T*>(data[1]);
    if constexpr (ops::RealScalar<T>) {
      if (steps[0] == 1 && steps[1] == 1) {
        detail::map(v, y, count(n), op);
        return;
      }
    }
    if (steps[0] == 1 && steps[1] == 1) {
      for (std::int64_t i = 0; i < n; ++i) y[i] = op(v[i]);
      return;
    }
    for (std::int64_t i = 0; i < n; ++i) y[i * steps[0]] = op(v[i * steps[1]]);
  });
}

template <class T>
void where_kernel(const Tensor& out, const Tensor& condition, const Tensor& a, const Tensor& b) {
  const auto loop = detail::make_loop(out, condition, a, b);
  loop.run([](const auto& data, const auto& steps, std::int64_t n) {
    T* y = static_cast<T*>(data[0]);
    const bool* c = static_cast<const bool*>(data[1]);
    const T* x0 = static_cast<const T*>(data[2]);
    const T* x1 = static_cast<const T*>(data[3]);
    for (std::int64_t i = 0; i < n; ++i) {
      y[i * steps[0]] = c[i * steps[1]] ? x0[i * steps[2]] : x1[i * steps[3]];
    }
  });
}

[[noreturn]] void no_kernel(const char* op, Dtype dtype) {
  throw std::logic_error(std::string(op) + ": no kernel for " + name(dtype) +
                         " (a dtype check before the kernel should have refused it)");
}

// --- drivers -----------------------------------------------------------------------------------

// A new output of `sizes` laid out as the inputs are.
template <class... Inputs>
Tensor new_output(IntArrayRef sizes, Dtype dtype, const Inputs&... inputs) {
  if (((inputs.is_contiguous() && inputs.sizes() == sizes) && ...)) return gg::empty(sizes, dtype);
  const std::array<SizeVector, sizeof...(Inputs)> strides{
      detail::broadcast_strides(inputs, sizes)...};
  return detail::empty_strided(sizes, detail::output_strides(sizes, strides), dtype);
}

// The common cases of an MLP's step, without the strided loop's setup: float32 (or float64)
// operands, both contiguous, one of the same sizes as the other or of its trailing sizes (a
// bias row): rows of one flat xsimd run each, the kernel the loop would call on the same
// elements, so the values are identical.

// The row length when `small` is `big`'s trailing sizes (or all of them) and both are
// contiguous float tensors of one dtype; 0 when not (or when empty, or the rows are short).
std::int64_t trailing_rows(const Tensor& big, const Tensor& small) {
  const Dtype dtype = big.dtype();
  if (dtype != small.dtype() || (dtype != Dtype::Float32 && dtype != Dtype::Float64)) return 0;
  const IntArrayRef bs = big.sizes(), ss = small.sizes();
  if (ss.size() > bs.size() || !big.is_contiguous() || !small.is_contiguous()) return 0;
  for (std::size_t i = 1; i <= ss.size(); ++i) {
    if (ss[ss.size() - i] != bs[bs.size() - i]) return 0;
  }
  // Short rows (a column) are the loop's, unless there is one row (a batch of 1).
  const std::int64_t n = small.numel();
  return ss.size() == bs.size() || n >= 16 || n == big.numel() ? n : 0;
}

// Whether `number` is one element broadcast over all of `big`, both contiguous float tensors
// of one dtype (a gradient scaled by a loss's dout, a tensor times a number).
bool is_number_of(const Tensor& big, const Tensor& number) {
  const Dtype dtype = big.dtype();
  return dtype == number.dtype() && (dtype == Dtype::Float32 || dtype == Dtype::Float64) &&
         number.numel() == 1 && number.dim() <= big.dim() && big.is_contiguous();
}

// out = op(a, b) row by row: `a_moves`/`b_moves` true for an operand that advances a row at
// a time, false for one (the bias) that stays.
template <class Op>
void rows_of(const Tensor& out, const Tensor& a, bool a_moves, const Tensor& b, bool b_moves,
             std::int64_t n, Op op) {
  visit_dtype(out.dtype(), [&]<class T>() {
    if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double>) {
      const T* x0 = a.data_ptr<T>();
      const T* x1 = b.data_ptr<T>();
      T* y = out.data_ptr<T>();
      const std::int64_t total = out.numel();
      const std::size_t bytes = count(total) * sizeof(T) * (1 + (a_moves ? 1 : 0) + (b_moves ? 1 : 0));
      split_elements(total, sizeof(T), bytes, [&](std::int64_t begin, std::int64_t end) {
        // The rows that [begin, end) touches, the first and last perhaps in part.
        for (std::int64_t i = begin; i < end;) {
          const std::int64_t r = i / n, col = i - r * n, len = std::min(n - col, end - i);
          detail::zip(x0 + (a_moves ? i : col), 1, x1 + (b_moves ? i : col), 1, y + i, count(len), op);
          i += len;
        }
      });
    }
  });
}

// out = op(a, b), one of them a number (is_number_of): one flat run with a step of 0 for it.
template <class Op>
void with_number_run(const Tensor& out, const Tensor& a, const Tensor& b, Op op) {
  visit_dtype(out.dtype(), [&]<class T>() {
    if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double>) {
      const std::size_t a_step = a.numel() == 1 ? 0 : 1, b_step = b.numel() == 1 ? 0 : 1;
      const T* x0 = a.data_ptr<T>();
      const T* x1 = b.data_ptr<T>();
      T* y = out.data_ptr<T>();
      split_elements(out.numel(), sizeof(T), count(out.numel()) * sizeof(T) * 2,
                     [&](std::int64_t begin, std::int64_t end) {
                       detail::zip(x0 + count(begin) * a_step, a_step, x1 + count(begin) * b_step, b_step,
                                   y + begin, count(end - begin), op);
                     });
    }
  });
}

template <class Op>
std::optional<Tensor> flat_binary(const Tensor& a, const Tensor& b, Op op) {
  for (const Tensor* big : {&a, &b}) {
    if (is_number_of(*big, big == &a ? b : a)) {
      Tensor out = gg::empty(big->sizes(), big->dtype());
      with_number_run(out, a, b, op);
      return out;
    }
  }
  if (const std::int64_t n = trailing_rows(a, b)) {
    Tensor out = gg::empty(a.sizes(), a.dtype());
    rows_of(out, a, true, b, a.sizes() == b.sizes(), n, op);
    return out;
  }
  if (const std::int64_t n = trailing_rows(b, a)) {
    Tensor out = gg::empty(b.sizes(), b.dtype());
    rows_of(out, a, false, b, true, n, op);
    return out;
  }
  return std::nullopt;
}

// op(a, b) over `sizes` for operands already in result's compute dtype; returns `result`.
template <class Op>
Tensor binary(const char* name, IntArrayRef sizes, const Tensor& a, const Tensor& b,
              Dtype result, Op op) {
  const Dtype compute = a.dtype();
  if constexpr (std::is_invocable_r_v<detail::Batch<float>, const Op&, detail::Batch<float>,
                                      detail::Batch<float>> &&
                std::is_invocable_r_v<double, const Op&, double, double>) {
    if (compute == result) {
      if (auto flat = flat_binary(a, b, op)) return std::move(*flat);
    }
  }
  Tensor out = new_output(sizes, compute, a, b);
  visit_dtype(compute, [&]<class T>() {
    if constexpr (std::is_invocable_r_v<T, const Op&, T, T>) {
      binary_kernel<T, T>(out, a, b, op);
    } else {
      no_kernel(name, compute);
    }
  });
  return to(out, result);
}

template <class Op>
Tensor arithmetic(const char* name, const Tensor& a, const Tensor& b, Dtype result, Op op) {
  const SizeVector sizes = broadcast_sizes(name, a.sizes(), b.sizes());
  return binary(name, sizes, operand(a, result), operand(b, result), result, op);
}

// `a op number`, or `number op a` when number_first (rsub, rdiv).
template <class Op>
Tensor with_number(const char* name, const Tensor& a, Scalar b, Dtype result, Op op,
                   bool number_first = false) {
  const Tensor ta = operand(a, result), tb = operand(b, result);
  return number_first ? binary(name, a.sizes(), tb, ta, result, op)
                      : binary(name, a.sizes(), ta, tb, result, op);
}

// a op b -> bool, for a and b in their common dtype's compute dtype.
template <class Op>
Tensor compare(const char* name, IntArrayRef sizes, const Tensor& a, const Tensor& b, Op op) {
  Tensor out = new_output(sizes, Dtype::Bool, a, b);
  visit_dtype(a.dtype(), [&]<class T>() {
    if constexpr (std::is_invocable_r_v<bool, const Op&, T, T>) {
      binary_kernel<bool, T>(out, a, b, op);
    } else {
      no_kernel(name, a.dtype());
    }
  });
  return out;
}

template <class Op>
Tensor compare(const char* name, const Tensor& a, const Tensor& b, Op op) {
  const SizeVector sizes = broadcast_sizes(name, a.sizes(), b.sizes());
  const Dtype common = result_type(a, b);
  return compare(name, sizes, operand(a, common), operand(b, common), op);
}

template <class Op>
Tensor compare(const char* name, const Tensor& a, Scalar b, Op op) {
  const Dtype common = result_type(a, b);
  return compare(name, a.sizes(), operand(a, common), operand(b, common), op);
}

template <class Op>
Tensor unary(const char* name, const Tensor& x, Dtype result, Op op) {
  // A contiguous float32/float64 input of the result's dtype: one flat run, as flat_binary.
  if (x.dtype() == result && x.is_contiguous()) {
    if constexpr (std::is_invocable_r_v<float, const Op&, float> &&
                  std::is_invocable_r_v<double, const Op&, double>) {
      if (result == Dtype::Float32 || result == Dtype::Float64) {
        Tensor out = gg::empty(x.sizes(), result);
        visit_dtype(result, [&]<class T>() {
          if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double>) {
            const T* v = x.data_ptr<T>();
            T* y = out.data_ptr<T>();
            split_elements(x.numel(), sizeof(T), count(x.numel()) * sizeof(T) * 2,
                           [&](std::int64_t begin, std::int64_t end) {
                             detail::map(v + begin, y + begin, count(end - begin), op);
                           });
          }
        });
        return out;
      }
    }
  }
  const Tensor input = operand(x, result);
  Tensor out = new_output(x.sizes(), input.dtype(), input);
  visit_dtype(input.dtype(), [&]<class T>() {
    if constexpr (std::is_invocable_r_v<T, const Op&, T>) {
      unary_kernel<T>(out, input, op);
    } else {
      no_kernel(name, input.dtype());
    }
  });
  return to(out, result);
}

// exp, log, ...: an integer or bool input gives float32.
Dtype floating_result(Dtype dtype) { return is_floating_point(dtype) ? dtype : kDefaultFloat; }

// The checks of `a op= b`: result castable to a's dtype, b broadcasting to a's sizes, a
// writable element by element.
void check_in_place(const char* name, const Tensor& a, IntArrayRef b_sizes, Dtype result) {
  if (!can_cast(result, a.dtype())) {
    throw std::invalid_argument(std::string(name) + ": result type " + gg::name(result) +
                                " can't be cast to the desired output type " + gg::name(a.dtype()) +
                                " (an in-place op keeps its tensor's dtype)");
  }
  const SizeVector sizes = broadcast_sizes(name, a.sizes(), b_sizes);
  if (IntArrayRef(sizes) != a.sizes()) {
    throw ShapeError(std::string(name) + ": output with sizes " + to_string(a.sizes()) +
                     " doesn't match the broadcast sizes " + to_string(sizes) +
                     " (an in-place op cannot grow its tensor)");
  }
  if (detail::has_internal_overlap(a)) {
    throw std::invalid_argument(std::string(name) + ": the tensor (sizes " + to_string(a.sizes()) +
                                ", strides " + to_string(a.strides()) +
                                ") has several elements in one memory location (an expanded "
                                "tensor); clone() it before updating it in place");
  }
}

// a = a op b, b already in result's compute dtype and not overlapping a partially. In place
// when a holds the compute dtype; otherwise computed aside and copied in (converting).
template <class Op>
void update(const char* name, const Tensor& a, const Tensor& b, Dtype result, Op op) {
  if (a.dtype() != compute_dtype(result)) {
    copy_(a, binary(name, a.sizes(), operand(a, result), b, result, op));  // bumps the version
    return;
  }
  if (is_number_of(a, b)) {  // a *= number, without the loop
    with_number_run(a, a, b, op);
    a.storage()->bump_version();
    return;
  }
  if (const std::int64_t n = trailing_rows(a, b)) {  // a bias added in place, without the loop
    rows_of(a, a, true, b, a.sizes() == b.sizes(), n, op);
    a.storage()->bump_version();
    return;
  }
  visit_dtype(a.dtype(), [&]<class T>() {
    if constexpr (std::is_invocable_r_v<T, const Op&, T, T>) {
      binary_kernel<T, T>(a, a, b, op);
    } else {
      no_kernel(name, a.dtype());
    }
  });
  a.storage()->bump_version();
}

template <class Op>
void in_place(const char* name, const Tensor& a, const Tensor& b, Dtype result, Op op) {
  check_in_place(name, a, b.sizes(), result);
  // An input sharing memory with a could be overwritten before it is read.
  const Tensor safe_b = detail::overlaps_partially(a, b) ? clone(b) : b;
  update(name, a, operand(safe_b, result), result, op);
}

}  // namespace

Dtype result_type(const Tensor& a, const Tensor& b) {
  ResultTypeState state;
  state.add(a);
  state.add(b);
  return state.result();
}

Dtype result_type(const Tensor& a, Scalar b) {
  ResultTypeState state;
  state.add(a);
  state.add(b);
  return state.result();
}

// --- binary arithmetic -----------------------------------------------------------------------

Tensor add(const Tensor& a, const Tensor& b) {
  return arithmetic("add", a, b, result_type(a, b), ops::Add{});
}
Tensor sub(const Tensor& a, const Tensor& b) {
  refuse_bool_sub("sub", a.dtype(), b.dtype());
  return arithmetic("sub", a, b, result_type(a, b), ops::Sub{});
}
Tensor mul(const Tensor& a, const Tensor& b) {
  return arithmetic("mul", a, b, result_type(a, b), ops::Mul{});
}
Tensor div(const Tensor& a, const Tensor& b) {
  return arithmetic("div", a, b, true_division(result_type(a, b)), ops::Div{});
}
Tensor maximum(const Tensor& a, const Tensor& b) {
  return arithmetic("maximum", a, b, result_type(a, b), ops::Maximum{});
}
Tensor minimum(const Tensor& a, const Tensor& b) {
  return arithmetic("minimum", a, b, result_type(a, b), ops::Minimum{});
}

Tensor add(const Tensor& a, Scalar b) {
  return with_number("add", a, b, result_type(a, b), ops::Add{});
}
Tensor sub(const Tensor& a, Scalar b) {
  refuse_bool_sub("sub", a.dtype(), b.dtype());
  return with_number("sub", a, b, result_type(a, b), ops::Sub{});
}
Tensor rsub(const Tensor& a, Scalar b) {
  refuse_bool_sub("rsub", b.dtype(), a.dtype());
  return with_number("rsub", a, b, result_type(a, b), ops::Sub{}, true);
}
Tensor mul(const Tensor& a, Scalar b) {
  return with_number("mul", a, b, result_type(a, b), ops::Mul{});
}
Tensor div(const Tensor& a, Scalar b) {
  return with_number("div", a, b, true_division(result_type(a, b)), ops::Div{});
}
Tensor rdiv(const Tensor& a, Scalar b) {
  return with_number("rdiv", a, b, true_division(result_type(a, b)), ops::Div{}, true);
}

// --- comparisons -------------------------------------------------------------------------------

Tensor eq(const Tensor& a, const Tensor& b) { return compare("eq", a, b, ops::Eq{}); }
Tensor ne(const Tensor& a, const Tensor& b) { return compare("ne", a, b, ops::Ne{}); }
Tensor lt(const Tensor& a, const Tensor& b) { return compare("lt", a, b, ops::Lt{}); }
Tensor le(const Tensor& a, const Tensor& b) { return compare("le", a, b, ops::Le{}); }
Tensor gt(const Tensor& a, const Tensor& b) { return compare("gt", a, b, ops::Gt{}); }
Tensor ge(const Tensor& a, const Tensor& b) { return compare("ge", a, b, ops::Ge{}); }
Tensor eq(const Tensor& a, Scalar b) { return compare("eq", a, b, ops::Eq{}); }
Tensor ne(const Tensor& a, Scalar b) { return compare("ne", a, b, ops::Ne{}); }
Tensor lt(const Tensor& a, Scalar b) { return compare("lt", a, b, ops::Lt{}); }
Tensor le(const Tensor& a, Scalar b) { return compare("le", a, b, ops::Le{}); }
Tensor gt(const Tensor& a, Scalar b) { return compare("gt", a, b, ops::Gt{}); }
Tensor ge(const Tensor& a, Scalar b) { return compare("ge", a, b, ops::Ge{}); }

// On bool masks, mul is and, add is or, ne is xor (ops::Mul, Add, Ne).
Tensor logical_and(const Tensor& a, const Tensor& b) { return mul(ne(a, false), ne(b, false)); }
Tensor logical_or(const Tensor& a, const Tensor& b) { return add(ne(a, false), ne(b, false)); }
Tensor logical_xor(const Tensor& a, const Tensor& b) { return ne(ne(a, false), ne(b, false)); }
Tensor logical_not(const Tensor& x) { return eq(x, false); }

// NaN is the one value unequal to itself; |x| < inf is false for NaN and +-inf.
Tensor isnan(const Tensor& x) {
  return x.is_floating_point() ? ne(x, x) : gg::zeros(x.sizes(), Dtype::Bool);
}
Tensor isinf(const Tensor& x) {
  return x.is_floating_point() ? eq(abs(x), std::numeric_limits<double>::infinity())
                               : gg::zeros(x.sizes(), Dtype::Bool);
}
Tensor isfinite(const Tensor& x) {
  return x.is_floating_point() ? lt(abs(x), std::numeric_limits<double>::infinity())
                               : gg::ones(x.sizes(), Dtype::Bool);
}

// Selection only: computes in the result dtype itself, bfloat16 included.
Tensor where(const Tensor& condition, const Tensor& a, const Tensor& b) {
  if (condition.dtype() != Dtype::Bool) {
    throw std::invalid_argument(std::string("where: expected condition to be a bool tensor, got ") +
                                name(condition.dtype()));
  }
  const SizeVector sizes =
      broadcast_sizes("where", broadcast_sizes("where", condition.sizes(), a.sizes()), b.sizes());
  const Dtype result = result_type(a, b);
  const Tensor ta = to(a, result), tb = to(b, result);
  Tensor out = new_output(sizes, result, condition, ta, tb);
  visit_dtype(result, [&]<class T>() { where_kernel<T>(out, condition, ta, tb); });
  return out;
}

// --- unary -------------------------------------------------------------------------------------

Tensor neg(const Tensor& x) {
  refuse_bool("neg", x.dtype(), "negation of bool is not supported, as in PyTorch; for a mask, "
                                "eq(x, false) is its logical not");
  return unary("neg", x, x.dtype(), ops::Neg{});
}
Tensor abs(const Tensor& x) {
  refuse_bool("abs", x.dtype(), "as in PyTorch");
  return unary("abs", x, x.dtype(), ops::Abs{});
}
// square(bool) is int64, as torch.square (x ** 2 with an integer exponent).
Tensor square(const Tensor& x) {
  return unary("square", x, x.dtype() == Dtype::Bool ? Dtype::Int64 : x.dtype(), ops::Square{});
}
Tensor relu(const Tensor& x) {
  refuse_bool("relu", x.dtype(), "as in PyTorch");
  return unary("relu", x, x.dtype(), ops::Relu{});
}
Tensor exp(const Tensor& x) { return unary("exp", x, floating_result(x.dtype()), ops::Exp{}); }
Tensor log(const Tensor& x) { return unary("log", x, floating_result(x.dtype()), ops::Log{}); }
Tensor sqrt(const Tensor& x) { return unary("sqrt", x, floating_result(x.dtype()), ops::Sqrt{}); }
Tensor sigmoid(const Tensor& x) {
  return unary("sigmoid", x, floating_result(x.dtype()), ops::Sigmoid{});
}
Tensor tanh(const Tensor& x) { return unary("tanh", x, floating_result(x.dtype()), ops::Tanh{}); }
Tensor sign(const Tensor& x) { return unary("sign", x, x.dtype(), ops::Sign{}); }
Tensor rsqrt(const Tensor& x) { return unary("rsqrt", x, floating_result(x.dtype()), ops::Rsqrt{}); }
Tensor sin(const Tensor& x) { return unary("sin", x, floating_result(x.dtype()), ops::Sin{}); }
Tensor cos(const Tensor& x) { return unary("cos", x, floating_result(x.dtype()), ops::Cos{}); }
Tensor log1p(const Tensor& x) { return unary("log1p", x, floating_result(x.dtype()), ops::Log1p{}); }
Tensor expm1(const Tensor& x) { return unary("expm1", x, floating_result(x.dtype()), ops::Expm1{}); }
Tensor erf(const Tensor& x) { return unary("erf", x, floating_result(x.dtype()), ops::Erf{}); }

// --- activations -------------------------------------------------------------------------------

namespace {
// torch.nn.functional's activations have no integer kernels ("not implemented for 'Long'").
Dtype activation_dtype(const char* op, const Tensor& x) {
  if (!x.is_floating_point()) {
    throw std::invalid_argument(std::string(op) + ": got a " + name(x.dtype()) +
                                " tensor, expected a floating dtype (float32, float64 or "
                                "bfloat16), as in PyTorch (convert with .to(gg::kFloat32))");
  }
  return x.dtype();
}
}  // namespace

Tensor leaky_relu(const Tensor& x, double negative_slope) {
  return unary("leaky_relu", x, activation_dtype("leaky_relu", x), ops::LeakyRelu{negative_slope});
}
Tensor elu(const Tensor& x, double alpha) {
  return unary("elu", x, activation_dtype("elu", x), ops::Elu{alpha});
}
Tensor gelu(const Tensor& x, std::string_view approximate) {
  const Dtype result = activation_dtype("gelu", x);
  if (approximate == "none") return unary("gelu", x, result, ops::Gelu{});
  if (approximate == "tanh") return unary("gelu", x, result, ops::GeluTanh{});
  throw std::invalid_argument("gelu: got approximate \"" + std::string(approximate) +
                              "\", expected \"none\" or \"tanh\"");
}
Tensor silu(const Tensor& x) { return unary("silu", x, activation_dtype("silu", x), ops::Silu{}); }
Tensor softplus(const Tensor& x, double beta, double threshold) {
  return unary("softplus", x, activation_dtype("softplus", x), ops::Softplus{beta, threshold});
}

// y, dout:(...) -> din:(...).  din = dout where y > 0, else 0: one xsimd pass over both, in
// place of mul(dout, gt(y, 0)), which made a bool mask, converted it to float and multiplied.
Tensor relu_backward(const Tensor& dout, const Tensor& y) {
  if (dout.sizes() != y.sizes()) {
    throw ShapeError("relu_backward: got dout of sizes " + to_string(dout.sizes()) +
                     " and y of sizes " + to_string(y.sizes()) + ", expected equal sizes");
  }
  const Dtype result = result_type(dout, y);
  if (!is_floating_point(result)) {
    throw std::invalid_argument(std::string("relu_backward: got dout of dtype ") +
                                name(dout.dtype()) + " and y of dtype " + name(y.dtype()) +
                                ", expected a floating dtype (a gradient)");
  }
  return binary("relu_backward", y.sizes(), operand(y, result), operand(dout, result), result,
                ops::PassWherePositive{});
}

// --- powers and clamp -------------------------------------------------------------------------

namespace {
void refuse_bool_pow(Dtype result) {
  if (result == Dtype::Bool) {
    throw std::invalid_argument("pow: got a bool base and a bool exponent; \"pow\" is not "
                                "implemented for 'Bool', as in PyTorch (convert one to kInt64)");
  }
}
}  // namespace

Tensor pow(const Tensor& x, Scalar exponent) {
  const Dtype result = result_type(x, exponent);
  refuse_bool_pow(result);
  ops::PowScalar op{exponent.to<double>(), 0};
  if (!is_floating_point(result)) {
    op.int_p = exponent.to<std::int64_t>();
    if (op.int_p < 0) {
      throw std::invalid_argument("pow: got an int64 base and the exponent " +
                                  std::to_string(op.int_p) +
                                  "; Integers to negative integer powers are not allowed (as "
                                  "PyTorch): use a floating base (x.to(kFloat32)) or exponent");
    }
  }
  return unary("pow", x, result, op);
}
Tensor pow(const Tensor& x, const Tensor& exponent) {
  const Dtype result = result_type(x, exponent);
  refuse_bool_pow(result);
  return arithmetic("pow", x, exponent, result, ops::Pow{});
}
Tensor pow(Scalar base, const Tensor& exponent) {
  const Dtype result = result_type(exponent, base);
  refuse_bool_pow(result);
  return with_number("pow", exponent, base, result, ops::Pow{}, true);
}

Tensor clamp(const Tensor& x, std::optional<Scalar> min, std::optional<Scalar> max) {
  if (!min && !max) {
    throw std::invalid_argument("clamp: got neither min nor max; at least one of 'min' or 'max' "
                                "must not be None, as in PyTorch");
  }
  ResultTypeState state;
  state.add(x);
  if (min) state.add(*min);
  if (max) state.add(*max);
  const Dtype result = state.result();
  refuse_bool("clamp", result, "as in PyTorch");
  // An int64 result means integral bounds (a floating one promotes x to float32), so int_lo
  // and int_hi are exact; a floating result never reads them (a NaN bound stays a double).
  const bool integral = !is_floating_point(result);
  ops::Clamp op;
  if (min) {
    op.lo = min->to<double>();
    if (integral) op.int_lo = min->to<std::int64_t>();
    op.has_lo = true;
  }
  if (max) {
    op.hi = max->to<double>();
    if (integral) op.int_hi = max->to<std::int64_t>();
    op.has_hi = true;
  }
  return unary("clamp", x, result, op);
}

// --- in place ----------------------------------------------------------------------------------

void add_(const Tensor& a, const Tensor& b) {
  in_place("add_", a, b, result_type(a, b), ops::Add{});
}
void add_(const Tensor& a, const Tensor& b, Scalar alpha) {
  const Dtype result = result_type(a, b);
  if (result == Dtype::Bool || (alpha.is_floating_point() && !is_floating_point(result))) {
    throw std::invalid_argument(std::string("add_: alpha ") +
                                (alpha.is_floating_point() ? "is a floating-point number" : "given") +
                                " and the operands are " + name(result) +
                                ", expected an integral alpha for int64 operands and int64 or "
                                "floating operands (as PyTorch)");
  }
  const std::int64_t int_alpha = alpha.is_floating_point() ? 0 : alpha.to<std::int64_t>();
  in_place("add_", a, b, result, ops::AddScaled{alpha.to<double>(), int_alpha});
}
void sub_(const Tensor& a, const Tensor& b) {
  refuse_bool_sub("sub_", a.dtype(), b.dtype());
  in_place("sub_", a, b, result_type(a, b), ops::Sub{});
}
void mul_(const Tensor& a, const Tensor& b) {
  in_place("mul_", a, b, result_type(a, b), ops::Mul{});
}
void div_(const Tensor& a, const Tensor& b) {
  in_place("div_", a, b, true_division(result_type(a, b)), ops::Div{});
}
void mul_(const Tensor& a, Scalar b) {
  const Dtype result = result_type(a, b);
  check_in_place("mul_", a, {}, result);
  update("mul_", a, operand(b, result), result, ops::Mul{});
}

}  // namespace gg::native
