// The elementwise math gates: pow, rsqrt, abs, sign, clamp, maximum/minimum, sin, cos, log1p,
// expm1, erf. Each backward is written in differentiable ops (masks with gg::where), so that
// a second derivative records through it; the formulas, ties and zero cases are PyTorch 1.13's
// (tools/autograd/derivatives.yaml).
#include <gategrad/autograd/ops.hpp>
#include <gategrad/autograd/recording.hpp>
#include <gategrad/tensor/native.hpp>

#include <cmath>

namespace gg {
namespace {

// A 0-dim zero of t's dtype: the other branch of a masked gradient.
Tensor zero_like_scalar(const Tensor& t) { return scalar_tensor(0, t.dtype()); }

// A gate of one input x that saves x (or its output y) and whose gradient is dout * f(x, y).
template <class Derivative>
struct UnaryGate : autograd::Node {
  autograd::SavedTensor x, y;
  void backward(const Tensor& dout, std::span<Tensor> din) override {
    din[0] = Derivative{}(dout, x.defined() ? x.unpack(*this) : Tensor(),
                          y.defined() ? y.unpack(*this) : Tensor());
  }
  void release() override { x.reset(); y.reset(); }
};

enum class Save { Input, Output };
template <class Gate>
Tensor record_unary(const Tensor& x, Tensor y, Save save, const Where& where) {
  return autograd::record<Gate>(y, {&x}, where, [&](Gate& g) {
    if (save == Save::Input) g.x = g.save(x);
    else g.y = g.save(y, true);
  });
}

// --- pow ---------------------------------------------------------------------------------------

// PowGate: Y = X^p.  dX = dY p X^(p-1); 0 for p = 0 (even at X = 0, where X^-1 is inf).
struct PowGate final : autograd::Node {
  static constexpr const char* kName = "PowGate";
  autograd::SavedTensor x;
  Scalar p;
  void backward(const Tensor& dout, std::span<Tensor> din) override {
    const Tensor base = x.unpack(*this);
    if (p.to<double>() == 0) {
      din[0] = zeros_like(base);
      return;
    }
    din[0] = mul(dout, mul(pow(base, p.to<double>() - 1), p));
  }
  void release() override { x.reset(); }
};

// dY X^B log X, 0 where X = 0 and B >= 0 (the limit; log 0 = -inf would give NaN or -inf).
Tensor exponent_gradient(const Tensor& dout, const Tensor& base, const Tensor& exponent,
                         const Tensor& y) {
  const Tensor g = mul(dout, mul(y, log(base)));
  const Tensor limit = native::logical_and(native::eq(base, 0), native::ge(exponent, 0));
  return gg::where(limit, zero_like_scalar(g), g);
}

// PowTensorGate: Y = A^B, broadcasting.  dA = dY B A^(B-1) (0 where B = 0),
// dB = dY Y log A (0 where A = 0 and B >= 0), each summed to its input's sizes.
struct PowTensorGate final : autograd::Node {
  static constexpr const char* kName = "PowTensorGate";
  autograd::SavedTensor a, b, y;
  void backward(const Tensor& dout, std::span<Tensor> din) override {
    const Tensor base = a.unpack(*this), exponent = b.unpack(*this);
    if (needs_grad(0)) {
      const Tensor g = mul(dout, mul(exponent, pow(base, sub(exponent, 1))));
      din[0] = sum_to_size(gg::where(native::eq(exponent, 0), zero_like_scalar(g), g),
                           IntArrayRef(edges[0].sizes));
    }
    if (needs_grad(1)) {
      din[1] = sum_to_size(exponent_gradient(dout, base, exponent, y.unpack(*this)),
                           IntArrayRef(edges[1].sizes));
    }
  }
  void release() override { a.reset(); b.reset(); y.reset(); }
};

// PowScalarBaseGate: Y = s^B.  dB = dY Y log s (0 where s = 0 and B >= 0).
struct PowScalarBaseGate final : autograd::Node {
  static constexpr const char* kName = "PowScalarBaseGate";
  autograd::SavedTensor b, y;
  Scalar s;
  void backward(const Tensor& dout, std::span<Tensor> din) override {
    const Tensor exponent = b.unpack(*this);
    const Tensor g = mul(dout, mul(y.unpack(*this), std::log(s.to<double>())));
    din[0] = s.to<double>() == 0 ? gg::where(native::ge(exponent, 0), zero_like_scalar(g), g) : g;
  }
  void release() override { b.reset(); y.reset(); }
};

// --- unary -------------------------------------------------------------------------------------

// RsqrtGate: Y = X^(-1/2).  dX = -dY Y^3 / 2.
struct RsqrtDerivative {
  Tensor operator()(const Tensor& dout, const Tensor&, const Tensor& y) const {
    return mul(dout, mul(pow(y, 3), -0.5));
  }
};
struct RsqrtGate final : UnaryGate<RsqrtDerivative> { static constexpr const char* kName = "RsqrtGate"; };

// AbsGate: Y = |X|.  dX = dY sign(X) (0 at X = 0, as PyTorch).
struct AbsDerivative {
  Tensor operator()(const Tensor& dout, const Tensor& x, const Tensor&) const { return mul(dout, sign(x)); }
};
struct AbsGate final : UnaryGate<AbsDerivative> { static constexpr const char* kName = "AbsGate"; };

// SignGate: Y = sign(X).  dX = 0 (constant almost everywhere).
struct SignGate final : autograd::Node {
  static constexpr const char* kName = "SignGate";
  void backward(const Tensor& dout, std::span<Tensor> din) override { din[0] = zeros_like(dout); }
  void release() override {}
};

// SinGate: dX = dY cos(X).  CosGate: dX = -dY sin(X).
struct SinDerivative {
  Tensor operator()(const Tensor& dout, const Tensor& x, const Tensor&) const { return mul(dout, cos(x)); }
};
struct SinGate final : UnaryGate<SinDerivative> { static constexpr const char* kName = "SinGate"; };
struct CosDerivative {
  Tensor operator()(const Tensor& dout, const Tensor& x, const Tensor&) const { return neg(mul(dout, sin(x))); }
};
struct CosGate final : UnaryGate<CosDerivative> { static constexpr const char* kName = "CosGate"; };

// Log1pGate: Y = log(1 + X).  dX = dY / (1 + X).
struct Log1pDerivative {
  Tensor operator()(const Tensor& dout, const Tensor& x, const Tensor&) const { return div(dout, add(x, 1)); }
};
struct Log1pGate final : UnaryGate<Log1pDerivative> { static constexpr const char* kName = "Log1pGate"; };

// Expm1Gate: Y = exp(X) - 1.  dX = dY (Y + 1).
struct Expm1Derivative {
  Tensor operator()(const Tensor& dout, const Tensor&, const Tensor& y) const { return mul(dout, add(y, 1)); }
};
struct Expm1Gate final : UnaryGate<Expm1Derivative> { static constexpr const char* kName = "Expm1Gate"; };

// ErfGate: Y = erf(X).  dX = dY 2/sqrt(pi) exp(-X^2).
struct ErfDerivative {
  Tensor operator()(const Tensor& dout, const Tensor& x, const Tensor&) const {
    return mul(dout, mul(exp(neg(mul(x, x))), 1.12837916709551257390));
  }
};
struct ErfGate final : UnaryGate<ErfDerivative> { static constexpr const char* kName = "ErfGate"; };

// --- clamp, maximum, minimum -----------------------------------------------------------------

// ClampGate: Y = min(max(X, lo), hi).  dX = dY where lo <= X <= hi, else 0 (a NaN X gets 0).
// The mask is a constant: the backward is gg::where on dY, which records under create_graph.
struct ClampGate final : autograd::Node {
  static constexpr const char* kName = "ClampGate";
  autograd::SavedTensor x;
  std::optional<Scalar> lo, hi;
  void backward(const Tensor& dout, std::span<Tensor> din) override {
    const Tensor input = x.unpack(*this);
    Tensor pass = lo ? native::ge(input, *lo) : native::eq(input, input);
    if (hi) pass = native::logical_and(pass, native::le(input, *hi));
    din[0] = gg::where(pass, dout, zero_like_scalar(dout));
  }
  void release() override { x.reset(); }
};

// MaximumGate / MinimumGate: Y = max(A, B) / min(A, B), broadcasting.  The gradient goes to
// the operand that was taken, halved on ties (A == B), as PyTorch: dA = dY/2 where A == B,
// 0 where A < B (maximum) or A > B (minimum), else dY; dB symmetrically.
template <bool Max>
struct ExtremumGate : autograd::Node {
  autograd::SavedTensor a, b;
  void backward(const Tensor& dout, std::span<Tensor> din) override {
    const Tensor x0 = a.unpack(*this), x1 = b.unpack(*this);
    const Tensor tie = native::eq(x0, x1);
    const Tensor half = mul(dout, 0.5), zero = zero_like_scalar(dout);
    if (needs_grad(0)) {
      const Tensor lost = Max ? native::lt(x0, x1) : native::gt(x0, x1);
      din[0] = sum_to_size(gg::where(tie, half, gg::where(lost, zero, dout)), IntArrayRef(edges[0].sizes));
    }
    if (needs_grad(1)) {
      const Tensor lost = Max ? native::gt(x0, x1) : native::lt(x0, x1);
      din[1] = sum_to_size(gg::where(tie, half, gg::where(lost, zero, dout)), IntArrayRef(edges[1].sizes));
    }
  }
  void release() override { a.reset(); b.reset(); }
};
struct MaximumGate final : ExtremumGate<true> { static constexpr const char* kName = "MaximumGate"; };
struct MinimumGate final : ExtremumGate<false> { static constexpr const char* kName = "MinimumGate"; };

template <class Gate>
Tensor record_extremum(const Tensor& a, const Tensor& b, Tensor y, const Where& where) {
  return autograd::record<Gate>(y, {&a, &b}, where, [&](Gate& g) {
    g.a = g.save(a);
    g.b = g.save(b);
  });
}

}  // namespace

Tensor pow(const Tensor& x, Scalar exponent, Where where) {
  return autograd::record<PowGate>(native::pow(x, exponent), {&x}, where, [&](PowGate& g) {
    g.x = g.save(x);
    g.p = exponent;
  });
}
Tensor pow(const Tensor& x, const Tensor& exponent, Where where) {
  Tensor y = native::pow(x, exponent);
  return autograd::record<PowTensorGate>(y, {&x, &exponent}, where, [&](PowTensorGate& g) {
    g.a = g.save(x);
    g.b = g.save(exponent);
    if (g.needs_grad(1)) g.y = g.save(y, true);
  });
}
Tensor pow(Scalar base, const Tensor& exponent, Where where) {
  Tensor y = native::pow(base, exponent);
  return autograd::record<PowScalarBaseGate>(y, {&exponent}, where, [&](PowScalarBaseGate& g) {
    g.b = g.save(exponent);
    g.y = g.save(y, true);
    g.s = base;
  });
}

Tensor rsqrt(const Tensor& x, Where where) {
  return record_unary<RsqrtGate>(x, native::rsqrt(x), Save::Output, where);
}
Tensor abs(const Tensor& x, Where where) {
  return record_unary<AbsGate>(x, native::abs(x), Save::Input, where);
}
Tensor sign(const Tensor& x, Where where) {
  return autograd::record<SignGate>(native::sign(x), {&x}, where);
}
Tensor sin(const Tensor& x, Where where) {
  return record_unary<SinGate>(x, native::sin(x), Save::Input, where);
}
Tensor cos(const Tensor& x, Where where) {
  return record_unary<CosGate>(x, native::cos(x), Save::Input, where);
}
Tensor log1p(const Tensor& x, Where where) {
  return record_unary<Log1pGate>(x, native::log1p(x), Save::Input, where);
}
Tensor expm1(const Tensor& x, Where where) {
  return record_unary<Expm1Gate>(x, native::expm1(x), Save::Output, where);
}
Tensor erf(const Tensor& x, Where where) {
  return record_unary<ErfGate>(x, native::erf(x), Save::Input, where);
}

Tensor clamp(const Tensor& x, std::optional<Scalar> min, std::optional<Scalar> max, Where where) {
  return autograd::record<ClampGate>(native::clamp(x, min, max), {&x}, where, [&](ClampGate& g) {
    g.x = g.save(x);
    g.lo = min;
    g.hi = max;
  });
}
Tensor clamp_min(const Tensor& x, Scalar min, Where where) { return clamp(x, min, std::nullopt, where); }
Tensor clamp_max(const Tensor& x, Scalar max, Where where) { return clamp(x, std::nullopt, max, where); }

// A composition of where: its gradient is where's (x where it passed, the bound where taken).
Tensor clamp(const Tensor& x, const std::optional<Tensor>& min, const std::optional<Tensor>& max,
             Where where) {
  if (!min && !max) {
    throw std::invalid_argument("clamp: got neither min nor max; at least one of 'min' or 'max' "
                                "must not be None, as in PyTorch");
  }
  Tensor y = x;
  if (min) y = gg::where(native::logical_or(native::lt(y, *min), native::isnan(*min)), *min, y, where);
  if (max) y = gg::where(native::logical_or(native::gt(y, *max), native::isnan(*max)), *max, y, where);
  return y;
}
Tensor clamp_min(const Tensor& x, const Tensor& min, Where where) { return clamp(x, min, std::nullopt, where); }
Tensor clamp_max(const Tensor& x, const Tensor& max, Where where) { return clamp(x, std::nullopt, max, where); }

Tensor maximum(const Tensor& a, const Tensor& b, Where where) {
  return record_extremum<MaximumGate>(a, b, native::maximum(a, b), where);
}
Tensor minimum(const Tensor& a, const Tensor& b, Where where) {
  return record_extremum<MinimumGate>(a, b, native::minimum(a, b), where);
}
}  // namespace gg
