// The matrix products beyond mm, as LibTorch's: matmul with its broadcasting, bmm, addmm,
// baddbmm, dot, mv and outer. Two gates (BmmGate, and AddProductGate for addmm and baddbmm);
// the rest are compositions of them, mm and views, whose gradients follow. Each backward is
// written in differentiable ops, so that it records under create_graph.
#include <gategrad/autograd/ops.hpp>
#include <gategrad/autograd/recording.hpp>
#include <gategrad/tensor/native.hpp>

#include <cstdint>
#include <stdexcept>
#include <string>

namespace gg {
namespace {

// BmmGate: Y = A B matrix by matrix.  A:(*,M,K) B:(*,K,N) -> Y:(*,M,N), the batch dims (*)
// shared (an expanded operand's stride 0 included; its ExpandGate sums the gradient back).
// dA = dY B^T, dB = A^T dY per matrix: batched products of transposed views, read in place.
struct BmmGate final : autograd::Node {
  static constexpr const char* kName = "BmmGate";
  autograd::SavedTensor a, b;
  void backward(const Tensor& dout, std::span<Tensor> din) override;
  void release() override { a.reset(); b.reset(); }
};

// a:(*,M,K) x b:(*,K,N) with the same batch dims, recorded as one BmmGate.
Tensor batched_product(const Tensor& a, const Tensor& b, Where where = Where::current()) {
  return autograd::record<BmmGate>(native::matmul(a, b), {&a, &b}, where, [&](BmmGate& g) {
    if (g.needs_grad(1)) g.a = g.save(a);
    if (g.needs_grad(0)) g.b = g.save(b);
  });
}

void BmmGate::backward(const Tensor& dout, std::span<Tensor> din) {
  if (needs_grad(0)) din[0] = batched_product(dout, transpose(b.unpack(*this), -2, -1));  // (*,M,N)(*,N,K)
  if (needs_grad(1)) din[1] = batched_product(transpose(a.unpack(*this), -2, -1), dout);  // (*,K,M)(*,M,N)
}

// AddProductGate: Y = beta C + alpha A B, C broadcasting to Y.  addmm: A:(M,K) B:(K,N);
// baddbmm: A:(B,M,K) B:(B,K,N).  dC = beta dY summed to C's sizes, dA = alpha dY B^T,
// dB = alpha A^T dY.
template <bool Batched>
struct AddProductGate final : autograd::Node {
  static constexpr const char* kName = Batched ? "BaddbmmGate" : "AddmmGate";
  autograd::SavedTensor a, b;
  Scalar beta = 1, alpha = 1;
  void backward(const Tensor& dout, std::span<Tensor> din) override {
    if (needs_grad(0)) din[0] = sum_to_size(scaled(dout, beta), IntArrayRef(edges[0].sizes));
    if (needs_grad(1)) din[1] = scaled(product(dout, transpose(b.unpack(*this), -2, -1)), alpha);
    if (needs_grad(2)) din[2] = scaled(product(transpose(a.unpack(*this), -2, -1), dout), alpha);
  }
  void release() override { a.reset(); b.reset(); }

  static Tensor product(const Tensor& x, const Tensor& y) {
    if constexpr (Batched) return bmm(x, y);
    else return mm(x, y);
  }
  static Tensor scaled(const Tensor& x, Scalar s) { return s.to<double>() == 1.0 ? x : mul(x, s); }
};

std::string sizes_of(const Tensor& t) { return to_string(t.sizes()); }

// Whether sizes `from` broadcast to `to` (NumPy rules, aligned from the right).
bool broadcasts_to(IntArrayRef from, IntArrayRef to) {
  if (from.size() > to.size()) return false;
  for (std::size_t i = 1; i <= from.size(); ++i) {
    const std::int64_t f = from[from.size() - i];
    if (f != 1 && f != to[to.size() - i]) return false;
  }
  return true;
}

// beta * input + alpha * a b for addmm (rank 2) and baddbmm (rank 3): the checks name the op
// and its arguments as torch's do (mat1, mat2; batch1, batch2).
template <bool Batched>
Tensor add_product(const char* op, const Tensor& input, const Tensor& a, const Tensor& b,
                   Scalar beta, Scalar alpha, Where where) {
  constexpr std::int64_t rank = Batched ? 3 : 2;
  const char* a_name = Batched ? "batch1" : "mat1";
  const char* b_name = Batched ? "batch2" : "mat2";
  const std::string got = std::string(op) + ": " + a_name + " is " + sizes_of(a) + " and " + b_name +
                          " is " + sizes_of(b);
  if (a.dim() != rank || b.dim() != rank) {
    throw ShapeError(got + ", expected two " + (Batched ? "batches of matrices (3-D)" : "matrices (2-D)"));
  }
  if (Batched && a.size(0) != b.size(0)) {
    throw ShapeError(got + ": the batch sizes " + std::to_string(a.size(0)) + " and " +
                     std::to_string(b.size(0)) + " must be equal");
  }
  if (a.size(rank - 1) != b.size(rank - 2)) {
    throw ShapeError(got + ": " + a_name + "'s size " + std::to_string(rank - 1) + " (" +
                     std::to_string(a.size(rank - 1)) + ") must equal " + b_name + "'s size " +
                     std::to_string(rank - 2) + " (" + std::to_string(b.size(rank - 2)) + ")");
  }
  if (input.dtype() != a.dtype() || b.dtype() != a.dtype()) {
    throw std::invalid_argument(std::string(op) + ": input is " + name(input.dtype()) + ", " + a_name +
                                " " + name(a.dtype()) + " and " + b_name + " " + name(b.dtype()) +
                                ", expected one dtype (convert with .to(...) first)");
  }
  SizeVector out_sizes;
  if (Batched) out_sizes.push_back(a.size(0));
  out_sizes.push_back(a.size(rank - 2));
  out_sizes.push_back(b.size(rank - 1));
  if (!broadcasts_to(input.sizes(), out_sizes)) {
    throw ShapeError(std::string(op) + ": input is " + sizes_of(input) + ", expected sizes that broadcast to " +
                     to_string(IntArrayRef(out_sizes)) + " (" + a_name + " " + sizes_of(a) + " times " +
                     b_name + " " + sizes_of(b) + ")");
  }
  // beta 0 ignores input (its NaN and Inf do not propagate, as torch's): the GEMM never reads C.
  Tensor out = empty(out_sizes, a.dtype());
  if (beta.to<double>() != 0.0) native::copy_(out, input);
  if constexpr (Batched) native::baddbmm_(out, a, b, beta, alpha);
  else native::addmm_(out, a, b, beta, alpha);
  using Gate = AddProductGate<Batched>;
  return autograd::record<Gate>(std::move(out), {&input, &a, &b}, where, [&](Gate& g) {
    if (g.needs_grad(2)) g.a = g.save(a);
    if (g.needs_grad(1)) g.b = g.save(b);
    g.beta = beta;
    g.alpha = alpha;
  });
}

}  // namespace

// torch.matmul. 1-D and 2-D operands: mm and views (a vector is a row on the left, a column on
// the right). a:(*,M,K) with b 1-D or 2-D: a folded to (* M, K), one mm, as torch folds it.
// Otherwise the batch dims broadcast: both operands are expanded (views) to the broadcast batch
// and multiplied by one BmmGate; each ExpandGate sums its gradient back.
Tensor matmul(const Tensor& a, const Tensor& b, Where where) {
  const SizeVector batch = native::matmul_batch_sizes(a, b);  // matmul's checks, and errors
  const std::int64_t da = a.dim(), db = b.dim();
  if (da == 2 && db == 2) return mm(a, b, where);
  if (da == 1 && db == 1) return sum(mul(a, b, where), where);
  if (da == 1 && db == 2) return squeeze(mm(unsqueeze(a, 0, where), b, where), 0, where);
  if (da == 2 && db == 1) return squeeze(mm(a, unsqueeze(b, 1, where), where), 1, where);
  const std::int64_t K = a.size(da - 1);
  if (db <= 2) {
    std::int64_t rows = 1;
    for (std::int64_t d = 0; d + 1 < da; ++d) rows *= a.size(d);
    SizeVector out_sizes(a.sizes().begin(), a.sizes().end() - 1);
    if (db == 2) out_sizes.push_back(b.size(1));
    return reshape(matmul(reshape(a, {rows, K}, where), b, where), out_sizes, where);
  }
  const Tensor a2 = da == 1 ? unsqueeze(a, 0, where) : a;
  const Tensor b2 = db == 1 ? unsqueeze(b, 1, where) : b;
  SizeVector a_sizes = batch, b_sizes = batch;
  a_sizes.push_back(a2.size(-2));
  a_sizes.push_back(K);
  b_sizes.push_back(K);
  b_sizes.push_back(b2.size(-1));
  Tensor out = batched_product(expand(a2, a_sizes, where), expand(b2, b_sizes, where), where);
  if (db == 1) out = squeeze(out, -1, where);
  if (da == 1) out = squeeze(out, -2, where);
  return out;
}

Tensor bmm(const Tensor& a, const Tensor& b, Where where) {
  return autograd::record<BmmGate>(native::bmm(a, b), {&a, &b}, where, [&](BmmGate& g) {
    if (g.needs_grad(1)) g.a = g.save(a);
    if (g.needs_grad(0)) g.b = g.save(b);
  });
}

Tensor addmm(const Tensor& input, const Tensor& mat1, const Tensor& mat2, Scalar beta, Scalar alpha,
             Where where) {
  return add_product<false>("addmm", input, mat1, mat2, beta, alpha, where);
}

Tensor baddbmm(const Tensor& input, const Tensor& batch1, const Tensor& batch2, Scalar beta,
               Scalar alpha, Where where) {
  return add_product<true>("baddbmm", input, batch1, batch2, beta, alpha, where);
}

Tensor dot(const Tensor& a, const Tensor& b, Where where) {
  if (a.dim() != 1 || b.dim() != 1 || a.size(0) != b.size(0)) {
    throw ShapeError("dot: a is " + sizes_of(a) + " and b is " + sizes_of(b) +
                     ", expected two 1-D tensors of the same size");
  }
  if (a.dtype() != b.dtype()) {
    throw std::invalid_argument(std::string("dot: a is ") + name(a.dtype()) + " and b is " +
                                name(b.dtype()) + ", expected the same dtype");
  }
  return sum(mul(a, b, where), where);
}

Tensor mv(const Tensor& m, const Tensor& v, Where where) {
  if (m.dim() != 2 || v.dim() != 1) {
    throw ShapeError("mv: m is " + sizes_of(m) + " and v is " + sizes_of(v) +
                     ", expected a matrix (2-D) and a vector (1-D)");
  }
  return matmul(m, v, where);
}

// a:(M) b:(N) -> (M,N), a[i] b[j]: a broadcast product, so exact and without a GEMM call.
Tensor outer(const Tensor& a, const Tensor& b, Where where) {
  if (a.dim() != 1 || b.dim() != 1) {
    throw ShapeError("outer: a is " + sizes_of(a) + " and b is " + sizes_of(b) + ", expected two 1-D tensors");
  }
  return mul(unsqueeze(a, 1, where), unsqueeze(b, 0, where), where);
}

}  // namespace gg
