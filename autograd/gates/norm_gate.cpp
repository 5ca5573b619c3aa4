// The vector p-norm, as torch.norm / Tensor::norm over every element or over dims:
//   p = 2        Norm2Gate: Y = sqrt(sum X^2).  dX = X dY / Y, and 0 where Y = 0 (there X is 0),
//                as torch's, where sqrt's own gradient would give NaN; written in recorded ops,
//                so it differentiates again.
//   p = 1        sum |X|;  p = inf / -inf: amax / amin of |X| (the gradient spread evenly over
//                ties, as torch's);  p = 0: the count of nonzero elements (no gradient);
//   other p      (sum |X|^p)^(1/p), composed.
#include <gategrad/autograd/ops.hpp>
#include <gategrad/autograd/recording.hpp>
#include <gategrad/tensor/factory.hpp>
#include <gategrad/tensor/native.hpp>
#include <gategrad/tensor/shape.hpp>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace gg {
namespace {

struct Norm2Gate final : autograd::Node {
  static constexpr const char* kName = "Norm2Gate";
  autograd::SavedTensor x, y;
  SizeVector dims;  // sorted, non-negative
  bool keepdim = false;
  void backward(const Tensor& dout, std::span<Tensor> din) override {
    Tensor d = dout, n = y.unpack(*this);
    if (!keepdim) {
      for (std::int64_t dim : dims) {
        d = unsqueeze(d, dim);
        n = unsqueeze(n, dim);
      }
    }
    const Tensor safe = gg::where(eq(n, 0), ones_like(n), n);
    din[0] = mul(x.unpack(*this), div(d, safe));
  }
  void release() override {
    x.reset();
    y.reset();
  }
};

}  // namespace

Tensor norm(const Tensor& x, std::optional<Scalar> p, IntArrayRef dims, bool keepdim, Where where) {
  if (!x.is_floating_point()) {
    throw std::invalid_argument("norm: got a tensor of dtype " + std::string(gg::name(x.dtype())) +
                                ", expected a floating one (convert with .to(gg::kFloat32))");
  }
  SizeVector d;
  for (std::int64_t dim : dims) d.push_back(wrap_dim("norm", dim, std::max<std::int64_t>(x.dim(), 1)));
  if (d.empty()) {
    for (std::int64_t dim = 0; dim < x.dim(); ++dim) d.push_back(dim);
  }
  std::sort(d.begin(), d.end());
  if (std::adjacent_find(d.begin(), d.end()) != d.end()) {
    throw std::invalid_argument("norm: dim " + std::to_string(*std::adjacent_find(d.begin(), d.end())) +
                                " appears more than once in " + to_string(dims));
  }
  const double order = p.has_value() ? p->to<double>() : 2.0;
  if (order == 2.0) {
    Tensor y = native::sqrt(native::sum(native::mul(x, x), d, keepdim));
    return autograd::record<Norm2Gate>(y, {&x}, where, [&](Norm2Gate& g) {
      g.x = g.save(x);
      g.y = g.save(y, true);
      g.dims = d;
      g.keepdim = keepdim;
    });
  }
  if (order == 1.0) return sum(abs(x, where), d, keepdim, where);
  if (order == INFINITY) return amax(abs(x, where), d, keepdim, where);
  if (order == -INFINITY) return amin(abs(x, where), d, keepdim, where);
  if (order == 0.0) return native::to(native::sum(native::ne(x, 0), d, keepdim), x.dtype());
  return pow(sum(pow(abs(x, where), order, where), d, keepdim, where), 1.0 / order, where);
}

Tensor norm(const Tensor& x, Scalar p, Where where) { return norm(x, p, {}, false, where); }

}  // namespace gg
