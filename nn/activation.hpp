#pragma once
// Activation modules, as torch::nn's (torch/nn/modules/activation.h): LeakyReLU, ELU, GELU,
// SiLU, Softplus, Hardtanh, Softmax, LogSoftmax. Each forward is the differentiable op of
// autograd/ops.hpp with the module's options; each options struct spells its setters and getters
// as LibTorch's (`gg::nn::LeakyReLUOptions().negative_slope(0.2)`). ReLU, Sigmoid and Tanh are
// in nn/layers.hpp. LibTorch's `inplace` options do not exist here (docs/PORTING.md).
#include <gategrad/nn/module.hpp>

#include <cstdint>
#include <string>
#include <utility>

namespace gg::nn {

struct LeakyReLUOptions {
  LeakyReLUOptions& negative_slope(double v) { negative_slope_ = v; return *this; }
  double negative_slope() const { return negative_slope_; }

 private:
  double negative_slope_ = 0.01;
};

struct ELUOptions {
  ELUOptions& alpha(double v) { alpha_ = v; return *this; }
  double alpha() const { return alpha_; }

 private:
  double alpha_ = 1.0;
};

// approximate: "none" (x Phi(x), with erf) or "tanh"; anything else throws at construction.
struct GELUOptions {
  GELUOptions& approximate(std::string v) { approximate_ = std::move(v); return *this; }
  const std::string& approximate() const { return approximate_; }

 private:
  std::string approximate_ = "none";
};

struct SoftplusOptions {
  SoftplusOptions& beta(double v) { beta_ = v; return *this; }
  SoftplusOptions& threshold(double v) { threshold_ = v; return *this; }
  double beta() const { return beta_; }
  double threshold() const { return threshold_; }

 private:
  double beta_ = 1.0, threshold_ = 20.0;
};

// min_val <= max_val, checked at construction.
struct HardtanhOptions {
  HardtanhOptions& min_val(double v) { min_val_ = v; return *this; }
  HardtanhOptions& max_val(double v) { max_val_ = v; return *this; }
  double min_val() const { return min_val_; }
  double max_val() const { return max_val_; }

 private:
  double min_val_ = -1.0, max_val_ = 1.0;
};

// The dim to normalise over has no default, as in LibTorch: SoftmaxOptions(1).
struct SoftmaxOptions {
  SoftmaxOptions(std::int64_t dim) : dim_(dim) {}  // NOLINT: implicit, as LibTorch's
  SoftmaxOptions& dim(std::int64_t v) { dim_ = v; return *this; }
  std::int64_t dim() const { return dim_; }

 private:
  std::int64_t dim_;
};
using LogSoftmaxOptions = SoftmaxOptions;

class LeakyReLU : public Module {
 public:
  explicit LeakyReLU(const LeakyReLUOptions& options = {}) : options_(options) {}
  Tensor forward(const Tensor& x) override;
  std::string describe() const override;
  const LeakyReLUOptions& options() const { return options_; }

 private:
  LeakyReLUOptions options_;
};

class ELU : public Module {
 public:
  explicit ELU(const ELUOptions& options = {}) : options_(options) {}
  Tensor forward(const Tensor& x) override;
  std::string describe() const override;
  const ELUOptions& options() const { return options_; }

 private:
  ELUOptions options_;
};

class GELU : public Module {
 public:
  explicit GELU(const GELUOptions& options = {});
  Tensor forward(const Tensor& x) override;
  std::string describe() const override;
  const GELUOptions& options() const { return options_; }

 private:
  GELUOptions options_;
};

class SiLU : public Module {
 public:
  Tensor forward(const Tensor& x) override;
  std::string describe() const override { return "SiLU"; }
};

class Softplus : public Module {
 public:
  explicit Softplus(const SoftplusOptions& options = {}) : options_(options) {}
  Tensor forward(const Tensor& x) override;
  std::string describe() const override;
  const SoftplusOptions& options() const { return options_; }

 private:
  SoftplusOptions options_;
};

class Hardtanh : public Module {
 public:
  explicit Hardtanh(const HardtanhOptions& options = {});
  Tensor forward(const Tensor& x) override;
  std::string describe() const override;
  const HardtanhOptions& options() const { return options_; }

 private:
  HardtanhOptions options_;
};

class Softmax : public Module {
 public:
  explicit Softmax(const SoftmaxOptions& options) : options_(options) {}
  Tensor forward(const Tensor& x) override;
  std::string describe() const override;
  const SoftmaxOptions& options() const { return options_; }

 private:
  SoftmaxOptions options_;
};

class LogSoftmax : public Module {
 public:
  explicit LogSoftmax(const LogSoftmaxOptions& options) : options_(options) {}
  Tensor forward(const Tensor& x) override;
  std::string describe() const override;
  const LogSoftmaxOptions& options() const { return options_; }

 private:
  LogSoftmaxOptions options_;
};

}  // namespace gg::nn
