#pragma once
// 8-bit PNG images through libpng's simplified API, written atomically.
#include <cstdint>
#include <filesystem>
#include <span>

namespace gg::report {

// pixels: (height, width, channels) row-major, channels 1 (grey) or 3 (RGB).
// Throws std::invalid_argument when pixels.size() != height * width * channels or a dimension
// is 0, std::runtime_error naming the path when libpng or the file system fails.
void write_png(const std::filesystem::path& path, std::span<const std::uint8_t> pixels,
               std::size_t width, std::size_t height, std::size_t channels);

}  // namespace gg::report
