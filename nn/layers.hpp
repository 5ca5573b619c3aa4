#pragma once
// Layers: Linear, ReLU, Sigmoid, Tanh, Dropout, Flatten, Unflatten, Identity, Sequential.
// Activation modules with options are in nn/activation.hpp, ModuleList / ModuleDict /
// Functional in nn/containers.hpp.
#include <gategrad/nn/module.hpp>
#include <gategrad/tensor/random.hpp>

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <utility>
#include <vector>

namespace gg::nn {

// How Linear initialises its weight (the bias is zero unless Kaiming-uniform, as in PyTorch).
enum class Init {
  KaimingUniform,  // PyTorch's default: W, b ~ U(-1/sqrt(in), 1/sqrt(in))
  XavierUniform,   // W ~ U(-a, a), a = sqrt(6 / (in + out)); b = 0
  Normal,          // the homework's: W = std * randn, b = 0 (std = 1e-4 by default)
};

struct LinearOptions {
  LinearOptions(std::int64_t in, std::int64_t out) : in_features(in), out_features(out) {}
  LinearOptions& bias(bool on) { with_bias = on; return *this; }
  LinearOptions& init(Init how) { initialization = how; return *this; }
  LinearOptions& std(double value) { normal_std = value; return *this; }
  // The generator used for initialisation; gg::default_generator() when not set.
  LinearOptions& generator(Generator& gen) { gen_ = &gen; return *this; }

  std::int64_t in_features, out_features;
  bool with_bias = true;
  Init initialization = Init::KaimingUniform;
  double normal_std = 1e-4;
  Generator* gen_ = nullptr;
};

// torch.nn.functional.linear: x W^T + b (b may be undefined), one recorded gate
// (nn/linear_gate.cpp) whose backward writes dW in W's layout into W's gradient buffer.
// Throws ShapeError unless x:(B,in) W:(out,in) b:(out), std::invalid_argument unless one dtype.
Tensor linear(const Tensor& x, const Tensor& weight, const Tensor& bias = {},
              Where where = Where::current());

// y = x W^T + b    x:(B,in)  W:(out,in)  b:(out,)  ->  y:(B,out)
// W is stored (out, in) as PyTorch's Linear.weight, so checkpoints move between the two as they
// are; the product reads W transposed in place (no copy), and the backward writes dW into W's
// gradient buffer (nn::linear above). Row k of W is hidden unit k's template, the image the
// homework plots. Initialised in float32 (the draws of the old core, value for value);
// Module::to converts.
class Linear : public Module {
 public:
  explicit Linear(const LinearOptions& options);
  // Linear(784, 256), as LibTorch's.
  Linear(std::int64_t in_features, std::int64_t out_features) : Linear(LinearOptions(in_features, out_features)) {}
  Tensor forward(const Tensor& x) override;
  std::string describe() const override;
  const Tensor& weight() const { return weight_; }
  const Tensor& bias() const { return bias_; }  // undefined without a bias
  const LinearOptions& options() const { return options_; }

 private:
  LinearOptions options_;
  Tensor weight_, bias_;
};

class ReLU : public Module {
 public:
  Tensor forward(const Tensor& x) override;
  std::string describe() const override { return "ReLU"; }
};

class Sigmoid : public Module {
 public:
  Tensor forward(const Tensor& x) override;
  std::string describe() const override { return "Sigmoid"; }
};

class Tanh : public Module {
 public:
  Tensor forward(const Tensor& x) override;
  std::string describe() const override { return "Tanh"; }
};

// Inverted dropout, active in train mode only. Draws from `gen` (default_generator() if null).
class Dropout : public Module {
 public:
  explicit Dropout(double p = 0.5, Generator* gen = nullptr);
  Tensor forward(const Tensor& x) override;
  std::string describe() const override;
  double p() const { return p_; }

 private:
  double p_;
  Generator* gen_;
};

// Channel dropout (torch::nn::Dropout2d), active in train mode only: zeroes each channel of an
// (N, C, H, W) or unbatched (C, H, W) input with probability p, scaling the others by
// 1/(1-p). Draws from `gen` (default_generator() if null).
struct Dropout2dOptions {
  Dropout2dOptions(double p = 0.5) : p_(p) {}  // NOLINT: implicit, as LibTorch's
  Dropout2dOptions& p(double v) { p_ = v; return *this; }
  double p() const { return p_; }

 private:
  double p_;
};

class Dropout2d : public Module {
 public:
  explicit Dropout2d(const Dropout2dOptions& options = {}, Generator* gen = nullptr);
  Tensor forward(const Tensor& x) override;
  std::string describe() const override;  // "Dropout2d(p=0.5)"
  double p() const { return p_; }

 private:
  double p_;
  Generator* gen_;
};

// (B, d1, d2, ...) -> (B, d1 * d2 * ...): a view when the input's strides allow.
class Flatten : public Module {
 public:
  Tensor forward(const Tensor& x) override;
  std::string describe() const override { return "Flatten"; }
};

// torch::nn::Unflatten: dim `dim` (negative counts from the end) becomes `sizes` (one may be
// -1), a view when the input's strides allow. Throws ShapeError when the sizes do not multiply
// to that dim's size.
struct UnflattenOptions {
  UnflattenOptions(std::int64_t dim, std::vector<std::int64_t> sizes) : dim_(dim), sizes_(std::move(sizes)) {}
  UnflattenOptions& dim(std::int64_t v) { dim_ = v; return *this; }
  UnflattenOptions& sizes(std::vector<std::int64_t> v) { sizes_ = std::move(v); return *this; }
  std::int64_t dim() const { return dim_; }
  const std::vector<std::int64_t>& sizes() const { return sizes_; }

 private:
  std::int64_t dim_;
  std::vector<std::int64_t> sizes_;
};

class Unflatten : public Module {
 public:
  explicit Unflatten(UnflattenOptions options) : options_(std::move(options)) {}
  Tensor forward(const Tensor& x) override;
  std::string describe() const override;
  const UnflattenOptions& options() const { return options_; }

 private:
  UnflattenOptions options_;
};

class Identity : public Module {
 public:
  Tensor forward(const Tensor& x) override { return x; }
  std::string describe() const override { return "Identity"; }
};

// Runs its children in order; they are named "0", "1", ... as in PyTorch.
class Sequential : public Module {
 public:
  Sequential() = default;
  Sequential(std::initializer_list<std::shared_ptr<Module>> layers);
  Sequential& push_back(std::shared_ptr<Module> layer);
  Tensor forward(const Tensor& x) override;
  std::string describe() const override { return "Sequential"; }
  std::size_t size() const { return named_children().size(); }
  // The i-th layer; throws std::out_of_range naming i and the size.
  Module& operator[](std::size_t i) const;
};

}  // namespace gg::nn
