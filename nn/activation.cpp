#include <gategrad/autograd/ops.hpp>
#include <gategrad/nn/activation.hpp>
#include <gategrad/tensor/number_text.hpp>

#include <stdexcept>

namespace gg::nn {

Tensor LeakyReLU::forward(const Tensor& x) { return gg::leaky_relu(x, options_.negative_slope()); }

std::string LeakyReLU::describe() const {
  return "LeakyReLU(negative_slope=" + number_text(options_.negative_slope()) + ")";
}

Tensor ELU::forward(const Tensor& x) { return gg::elu(x, options_.alpha()); }

std::string ELU::describe() const { return "ELU(alpha=" + number_text(options_.alpha()) + ")"; }

GELU::GELU(const GELUOptions& options) : options_(options) {
  if (options_.approximate() != "none" && options_.approximate() != "tanh") {
    throw std::invalid_argument("GELU: got approximate \"" + options_.approximate() +
                                "\", expected \"none\" or \"tanh\"");
  }
}

Tensor GELU::forward(const Tensor& x) { return gg::gelu(x, options_.approximate()); }

std::string GELU::describe() const { return "GELU(approximate=" + options_.approximate() + ")"; }

Tensor SiLU::forward(const Tensor& x) { return gg::silu(x); }

Tensor Softplus::forward(const Tensor& x) {
  return gg::softplus(x, options_.beta(), options_.threshold());
}

std::string Softplus::describe() const {
  return "Softplus(beta=" + number_text(options_.beta()) +
         ", threshold=" + number_text(options_.threshold()) + ")";
}

Hardtanh::Hardtanh(const HardtanhOptions& options) : options_(options) {
  if (!(options_.min_val() <= options_.max_val())) {
    throw std::invalid_argument("Hardtanh: got min_val " + number_text(options_.min_val()) +
                                " and max_val " + number_text(options_.max_val()) +
                                ", expected min_val <= max_val");
  }
}

Tensor Hardtanh::forward(const Tensor& x) {
  return gg::hardtanh(x, options_.min_val(), options_.max_val());
}

std::string Hardtanh::describe() const {
  return "Hardtanh(min_val=" + number_text(options_.min_val()) +
         ", max_val=" + number_text(options_.max_val()) + ")";
}

Tensor Softmax::forward(const Tensor& x) { return gg::softmax(x, options_.dim()); }

std::string Softmax::describe() const { return "Softmax(dim=" + std::to_string(options_.dim()) + ")"; }

Tensor LogSoftmax::forward(const Tensor& x) { return gg::log_softmax(x, options_.dim()); }

std::string LogSoftmax::describe() const {
  return "LogSoftmax(dim=" + std::to_string(options_.dim()) + ")";
}

}  // namespace gg::nn
