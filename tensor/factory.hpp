#pragma once
// Making tensors, with LibTorch's names, arguments and options (tensor/factory.cpp, the seeded
// draws in tensor/random_factory.cpp).
//
//   auto x = gg::zeros({2, 3});                                  // float32
//   auto w = gg::randn({784, 256}, gg::dtype(gg::kFloat64).requires_grad(true));
//   auto y = gg::tensor({0, 3, 1});                              // int64 labels
//   auto m = gg::tensor({{1.0, 2.0}, {3.0, 4.0}});               // float32, sizes [2, 2]
//
// requires_grad(true) makes the result a leaf that requires a gradient; it needs the autograd
// layer linked (gategrad::autograd), which installs itself at start-up.
#include <gategrad/tensor/detail/nested_list.hpp>
#include <gategrad/tensor/random.hpp>
#include <gategrad/tensor/tensor.hpp>

#include <functional>
#include <initializer_list>
#include <span>

namespace gg {

// Uninitialized values: for outputs about to be overwritten.
Tensor empty(IntArrayRef sizes, TensorOptions options = {});
Tensor zeros(IntArrayRef sizes, TensorOptions options = {});
Tensor ones(IntArrayRef sizes, TensorOptions options = {});
// The dtype is the options' if given, else the value's (bool, int64 or float32), as torch.full.
Tensor full(IntArrayRef sizes, Scalar value, TensorOptions options = {});
// A rank-0 tensor.
Tensor scalar_tensor(Scalar value, TensorOptions options = {});

// Same sizes (and dtype, unless the options name one) as `like`.
Tensor empty_like(const Tensor& like, TensorOptions options = {});
Tensor zeros_like(const Tensor& like, TensorOptions options = {});
Tensor ones_like(const Tensor& like, TensorOptions options = {});
Tensor full_like(const Tensor& like, Scalar value, TensorOptions options = {});

// [start, end) in steps of `step`, as torch.arange: int64 when all three are integers, else
// float32 (or the options' dtype). Throws std::invalid_argument for step 0 or a step of the
// wrong sign.
Tensor arange(Scalar end, TensorOptions options = {});
Tensor arange(Scalar start, Scalar end, Scalar step = 1, TensorOptions options = {});

// `steps` values from start to end, both included, as torch.linspace: float32 unless the options
// name a dtype (integer ends too; int64 truncates each value). The values of torch 1.13's CPU
// kernel: step = (end - start) / (steps - 1), value i = start + i step below steps / 2 and end -
// (steps - 1 - i) step from there, each one fused multiply-add. They are torch's up to 15 steps
// in float32 (7 in float64 and int64); for more, torch's AVX2 loop takes blocks of 8 (4) from
// each block's first value, and some values differ by a rounding (76 of float32 linspace(0, 1,
// 1000), by at most 6e-8). Throws std::invalid_argument for a negative steps or dtype bool.
Tensor linspace(Scalar start, Scalar end, std::int64_t steps, TensorOptions options = {});
// The n x n (or n x m) identity, as torch.eye: float32 unless the options name a dtype.
Tensor eye(std::int64_t n, TensorOptions options = {});
Tensor eye(std::int64_t n, std::int64_t m, TensorOptions options = {});

// Seeded draws, from `gen` or gg's default generator (manual_seed), with torch's names,
// arguments and checks (tensor/random_factory.cpp). The streams are gategrad's own
// (tensor/random.hpp), not PyTorch's: the same seed gives other numbers than torch.
//
// N(0, 1), U[0, 1) and N(mean, std^2): floating dtypes only (float32 unless the options say).
Tensor randn(IntArrayRef sizes, Generator& gen, TensorOptions options = {});
Tensor randn(IntArrayRef sizes, TensorOptions options = {});
Tensor rand(IntArrayRef sizes, Generator& gen, TensorOptions options = {});
Tensor rand(IntArrayRef sizes, TensorOptions options = {});
Tensor normal(double mean, double stddev, IntArrayRef sizes, Generator& gen,
              TensorOptions options = {});
Tensor normal(double mean, double stddev, IntArrayRef sizes, TensorOptions options = {});
// Integers uniform in [low, high) (low defaults to 0), int64 unless the options name a dtype.
// Throws std::invalid_argument unless low < high and the dtype holds every integer in the range
// exactly (bool [0, 2), bfloat16 |x| <= 2^8, float32 2^24, float64 2^53).
Tensor randint(std::int64_t high, IntArrayRef sizes, Generator& gen, TensorOptions options = {});
Tensor randint(std::int64_t high, IntArrayRef sizes, TensorOptions options = {});
Tensor randint(std::int64_t low, std::int64_t high, IntArrayRef sizes, Generator& gen,
               TensorOptions options = {});
Tensor randint(std::int64_t low, std::int64_t high, IntArrayRef sizes, TensorOptions options = {});
// A random permutation of 0 .. n-1 (Fisher-Yates), int64 unless the options name a dtype.
Tensor randperm(std::int64_t n, Generator& gen, TensorOptions options = {});
Tensor randperm(std::int64_t n, TensorOptions options = {});
// 1 with probability p[i], else 0, in p's sizes and (floating) dtype; every p[i] in [0, 1].
Tensor bernoulli(const Tensor& p, Generator& gen);
Tensor bernoulli(const Tensor& p);
// 1 with probability p, else 0, in x's sizes and dtype (any dtype; x's values are not read).
Tensor bernoulli(const Tensor& x, double p, Generator& gen);
Tensor bernoulli(const Tensor& x, double p);
// The draws above in like's sizes and dtype (unless the options name one). LibTorch's *_like
// take no generator; the overloads with one are gategrad's.
Tensor rand_like(const Tensor& like, Generator& gen, TensorOptions options = {});
Tensor rand_like(const Tensor& like, TensorOptions options = {});
Tensor randn_like(const Tensor& like, Generator& gen, TensorOptions options = {});
Tensor randn_like(const Tensor& like, TensorOptions options = {});
Tensor randint_like(const Tensor& like, std::int64_t high, Generator& gen,
                    TensorOptions options = {});
Tensor randint_like(const Tensor& like, std::int64_t high, TensorOptions options = {});
Tensor randint_like(const Tensor& like, std::int64_t low, std::int64_t high, Generator& gen,
                    TensorOptions options = {});
Tensor randint_like(const Tensor& like, std::int64_t low, std::int64_t high,
                    TensorOptions options = {});

// A tensor of the values of a braced list, nested up to 4 deep, as torch::tensor:
//   gg::tensor({1, 2, 3})            int64, sizes [3]
//   gg::tensor({{{1.5}}})            float32, sizes [1, 1, 1]
//   gg::tensor({{1.5, 2}, {3, 4}})   a compile error: the values must have one type, as
//                                    torch::tensor requires (at run time); write 2.0, and
//                                    {1.0f, NAN}, not {1.0, NAN} (NAN is a float)
// float32 (the default float dtype) from floating values, int64 from signed integers, bool from
// bools, or the options' dtype (converting). A ragged list throws std::invalid_argument naming
// the row ("row [1] has length 1, expected length 2"). gg::tensor({}) is an empty float32
// tensor of sizes [0], as torch::tensor({}).
// The nested types are spelled out: clang 14 deduces V through them but not through an alias.
template <detail::ListElement V>
Tensor tensor(std::initializer_list<V> values, TensorOptions options = {}) {
  return detail::tensor_from_list<V>(values, 1, options);
}
template <detail::ListElement V>
Tensor tensor(std::initializer_list<std::initializer_list<V>> values,
              TensorOptions options = {}) {
  return detail::tensor_from_list<V>(values, 2, options);
}
template <detail::ListElement V>
Tensor tensor(std::initializer_list<std::initializer_list<std::initializer_list<V>>> values,
              TensorOptions options = {}) {
  return detail::tensor_from_list<V>(values, 3, options);
}
template <detail::ListElement V>
Tensor tensor(std::initializer_list<
                  std::initializer_list<std::initializer_list<std::initializer_list<V>>>> values,
              TensorOptions options = {}) {
  return detail::tensor_from_list<V>(values, 4, options);
}
Tensor tensor(detail::EmptyList values, TensorOptions options = {});
// A copy of `values` with the given sizes (numel must match; ShapeError otherwise), dtype from T.
template <class T>
  requires kIsElement<T>
Tensor from_values(std::span<const T> values, IntArrayRef sizes, TensorOptions options = {});
// The same from raw elements of `dtype` (count of them, row-major).
Tensor from_elements(const void* values, std::size_t count, Dtype dtype, IntArrayRef sizes,
                     TensorOptions options = {});
template <class T>
  requires kIsElement<T>
Tensor from_values(std::span<const T> values, IntArrayRef sizes, TensorOptions options) {
  return from_elements(values.data(), values.size(), dtype_of<T>, sizes, options);
}
// A tensor over memory the caller owns and keeps alive, as torch::from_blob: nothing is copied
// and nothing is freed. Contiguous unless strides are given.
Tensor from_blob(void* data, IntArrayRef sizes, TensorOptions options = {});
Tensor from_blob(void* data, IntArrayRef sizes, IntArrayRef strides, TensorOptions options = {});
// The same, handing the memory over: deleter(data) runs once, when the last tensor over it
// (views and copied handles included) goes, as torch::from_blob with a deleter. It must not
// throw (it runs in a destructor). Bad sizes or strides and an empty deleter throw before the
// memory is taken (the deleter does not run); a requires_grad the result cannot have is
// refused once the tensor exists, which runs the deleter, as in LibTorch.
using Deleter = std::function<void(void*)>;
Tensor from_blob(void* data, IntArrayRef sizes, const Deleter& deleter, TensorOptions options = {});
Tensor from_blob(void* data, IntArrayRef sizes, IntArrayRef strides, const Deleter& deleter,
                 TensorOptions options = {});

namespace detail {
// Installed by the autograd layer: makes a fresh tensor a leaf that requires a gradient.
using RequiresGradHook = void (*)(Tensor&);
void set_requires_grad_hook(RequiresGradHook hook);
// Installed by the autograd layer: Tensor::fill_ and copy_ on a tensor with autograd state
// (tensor/copy.cpp) go through these, which record the op.
struct InplaceHooks {
  void (*fill)(const Tensor& self, Scalar value) = nullptr;
  void (*copy)(const Tensor& self, const Tensor& src) = nullptr;
};
void set_inplace_hooks(InplaceHooks hooks);
// Applies options.requires_grad() to a new tensor (throws std::logic_error when it is asked
// for and autograd is not linked).
void apply_requires_grad(Tensor& t, const TensorOptions& options);
}  // namespace detail

}  // namespace gg
