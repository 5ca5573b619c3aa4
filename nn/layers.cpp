#include <gategrad/autograd/ops.hpp>
#include <gategrad/nn/layers.hpp>
#include <gategrad/nn/functional.hpp>
#include <gategrad/tensor/factory.hpp>
#include <gategrad/tensor/shape.hpp>

#include <cmath>
#include <stdexcept>
#include <string>

namespace gg::nn {
namespace {

std::string format_p(double p) {
  std::string s = std::to_string(p);
  s.erase(s.find_last_not_of('0') + 1);
  if (s.back() == '.') s.pop_back();
  return s;
}

}  // namespace

Linear::Linear(const LinearOptions& options) : options_(options) {
  const std::int64_t in = options.in_features, out = options.out_features;
  if (in < 1 || out < 1) {
    throw std::invalid_argument("Linear: got in_features = " + std::to_string(in) +
                                ", out_features = " + std::to_string(out) +
                                ", expected both >= 1");
  }
  Generator& gen = options.gen_ != nullptr ? *options.gen_ : default_generator();
  // The old core's draws, value for value: one uniform01f (or normal) per element, W before b,
  // each scaled in float as low + (high - low) * u (or mean + std * z).
  const auto uniform = [&](IntArrayRef sizes, float low, float high) {
    Tensor t = gg::rand(sizes, gen);
    float* p = t.data_ptr<float>();
    for (std::int64_t i = 0, n = t.numel(); i < n; ++i) p[i] = low + (high - low) * p[i];
    return t;
  };
  Tensor w, b = gg::zeros({out});
  switch (options.initialization) {
    case Init::KaimingUniform: {
      // PyTorch: kaiming_uniform_(a = sqrt(5)) gives bound 1/sqrt(in), and so does the bias.
      const float bound = 1.0f / std::sqrt(static_cast<float>(in));
      w = uniform({out, in}, -bound, bound);
      b = uniform({out}, -bound, bound);
      break;
    }
    case Init::XavierUniform: {
      const float a = std::sqrt(6.0f / static_cast<float>(in + out));
      w = uniform({out, in}, -a, a);
      break;
    }
    case Init::Normal: {
      w = gg::randn({out, in}, gen);
      const float stddev = static_cast<float>(options.normal_std);
      float* p = w.data_ptr<float>();
      for (std::int64_t i = 0, n = w.numel(); i < n; ++i) p[i] = 0.0f + stddev * p[i];
      break;
    }
  }
  weight_ = register_parameter("weight", w);
  if (options.with_bias) bias_ = register_parameter("bias", b);
}

Tensor Linear::forward(const Tensor& x) {
  if (x.dim() != 2 || x.size(1) != options_.in_features) {
    throw ShapeError(describe() + ": got input of sizes " + to_string(x.sizes()) +
                     ", expected (batch, " + std::to_string(options_.in_features) + ")");
  }
  if (x.dtype() != weight_.dtype()) {
    throw std::invalid_argument(describe() + ": got input of dtype " + to_string(x.dtype()) +
                                ", expected the weight's dtype " + to_string(weight_.dtype()) +
                                " (Module::to converts a model)");
  }
  return linear(x, weight_, bias_);
}

std::string Linear::describe() const {
  return "Linear(in=" + std::to_string(options_.in_features) + ", out=" +
         std::to_string(options_.out_features) + ", bias=" + (options_.with_bias ? "true" : "false") +
         ")";
}

Tensor ReLU::forward(const Tensor& x) { return gg::relu(x); }
Tensor Sigmoid::forward(const Tensor& x) { return gg::sigmoid(x); }
Tensor Tanh::forward(const Tensor& x) { return gg::tanh(x); }

Dropout::Dropout(double p, Generator* gen) : p_(p), gen_(gen) {
  if (!(p >= 0.0 && p < 1.0)) {
    throw std::invalid_argument("Dropout: got p = " + std::to_string(p) +
                                ", expected 0 <= p < 1");
  }
}

Tensor Dropout::forward(const Tensor& x) {
  return gg::dropout(x, p_, gen_ != nullptr ? *gen_ : default_generator(), is_training());
}

std::string Dropout::describe() const { return "Dropout(p=" + format_p(p_) + ")"; }

Dropout2d::Dropout2d(const Dropout2dOptions& options, Generator* gen) : p_(options.p()), gen_(gen) {
  if (!(p_ >= 0.0 && p_ <= 1.0)) {
    throw std::invalid_argument("Dropout2d: got p = " + std::to_string(p_) + ", expected 0 <= p <= 1");
  }
}

Tensor Dropout2d::forward(const Tensor& x) {
  return nn::functional::dropout2d(x, nn::functional::Dropout2dFuncOptions().p(p_).training(is_training()),
                                   gen_ != nullptr ? *gen_ : default_generator());
}

std::string Dropout2d::describe() const { return "Dropout2d(p=" + format_p(p_) + ")"; }

Tensor Flatten::forward(const Tensor& x) {
  if (x.dim() < 1) throw ShapeError("Flatten: got a scalar, expected (batch, ...)");
  const std::int64_t batch = x.size(0);
  return gg::reshape(x, {batch, batch == 0 ? 0 : x.numel() / batch});
}

Tensor Unflatten::forward(const Tensor& x) {
  const std::int64_t rank = x.dim();
  const std::int64_t dim = options_.dim() < 0 ? options_.dim() + rank : options_.dim();
  const std::vector<std::int64_t>& sizes = options_.sizes();
  const auto fail = [&](const std::string& why) {
    throw ShapeError("Unflatten: got sizes " + to_string(IntArrayRef(sizes)) + " for dim " +
                     std::to_string(options_.dim()) + " of an input of sizes " +
                     to_string(x.sizes()) + ", expected " + why);
  };
  if (dim < 0 || dim >= rank) fail("a dim in [" + std::to_string(-rank) + ", " + std::to_string(rank) + ")");
  if (sizes.empty()) fail("at least one size");
  std::int64_t product = 1, unknown = 0;
  for (std::int64_t s : sizes) {
    if (s == -1) ++unknown;
    else if (s < 0) fail("sizes >= 0 or one -1");
    else product *= s;
  }
  const std::int64_t n = x.size(dim);
  if (unknown > 1 || (unknown == 0 && product != n) || (unknown == 1 && (product == 0 || n % product != 0))) {
    fail("sizes that multiply to " + std::to_string(n));
  }
  std::vector<std::int64_t> shape(x.sizes().begin(), x.sizes().begin() + dim);
  shape.insert(shape.end(), sizes.begin(), sizes.end());
  shape.insert(shape.end(), x.sizes().begin() + dim + 1, x.sizes().end());
  return gg::reshape(x, shape);
}

std::string Unflatten::describe() const {
  return "Unflatten(dim=" + std::to_string(options_.dim()) +
         ", unflattened_size=" + to_string(IntArrayRef(options_.sizes())) + ")";
}

Sequential::Sequential(std::initializer_list<std::shared_ptr<Module>> layers) {
  for (const auto& layer : layers) push_back(layer);
}

Sequential& Sequential::push_back(std::shared_ptr<Module> layer) {
  if (!layer) throw std::invalid_argument("Sequential::push_back: got a null module");
  register_module(std::to_string(size()), std::move(layer));
  return *this;
}

Tensor Sequential::forward(const Tensor& x) {
  Tensor y = x;
  for (const auto& [name, layer] : named_children()) y = (*layer)(y);
  return y;
}

Module& Sequential::operator[](std::size_t i) const {
  if (i >= size()) {
    throw std::out_of_range("Sequential: index " + std::to_string(i) + " is out of range for " +
                            std::to_string(size()) + " layers");
  }
  return *named_children()[i].second;
}

}  // namespace gg::nn
