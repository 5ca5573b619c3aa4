#include <gategrad/autograd/ops.hpp>
#include <gategrad/nn/layers.hpp>

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
  const std::size_t in = options.in_features, out = options.out_features;
  if (in == 0 || out == 0) {
    throw std::invalid_argument("Linear: got in_features = " + std::to_string(in) +
                                ", out_features = " + std::to_string(out) +
                                ", expected both >= 1");
  }
  Generator& gen = options.gen_ != nullptr ? *options.gen_ : default_generator();
  ArrayF w, b = ArrayF::zeros({out});
  switch (options.initialization) {
    case Init::KaimingUniform: {
      // PyTorch: kaiming_uniform_(a = sqrt(5)) gives bound 1/sqrt(in), and so does the bias.
      const float bound = 1.0f / std::sqrt(static_cast<float>(in));
      w = ArrayF::uniform({out, in}, gen, -bound, bound);
      b = ArrayF::uniform({out}, gen, -bound, bound);
      break;
    }
    case Init::XavierUniform: {
      const float a = std::sqrt(6.0f / static_cast<float>(in + out));
      w = ArrayF::uniform({out, in}, gen, -a, a);
      break;
    }
    case Init::Normal:
      w = ArrayF::randn({out, in}, gen, 0.0f, static_cast<float>(options.normal_std));
      break;
  }
  weight_ = register_parameter("weight", std::move(w));
  if (options.with_bias) bias_ = register_parameter("bias", std::move(b));
}

Var Linear::forward(const Var& x) {
  if (x.dim() != 2 || x.shape()[1] != options_.in_features) {
    throw ShapeError(describe() + ": got input of shape " + to_string(x.shape()) +
                     ", expected (batch, " + std::to_string(options_.in_features) + ")");
  }
  Var y = matmul(x, weight_, Trans::No, Trans::Yes);
  return options_.with_bias ? y + bias_ : y;
}

std::string Linear::describe() const {
  return "Linear(in=" + std::to_string(options_.in_features) + ", out=" +
         std::to_string(options_.out_features) + ", bias=" + (options_.with_bias ? "true" : "false") +
         ")";
}

Var ReLU::forward(const Var& x) { return relu(x); }
Var Sigmoid::forward(const Var& x) { return sigmoid(x); }
Var Tanh::forward(const Var& x) { return tanh(x); }

Dropout::Dropout(double p, Generator* gen) : p_(p), gen_(gen) {
  if (!(p >= 0.0 && p < 1.0)) {
    throw std::invalid_argument("Dropout: got p = " + std::to_string(p) +
                                ", expected 0 <= p < 1");
  }
}

Var Dropout::forward(const Var& x) {
  return dropout(x, p_, gen_ != nullptr ? *gen_ : default_generator(), is_training());
}

std::string Dropout::describe() const { return "Dropout(p=" + format_p(p_) + ")"; }

Var Flatten::forward(const Var& x) {
  if (x.dim() < 1) throw ShapeError("Flatten: got a scalar, expected (batch, ...)");
  const std::size_t batch = x.shape()[0];
  return reshape(x, {batch, batch == 0 ? 0 : x.size() / batch});
}

Sequential::Sequential(std::initializer_list<std::shared_ptr<Module>> layers) {
  for (const auto& layer : layers) push_back(layer);
}

Sequential& Sequential::push_back(std::shared_ptr<Module> layer) {
  if (!layer) throw std::invalid_argument("Sequential::push_back: got a null module");
  register_module(std::to_string(size()), std::move(layer));
  return *this;
}

Var Sequential::forward(const Var& x) {
  Var y = x;
  for (const auto& [name, layer] : children()) y = (*layer)(y);
  return y;
}

Module& Sequential::operator[](std::size_t i) const {
  if (i >= size()) {
    throw std::out_of_range("Sequential: index " + std::to_string(i) + " is out of range for " +
                            std::to_string(size()) + " layers");
  }
  return *children()[i].second;
}

}  // namespace gg::nn
