#include <gategrad/tensor/factory.hpp>
#include <gategrad/tensor/shape.hpp>

#include <cmath>
#include <cstring>
#include <stdexcept>

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
}  // namespace detail

namespace {

// A contiguous tensor of `sizes`, values uninitialized, no autograd state.
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

void fill_contiguous(const Tensor& t, Scalar value) {
  visit_dtype(t.dtype(), [&]<class T>() {
    T* p = t.data_ptr<T>();
    const T v = value.to<T>();
    for (std::int64_t i = 0, n = t.numel(); i < n; ++i) p[i] = v;
  });
}

Tensor finish(Tensor t, const TensorOptions& options) {
  detail::apply_requires_grad(t, options);
  return t;
}

// What the options name, else `fallback`.
Dtype dtype_or(const TensorOptions& options, Dtype fallback) {
  return options.has_dtype() ? options.dtype() : fallback;
}

void require_floating(const char* op, Dtype dtype) {
  if (!is_floating_point(dtype)) {
    throw std::invalid_argument(std::string(op) + ": got dtype " + name(dtype) +
                                ", expected a floating dtype (float32, float64, bfloat16)");
  }
}

template <class T, class Draw>
void draw_into(const Tensor& t, Draw draw) {
  T* p = t.data_ptr<T>();
  for (std::int64_t i = 0, n = t.numel(); i < n; ++i) p[i] = draw();
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

// The same streams as the old core's Array<T>::randn / uniform (float from uniform01f), so a
// model initialised through either gives the same numbers.
Tensor randn(IntArrayRef sizes, Generator& gen, TensorOptions options) {
  require_floating("randn", options.dtype());
  Tensor t = make_empty("randn", sizes, options.dtype());
  visit_dtype(t.dtype(), [&]<class T>() {
    if constexpr (std::is_same_v<T, double>) {
      draw_into<T>(t, [&] { return gen.normal(); });
    } else if constexpr (std::is_same_v<T, float> || std::is_same_v<T, BFloat16>) {
      draw_into<T>(t, [&] { return T(static_cast<float>(gen.normal())); });
    }
  });
  return finish(std::move(t), options);
}
Tensor randn(IntArrayRef sizes, TensorOptions options) {
  return randn(sizes, default_generator(), options);
}

Tensor rand(IntArrayRef sizes, Generator& gen, TensorOptions options) {
  require_floating("rand", options.dtype());
  Tensor t = make_empty("rand", sizes, options.dtype());
  visit_dtype(t.dtype(), [&]<class T>() {
    if constexpr (std::is_same_v<T, double>) {
      draw_into<T>(t, [&] { return gen.uniform01(); });
    } else if constexpr (std::is_same_v<T, float> || std::is_same_v<T, BFloat16>) {
      draw_into<T>(t, [&] { return T(gen.uniform01f()); });
    }
  });
  return finish(std::move(t), options);
}
Tensor rand(IntArrayRef sizes, TensorOptions options) {
  return rand(sizes, default_generator(), options);
}

namespace {
template <class V>
Tensor tensor_of(std::initializer_list<V> values, Dtype natural, const TensorOptions& options) {
  const auto n = static_cast<std::int64_t>(values.size());
  Tensor t = make_empty("tensor", {n}, dtype_or(options, natural));
  visit_dtype(t.dtype(), [&]<class T>() {
    T* p = t.data_ptr<T>();
    for (V v : values) *p++ = Scalar(v).template to<T>();
  });
  return finish(std::move(t), options);
}
}  // namespace

Tensor tensor(std::initializer_list<double> values, TensorOptions options) {
  return tensor_of(values, kDefaultFloat, options);
}
Tensor tensor(std::initializer_list<float> values, TensorOptions options) {
  return tensor_of(values, kDefaultFloat, options);
}
Tensor tensor(std::initializer_list<int> values, TensorOptions options) {
  return tensor_of(values, Dtype::Int64, options);
}
Tensor tensor(std::initializer_list<std::int64_t> values, TensorOptions options) {
  return tensor_of(values, Dtype::Int64, options);
}
Tensor tensor(std::initializer_list<bool> values, TensorOptions options) {
  return tensor_of(values, Dtype::Bool, options);
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

Tensor from_blob(void* data, IntArrayRef sizes, TensorOptions options) {
  return from_blob(data, sizes, contiguous_strides(sizes), options);
}

Tensor from_blob(void* data, IntArrayRef sizes, IntArrayRef strides, TensorOptions options) {
  if (strides.size() != sizes.size()) {
    throw ShapeError("from_blob: got " + std::to_string(strides.size()) + " strides for sizes " +
                     to_string(sizes) + ", expected one per dimension");
  }
  std::int64_t extent = 1;  // elements from the first to one past the furthest
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    if (strides[i] < 0) {
      throw std::invalid_argument("from_blob: got a negative stride in " + to_string(strides));
    }
    if (sizes[i] == 0) extent = 0;
    if (extent > 0) extent += (sizes[i] - 1) * strides[i];
  }
  checked_numel("from_blob", sizes);
  auto impl = make_cached_shared<TensorImpl>();
  impl->storage =
      Storage(StorageImpl::borrow(data, static_cast<std::size_t>(extent) * element_size(options.dtype())));
  impl->sizes = sizes.vec();
  impl->strides = strides.vec();
  impl->dtype = options.dtype();
  return finish(Tensor(std::move(impl)), options);
}

}  // namespace gg
