#pragma once
// gg::native: the kernels behind gg::Tensor's operations, without autograd.
//
// The autograd layer's ops (gg::add, Tensor::view, ...) compute with these and record a node;
// a layer below autograd (data/) or a gate's backward calls them directly. Every function takes
// strided inputs of any layout: the contiguous path is the fast one, a transposed matrix goes to
// the GEMM as it is, and other layouts are handled (some by a copy). Each file named below
// holds one family.
#include <gategrad/tensor/shape.hpp>  // ShapeError
#include <gategrad/tensor/tensor.hpp>
#include <gategrad/tensor/tensor_list.hpp>

#include <optional>
#include <string_view>
#include <tuple>

namespace gg::native {

// --- views: share the storage, touch no data (tensor/view.cpp) ----------------------------
Tensor as_strided(const Tensor& t, IntArrayRef sizes, IntArrayRef strides,
                  std::int64_t storage_offset);
// A new handle to the same data with no autograd state (detach()).
Tensor alias(const Tensor& t);
// One size may be -1. Throws ShapeError when numel differs or the strides do not allow a view
// ("view size is not compatible with input tensor's size and stride ...: use reshape").
Tensor view(const Tensor& t, IntArrayRef sizes);
// The strides a view of `t` with `sizes` would have, if any (sizes resolved, no -1).
std::optional<SizeVector> view_strides(const Tensor& t, IntArrayRef sizes);
// `sizes` with a -1 resolved against numel; throws ShapeError naming `op`.
SizeVector infer_size(const char* op, IntArrayRef sizes, std::int64_t numel);
Tensor reshape(const Tensor& t, IntArrayRef sizes);  // view if possible, else contiguous copy
Tensor flatten(const Tensor& t, std::int64_t start_dim, std::int64_t end_dim);
Tensor permute(const Tensor& t, IntArrayRef dims);
Tensor transpose(const Tensor& t, std::int64_t dim0, std::int64_t dim1);
Tensor t(const Tensor& t);
Tensor narrow(const Tensor& t, std::int64_t dim, std::int64_t start, std::int64_t length);
// Python's t[start:end:step] along dim (step > 0; out-of-range bounds clamp, as slicing does).
Tensor slice(const Tensor& t, std::int64_t dim, std::optional<std::int64_t> start,
             std::optional<std::int64_t> end, std::int64_t step);
Tensor select(const Tensor& t, std::int64_t dim, std::int64_t index);
Tensor unsqueeze(const Tensor& t, std::int64_t dim);
Tensor squeeze(const Tensor& t);
Tensor squeeze(const Tensor& t, std::int64_t dim);
Tensor expand(const Tensor& t, IntArrayRef sizes);

// --- copies (tensor/copy.cpp) ---------------------------------------------------------------
Tensor contiguous(const Tensor& t);  // t itself when already contiguous
Tensor clone(const Tensor& t);       // always a new, contiguous tensor
Tensor to(const Tensor& t, Dtype dtype);  // t itself when already of that dtype
// dst[...] = src[...] (src broadcast to dst's sizes, converted to dst's dtype); bumps dst's
// version. Throws ShapeError when src does not broadcast.
void copy_(const Tensor& dst, const Tensor& src);
void fill_(const Tensor& dst, Scalar value);

// --- pointwise (tensor/pointwise.cpp) -------------------------------------------------------
// Binary ops broadcast (NumPy rules) and promote as PyTorch (result_type below); arithmetic on
// bool is refused as PyTorch refuses it for sub; div always gives a floating result.
Tensor add(const Tensor& a, const Tensor& b);
Tensor sub(const Tensor& a, const Tensor& b);
Tensor mul(const Tensor& a, const Tensor& b);
Tensor div(const Tensor& a, const Tensor& b);
Tensor maximum(const Tensor& a, const Tensor& b);
Tensor minimum(const Tensor& a, const Tensor& b);
Tensor add(const Tensor& a, Scalar b);
Tensor sub(const Tensor& a, Scalar b);
Tensor rsub(const Tensor& a, Scalar b);  // b - a
Tensor mul(const Tensor& a, Scalar b);
Tensor div(const Tensor& a, Scalar b);
Tensor rdiv(const Tensor& a, Scalar b);  // b / a
// Comparisons give bool tensors.
Tensor eq(const Tensor& a, const Tensor& b);
Tensor ne(const Tensor& a, const Tensor& b);
Tensor lt(const Tensor& a, const Tensor& b);
Tensor le(const Tensor& a, const Tensor& b);
Tensor gt(const Tensor& a, const Tensor& b);
Tensor ge(const Tensor& a, const Tensor& b);
Tensor eq(const Tensor& a, Scalar b);
Tensor ne(const Tensor& a, Scalar b);
Tensor lt(const Tensor& a, Scalar b);
Tensor le(const Tensor& a, Scalar b);
Tensor gt(const Tensor& a, Scalar b);
Tensor ge(const Tensor& a, Scalar b);
// Logical ops on any dtype (nonzero is true, NaN included), broadcasting, giving bool.
Tensor logical_and(const Tensor& a, const Tensor& b);
Tensor logical_or(const Tensor& a, const Tensor& b);
Tensor logical_xor(const Tensor& a, const Tensor& b);
Tensor logical_not(const Tensor& x);
// bool tensors; false everywhere (isnan, isinf) or true (isfinite) for integer and bool x.
Tensor isnan(const Tensor& x);
Tensor isinf(const Tensor& x);
Tensor isfinite(const Tensor& x);
// x^exponent, promoting as PyTorch (int64 ^ int gives int64, int64 ^ 2.5 float32). Throws
// std::invalid_argument for bool ^ bool, and for an int64 result with a negative number
// exponent ("Integers to negative integer powers are not allowed", as PyTorch).
Tensor pow(const Tensor& x, Scalar exponent);
Tensor pow(const Tensor& x, const Tensor& exponent);
Tensor pow(Scalar base, const Tensor& exponent);
// min(max(x, min), max) with either bound optional (not both: std::invalid_argument), NaN kept;
// the dtype is x's promoted with the bounds' (int64 clamped to 2.5 is float32).
Tensor clamp(const Tensor& x, std::optional<Scalar> min, std::optional<Scalar> max);
// cond ? a : b, elementwise, broadcasting all three (cond must be bool).
Tensor where(const Tensor& condition, const Tensor& a, const Tensor& b);
// Unary; exp/log/sqrt/sigmoid/tanh of an integer tensor give float32, as PyTorch.
Tensor neg(const Tensor& x);
Tensor abs(const Tensor& x);
Tensor exp(const Tensor& x);
Tensor log(const Tensor& x);
Tensor sqrt(const Tensor& x);
Tensor square(const Tensor& x);
Tensor relu(const Tensor& x);
Tensor sigmoid(const Tensor& x);
Tensor tanh(const Tensor& x);
// sign of bool is bool, of int64 int64; sign(NaN) = 0, as torch 1.13.
Tensor sign(const Tensor& x);
Tensor rsqrt(const Tensor& x);
Tensor sin(const Tensor& x);
Tensor cos(const Tensor& x);
Tensor log1p(const Tensor& x);
Tensor expm1(const Tensor& x);
Tensor erf(const Tensor& x);
// Activations, as torch::nn::functional's; floating x only (std::invalid_argument otherwise).
Tensor leaky_relu(const Tensor& x, double negative_slope);
Tensor elu(const Tensor& x, double alpha);
// approximate "none" (x Phi(x), with erf) or "tanh"; std::invalid_argument for another string.
Tensor gelu(const Tensor& x, std::string_view approximate);
Tensor silu(const Tensor& x);
Tensor softplus(const Tensor& x, double beta, double threshold);
// ReluGate's backward, fused: dout where the ReLU output y is positive, else 0; y and dout of
// equal sizes and a floating dtype (the result has their common one). Throws ShapeError or
// std::invalid_argument otherwise.
Tensor relu_backward(const Tensor& dout, const Tensor& y);
// In place: a op= b (b broadcast to a's sizes, the result converted to a's dtype, which must
// hold it: float += int is allowed, int += float is refused, as PyTorch); bump a's version.
void add_(const Tensor& a, const Tensor& b);
// a += alpha * b in one pass, as torch's a.add_(b, alpha) (an SGD step: w.add_(grad, -lr)).
// alpha must be integral when a and b are int64; bool operands are refused.
void add_(const Tensor& a, const Tensor& b, Scalar alpha);
void sub_(const Tensor& a, const Tensor& b);
void mul_(const Tensor& a, const Tensor& b);
void div_(const Tensor& a, const Tensor& b);
void mul_(const Tensor& a, Scalar b);
// PyTorch's result dtype for a binary op (torch.result_type): rank-0 tensors and numbers take
// part only when their category (bool < integer < floating) is higher.
Dtype result_type(const Tensor& a, const Tensor& b);
Dtype result_type(const Tensor& a, Scalar b);

// --- reductions (tensor/reduction.cpp) ------------------------------------------------------
// Over every element (rank-0 result) or over `dims` (each may be negative), keeping them as
// size 1 when keepdim. sum of bool/int64 gives int64; mean needs a floating dtype.
Tensor sum(const Tensor& x);
Tensor sum(const Tensor& x, IntArrayRef dims, bool keepdim = false);
Tensor mean(const Tensor& x);
Tensor mean(const Tensor& x, IntArrayRef dims, bool keepdim = false);
Tensor amax(const Tensor& x, IntArrayRef dims, bool keepdim = false);
Tensor amin(const Tensor& x, IntArrayRef dims, bool keepdim = false);
// Whether every / some element is nonzero (NaN counts as nonzero), as a bool tensor: over all
// elements (rank 0) or along dim. True / false for an empty tensor.
Tensor all(const Tensor& x);
Tensor all(const Tensor& x, std::int64_t dim, bool keepdim = false);
Tensor any(const Tensor& x);
Tensor any(const Tensor& x, std::int64_t dim, bool keepdim = false);
Tensor max(const Tensor& x);  // the largest element (rank 0); throws on an empty tensor
Tensor min(const Tensor& x);
// The index (int64) of the largest element along dim, the first on ties; over the flattened
// tensor when dim is not given.
Tensor argmax(const Tensor& x, std::optional<std::int64_t> dim = std::nullopt,
              bool keepdim = false);
Tensor argmin(const Tensor& x, std::optional<std::int64_t> dim = std::nullopt,
              bool keepdim = false);
// softmax / log_softmax along dim, stably (the maximum is subtracted first).
Tensor softmax(const Tensor& x, std::int64_t dim);
Tensor log_softmax(const Tensor& x, std::int64_t dim);
// The sum of `x` over the dimensions broadcasting added to reach x's sizes from `sizes`: the
// gradient of a broadcast input. Returns x itself when the sizes already match.
Tensor sum_to(const Tensor& x, IntArrayRef sizes);
// Running sums along dim (from the end when reverse: the gradient of cumsum); bool and int64
// give int64, as torch.cumsum.
Tensor cumsum(const Tensor& x, std::int64_t dim, bool reverse = false);
// The product over every element, or along dim; bool and int64 give int64 (wrapping).
Tensor prod(const Tensor& x, std::optional<std::int64_t> dim = std::nullopt, bool keepdim = false);

// --- indexing with int64 indices (tensor/indexing.cpp), as torch's -------------------------
// out[i][j] = x[i][index[i][j]] (dim 1); index has x's rank, no dim larger than x's but dim.
Tensor gather(const Tensor& x, std::int64_t dim, const Tensor& index);
// A copy of self with src[i][j] put at [i][index[i][j]] (dim 1), or added there (scatter_add,
// duplicates summed); scatter's duplicates keep the last in row-major order of the index.
Tensor scatter(const Tensor& self, std::int64_t dim, const Tensor& index, const Tensor& src);
Tensor scatter(const Tensor& self, std::int64_t dim, const Tensor& index, Scalar value);
Tensor scatter_add(const Tensor& self, std::int64_t dim, const Tensor& index, const Tensor& src);
// The slices of x along dim at a 1-D index, in its order (repeats allowed).
Tensor index_select(const Tensor& x, std::int64_t dim, const Tensor& index);
// A copy of self with alpha * source's slices added at index along dim (duplicates summed).
Tensor index_add(const Tensor& self, std::int64_t dim, const Tensor& index, const Tensor& source,
                 Scalar alpha = 1);
// A copy of self with source's elements put at the flat (row-major) positions `index` holds,
// or added there (accumulate, duplicates summed), as torch.put; source has index's numel.
Tensor put(const Tensor& self, const Tensor& index, const Tensor& source, bool accumulate = false);
// The indices of the nonzero elements, (count, x.dim()) int64, in row-major order, as torch's.
Tensor nonzero(const Tensor& x);
// (values, int64 indices) sorted along dim, stable, NaN counted as the largest value; topk:
// the k largest (or smallest), sorted.
std::tuple<Tensor, Tensor> sort(const Tensor& x, std::int64_t dim = -1, bool descending = false);
Tensor argsort(const Tensor& x, std::int64_t dim = -1, bool descending = false);
std::tuple<Tensor, Tensor> topk(const Tensor& x, std::int64_t k, std::int64_t dim = -1,
                                bool largest = true, bool sorted = true);

// --- matrix products (tensor/linalg.cpp) ----------------------------------------------------
// (M,K) x (K,N) -> (M,N) on gategrad's GEMM (float32, float64); a transposed view goes in as
// the GEMM's transposed operand without a copy. matmul is torch.matmul: 1-D operands as a row
// (left) or a column (right), whose dim is dropped, and N-D operands as batches of matrices
// over the last two dims, the batch dims broadcasting; a batch is one GEMM call per matrix,
// reading strided and expanded (stride-0) batches in place.
Tensor mm(const Tensor& a, const Tensor& b);
Tensor matmul(const Tensor& a, const Tensor& b);
// The batch dims of matmul(a, b) (empty for 1-D and 2-D operands), after matmul's checks of a
// and b: ShapeError (a rank-0 operand, inner sizes, batch dims that do not broadcast) or
// std::invalid_argument (dtypes).
SizeVector matmul_batch_sizes(const Tensor& a, const Tensor& b);
// (B,M,K) x (B,K,N) -> (B,M,N), as torch.bmm (no broadcasting).
Tensor bmm(const Tensor& a, const Tensor& b);
// out := alpha * a b + beta * out, into an existing contiguous (M,N) tensor.
void addmm_(const Tensor& out, const Tensor& a, const Tensor& b, Scalar beta, Scalar alpha);
// out:(B,M,N) := alpha * a:(B,M,K) b:(B,K,N) + beta * out, each matrix of out row-major.
// beta == 0 never reads out (NaN in it does not propagate, as torch's).
void baddbmm_(const Tensor& out, const Tensor& a, const Tensor& b, Scalar beta, Scalar alpha);

// --- shape ops that copy (tensor/shape_ops.cpp), as torch's ---------------------------------
// The tensors joined along dim, in their promoted dtype; 1-D tensors of size 0 are skipped
// (torch's legacy rule). Throws ShapeError naming the tensor, the dim and both sizes.
Tensor cat(TensorList tensors, std::int64_t dim = 0);
// t with the order of elements reversed along each of dims (each at most once).
Tensor flip(const Tensor& t, IntArrayRef dims);
// t:(..., M, N) with the elements above (tril) or below (triu) the diagonal-th diagonal zeroed.
Tensor tril(const Tensor& t, std::int64_t diagonal = 0);
Tensor triu(const Tensor& t, std::int64_t diagonal = 0);
// t padded with value: pad = (left, right) of the last dim, then of the one before, ...; a
// negative pad crops, as torch.constant_pad_nd.
Tensor constant_pad_nd(const Tensor& t, IntArrayRef pad, Scalar value = 0);

}  // namespace gg::native
