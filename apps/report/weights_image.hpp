#pragma once
// A first layer's weights as pictures, one tile per hidden unit: what each unit responds to
// (the homework's show_net_weights / visualize_grid).
#include <cstddef>
#include <filesystem>
#include <span>
#include <vector>

namespace gg::report {

// Pixel geometry of save_weight_grid's image, exposed so callers and tests can predict it.
struct WeightGridLayout {
  std::size_t columns = 0, rows = 0;  // tiles per row, rows of tiles
  std::size_t scale = 0;              // each weight becomes a scale x scale block of pixels
  std::size_t tile_width = 0, tile_height = 0;  // one tile in pixels, = W * scale, H * scale
  std::size_t padding = 0;            // black pixels between neighbouring tiles, none outside
  std::size_t width = 0, height = 0;  // whole image:
                                      //   width  = columns * tile_width  + (columns - 1) * padding
                                      //   height = rows    * tile_height + (rows - 1)    * padding
};

// The layout for `units` tiles of H x W weights: columns = ceil(sqrt(units)) when 0,
// rows = ceil(units / columns), scale = ceil(64 / W) (each tile at least 64 pixels wide),
// padding 2 pixels.
WeightGridLayout weight_grid_layout(std::size_t units, std::size_t H, std::size_t W,
                                    std::size_t columns = 0);

// weights: (units, D) row-major, row k the input weights of hidden unit k, with
// D = prod(image_shape); image_shape (H, W) for grey images or (3, H, W) for colour in planar
// CHW order (CIFAR-10's layout: D = 3*H*W, the red plane first).
// Each tile is min-max normalised on its own, over all its channels, to 0..255 (the unit's
// smallest weight black, largest white); a constant tile is mid-grey (128). Tiles fill the grid
// row by row; grid cells past the last unit stay black. Writes an 8-bit grey or RGB PNG.
// Throws std::invalid_argument naming save_weight_grid when the sizes disagree, image_shape is
// not (H, W) or (3, H, W), units is 0 or a weight is not finite.
void save_weight_grid(const std::filesystem::path& png, std::span<const float> weights,
                      std::size_t units, const std::vector<std::size_t>& image_shape,
                      std::size_t columns = 0);

}  // namespace gg::report
