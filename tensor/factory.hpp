#pragma once
// Making tensors, with LibTorch's names and options (tensor/factory.cpp).
//
//   auto x = gg::zeros({2, 3});                                  // float32
//   auto w = gg::randn({784, 256}, gg::dtype(gg::kFloat64).requires_grad(true));
//   auto y = gg::tensor({0, 3, 1});                              // int64 labels
//
// requires_grad(true) makes the result a leaf that requires a gradient; it needs the autograd
// layer linked (gategrad::autograd), which installs itself at start-up.
#include <gategrad/tensor/random.hpp>
#include <gategrad/tensor/tensor.hpp>

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

// Seeded draws (floating dtypes only): N(0, 1) and U[0, 1), from `gen` or gg's default
// generator (manual_seed). The stream is gategrad's own (tensor/random.hpp), not PyTorch's.
Tensor randn(IntArrayRef sizes, Generator& gen, TensorOptions options = {});
Tensor randn(IntArrayRef sizes, TensorOptions options = {});
Tensor rand(IntArrayRef sizes, Generator& gen, TensorOptions options = {});
Tensor rand(IntArrayRef sizes, TensorOptions options = {});

// A 1-D tensor of the values, as torch::tensor: float32 from floating values, int64 from
// integers, bool from bools (or the options' dtype, converting).
Tensor tensor(std::initializer_list<double> values, TensorOptions options = {});
Tensor tensor(std::initializer_list<float> values, TensorOptions options = {});
Tensor tensor(std::initializer_list<int> values, TensorOptions options = {});
Tensor tensor(std::initializer_list<std::int64_t> values, TensorOptions options = {});
Tensor tensor(std::initializer_list<bool> values, TensorOptions options = {});
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

namespace detail {
// Installed by the autograd layer: makes a fresh tensor a leaf that requires a gradient.
using RequiresGradHook = void (*)(Tensor&);
void set_requires_grad_hook(RequiresGradHook hook);
// Applies options.requires_grad() to a new tensor (throws std::logic_error when it is asked
// for and autograd is not linked).
void apply_requires_grad(Tensor& t, const TensorOptions& options);
}  // namespace detail

}  // namespace gg
