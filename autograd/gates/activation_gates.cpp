// The activation gates, as torch::nn::functional's: leaky_relu, elu, gelu, silu, softplus,
// hardtanh. Each backward is written in differentiable ops; where the derivative is a constant
// mask on dY (leaky_relu, hardtanh), it is gg::where on dY, which records under create_graph.
// The value taken at a kink is PyTorch 1.13's.
#include <gategrad/autograd/ops.hpp>
#include <gategrad/autograd/recording.hpp>
#include <gategrad/tensor/native.hpp>

#include <string>

namespace gg {
namespace {

// LeakyReluGate: Y = X > 0 ? X : s X.  dX = X > 0 ? dY : s dY (s at X = 0).
struct LeakyReluGate final : autograd::Node {
  static constexpr const char* kName = "LeakyReluGate";
  autograd::SavedTensor x;
  double slope = 0.01;
  void backward(const Tensor& dout, std::span<Tensor> din) override {
    din[0] = gg::where(native::gt(x.unpack(*this), 0), dout, mul(dout, slope));
  }
  void release() override { x.reset(); }
};

// EluGate: Y = X > 0 ? X : alpha (exp(X) - 1).  dX = X > 0 ? dY : dY alpha exp(X) (alpha at 0).
struct EluGate final : autograd::Node {
  static constexpr const char* kName = "EluGate";
  autograd::SavedTensor x;
  double alpha = 1;
  void backward(const Tensor& dout, std::span<Tensor> din) override {
    const Tensor input = x.unpack(*this);
    din[0] = gg::where(native::gt(input, 0), dout, mul(dout, mul(exp(input), alpha)));
  }
  void release() override { x.reset(); }
};

// GeluGate: Y = X Phi(X).  dX = dY (Phi(X) + X phi(X)), Phi(x) = (1 + erf(x / sqrt 2)) / 2,
// phi(x) = exp(-x^2 / 2) / sqrt(2 pi).
// With approximate "tanh": Y = X (1 + T) / 2, T = tanh(k (X + c X^3)), k = sqrt(2 / pi),
// c = 0.044715.  dX = dY ((1 + T) / 2 + X (1 - T^2) k (1 + 3 c X^2) / 2).
struct GeluGate final : autograd::Node {
  static constexpr const char* kName = "GeluGate";
  autograd::SavedTensor x;
  bool tanh_approximation = false;
  void backward(const Tensor& dout, std::span<Tensor> din) override {
    const Tensor v = x.unpack(*this);
    if (!tanh_approximation) {
      const Tensor cdf = mul(add(erf(mul(v, 0.70710678118654752440)), 1), 0.5);
      const Tensor pdf = mul(exp(mul(mul(v, v), -0.5)), 0.39894228040143267794);
      din[0] = mul(dout, add(cdf, mul(v, pdf)));
      return;
    }
    const double k = 0.79788456080286535588, c = 0.044715;
    const Tensor v2 = mul(v, v);
    const Tensor t = tanh(mul(add(v, mul(mul(v2, v), c)), k));
    const Tensor left = mul(add(t, 1), 0.5);
    const Tensor right = mul(mul(v, rsub(mul(t, t), 1)), mul(add(mul(v2, 3 * c), 1), 0.5 * k));
    din[0] = mul(dout, add(left, right));
  }
  void release() override { x.reset(); }
};

// SiluGate: Y = X sigmoid(X).  dX = dY s (1 + X (1 - s)), s = sigmoid(X).
struct SiluGate final : autograd::Node {
  static constexpr const char* kName = "SiluGate";
  autograd::SavedTensor x;
  void backward(const Tensor& dout, std::span<Tensor> din) override {
    const Tensor input = x.unpack(*this);
    const Tensor s = sigmoid(input);
    din[0] = mul(dout, mul(s, add(mul(input, rsub(s, 1)), 1)));
  }
  void release() override { x.reset(); }
};

// SoftplusGate: Y = log(1 + exp(beta X)) / beta, or X where beta X > threshold.
// dX = dY sigmoid(beta X), or dY where beta X > threshold.
struct SoftplusGate final : autograd::Node {
  static constexpr const char* kName = "SoftplusGate";
  autograd::SavedTensor x;
  double beta = 1, threshold = 20;
  void backward(const Tensor& dout, std::span<Tensor> din) override {
    const Tensor scaled = mul(x.unpack(*this), beta);
    din[0] = gg::where(native::gt(scaled, threshold), dout, mul(dout, sigmoid(scaled)));
  }
  void release() override { x.reset(); }
};

// HardtanhGate: Y = clamp(X, lo, hi).  dX = dY where lo < X < hi, else 0 (0 at lo and hi,
// where clamp passes it: PyTorch's hardtanh_backward).
struct HardtanhGate final : autograd::Node {
  static constexpr const char* kName = "HardtanhGate";
  autograd::SavedTensor x;
  double lo = -1, hi = 1;
  void backward(const Tensor& dout, std::span<Tensor> din) override {
    const Tensor input = x.unpack(*this);
    const Tensor pass = native::logical_and(native::gt(input, lo), native::lt(input, hi));
    din[0] = gg::where(pass, dout, scalar_tensor(0, dout.dtype()));
  }
  void release() override { x.reset(); }
};

}  // namespace

Tensor leaky_relu(const Tensor& x, double negative_slope, Where where) {
  return autograd::record<LeakyReluGate>(native::leaky_relu(x, negative_slope), {&x}, where,
                                         [&](LeakyReluGate& g) {
                                           g.x = g.save(x);
                                           g.slope = negative_slope;
                                         });
}
Tensor elu(const Tensor& x, double alpha, Where where) {
  return autograd::record<EluGate>(native::elu(x, alpha), {&x}, where, [&](EluGate& g) {
    g.x = g.save(x);
    g.alpha = alpha;
  });
}
Tensor gelu(const Tensor& x, std::string_view approximate, Where where) {
  return autograd::record<GeluGate>(native::gelu(x, approximate), {&x}, where, [&](GeluGate& g) {
    g.x = g.save(x);
    g.tanh_approximation = approximate == "tanh";
  });
}
Tensor silu(const Tensor& x, Where where) {
  return autograd::record<SiluGate>(native::silu(x), {&x}, where, [&](SiluGate& g) { g.x = g.save(x); });
}
Tensor softplus(const Tensor& x, double beta, double threshold, Where where) {
  return autograd::record<SoftplusGate>(native::softplus(x, beta, threshold), {&x}, where,
                                        [&](SoftplusGate& g) {
                                          g.x = g.save(x);
                                          g.beta = beta;
                                          g.threshold = threshold;
                                        });
}
Tensor hardtanh(const Tensor& x, double min_val, double max_val, Where where) {
  if (!(min_val <= max_val)) {
    throw std::invalid_argument("hardtanh: got min_val " + std::to_string(min_val) + " and max_val " +
                                std::to_string(max_val) + ", expected min_val <= max_val (as PyTorch)");
  }
  Tensor y = native::clamp(x, min_val, max_val);
  return autograd::record<HardtanhGate>(y, {&x}, where, [&](HardtanhGate& g) {
    g.x = g.save(x);
    g.lo = min_val;
    g.hi = max_val;
  });
}
}  // namespace gg
