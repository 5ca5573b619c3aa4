#pragma once
// gg::Tensor: the one tensor type, as torch::Tensor.
//
// A Tensor is a handle: sizes, strides (in elements) and an offset over a shared, refcounted
// Storage, with its dtype carried at run time. Copying a handle shares the data (`b = a; b[0]`
// changes a); clone() copies it. Views (view, transpose, narrow, expand, ...) are tensors over
// the same storage with other sizes and strides; contiguous() and clone() are the only copies,
// and both are explicit.
//
// Autograd hangs off the tensor through an opaque pointer (TensorImpl::autograd_meta) that this
// layer never looks into, as PyTorch's TensorImpl holds AutogradMeta: the methods marked
// [autograd] are defined by the autograd layer (autograd/tensor_autograd.cpp and the op files
// it names), which also records the differentiable methods marked [autograd, view]. The
// non-differentiable kernels behind them live in gg::native (tensor/native.hpp).
#include <gategrad/tensor/dtype.hpp>
#include <gategrad/tensor/int_array_ref.hpp>
#include <gategrad/tensor/scalar.hpp>
#include <gategrad/tensor/source_location.hpp>
#include <gategrad/tensor/storage.hpp>

#include <concepts>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <span>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

namespace gg {

struct AutogradMeta;  // defined in autograd/autograd_meta.hpp; opaque here
namespace autograd {
struct Node;  // a recorded op (autograd/graph.hpp)
}
class Tensor;

namespace indexing {
class TensorIndex;
}  // namespace indexing

struct TensorImpl {
  Storage storage;
  SizeVector sizes;
  SizeVector strides;             // in elements; 0 on an expanded dimension
  std::int64_t storage_offset = 0;  // in elements
  Dtype dtype = Dtype::Float32;
  // Made by a view op (view, narrow, select, transpose, ...): it shares another tensor's
  // memory. An alias (detach) is not a view. In-place ops that record a gradient refuse views.
  bool is_view = false;
  std::shared_ptr<AutogradMeta> autograd_meta;  // null: no gradient, not recorded
};

// What a factory makes: dtype and whether the result is a leaf that requires a gradient, as
// torch::TensorOptions (`gg::dtype(gg::kFloat64).requires_grad(true)`).
class TensorOptions {
 public:
  TensorOptions() = default;
  TensorOptions(Dtype dtype) : dtype_(dtype) {}  // NOLINT: implicit, as torch::TensorOptions
  TensorOptions dtype(Dtype d) const {
    TensorOptions o = *this;
    o.dtype_ = d;
    return o;
  }
  TensorOptions requires_grad(bool r) const {
    TensorOptions o = *this;
    o.requires_grad_ = r;
    return o;
  }
  Dtype dtype() const { return dtype_.value_or(kDefaultFloat); }
  bool has_dtype() const { return dtype_.has_value(); }
  bool requires_grad() const { return requires_grad_; }

 private:
  std::optional<Dtype> dtype_;
  bool requires_grad_ = false;
};
inline TensorOptions dtype(Dtype d) { return TensorOptions().dtype(d); }
inline TensorOptions requires_grad(bool r = true) { return TensorOptions().requires_grad(r); }

class Tensor {
 public:
  // An undefined tensor (defined() is false), as a default torch::Tensor.
  Tensor() = default;
  explicit Tensor(std::shared_ptr<TensorImpl> impl) : impl_(std::move(impl)) {}

  bool defined() const { return impl_ != nullptr; }
  // --- metadata (every method below throws std::logic_error on an undefined tensor) -------
  std::int64_t dim() const { return static_cast<std::int64_t>(checked().sizes.size()); }
  IntArrayRef sizes() const { return checked().sizes; }
  IntArrayRef strides() const { return checked().strides; }
  // One size or stride; a negative dim counts from the end. Throws std::out_of_range.
  // Inline, with the checks, as every accessor a kernel calls per op: a batch-1 training step
  // is mostly such bookkeeping (out of line, these calls took about 2% of train/e's profile in
  // bench_train).
  std::int64_t size(std::int64_t dim) const {
    const TensorImpl& impl = checked();
    return impl.sizes[index_of("size", dim, impl)];
  }
  std::int64_t stride(std::int64_t dim) const {
    const TensorImpl& impl = checked();
    return impl.strides[index_of("stride", dim, impl)];
  }
  // Inline: kernels use it as a loop bound, and an out-of-line call there kept the compiler
  // from hoisting it (a 15x slower L2 backward was measured on the migration branch).
  std::int64_t numel() const {
    std::int64_t n = 1;
    for (std::int64_t s : checked().sizes) n *= s;
    return n;
  }
  Dtype dtype() const { return checked().dtype; }
  Dtype scalar_type() const { return checked().dtype; }
  TensorOptions options() const { return TensorOptions(dtype()); }
  bool is_floating_point() const { return gg::is_floating_point(dtype()); }
  std::size_t element_size() const { return gg::element_size(dtype()); }
  std::size_t nbytes() const { return static_cast<std::size_t>(numel()) * element_size(); }
  std::int64_t storage_offset() const { return checked().storage_offset; }
  // Row-major with no gaps (size-1 dimensions may have any stride), as PyTorch's.
  bool is_contiguous() const {
    const TensorImpl& impl = checked();
    std::int64_t expected = 1;
    for (std::size_t i = impl.sizes.size(); i-- > 0;) {
      const std::int64_t size = impl.sizes[i];
      if (size == 0) return true;
      if (size == 1) continue;
      if (impl.strides[i] != expected) return false;
      expected *= size;
    }
    return true;
  }
  // Whether both handles are the same tensor (not merely equal values).
  bool is_same(const Tensor& other) const { return impl_ == other.impl_; }
  const Storage& storage() const { return checked().storage; }
  TensorImpl* unsafe_impl() const { return impl_.get(); }
  const std::shared_ptr<TensorImpl>& impl_ptr() const { return impl_; }

  // --- data -------------------------------------------------------------------------------
  // The first element. data_ptr<T>() throws std::invalid_argument unless T is the dtype's type
  // ("data_ptr<float>: the tensor holds int64").
  void* data_ptr() const {
    const TensorImpl& impl = checked();
    if (impl.storage == nullptr || impl.storage->data() == nullptr) return nullptr;
    return static_cast<char*>(impl.storage->data()) +
           impl.storage_offset * static_cast<std::int64_t>(gg::element_size(impl.dtype));
  }
  template <class T>
    requires kIsElement<T>
  T* data_ptr() const {
    check_dtype(dtype_of<T>, "data_ptr");
    return static_cast<T*>(data_ptr());
  }
  // The value of a one-element tensor; throws ShapeError otherwise. item<T>() converts it.
  Scalar item() const;
  template <class T>
    requires kIsElement<T>
  T item() const {
    return item().to<T>();
  }
  // The number of in-place changes made to this tensor's storage so far.
  std::uint64_t _version() const { return storage()->version(); }

  // --- in place (tensor/copy.cpp; autograd/inplace.cpp records them) ----------------------
  // const, as LibTorch's: the handle is not changed, the data it points at is. Each bumps the
  // storage's version, so a recorded node that saved this data refuses to run its backward
  // afterwards. While grad mode is on and this tensor or an operand requires a gradient, the
  // op is recorded as PyTorch records it: the tensor takes the op's node as its grad_fn (a
  // leaf that requires grad, and a view, are refused; see docs/PORTING.md).
  const Tensor& fill_(Scalar value) const;
  const Tensor& zero_() const { return fill_(0); }
  // Copies src's values (broadcast to this tensor's sizes, converted to its dtype).
  const Tensor& copy_(const Tensor& src) const;
  // [autograd: autograd/inplace.cpp] The in-place forms of the ops of the same names; other
  // broadcasts to this tensor's sizes, and the result keeps this tensor's dtype.
  const Tensor& add_(const Tensor& other, Scalar alpha = 1, Where where = Where::current()) const;
  const Tensor& add_(Scalar other, Scalar alpha = 1, Where where = Where::current()) const;
  const Tensor& sub_(const Tensor& other, Scalar alpha = 1, Where where = Where::current()) const;
  const Tensor& sub_(Scalar other, Scalar alpha = 1, Where where = Where::current()) const;
  const Tensor& mul_(const Tensor& other, Where where = Where::current()) const;
  const Tensor& mul_(Scalar other, Where where = Where::current()) const;
  const Tensor& div_(const Tensor& other, Where where = Where::current()) const;
  const Tensor& div_(Scalar other, Where where = Where::current()) const;
  const Tensor& pow_(Scalar exponent, Where where = Where::current()) const;
  const Tensor& clamp_(std::optional<Scalar> min, std::optional<Scalar> max = std::nullopt,
                       Where where = Where::current()) const;
  const Tensor& clamp_min_(Scalar min, Where where = Where::current()) const;
  const Tensor& clamp_max_(Scalar max, Where where = Where::current()) const;
  const Tensor& masked_fill_(const Tensor& mask, Scalar value, Where where = Where::current()) const;
  const Tensor& neg_(Where where = Where::current()) const;
  const Tensor& abs_(Where where = Where::current()) const;
  const Tensor& exp_(Where where = Where::current()) const;
  const Tensor& log_(Where where = Where::current()) const;
  const Tensor& sqrt_(Where where = Where::current()) const;
  const Tensor& relu_(Where where = Where::current()) const;
  const Tensor& sigmoid_(Where where = Where::current()) const;
  const Tensor& tanh_(Where where = Where::current()) const;

  // --- differentiable copies and views [autograd] -------------------------------------------
  // `where` is filled in by the compiler: it names the caller's line in anomaly reports and
  // graph dumps, as the free functions of autograd/ops.hpp do. Pass nothing for it.
  Tensor contiguous(Where where = Where::current()) const;  // *this when contiguous, else a copy
  Tensor clone(Where where = Where::current()) const;
  Tensor to(Dtype dtype, Where where = Where::current()) const;  // *this when already that dtype
  // One size may be -1; throws unless the strides allow.
  Tensor view(IntArrayRef sizes, Where where = Where::current()) const;
  // A view when the strides allow, else a copy.
  Tensor reshape(IntArrayRef sizes, Where where = Where::current()) const;
  Tensor view_as(const Tensor& other, Where where = Where::current()) const {
    return view(other.sizes(), where);
  }
  Tensor reshape_as(const Tensor& other, Where where = Where::current()) const {
    return reshape(other.sizes(), where);
  }
  Tensor flatten(std::int64_t start_dim = 0, std::int64_t end_dim = -1,
                 Where where = Where::current()) const;
  Tensor permute(IntArrayRef dims, Where where = Where::current()) const;
  Tensor transpose(std::int64_t dim0, std::int64_t dim1, Where where = Where::current()) const;
  // transpose(0, 1) of a matrix; a vector or scalar as it is.
  Tensor t(Where where = Where::current()) const;
  Tensor narrow(std::int64_t dim, std::int64_t start, std::int64_t length,
                Where where = Where::current()) const;
  Tensor slice(std::int64_t dim = 0, std::optional<std::int64_t> start = std::nullopt,
               std::optional<std::int64_t> end = std::nullopt, std::int64_t step = 1,
               Where where = Where::current()) const;
  Tensor select(std::int64_t dim, std::int64_t index, Where where = Where::current()) const;
  Tensor unsqueeze(std::int64_t dim, Where where = Where::current()) const;
  Tensor squeeze(Where where = Where::current()) const;
  Tensor squeeze(std::int64_t dim, Where where = Where::current()) const;
  // -1 keeps a size; new leading dims may be added.
  Tensor expand(IntArrayRef sizes, Where where = Where::current()) const;
  Tensor expand_as(const Tensor& other) const { return expand(other.sizes()); }
  // x[i]: select(0, i).
  Tensor operator[](std::int64_t index) const { return select(0, index); }

  // --- differentiable ops as methods [autograd: autograd/tensor_methods.cpp] ---------------
  // The free functions of autograd/ops.hpp with this tensor first, in LibTorch's spelling:
  // x.sum(1, true), x.exp(), x.max(1), x.gather(1, i). The same `where` rule as above.
  Tensor add(const Tensor& other, Where where = Where::current()) const;
  Tensor sub(const Tensor& other, Where where = Where::current()) const;
  Tensor mul(const Tensor& other, Where where = Where::current()) const;
  Tensor div(const Tensor& other, Where where = Where::current()) const;
  Tensor add(Scalar other, Where where = Where::current()) const;
  Tensor sub(Scalar other, Where where = Where::current()) const;
  Tensor mul(Scalar other, Where where = Where::current()) const;
  Tensor div(Scalar other, Where where = Where::current()) const;
  Tensor neg(Where where = Where::current()) const;
  Tensor exp(Where where = Where::current()) const;
  Tensor log(Where where = Where::current()) const;
  Tensor sqrt(Where where = Where::current()) const;
  Tensor relu(Where where = Where::current()) const;
  Tensor sigmoid(Where where = Where::current()) const;
  Tensor tanh(Where where = Where::current()) const;
  // The elementwise math, comparisons and tests of autograd/ops.hpp as methods, as LibTorch's.
  Tensor abs(Where where = Where::current()) const;
  Tensor sign(Where where = Where::current()) const;
  Tensor rsqrt(Where where = Where::current()) const;
  Tensor sin(Where where = Where::current()) const;
  Tensor cos(Where where = Where::current()) const;
  Tensor log1p(Where where = Where::current()) const;
  Tensor expm1(Where where = Where::current()) const;
  Tensor erf(Where where = Where::current()) const;
  Tensor square(Where where = Where::current()) const;
  Tensor pow(Scalar exponent, Where where = Where::current()) const;
  Tensor pow(const Tensor& exponent, Where where = Where::current()) const;
  Tensor clamp(std::optional<Scalar> min, std::optional<Scalar> max = std::nullopt,
               Where where = Where::current()) const;
  Tensor clamp_min(Scalar min, Where where = Where::current()) const;
  Tensor clamp_max(Scalar max, Where where = Where::current()) const;
  Tensor maximum(const Tensor& other, Where where = Where::current()) const;
  Tensor minimum(const Tensor& other, Where where = Where::current()) const;
  Tensor masked_fill(const Tensor& mask, Scalar value, Where where = Where::current()) const;
  Tensor masked_fill(const Tensor& mask, const Tensor& value, Where where = Where::current()) const;
  // condition ? *this : other, as torch's self.where(condition, other).
  Tensor where(const Tensor& condition, const Tensor& other, Where location = Where::current()) const;
  // The vector p-norm (p = 2, 1, inf, -inf, 0 or any other) over every element, or over dims.
  Tensor norm(Scalar p = 2, Where where = Where::current()) const;
  Tensor norm(std::optional<Scalar> p, IntArrayRef dims, bool keepdim = false, Where where = Where::current()) const;
  Tensor eq(const Tensor& other) const;
  Tensor ne(const Tensor& other) const;
  Tensor lt(const Tensor& other) const;
  Tensor le(const Tensor& other) const;
  Tensor gt(const Tensor& other) const;
  Tensor ge(const Tensor& other) const;
  Tensor eq(Scalar other) const;
  Tensor ne(Scalar other) const;
  Tensor lt(Scalar other) const;
  Tensor le(Scalar other) const;
  Tensor gt(Scalar other) const;
  Tensor ge(Scalar other) const;
  Tensor logical_and(const Tensor& other) const;
  Tensor logical_or(const Tensor& other) const;
  Tensor logical_xor(const Tensor& other) const;
  Tensor logical_not() const;
  Tensor all() const;
  Tensor all(std::int64_t dim, bool keepdim = false) const;
  Tensor any() const;
  Tensor any(std::int64_t dim, bool keepdim = false) const;
  Tensor isnan() const;
  Tensor isinf() const;
  Tensor isfinite() const;
  Tensor mm(const Tensor& other, Where where = Where::current()) const;
  Tensor matmul(const Tensor& other, Where where = Where::current()) const;
  Tensor bmm(const Tensor& other, Where where = Where::current()) const;
  Tensor addmm(const Tensor& mat1, const Tensor& mat2, Scalar beta = 1, Scalar alpha = 1,
               Where where = Where::current()) const;
  Tensor baddbmm(const Tensor& batch1, const Tensor& batch2, Scalar beta = 1, Scalar alpha = 1,
                 Where where = Where::current()) const;
  Tensor dot(const Tensor& other, Where where = Where::current()) const;
  Tensor mv(const Tensor& vec, Where where = Where::current()) const;
  Tensor outer(const Tensor& other, Where where = Where::current()) const;
  Tensor sum(Where where = Where::current()) const;
  Tensor sum(IntArrayRef dims, bool keepdim = false, Where where = Where::current()) const;
  Tensor mean(Where where = Where::current()) const;
  Tensor mean(IntArrayRef dims, bool keepdim = false, Where where = Where::current()) const;
  Tensor sum_to_size(IntArrayRef sizes, Where where = Where::current()) const;
  Tensor prod(Where where = Where::current()) const;
  Tensor prod(std::int64_t dim, bool keepdim = false, Where where = Where::current()) const;
  Tensor cumsum(std::int64_t dim, Where where = Where::current()) const;
  Tensor max(Where where = Where::current()) const;
  Tensor min(Where where = Where::current()) const;
  std::tuple<Tensor, Tensor> max(std::int64_t dim, bool keepdim = false, Where where = Where::current()) const;
  std::tuple<Tensor, Tensor> min(std::int64_t dim, bool keepdim = false, Where where = Where::current()) const;
  Tensor amax(IntArrayRef dims = {}, bool keepdim = false, Where where = Where::current()) const;
  Tensor amin(IntArrayRef dims = {}, bool keepdim = false, Where where = Where::current()) const;
  Tensor argmax(std::optional<std::int64_t> dim = std::nullopt, bool keepdim = false) const;
  Tensor argmin(std::optional<std::int64_t> dim = std::nullopt, bool keepdim = false) const;
  Tensor var(bool unbiased = true, Where where = Where::current()) const;
  Tensor var(IntArrayRef dims, bool unbiased = true, bool keepdim = false, Where where = Where::current()) const;
  Tensor std(bool unbiased = true, Where where = Where::current()) const;
  Tensor std(IntArrayRef dims, bool unbiased = true, bool keepdim = false, Where where = Where::current()) const;
  // x.var(0), x.std({0, 1}): dims, not `unbiased` (see autograd/ops.hpp's var).
  template <std::integral I>
    requires(!std::is_same_v<I, bool>)
  Tensor var(I dim, bool unbiased = true, bool keepdim = false, Where where = Where::current()) const {
    const auto d = static_cast<std::int64_t>(dim);
    return var(IntArrayRef(d), unbiased, keepdim, where);
  }
  Tensor var(std::initializer_list<std::int64_t> dims, bool unbiased = true, bool keepdim = false,
             Where where = Where::current()) const {
    return var(IntArrayRef(dims), unbiased, keepdim, where);
  }
  template <std::integral I>
    requires(!std::is_same_v<I, bool>)
  Tensor std(I dim, bool unbiased = true, bool keepdim = false, Where where = Where::current()) const {
    const auto d = static_cast<std::int64_t>(dim);
    return std(IntArrayRef(d), unbiased, keepdim, where);
  }
  Tensor std(std::initializer_list<std::int64_t> dims, bool unbiased = true, bool keepdim = false,
             Where where = Where::current()) const {
    return std(IntArrayRef(dims), unbiased, keepdim, where);
  }
  Tensor logsumexp(IntArrayRef dims, bool keepdim = false, Where where = Where::current()) const;
  Tensor softmax(std::int64_t dim, Where where = Where::current()) const;
  Tensor log_softmax(std::int64_t dim, Where where = Where::current()) const;
  Tensor gather(std::int64_t dim, const Tensor& index, Where where = Where::current()) const;
  Tensor scatter(std::int64_t dim, const Tensor& index, const Tensor& src, Where where = Where::current()) const;
  Tensor scatter(std::int64_t dim, const Tensor& index, Scalar value, Where where = Where::current()) const;
  Tensor scatter_add(std::int64_t dim, const Tensor& index, const Tensor& src, Where where = Where::current()) const;
  Tensor index_select(std::int64_t dim, const Tensor& index, Where where = Where::current()) const;
  Tensor index_add(std::int64_t dim, const Tensor& index, const Tensor& source, Scalar alpha = 1,
                   Where where = Where::current()) const;
  std::tuple<Tensor, Tensor> sort(std::int64_t dim = -1, bool descending = false, Where where = Where::current()) const;
  std::tuple<Tensor, Tensor> topk(std::int64_t k, std::int64_t dim = -1, bool largest = true, bool sorted = true,
                                  Where where = Where::current()) const;

  // --- tensor indexing as LibTorch's [autograd: autograd/tensor_index.cpp] ----------------
  // x.index({Slice(), 0}) is x[:, 0]; the index types are in tensor/tensor_index.hpp.
  Tensor index(std::initializer_list<indexing::TensorIndex> indices, Where where = Where::current()) const;
  Tensor index(std::span<const indexing::TensorIndex> indices, Where where = Where::current()) const;
  // x[indices] = values (broadcast), in place (recorded as the in-place ops above are); with
  // accumulate, added (duplicates summed).
  const Tensor& index_put_(std::initializer_list<indexing::TensorIndex> indices, const Tensor& values,
                           Where where = Where::current()) const;
  const Tensor& index_put_(std::initializer_list<indexing::TensorIndex> indices, const Tensor& values,
                           bool accumulate, Where where = Where::current()) const;
  const Tensor& index_put_(std::initializer_list<indexing::TensorIndex> indices, Scalar value,
                           Where where = Where::current()) const;
  const Tensor& index_put_(std::span<const indexing::TensorIndex> indices, const Tensor& values,
                           bool accumulate = false, Where where = Where::current()) const;
  // The indices of the nonzero elements, (count, dim()) int64.
  Tensor nonzero() const;

  // --- shape ops as methods [autograd: autograd/gates/shape_gates.cpp] ---------------------
  // The free functions of autograd/ops.hpp of the same names; the same `where` rule as above.
  std::vector<Tensor> split(std::int64_t split_size, std::int64_t dim = 0, Where where = Where::current()) const;
  std::vector<Tensor> split(IntArrayRef split_sizes, std::int64_t dim = 0, Where where = Where::current()) const;
  std::vector<Tensor> split_with_sizes(IntArrayRef split_sizes, std::int64_t dim = 0,
                                       Where where = Where::current()) const;
  std::vector<Tensor> chunk(std::int64_t chunks, std::int64_t dim = 0, Where where = Where::current()) const;
  std::vector<Tensor> unbind(std::int64_t dim = 0, Where where = Where::current()) const;
  Tensor flip(IntArrayRef dims, Where where = Where::current()) const;
  Tensor roll(IntArrayRef shifts, IntArrayRef dims = {}, Where where = Where::current()) const;
  Tensor repeat(IntArrayRef repeats, Where where = Where::current()) const;
  Tensor tril(std::int64_t diagonal = 0, Where where = Where::current()) const;
  Tensor triu(std::int64_t diagonal = 0, Where where = Where::current()) const;

  // --- autograd [autograd] ------------------------------------------------------------------
  bool requires_grad() const;
  // Only a leaf can be switched; throws std::logic_error on a recorded result, or for a dtype
  // that has no gradient (int64, bool).
  const Tensor& requires_grad_(bool requires_grad = true) const;
  bool is_leaf() const;
  // The accumulated gradient; undefined until a backward reached this tensor, as in PyTorch.
  const Tensor& grad() const;
  Tensor& mutable_grad() const;
  // The node that produced this tensor (null for a leaf and for untracked tensors).
  const std::shared_ptr<autograd::Node>& grad_fn() const;
  // Backpropagates from this tensor, as torch::Tensor::backward: a one-element tensor seeds 1;
  // otherwise `gradient` (same sizes) is the seed. retain_graph defaults to create_graph;
  // create_graph records the gradients' own graph (for a second derivative; a leaf's .grad()
  // then holds that graph, which refers back to the leaf: reset it when done, or use
  // autograd::grad). With `inputs`, only their gradients are computed and accumulated.
  void backward(const Tensor& gradient = {}, std::optional<bool> retain_graph = std::nullopt,
                bool create_graph = false, const std::vector<Tensor>& inputs = {}) const;
  // A non-leaf keeps its gradient in .grad() from the next backward on (no-op on a leaf).
  void retain_grad() const;
  bool retains_grad() const;
  // Calls hook(grad) when this tensor's gradient is computed, as torch::Tensor::register_hook;
  // a hook returning a Tensor replaces the gradient (an undefined one keeps it), a hook
  // returning void only looks. Returns the handle remove_hook takes.
  template <class Hook>
  unsigned register_hook(Hook&& hook) const {
    if constexpr (std::is_void_v<std::invoke_result_t<Hook&, const Tensor&>>) {
      return add_hook([h = std::forward<Hook>(hook)](const Tensor& g) mutable {
        h(g);
        return Tensor();
      });
    } else {
      return add_hook(std::function<Tensor(const Tensor&)>(std::forward<Hook>(hook)));
    }
  }
  void remove_hook(unsigned handle) const;
  // The same data, cut from the graph, requiring no gradient (shares the storage).
  Tensor detach() const;
  // A label for graph dumps and error messages (e.g. "fc1.weight").
  const Tensor& set_name(std::string name) const;
  std::string name() const;

 private:
  unsigned add_hook(std::function<Tensor(const Tensor&)> hook) const;
  const TensorImpl& checked() const {
    if (impl_ == nullptr) throw_undefined();
    return *impl_;
  }
  void check_dtype(Dtype expected, const char* op) const {
    if (checked().dtype != expected) throw_dtype(expected, op);
  }
  // dim (negative counts from the end) as an index into sizes; wrap_dim throws when out of range.
  static std::size_t index_of(const char* op, std::int64_t dim, const TensorImpl& impl) {
    const auto rank = static_cast<std::int64_t>(impl.sizes.size());
    return static_cast<std::size_t>(dim >= 0 && dim < rank ? dim : wrap_dim(op, dim, rank));
  }
  // The throws, out of line: the inline checks above stay small.
  [[noreturn]] static void throw_undefined();
  [[noreturn]] void throw_dtype(Dtype expected, const char* op) const;

  std::shared_ptr<TensorImpl> impl_;
};

// Prints the values, then the type and sizes, as LibTorch does:
//    1  2  3
//    4  5  6
//   [ CPUFloatType{2,3} ]
std::ostream& operator<<(std::ostream& os, const Tensor& t);
std::string to_string(const Tensor& t);

}  // namespace gg

// x.index({...})'s index types, after Tensor (they hold one).
#include <gategrad/tensor/tensor_index.hpp>
