#pragma once
// Differentiable operations on gg::Tensor, with LibTorch's names. Each computes with a
// gg::native kernel and records one gate (autograd/gates/, forward beside backward) through
// autograd::record when an input requires a gradient and grad mode is on. `where` is filled in
// by the compiler and names the caller's line in anomaly reports and graph dumps; the operators
// capture it through Located (below), so `a + b` names the user's line too.
#include <gategrad/tensor/source_location.hpp>
#include <gategrad/tensor/factory.hpp>
#include <gategrad/tensor/shape.hpp>  // ShapeError, thrown by every op
#include <gategrad/tensor/tensor.hpp>
#include <gategrad/tensor/tensor_list.hpp>

#include <concepts>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <optional>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <vector>

namespace gg {

// --- arithmetic, broadcasting, promoting as PyTorch -------------------------------------------
Tensor add(const Tensor& a, const Tensor& b, Where where = Where::current());
Tensor sub(const Tensor& a, const Tensor& b, Where where = Where::current());
Tensor mul(const Tensor& a, const Tensor& b, Where where = Where::current());
Tensor div(const Tensor& a, const Tensor& b, Where where = Where::current());
Tensor add(const Tensor& a, Scalar b, Where where = Where::current());
Tensor sub(const Tensor& a, Scalar b, Where where = Where::current());
Tensor rsub(const Tensor& a, Scalar b, Where where = Where::current());  // b - a
Tensor mul(const Tensor& a, Scalar b, Where where = Where::current());
Tensor div(const Tensor& a, Scalar b, Where where = Where::current());
Tensor rdiv(const Tensor& a, Scalar b, Where where = Where::current());  // b / a
Tensor neg(const Tensor& x, Where where = Where::current());

Tensor relu(const Tensor& x, Where where = Where::current());
Tensor sigmoid(const Tensor& x, Where where = Where::current());
Tensor tanh(const Tensor& x, Where where = Where::current());
Tensor exp(const Tensor& x, Where where = Where::current());
Tensor log(const Tensor& x, Where where = Where::current());
Tensor sqrt(const Tensor& x, Where where = Where::current());

// --- elementwise math (autograd/gates/math_gates.cpp) ----------------------------------------
// pow: d/dx x^p = p x^(p-1) (0 where p = 0), d/dp x^p = x^p log x (0 where x = 0 and p >= 0),
// as PyTorch. Promotes as PyTorch (int64 ^ int is int64; a negative int exponent is refused).
Tensor pow(const Tensor& x, Scalar exponent, Where where = Where::current());
Tensor pow(const Tensor& x, const Tensor& exponent, Where where = Where::current());
Tensor pow(Scalar base, const Tensor& exponent, Where where = Where::current());
Tensor rsqrt(const Tensor& x, Where where = Where::current());
Tensor abs(const Tensor& x, Where where = Where::current());    // dx = dy sign(x) (0 at 0)
Tensor sign(const Tensor& x, Where where = Where::current());   // sign(NaN) = 0; dx = 0
// clamp(x, min, max) with either bound optional; the gradient passes where min <= x <= max.
Tensor clamp(const Tensor& x, std::optional<Scalar> min, std::optional<Scalar> max = std::nullopt,
             Where where = Where::current());
Tensor clamp_min(const Tensor& x, Scalar min, Where where = Where::current());
Tensor clamp_max(const Tensor& x, Scalar max, Where where = Where::current());
// Tensor bounds, broadcasting: where(x < min, min, x), then where(. > max, max, .), a NaN
// bound giving NaN; the gradient goes to x where min <= x <= max and to the bound it took.
Tensor clamp(const Tensor& x, const std::optional<Tensor>& min, const std::optional<Tensor>& max,
             Where where = Where::current());
Tensor clamp_min(const Tensor& x, const Tensor& min, Where where = Where::current());
Tensor clamp_max(const Tensor& x, const Tensor& max, Where where = Where::current());
// On ties (a == b) each operand gets half the gradient, as PyTorch.
Tensor maximum(const Tensor& a, const Tensor& b, Where where = Where::current());
Tensor minimum(const Tensor& a, const Tensor& b, Where where = Where::current());
Tensor sin(const Tensor& x, Where where = Where::current());
Tensor cos(const Tensor& x, Where where = Where::current());
Tensor log1p(const Tensor& x, Where where = Where::current());
Tensor expm1(const Tensor& x, Where where = Where::current());
Tensor erf(const Tensor& x, Where where = Where::current());

// --- activations, as torch::nn::functional (autograd/gates/activation_gates.cpp) --------------
// The gradient at a kink is the one PyTorch takes: leaky_relu's and elu's left one at 0,
// hardtanh's 0 at min_val and max_val.
Tensor leaky_relu(const Tensor& x, double negative_slope = 0.01, Where where = Where::current());
Tensor elu(const Tensor& x, double alpha = 1.0, Where where = Where::current());
// approximate: "none" (x Phi(x), with erf) or "tanh".
Tensor gelu(const Tensor& x, std::string_view approximate = "none", Where where = Where::current());
Tensor silu(const Tensor& x, Where where = Where::current());
Tensor softplus(const Tensor& x, double beta = 1.0, double threshold = 20.0,
                Where where = Where::current());
Tensor hardtanh(const Tensor& x, double min_val = -1.0, double max_val = 1.0,
                Where where = Where::current());

// --- selection (autograd/gates/where_gate.cpp) ------------------------------------------------
// condition ? a : b, broadcasting all three (condition bool); da = dy where condition, summed
// to a's sizes, db = dy elsewhere.
Tensor where(const Tensor& condition, const Tensor& a, const Tensor& b, Where location = Where::current());
// x with value where mask (bool, broadcasting with x) is true; x's dtype. A value tensor must
// be 0-dim, and gets the sum of the gradient over the mask.
Tensor masked_fill(const Tensor& x, const Tensor& mask, Scalar value, Where where = Where::current());
Tensor masked_fill(const Tensor& x, const Tensor& mask, const Tensor& value,
                   Where where = Where::current());

// --- comparisons, logical ops and tests, giving bool tensors (no gradient) --------------------
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
Tensor logical_and(const Tensor& a, const Tensor& b);
Tensor logical_or(const Tensor& a, const Tensor& b);
Tensor logical_xor(const Tensor& a, const Tensor& b);
Tensor logical_not(const Tensor& x);
Tensor all(const Tensor& x);
Tensor all(const Tensor& x, std::int64_t dim, bool keepdim = false);
Tensor any(const Tensor& x);
Tensor any(const Tensor& x, std::int64_t dim, bool keepdim = false);
Tensor isnan(const Tensor& x);
Tensor isinf(const Tensor& x);
Tensor isfinite(const Tensor& x);

// --- reductions ------------------------------------------------------------------------------
Tensor sum(const Tensor& x, Where where = Where::current());
Tensor sum(const Tensor& x, IntArrayRef dims, bool keepdim = false, Where where = Where::current());
Tensor mean(const Tensor& x, Where where = Where::current());
Tensor mean(const Tensor& x, IntArrayRef dims, bool keepdim = false, Where where = Where::current());
// x summed over the dimensions it was broadcast along, down to `sizes` (which broadcast to x's),
// as torch's Tensor::sum_to_size: the adjoint of expand, and the gradient of a broadcast operand.
Tensor sum_to_size(const Tensor& x, IntArrayRef sizes, Where where = Where::current());
// max/min values over all elements, amax/amin over dims: the gradient is spread evenly over
// the elements equal to the extreme, as torch's (autograd/gates/reduction_gates.cpp).
Tensor max(const Tensor& x, Where where = Where::current());
Tensor min(const Tensor& x, Where where = Where::current());
Tensor amax(const Tensor& x, IntArrayRef dims, bool keepdim = false, Where where = Where::current());
Tensor amin(const Tensor& x, IntArrayRef dims, bool keepdim = false, Where where = Where::current());
// (values, int64 indices) of the first maximum / minimum along dim; the gradient goes to it.
std::tuple<Tensor, Tensor> max(const Tensor& x, std::int64_t dim, bool keepdim = false,
                               Where where = Where::current());
std::tuple<Tensor, Tensor> min(const Tensor& x, std::int64_t dim, bool keepdim = false,
                               Where where = Where::current());
// Indices only (int64, no gradient); over the flattened tensor without dim.
Tensor argmax(const Tensor& x, std::optional<std::int64_t> dim = std::nullopt, bool keepdim = false);
Tensor argmin(const Tensor& x, std::optional<std::int64_t> dim = std::nullopt, bool keepdim = false);
Tensor prod(const Tensor& x, Where where = Where::current());
Tensor prod(const Tensor& x, std::int64_t dim, bool keepdim = false, Where where = Where::current());
Tensor cumsum(const Tensor& x, std::int64_t dim, Where where = Where::current());
// The vector p-norm over every element, or over dims (all when empty), as torch.norm: p = 2
// (the default; its gradient is 0 where the norm is 0, as torch's), 1, inf, -inf, 0 (a count,
// without gradient) or any other p (autograd/gates/norm_gate.cpp). Floating x only.
Tensor norm(const Tensor& x, Scalar p = 2, Where where = Where::current());
Tensor norm(const Tensor& x, std::optional<Scalar> p, IntArrayRef dims, bool keepdim = false,
            Where where = Where::current());
// Variance and standard deviation over dims (all when empty), with Bessel's correction when
// unbiased, as torch.var / torch.std; composed of recorded ops.
Tensor var(const Tensor& x, bool unbiased = true, Where where = Where::current());
Tensor var(const Tensor& x, IntArrayRef dims, bool unbiased = true, bool keepdim = false,
           Where where = Where::current());
Tensor std(const Tensor& x, bool unbiased = true, Where where = Where::current());
Tensor std(const Tensor& x, IntArrayRef dims, bool unbiased = true, bool keepdim = false,
           Where where = Where::current());
Tensor logsumexp(const Tensor& x, IntArrayRef dims, bool keepdim = false, Where where = Where::current());
// var(x, 0) and var(x, {0, 1}) name dims: without these, an int or a braced list would convert
// to `unbiased` (a bool), the overload above (LibTorch's trap; see docs/PORTING.md).
template <std::integral I>
  requires(!std::is_same_v<I, bool>)
Tensor var(const Tensor& x, I dim, bool unbiased = true, bool keepdim = false, Where where = Where::current()) {
  const auto d = static_cast<std::int64_t>(dim);
  return var(x, IntArrayRef(d), unbiased, keepdim, where);
}
inline Tensor var(const Tensor& x, std::initializer_list<std::int64_t> dims, bool unbiased = true,
                  bool keepdim = false, Where where = Where::current()) {
  return var(x, IntArrayRef(dims), unbiased, keepdim, where);
}
template <std::integral I>
  requires(!std::is_same_v<I, bool>)
Tensor std(const Tensor& x, I dim, bool unbiased = true, bool keepdim = false, Where where = Where::current()) {
  const auto d = static_cast<std::int64_t>(dim);
  return std(x, IntArrayRef(d), unbiased, keepdim, where);
}
inline Tensor std(const Tensor& x, std::initializer_list<std::int64_t> dims, bool unbiased = true,
                  bool keepdim = false, Where where = Where::current()) {
  return std(x, IntArrayRef(dims), unbiased, keepdim, where);
}

// --- indexing with int64 indices (autograd/gates/indexing_gates.cpp) --------------------------
// As torch.gather / scatter / scatter_add / index_select / index_add; each backward is the
// other op of its pair. sort and topk return (values, int64 indices), values by gather.
Tensor gather(const Tensor& x, std::int64_t dim, const Tensor& index, Where where = Where::current());
Tensor scatter(const Tensor& self, std::int64_t dim, const Tensor& index, const Tensor& src,
               Where where = Where::current());
Tensor scatter(const Tensor& self, std::int64_t dim, const Tensor& index, Scalar value,
               Where where = Where::current());
Tensor scatter_add(const Tensor& self, std::int64_t dim, const Tensor& index, const Tensor& src,
                   Where where = Where::current());
Tensor index_select(const Tensor& x, std::int64_t dim, const Tensor& index, Where where = Where::current());
Tensor index_add(const Tensor& self, std::int64_t dim, const Tensor& index, const Tensor& source,
                 Scalar alpha = 1, Where where = Where::current());
std::tuple<Tensor, Tensor> sort(const Tensor& x, std::int64_t dim = -1, bool descending = false,
                                Where where = Where::current());
std::tuple<Tensor, Tensor> topk(const Tensor& x, std::int64_t k, std::int64_t dim = -1,
                                bool largest = true, bool sorted = true, Where where = Where::current());

// --- LibTorch's tensor indexing (autograd/tensor_index.cpp; the index types are in
// tensor/tensor_index.hpp): x.index({Slice(), 0, mask}) reads, index_put writes a copy ------
Tensor index(const Tensor& x, std::span<const indexing::TensorIndex> indices, Where where = Where::current());
// A copy of x with values (broadcast to the part the indices choose) written there, or added
// (accumulate, duplicates summed); differentiable in x and values.
Tensor index_put(const Tensor& x, std::span<const indexing::TensorIndex> indices, const Tensor& values,
                 bool accumulate = false, Where where = Where::current());
// A copy of x with source's elements at the flat (row-major) positions index holds, as torch.put.
Tensor put(const Tensor& x, const Tensor& index, const Tensor& source, bool accumulate = false,
           Where where = Where::current());

// softmax / log_softmax along dim, stable (autograd/gates/softmax_gate.cpp).
Tensor softmax(const Tensor& x, std::int64_t dim, Where where = Where::current());
Tensor log_softmax(const Tensor& x, std::int64_t dim, Where where = Where::current());

// --- matrix products (autograd/gates/mul_gate.cpp, linalg_gates.cpp), as torch's -------------
// All on gategrad's GEMM (float32, float64); transposed views and expanded batches are read in
// place. mm: (M,K) x (K,N) -> (M,N).
Tensor mm(const Tensor& a, const Tensor& b, Where where = Where::current());
// torch.matmul: 1-D x 1-D is dot; a 1-D operand is a row on the left, a column on the right
// (its dim dropped from the result); N-D operands are batches of matrices over their last two
// dims, the batch dims broadcasting ((2,1,3,4) x (5,4,6) -> (2,5,3,6)).
Tensor matmul(const Tensor& a, const Tensor& b, Where where = Where::current());
// (B,M,K) x (B,K,N) -> (B,M,N), without broadcasting.
Tensor bmm(const Tensor& a, const Tensor& b, Where where = Where::current());
// beta * input + alpha * mat1 mat2, input broadcasting to (M,N); beta 0 ignores input (NaN
// in it does not propagate).
Tensor addmm(const Tensor& input, const Tensor& mat1, const Tensor& mat2, Scalar beta = 1,
             Scalar alpha = 1, Where where = Where::current());
// beta * input + alpha * bmm(batch1, batch2), input broadcasting to (B,M,N).
Tensor baddbmm(const Tensor& input, const Tensor& batch1, const Tensor& batch2, Scalar beta = 1,
               Scalar alpha = 1, Where where = Where::current());
// Two 1-D tensors of one size and dtype -> a rank-0 tensor.
Tensor dot(const Tensor& a, const Tensor& b, Where where = Where::current());
// (M,K) x (K) -> (M).
Tensor mv(const Tensor& m, const Tensor& v, Where where = Where::current());
// (M) x (N) -> (M,N), a[i] b[j].
Tensor outer(const Tensor& a, const Tensor& b, Where where = Where::current());
// Einstein summation, as torch.einsum (autograd/einsum.cpp): "ij,jk->ik", "bhqd,bhkd->bhqk",
// "i,j->ij", "ii->i", implicit outputs ("ij,jk"), "..." for broadcast dims. Any number of
// operands, contracted left to right, each pair by one batched product of permuted views; a
// label of size 1 broadcasts. Composed of differentiable ops.
Tensor einsum(std::string_view equation, TensorList tensors, Where where = Where::current());

// --- views and copies, as the Tensor methods of the same names (differentiable) --------------
Tensor view(const Tensor& x, IntArrayRef sizes, Where where = Where::current());
Tensor reshape(const Tensor& x, IntArrayRef sizes, Where where = Where::current());
Tensor flatten(const Tensor& x, std::int64_t start_dim = 0, std::int64_t end_dim = -1,
               Where where = Where::current());
Tensor permute(const Tensor& x, IntArrayRef dims, Where where = Where::current());
Tensor transpose(const Tensor& x, std::int64_t dim0, std::int64_t dim1, Where where = Where::current());
Tensor narrow(const Tensor& x, std::int64_t dim, std::int64_t start, std::int64_t length,
              Where where = Where::current());
Tensor slice(const Tensor& x, std::int64_t dim, std::optional<std::int64_t> start,
             std::optional<std::int64_t> end, std::int64_t step = 1, Where where = Where::current());
Tensor select(const Tensor& x, std::int64_t dim, std::int64_t index, Where where = Where::current());
Tensor unsqueeze(const Tensor& x, std::int64_t dim, Where where = Where::current());
Tensor squeeze(const Tensor& x, Where where = Where::current());
Tensor squeeze(const Tensor& x, std::int64_t dim, Where where = Where::current());
Tensor expand(const Tensor& x, IntArrayRef sizes, Where where = Where::current());
Tensor contiguous(const Tensor& x, Where where = Where::current());
Tensor clone(const Tensor& x, Where where = Where::current());
Tensor to(const Tensor& x, Dtype dtype, Where where = Where::current());

// --- shape ops (autograd/gates/shape_gates.cpp), as torch's ----------------------------------
// cat is one node with an input per tensor (dX_i = dY narrowed to X_i's part); stack is cat of
// unsqueezed tensors. split, split_with_sizes, chunk and unbind return views (narrow, select),
// whose gradients come from the view gates. flip, tril, triu and constant_pad_nd are gates of
// their own, each its own backward (constant_pad_nd's with the pads negated); roll is cat of two
// narrows per dim, repeat an expand of a reshape, copied.
Tensor cat(TensorList tensors, std::int64_t dim = 0, Where where = Where::current());
Tensor stack(TensorList tensors, std::int64_t dim = 0, Where where = Where::current());
std::vector<Tensor> split(const Tensor& x, std::int64_t split_size, std::int64_t dim = 0,
                          Where where = Where::current());
std::vector<Tensor> split(const Tensor& x, IntArrayRef split_sizes, std::int64_t dim = 0,
                          Where where = Where::current());
std::vector<Tensor> split_with_sizes(const Tensor& x, IntArrayRef split_sizes, std::int64_t dim = 0,
                                     Where where = Where::current());
std::vector<Tensor> chunk(const Tensor& x, std::int64_t chunks, std::int64_t dim = 0,
                          Where where = Where::current());
std::vector<Tensor> unbind(const Tensor& x, std::int64_t dim = 0, Where where = Where::current());
Tensor flip(const Tensor& x, IntArrayRef dims, Where where = Where::current());
// Empty dims: x flattened, rolled, and given its sizes back.
Tensor roll(const Tensor& x, IntArrayRef shifts, IntArrayRef dims = {}, Where where = Where::current());
Tensor repeat(const Tensor& x, IntArrayRef repeats, Where where = Where::current());
Tensor tril(const Tensor& x, std::int64_t diagonal = 0, Where where = Where::current());
Tensor triu(const Tensor& x, std::int64_t diagonal = 0, Where where = Where::current());
// pad = (left, right) of the last dim, then of the one before, ...; negative pads crop.
// gg::nn::functional::pad (nn/functional.hpp) is the same in LibTorch's options spelling.
Tensor constant_pad_nd(const Tensor& x, IntArrayRef pad, Scalar value = 0, Where where = Where::current());

// --- losses ----------------------------------------------------------------------------------
// Mean softmax cross-entropy of logits (N,C) against int64 class indices (N) in [0, C), fused
// and stable: its gradient is (softmax(z) - onehot(y)) / N. Throws ShapeError, or
// std::out_of_range naming the first bad label.
Tensor cross_entropy(const Tensor& logits, const Tensor& target, Where where = Where::current());

// --- regularisers (autograd/gates/dropout_gate.cpp, l2_penalty_gate.cpp) ----------------------
// Inverted dropout: zeroes each element with probability p and scales the rest by 1/(1-p), so
// the expectation is unchanged; x itself when !training or p == 0. One draw of gen.uniform01()
// per element in row-major order (the old core's stream). Throws std::invalid_argument unless
// 0 <= p <= 1, or for a non-floating x.
Tensor dropout(const Tensor& x, double p, Generator& gen, bool training = true,
               Where where = Where::current());
// torch::dropout(x, p, train): the same, drawing from gg::default_generator().
Tensor dropout(const Tensor& x, double p, bool train, Where where = Where::current());
// lambda * sum(W^2), a rank-0 tensor of W's dtype, fused (dW = 2 lambda W dy, one gradient
// contribution, no temporaries of W's size in the forward). Throws std::invalid_argument unless
// lambda is finite and >= 0.
Tensor l2_penalty(const Tensor& w, double lambda, Where where = Where::current());

// --- operators: the converting wrappers carry the caller's line into the op -------------------
// A tensor operand that remembers the source line of the expression it appears in: the
// defaulted argument of this converting constructor is evaluated where the conversion happens,
// in the user's expression.
struct Located {
  Located(const Tensor& t, Where w = Where::current()) : tensor(t), where(w) {}  // NOLINT: implicit
  const Tensor& tensor;
  Where where;
};
// The same for a number operand.
struct LocatedScalar {
  template <class N>
    requires std::is_arithmetic_v<N>
  LocatedScalar(N v, Where w = Where::current()) : value(v), where(w) {}  // NOLINT: implicit
  LocatedScalar(Scalar v, Where w = Where::current()) : value(v), where(w) {}  // NOLINT: t + s.item()
  Scalar value;
  Where where;
};

inline Tensor operator+(const Tensor& a, Located b) { return add(a, b.tensor, b.where); }
inline Tensor operator-(const Tensor& a, Located b) { return sub(a, b.tensor, b.where); }
inline Tensor operator*(const Tensor& a, Located b) { return mul(a, b.tensor, b.where); }
inline Tensor operator/(const Tensor& a, Located b) { return div(a, b.tensor, b.where); }
inline Tensor operator+(const Tensor& a, LocatedScalar b) { return add(a, b.value, b.where); }
inline Tensor operator-(const Tensor& a, LocatedScalar b) { return sub(a, b.value, b.where); }
inline Tensor operator*(const Tensor& a, LocatedScalar b) { return mul(a, b.value, b.where); }
inline Tensor operator/(const Tensor& a, LocatedScalar b) { return div(a, b.value, b.where); }
inline Tensor operator+(LocatedScalar a, const Tensor& b) { return add(b, a.value, a.where); }
inline Tensor operator-(LocatedScalar a, const Tensor& b) { return rsub(b, a.value, a.where); }
inline Tensor operator*(LocatedScalar a, const Tensor& b) { return mul(b, a.value, a.where); }
inline Tensor operator/(LocatedScalar a, const Tensor& b) { return rdiv(b, a.value, a.where); }
inline Tensor operator-(Located x) { return neg(x.tensor, x.where); }

// Compound assignment is the in-place op, as LibTorch's (x += y is x.add_(y)): recorded as
// those are, so a leaf that requires grad is refused outside a NoGradGuard.
inline const Tensor& operator+=(const Tensor& a, Located b) { return a.add_(b.tensor, 1, b.where); }
inline const Tensor& operator-=(const Tensor& a, Located b) { return a.sub_(b.tensor, 1, b.where); }
inline const Tensor& operator*=(const Tensor& a, Located b) { return a.mul_(b.tensor, b.where); }
inline const Tensor& operator/=(const Tensor& a, Located b) { return a.div_(b.tensor, b.where); }
inline const Tensor& operator+=(const Tensor& a, LocatedScalar b) { return a.add_(b.value, 1, b.where); }
inline const Tensor& operator-=(const Tensor& a, LocatedScalar b) { return a.sub_(b.value, 1, b.where); }
inline const Tensor& operator*=(const Tensor& a, LocatedScalar b) { return a.mul_(b.value, b.where); }
inline const Tensor& operator/=(const Tensor& a, LocatedScalar b) { return a.div_(b.value, b.where); }

// Comparisons give bool tensors, as LibTorch's (x > 0, a == b); & | ^ ~ are the logical ops
// of bool tensors (LibTorch's bitwise ops, which on bool are the same).
#define GG_COMPARISON(op, fn)                                                              \
  inline Tensor operator op(const Tensor& a, const Tensor& b) { return fn(a, b); }         \
  inline Tensor operator op(const Tensor& a, Scalar b) { return fn(a, b); }                \
  template <class N>                                                                       \
    requires std::is_arithmetic_v<N>                                                       \
  inline Tensor operator op(const Tensor& a, N b) { return fn(a, Scalar(b)); }
GG_COMPARISON(==, eq)
GG_COMPARISON(!=, ne)
GG_COMPARISON(<, lt)
GG_COMPARISON(<=, le)
GG_COMPARISON(>, gt)
GG_COMPARISON(>=, ge)
#undef GG_COMPARISON
// A number on the left: 0 < x is x > 0.
template <class N>
  requires std::is_arithmetic_v<N>
inline Tensor operator<(N a, const Tensor& b) { return gt(b, Scalar(a)); }
template <class N>
  requires std::is_arithmetic_v<N>
inline Tensor operator>(N a, const Tensor& b) { return lt(b, Scalar(a)); }
template <class N>
  requires std::is_arithmetic_v<N>
inline Tensor operator<=(N a, const Tensor& b) { return ge(b, Scalar(a)); }
template <class N>
  requires std::is_arithmetic_v<N>
inline Tensor operator>=(N a, const Tensor& b) { return le(b, Scalar(a)); }
inline Tensor operator&(const Tensor& a, const Tensor& b) { return logical_and(a, b); }
inline Tensor operator|(const Tensor& a, const Tensor& b) { return logical_or(a, b); }
inline Tensor operator^(const Tensor& a, const Tensor& b) { return logical_xor(a, b); }
inline Tensor operator~(const Tensor& x) { return logical_not(x); }

}  // namespace gg
