#include <gategrad/nn/upsampling.hpp>

#include <cmath>
#include <sstream>
#include <stdexcept>
#include <string>
#include <type_traits>

namespace gg::nn {

namespace functional {

Tensor interpolate(const Tensor& input, const InterpolateFuncOptions& options, Where where) {
  const char* op = "interpolate";
  if (input.dim() != 4) {
    throw ShapeError(std::string(op) + ": got input " + to_string(input.sizes()) +
                     ", expected (N, C, H, W) (1-D, 3-D and 5-D inputs are not there yet)");
  }
  const bool nearest = std::holds_alternative<enumtype::kNearest>(options.mode());
  if (nearest && options.align_corners()) {
    throw std::invalid_argument(std::string(op) + ": got align_corners with mode kNearest, expected it only with "
                                "an interpolating mode (kBilinear)");
  }
  if (options.size().has_value() == options.scale_factor().has_value()) {
    throw std::invalid_argument(std::string(op) + ": got " + (options.size() ? "both size and scale_factor" : "neither size nor scale_factor") +
                                ", expected exactly one");
  }
  std::vector<std::int64_t> out(2);
  std::optional<double> scales[2];
  if (options.size()) {
    const auto& s = *options.size();
    if (s.size() != 1 && s.size() != 2) {
      throw std::invalid_argument(std::string(op) + ": got " + std::to_string(s.size()) + " sizes, expected 1 or 2");
    }
    out = {s[0], s.back()};
  } else {
    const auto& f = *options.scale_factor();
    if (f.size() != 1 && f.size() != 2) {
      throw std::invalid_argument(std::string(op) + ": got " + std::to_string(f.size()) + " scale factors, expected 1 or 2");
    }
    for (int d = 0; d < 2; ++d) {
      const double factor = d == 0 ? f[0] : f.back();
      if (!(factor > 0)) {
        throw std::invalid_argument(std::string(op) + ": got scale_factor " + std::to_string(factor) + ", expected > 0");
      }
      out[static_cast<std::size_t>(d)] =
          static_cast<std::int64_t>(std::floor(static_cast<double>(input.size(2 + d)) * factor));
      if (!options.recompute_scale_factor().value_or(false)) scales[d] = factor;
    }
  }
  if (nearest) return gg::upsample_nearest2d(input, out, scales[0], scales[1], where);
  return gg::upsample_bilinear2d(input, out, options.align_corners().value_or(false), scales[0], scales[1], where);
}

}  // namespace functional

Tensor Upsample::forward(const Tensor& x) {
  functional::InterpolateFuncOptions o;
  o.size(options_.size()).scale_factor(options_.scale_factor()).align_corners(options_.align_corners());
  std::visit([&](auto mode) { o.mode(mode); }, options_.mode());
  return functional::interpolate(x, o);
}

std::string Upsample::describe() const {
  std::ostringstream text;
  text << "Upsample(";
  if (options_.size()) {
    text << "size=" << to_string(IntArrayRef(*options_.size()));
  } else if (options_.scale_factor()) {
    text << "scale_factor=[";
    for (std::size_t i = 0; i < options_.scale_factor()->size(); ++i) text << (i ? ", " : "") << (*options_.scale_factor())[i];
    text << "]";
  }
  text << ", mode=" << (std::holds_alternative<enumtype::kNearest>(options_.mode()) ? "kNearest" : "kBilinear") << ")";
  return text.str();
}

}  // namespace gg::nn
