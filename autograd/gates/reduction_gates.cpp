// The reduction gates beside SumGate (sum_gate.cpp), and the reductions composed of ops:
//   ExtremeGate   Y = amax / amin over dims (max() / min() over all)
//                 dX = dY, spread evenly over the elements equal to the extreme (as torch)
//   CumsumGate    Y = cumsum(X, d) (or from the end)   dX = cumsum of dY from the other end
//   ProdGate      Y = prod(X) over all or along d       dX = dY * Y / X (without zeros in X), or
//                 dY times the product of the others, computed directly (first order only)
//   var, std, logsumexp: compositions of recorded ops, differentiable to any order.
#include <gategrad/autograd/ops.hpp>
#include <gategrad/autograd/recording.hpp>
#include <gategrad/tensor/factory.hpp>
#include <gategrad/tensor/native.hpp>
#include <gategrad/tensor/shape.hpp>

#include <algorithm>
#include <cmath>
#include <optional>
#include <stdexcept>

namespace gg {
namespace {

// The reduced dims, sorted, from `dims` (empty: all) of a rank-`rank` input.
SizeVector reduced_dims(const char* op, IntArrayRef dims, std::int64_t rank) {
  SizeVector out;
  if (dims.empty()) {
    for (std::int64_t d = 0; d < rank; ++d) out.push_back(d);
  } else {
    for (const std::int64_t d : dims) out.push_back(wrap_dim(op, d, std::max<std::int64_t>(rank, 1)));
  }
  std::sort(out.begin(), out.end());
  return out;
}

// dY with the reduced dims put back as size 1, so that it broadcasts against X.
Tensor unreduce(const Tensor& dy, const SizeVector& dims, bool keepdim, const Where& where) {
  if (keepdim) return dy;
  Tensor g = dy;
  for (const std::int64_t d : dims) g = unsqueeze(g, d, where);
  return g;
}

struct ExtremeGate final : autograd::Node {
  static constexpr const char* kName = "ExtremeGate";
  Tensor share;  // (X == Y) / count of the ties: X's sizes, constant
  SizeVector dims;
  bool keepdim = false;
  void backward(const Tensor& dout, std::span<Tensor> din) override {
    din[0] = mul(unreduce(dout, dims, keepdim, where), share, where);
  }
  void release() override { share = Tensor(); }
};

Tensor record_extreme(const Tensor& x, Tensor y, const char* op, IntArrayRef dims, bool keepdim,
                      const Where& where) {
  return autograd::record<ExtremeGate>(y, {&x}, where, [&](ExtremeGate& g) {
    g.dims = reduced_dims(op, dims, x.dim());
    g.keepdim = keepdim;
    Tensor y_kept = y;
    if (!keepdim) {
      for (const std::int64_t d : g.dims) y_kept = native::unsqueeze(y_kept, d);
    }
    const Tensor hit = native::to(native::eq(x, y_kept), x.dtype());
    g.share = native::div(hit, native::sum(hit, g.dims, true));
  });
}

struct CumsumGate final : autograd::Node {
  static constexpr const char* kName = "CumsumGate";
  std::int64_t dim = 0;
  bool reverse = false;
  void backward(const Tensor& dout, std::span<Tensor> din) override;
  void release() override {}
};

Tensor cumsum_directed(const Tensor& x, std::int64_t dim, bool reverse, const Where& where) {
  return autograd::record<CumsumGate>(native::cumsum(x, dim, reverse), {&x}, where, [&](CumsumGate& g) {
    g.dim = wrap_dim("cumsum", dim, std::max<std::int64_t>(x.dim(), 1));
    g.reverse = reverse;
  });
}

void CumsumGate::backward(const Tensor& dout, std::span<Tensor> din) {
  din[0] = cumsum_directed(dout, dim, !reverse, where);
}

struct ProdGate final : autograd::Node {
  static constexpr const char* kName = "ProdGate";
  autograd::SavedTensor x, y;
  std::optional<std::int64_t> dim;
  bool keepdim = false;
  void backward(const Tensor& dout, std::span<Tensor> din) override {
    const Tensor input = x.unpack(*this), output = y.unpack(*this);
    const SizeVector dims = dim ? SizeVector{*dim} : reduced_dims("prod", {}, input.dim());
    const Tensor dy = unreduce(dout, dims, keepdim || (!dim && input.dim() == 0), where);
    const Tensor y_kept = unreduce(output, dims, keepdim || (!dim && input.dim() == 0), where);
    if (native::sum(native::eq(input, 0)).item<std::int64_t>() == 0) {
      din[0] = mul(dy, div(y_kept, input, where), where);
      return;
    }
    if (is_grad_enabled()) {
      throw std::logic_error("backward of " + autograd::describe(*this) + ": the second derivative "
                             "of prod at an input holding zeros is not supported (create_graph)");
    }
    din[0] = native::mul(dy, others_product(input));
  }
  void release() override { x.reset(); y.reset(); }

  // For each element, the product of the other elements along its reduced run (all of x, or
  // dim): prefix and suffix products, O(n), exact where x holds zeros.
  Tensor others_product(const Tensor& input) const {
    std::int64_t outer = 1, len = input.numel(), inner = 1;
    if (dim) {
      len = input.dim() == 0 ? 1 : input.size(*dim);
      for (std::int64_t k = 0; k < input.dim(); ++k) {
        if (k < *dim) outer *= input.size(k);
        if (k > *dim) inner *= input.size(k);
      }
    }
    const Tensor c = native::contiguous(input);
    Tensor out = empty(input.sizes(), input.dtype());
    visit_dtype(input.dtype(), [&]<class T>() {
      if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double>) {
        const T* p = c.data_ptr<T>();
        T* o = out.data_ptr<T>();
        for (std::int64_t q = 0; q < outer; ++q) {
          for (std::int64_t i = 0; i < inner; ++i) {
            const auto at = [&](std::int64_t l) { return (q * len + l) * inner + i; };
            T before = 1;
            for (std::int64_t l = 0; l < len; ++l) {  // o = product of the elements before
              o[at(l)] = before;
              before *= p[at(l)];
            }
            T after = 1;
            for (std::int64_t l = len; l-- > 0;) {  // times the product of those after
              o[at(l)] *= after;
              after *= p[at(l)];
            }
          }
        }
      }
    });
    return out;
  }
};

Tensor record_prod(const Tensor& x, Tensor y, std::optional<std::int64_t> dim, bool keepdim,
                   const Where& where) {
  return autograd::record<ProdGate>(y, {&x}, where, [&](ProdGate& g) {
    g.x = g.save(x);
    g.y = g.save(y, true);
    if (dim) g.dim = wrap_dim("prod", *dim, std::max<std::int64_t>(x.dim(), 1));
    g.keepdim = keepdim;
  });
}

}  // namespace

Tensor amax(const Tensor& x, IntArrayRef dims, bool keepdim, Where where) {
  return record_extreme(x, native::amax(x, dims, keepdim), "amax", dims, keepdim, where);
}
Tensor amin(const Tensor& x, IntArrayRef dims, bool keepdim, Where where) {
  return record_extreme(x, native::amin(x, dims, keepdim), "amin", dims, keepdim, where);
}
Tensor max(const Tensor& x, Where where) { return record_extreme(x, native::max(x), "max", {}, false, where); }
Tensor min(const Tensor& x, Where where) { return record_extreme(x, native::min(x), "min", {}, false, where); }

Tensor cumsum(const Tensor& x, std::int64_t dim, Where where) { return cumsum_directed(x, dim, false, where); }

Tensor prod(const Tensor& x, Where where) { return record_prod(x, native::prod(x), std::nullopt, false, where); }
Tensor prod(const Tensor& x, std::int64_t dim, bool keepdim, Where where) {
  return record_prod(x, native::prod(x, dim, keepdim), dim, keepdim, where);
}

// var = sum((x - mean)^2) / (N - 1 if unbiased else N), over dims (all when empty).
Tensor var(const Tensor& x, IntArrayRef dims, bool unbiased, bool keepdim, Where where) {
  const SizeVector d = reduced_dims("var", dims, x.dim());
  std::int64_t n = 1;
  for (const std::int64_t k : d) n *= x.dim() == 0 ? 1 : x.size(k);
  const Tensor centered = sub(x, mean(x, d, true, where), where);
  const double divisor = static_cast<double>(n - (unbiased ? 1 : 0));
  return div(sum(mul(centered, centered, where), d, keepdim, where), divisor, where);
}
Tensor var(const Tensor& x, bool unbiased, Where where) { return var(x, {}, unbiased, false, where); }
Tensor std(const Tensor& x, IntArrayRef dims, bool unbiased, bool keepdim, Where where) {
  return sqrt(var(x, dims, unbiased, keepdim, where), where);
}
Tensor std(const Tensor& x, bool unbiased, Where where) { return std(x, {}, unbiased, false, where); }

// log(sum(exp(x))) over dims, stably: the maximum (a constant) is taken out first.
Tensor logsumexp(const Tensor& x, IntArrayRef dims, bool keepdim, Where where) {
  const SizeVector d = reduced_dims("logsumexp", dims, x.dim());
  Tensor m = native::amax(x, d, true);
  m = native::where(native::eq(native::abs(m), INFINITY), zeros_like(m), m);  // all -inf (or inf): shift by 0
  const Tensor s = log(sum(exp(sub(x, m, where), where), d, true, where), where);
  Tensor out = add(s, m, where);
  if (!keepdim) {
    for (auto it = d.rbegin(); it != d.rend(); ++it) out = squeeze(out, *it, where);
  }
  return out;
}

Tensor argmax(const Tensor& x, std::optional<std::int64_t> dim, bool keepdim) { return native::argmax(x, dim, keepdim); }
Tensor argmin(const Tensor& x, std::optional<std::int64_t> dim, bool keepdim) { return native::argmin(x, dim, keepdim); }

}  // namespace gg
