#include <gategrad/tensor/detail/make_tensor.hpp>
#include <gategrad/tensor/factory.hpp>
#include <gategrad/tensor/shape.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>

namespace gg {

namespace detail {
namespace {
RequiresGradHook requires_grad_hook = nullptr;
}  // namespace

void set_requires_grad_hook(RequiresGradHook hook) { requires_grad_hook = hook; }

void apply_requires_grad(Tensor& t, const TensorOptions& options) {
  if (!options.requires_grad()) return;
  if (requires_grad_hook == nullptr) {
    throw std::logic_error("requires_grad(true): the autograd layer is not linked; link "
                           "gategrad::autograd (or gategrad::nn) to make tensors that need a gradient");
  }
  requires_grad_hook(t);
}

Tensor make_empty(const char* op, IntArrayRef sizes, Dtype dtype) {
  const std::int64_t n = checked_numel(op, sizes);
  const std::size_t bytes = element_size(dtype);
  if (static_cast<std::uint64_t>(n) > static_cast<std::uint64_t>(PTRDIFF_MAX) / bytes) {
    throw std::length_error(std::string(op) + ": sizes " + to_string(sizes) + " of " + name(dtype) +
                            " need more than 2^63 bytes");
  }
  auto impl = make_cached_shared<TensorImpl>();
  impl->storage = make_storage(static_cast<std::size_t>(n) * bytes);
  impl->sizes = sizes.vec();
  impl->strides = contiguous_strides(sizes);
  impl->dtype = dtype;
  return Tensor(std::move(impl));
}

Tensor finish(Tensor t, const TensorOptions& options) {
  apply_requires_grad(t, options);
  return t;
}

void require_floating(const char* op, Dtype dtype) {
  if (!is_floating_point(dtype)) {
    throw std::invalid_argument(std::string(op) + ": got dtype " + name(dtype) +
                                ", expected a floating dtype (float32, float64, bfloat16)");
  }
}

}  // namespace detail

using detail::dtype_or;
using detail::finish;
using detail::make_empty;

namespace {

void fill_contiguous(const Tensor& t, Scalar value) {
  visit_dtype(t.dtype(), [&]<class T>() {
    T* p = t.data_ptr<T>();
    const T v = value.to<T>();
    for (std::int64_t i = 0, n = t.numel(); i < n; ++i) p[i] = v;
  });
}

}  // namespace

Tensor empty(IntArrayRef sizes, TensorOptions options) {
  return finish(make_empty("empty", sizes, options.dtype()), options);
}

Tensor zeros(IntArrayRef sizes, TensorOptions options) {
  Tensor t = make_empty("zeros", sizes, options.dtype());
  if (t.nbytes() > 0) std::memset(t.data_ptr(), 0, t.nbytes());  // all-zero bits are 0 in every dtype
  return finish(std::move(t), options);
}

Tensor ones(IntArrayRef sizes, TensorOptions options) {
  Tensor t = make_empty("ones", sizes, options.dtype());
  fill_contiguous(t, 1);
  return finish(std::move(t), options);
}

Tensor full(IntArrayRef sizes, Scalar value, TensorOptions options) {
  Tensor t = make_empty("full", sizes, dtype_or(options, value.dtype()));
  fill_contiguous(t, value);
  return finish(std::move(t), options);
}

Tensor scalar_tensor(Scalar value, TensorOptions options) { return full({}, value, options); }

Tensor empty_like(const Tensor& like, TensorOptions options) {
  return empty(like.sizes(), options.dtype(dtype_or(options, like.dtype())));
}
Tensor zeros_like(const Tensor& like, TensorOptions options) {
  return zeros(like.sizes(), options.dtype(dtype_or(options, like.dtype())));
}
Tensor ones_like(const Tensor& like, TensorOptions options) {
  return ones(like.sizes(), options.dtype(dtype_or(options, like.dtype())));
}
Tensor full_like(const Tensor& like, Scalar value, TensorOptions options) {
  return full(like.sizes(), value, options.dtype(dtype_or(options, like.dtype())));
}

Tensor arange(Scalar end, TensorOptions options) { return arange(0, end, 1, options); }

Tensor arange(Scalar start, Scalar end, Scalar step, TensorOptions options) {
  const bool integral = !start.is_floating_point() && !end.is_floating_point() && !step.is_floating_point();
  const Dtype dtype = dtype_or(options, integral ? Dtype::Int64 : kDefaultFloat);
  const double a = start.to<double>(), b = end.to<double>(), s = step.to<double>();
  if (!std::isfinite(a) || !std::isfinite(b) || !std::isfinite(s) || s == 0.0 ||
      (b - a) * s < 0.0) {
    throw std::invalid_argument("arange: got start " + std::to_string(a) + ", end " +
                                std::to_string(b) + ", step " + std::to_string(s) +
                                "; expected finite values and a nonzero step whose sign leads "
                                "from start to end");
  }
  const auto n = static_cast<std::int64_t>(std::ceil((b - a) / s));
  Tensor t = make_empty("arange", {n}, dtype);
  visit_dtype(dtype, [&]<class T>() {
    T* p = t.data_ptr<T>();
    if constexpr (std::is_same_v<T, std::int64_t>) {
      if (integral) {
        const auto i0 = start.to<std::int64_t>(), di = step.to<std::int64_t>();
        for (std::int64_t i = 0; i < n; ++i) p[i] = i0 + i * di;
        return;
      }
    }
    for (std::int64_t i = 0; i < n; ++i) p[i] = Scalar(a + static_cast<double>(i) * s).to<T>();
  });
  return finish(std::move(t), options);
}

Tensor linspace(Scalar start, Scalar end, std::int64_t steps, TensorOptions options) {
  if (steps < 0) {
    throw std::invalid_argument("linspace: got steps = " + std::to_string(steps) +
                                ", expected a number of steps >= 0");
  }
  const Dtype dtype = options.dtype();
  if (dtype == Dtype::Bool) {
    throw std::invalid_argument("linspace: got dtype bool, expected a number dtype (int64, "
                                "bfloat16, float32, float64), as torch.linspace");
  }
  for (const Scalar& bound : {start, end}) {
    // Scalar::to<int64_t> of a double out of range would be undefined.
    if (dtype == Dtype::Int64 && bound.is_floating_point() &&
        !(std::abs(bound.to<double>()) < 0x1p63)) {
      throw std::invalid_argument("linspace: got " + std::to_string(bound.to<double>()) +
                                  " for an int64 result, expected a value int64 holds");
    }
  }
  Tensor t = make_empty("linspace", {steps}, dtype);
  if (steps == 0) return finish(std::move(t), options);
  const std::int64_t halfway = steps / 2;
  // The value i, from the start below halfway and from the end above, as torch's kernel: in
  // the AVX2 build of torch 1.13 the compiler fuses each into one multiply-add (its
  // linspace(-1, 1, 7)[3] is -2.98e-8, not the 0 of separate roundings), so std::fma here.
  const auto value = [&]<class C>(C a, C b, C step, std::int64_t i) {
    return i < halfway ? std::fma(step, static_cast<C>(i), a)
                       : std::fma(-step, static_cast<C>(steps - 1 - i), b);
  };
  visit_dtype(dtype, [&]<class T>() {
    T* p = t.data_ptr<T>();
    if (steps == 1) {  // torch fills the start
      p[0] = start.to<T>();
    } else if constexpr (std::is_same_v<T, std::int64_t>) {
      // Integer start and end, a double step; each value truncated toward zero.
      const auto a = static_cast<double>(start.to<T>()), b = static_cast<double>(end.to<T>());
      const double step = (b - a) / static_cast<double>(steps - 1);
      for (std::int64_t i = 0; i < steps; ++i) {
        // double(INT64_MAX) is 2^63, one past the range: that value is the end itself.
        const double v = value(a, b, step, i);
        p[i] = v >= 0x1p63 ? std::numeric_limits<T>::max() : static_cast<T>(v);
      }
    } else if constexpr (std::is_same_v<T, BFloat16>) {
      // c10::BFloat16 arithmetic rounds after every operation, its integer operands too.
      const auto round = [](float x) { return static_cast<float>(BFloat16(x)); };
      const auto a = static_cast<float>(start.to<T>()), b = static_cast<float>(end.to<T>());
      const float step = round(round(b - a) / round(static_cast<float>(steps - 1)));
      for (std::int64_t i = 0; i < steps; ++i) {
        p[i] = i < halfway ? T(a + round(step * round(static_cast<float>(i))))
                           : T(b - round(step * round(static_cast<float>(steps - 1 - i))));
      }
    } else if constexpr (std::is_floating_point_v<T>) {
      const T a = start.to<T>(), b = end.to<T>();
      const T step = (b - a) / static_cast<T>(steps - 1);
      for (std::int64_t i = 0; i < steps; ++i) p[i] = value(a, b, step, i);
    }
  });
  return finish(std::move(t), options);
}

Tensor eye(std::int64_t n, TensorOptions options) { return eye(n, n, options); }

Tensor eye(std::int64_t n, std::int64_t m, TensorOptions options) {
  for (const auto& [label, value] : {std::pair{"n", n}, std::pair{"m", m}}) {
    if (value < 0) {
      throw std::invalid_argument(std::string("eye: got ") + label + " = " + std::to_string(value) +
                                  ", expected " + label + " >= 0");
    }
  }
  Tensor t = make_empty("eye", {n, m}, options.dtype());
  if (t.nbytes() > 0) std::memset(t.data_ptr(), 0, t.nbytes());
  visit_dtype(t.dtype(), [&]<class T>() {
    T* p = t.data_ptr<T>();
    for (std::int64_t i = 0; i < std::min(n, m); ++i) p[i * m + i] = Scalar(1).to<T>();
  });
  return finish(std::move(t), options);
}

namespace detail {

void check_list_length(FlatList& flat, std::size_t length) {
  const std::size_t depth = flat.row.size();
  const auto got = static_cast<std::int64_t>(length);
  if (flat.sizes.size() == depth) {  // the first list at this depth
    flat.sizes.push_back(got);
    return;
  }
  if (flat.sizes[depth] == got) return;
  std::string row, first;
  for (std::int64_t i : flat.row) {
    row += "[" + std::to_string(i) + "]";
    first += "[0]";
  }
  throw std::invalid_argument("tensor: got a ragged list: row " + row + " has length " +
                              std::to_string(got) + ", expected length " +
                              std::to_string(flat.sizes[depth]) + " (that of row " + first +
                              ") at dim " + std::to_string(depth));
}

Tensor tensor_from_flat(const FlatList& flat, std::size_t rank, Dtype natural,
                        const TensorOptions& options) {
  // Empty lists end the walk above the deepest level (gg::tensor<int>({{}}), whose V is given,
  // not deduced): the sizes below them are 0.
  SizeVector sizes = flat.sizes;
  while (sizes.size() < rank) sizes.push_back(0);
  Tensor t = make_empty("tensor", sizes, dtype_or(options, natural));
  visit_dtype(t.dtype(), [&]<class T>() {
    T* p = t.data_ptr<T>();
    for (const Scalar& v : flat.values) *p++ = v.to<T>();
  });
  return finish(std::move(t), options);
}

}  // namespace detail

Tensor tensor(detail::EmptyList, TensorOptions options) {
  return finish(make_empty("tensor", {0}, options.dtype()), options);
}

Tensor from_elements(const void* values, std::size_t count, Dtype dtype, IntArrayRef sizes,
                     TensorOptions options) {
  const std::int64_t n = checked_numel("from_values", sizes);
  if (static_cast<std::size_t>(n) != count) {
    throw ShapeError("from_values: got " + std::to_string(count) + " values for sizes " +
                     to_string(sizes) + ", expected " + std::to_string(n));
  }
  if (options.has_dtype() && options.dtype() != dtype) {
    throw std::invalid_argument(std::string("from_values: the values are ") + name(dtype) +
                                " but the options ask for " + name(options.dtype()) +
                                "; convert with .to() afterwards");
  }
  Tensor t = make_empty("from_values", sizes, dtype);
  if (n > 0) std::memcpy(t.data_ptr(), values, count * element_size(dtype));
  return finish(std::move(t), options);
}

namespace {

// The elements from the first to one past the furthest that sizes and strides reach; throws
// for a stride count or a stride that does not fit.
std::int64_t blob_extent(IntArrayRef sizes, IntArrayRef strides) {
  if (strides.size() != sizes.size()) {
    throw ShapeError("from_blob: got " + std::to_string(strides.size()) + " strides for sizes " +
                     to_string(sizes) + ", expected one per dimension");
  }
  checked_numel("from_blob", sizes);
  std::int64_t extent = 1;
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    if (strides[i] < 0) {
      throw std::invalid_argument("from_blob: got a negative stride in " + to_string(strides));
    }
    if (sizes[i] == 0) extent = 0;
    if (extent > 0) extent += (sizes[i] - 1) * strides[i];
  }
  return extent;
}

Tensor blob_tensor(Storage storage, IntArrayRef sizes, IntArrayRef strides,
                   const TensorOptions& options) {
  auto impl = make_cached_shared<TensorImpl>();
  impl->storage = std::move(storage);
  impl->sizes = sizes.vec();
  impl->strides = strides.vec();
  impl->dtype = options.dtype();
  return finish(Tensor(std::move(impl)), options);
}

}  // namespace

Tensor from_blob(void* data, IntArrayRef sizes, TensorOptions options) {
  return from_blob(data, sizes, contiguous_strides(sizes), options);
}

Tensor from_blob(void* data, IntArrayRef sizes, IntArrayRef strides, TensorOptions options) {
  const std::int64_t extent = blob_extent(sizes, strides);
  const auto nbytes = static_cast<std::size_t>(extent) * element_size(options.dtype());
  return blob_tensor(Storage(StorageImpl::borrow(data, nbytes)), sizes, strides, options);
}

Tensor from_blob(void* data, IntArrayRef sizes, const Deleter& deleter, TensorOptions options) {
  return from_blob(data, sizes, contiguous_strides(sizes), deleter, options);
}

Tensor from_blob(void* data, IntArrayRef sizes, IntArrayRef strides, const Deleter& deleter,
                 TensorOptions options) {
  if (!deleter) {
    throw std::invalid_argument("from_blob: got an empty deleter, expected a callable (the "
                                "overload without one leaves the memory to the caller)");
  }
  const std::int64_t extent = blob_extent(sizes, strides);
  const auto nbytes = static_cast<std::size_t>(extent) * element_size(options.dtype());
  return blob_tensor(Storage(StorageImpl::adopt(data, nbytes, deleter)), sizes, strides, options);
}

}  // namespace gg
