#include <gategrad/apps/report/png_file.hpp>
#include <gategrad/apps/report/weights_image.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>

namespace gg::report {
namespace {

constexpr std::size_t kMinTilePixels = 64;
constexpr std::size_t kPadding = 2;

std::string shape_text(const std::vector<std::size_t>& shape) {
  std::string text = "(";
  for (std::size_t k = 0; k < shape.size(); ++k) {
    if (k > 0) text += ", ";
    text += std::to_string(shape[k]);
  }
  return text + (shape.size() == 1 ? ",)" : ")");
}

}  // namespace

WeightGridLayout weight_grid_layout(std::size_t units, std::size_t H, std::size_t W,
                                    std::size_t columns) {
  if (units == 0 || H == 0 || W == 0) {
    throw std::invalid_argument("weight_grid_layout: got units " + std::to_string(units) +
                                ", tile " + std::to_string(H) + "x" + std::to_string(W) +
                                "; expected all at least 1");
  }
  WeightGridLayout layout;
  if (columns == 0) {
    columns = static_cast<std::size_t>(std::ceil(std::sqrt(static_cast<double>(units))));
    while (columns * columns < units) ++columns;  // guard against sqrt rounding down
  }
  layout.columns = columns;
  layout.rows = (units + columns - 1) / columns;
  layout.scale = (kMinTilePixels + W - 1) / W;
  layout.tile_width = W * layout.scale;
  layout.tile_height = H * layout.scale;
  layout.padding = kPadding;
  layout.width = layout.columns * layout.tile_width + (layout.columns - 1) * kPadding;
  layout.height = layout.rows * layout.tile_height + (layout.rows - 1) * kPadding;
  return layout;
}

void save_weight_grid(const std::filesystem::path& png, std::span<const float> weights,
                      std::size_t units, const std::vector<std::size_t>& image_shape,
                      std::size_t columns) {
  const bool grey = image_shape.size() == 2;
  const bool colour = image_shape.size() == 3 && image_shape[0] == 3;
  if (!grey && !colour) {
    throw std::invalid_argument("save_weight_grid: got image_shape " + shape_text(image_shape) +
                                ", expected (H, W) for grey or (3, H, W) for planar RGB");
  }
  const std::size_t channels = grey ? 1 : 3;
  const std::size_t H = image_shape[grey ? 0 : 1];
  const std::size_t W = image_shape[grey ? 1 : 2];
  const std::size_t plane = H * W;
  const std::size_t D = channels * plane;
  if (units == 0 || H == 0 || W == 0) {
    throw std::invalid_argument("save_weight_grid: got " + std::to_string(units) +
                                " units and image_shape " + shape_text(image_shape) +
                                ", expected at least one unit and a non-empty image");
  }
  if (weights.size() != units * D) {
    throw std::invalid_argument("save_weight_grid: got " + std::to_string(weights.size()) +
                                " weights, expected units * prod(image_shape) = " +
                                std::to_string(units) + " * " + std::to_string(D) + " = " +
                                std::to_string(units * D) + " (a (units, D) row-major matrix)");
  }
  const WeightGridLayout layout = weight_grid_layout(units, H, W, columns);

  std::vector<std::uint8_t> pixels(layout.width * layout.height * channels, 0);
  std::vector<std::uint8_t> tile(D);  // one unit's weights as 0..255, still planar CHW
  for (std::size_t unit = 0; unit < units; ++unit) {
    const std::span<const float> w = weights.subspan(unit * D, D);
    for (std::size_t i = 0; i < D; ++i) {
      if (!std::isfinite(w[i])) {
        throw std::invalid_argument("save_weight_grid: weight " + std::to_string(i) +
                                    " of unit " + std::to_string(unit) + " is " +
                                    std::to_string(w[i]) + ", expected finite weights");
      }
    }
    const auto [low_it, high_it] = std::minmax_element(w.begin(), w.end());
    const double low = *low_it, high = *high_it;
    for (std::size_t i = 0; i < D; ++i) {
      // v -> 255 (v - low) / (high - low), rounded: low maps to 0 and high to 255 exactly.
      const double value = high > low ? 255.0 * (static_cast<double>(w[i]) - low) / (high - low)
                                      : 128.0;
      tile[i] = static_cast<std::uint8_t>(std::lround(value));
    }
    const std::size_t x0 = (unit % layout.columns) * (layout.tile_width + layout.padding);
    const std::size_t y0 = (unit / layout.columns) * (layout.tile_height + layout.padding);
    for (std::size_t y = 0; y < layout.tile_height; ++y) {
      const std::size_t source_row = (y / layout.scale) * W;
      std::uint8_t* out = &pixels[((y0 + y) * layout.width + x0) * channels];
      for (std::size_t x = 0; x < layout.tile_width; ++x) {
        const std::size_t source = source_row + x / layout.scale;
        // Planar CHW in, interleaved RGB out.
        for (std::size_t c = 0; c < channels; ++c) *out++ = tile[c * plane + source];
      }
    }
  }
  write_png(png, pixels, layout.width, layout.height, channels);
}

}  // namespace gg::report
