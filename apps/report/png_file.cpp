#include <gategrad/tensor/atomic_file.hpp>
#include <gategrad/apps/report/png_file.hpp>

#include <png.h>

#include <limits>
#include <stdexcept>
#include <string>

namespace gg::report {

void write_png(const std::filesystem::path& path, std::span<const std::uint8_t> pixels,
               std::size_t width, std::size_t height, std::size_t channels) {
  const std::string where = "write_png: " + path.string() + ": ";
  if (channels != 1 && channels != 3) {
    throw std::invalid_argument(where + "got " + std::to_string(channels) +
                                " channels, expected 1 (grey) or 3 (RGB)");
  }
  constexpr std::size_t kMaxSide = 1u << 24;
  if (width == 0 || height == 0 || width > kMaxSide || height > kMaxSide) {
    throw std::invalid_argument(where + "got a " + std::to_string(width) + "x" +
                                std::to_string(height) + " image, expected sides 1.." +
                                std::to_string(kMaxSide));
  }
  if (pixels.size() != width * height * channels) {
    throw std::invalid_argument(where + "got " + std::to_string(pixels.size()) +
                                " bytes, expected width * height * channels = " +
                                std::to_string(width * height * channels));
  }
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  image.width = static_cast<png_uint_32>(width);
  image.height = static_cast<png_uint_32>(height);
  image.format = channels == 1 ? PNG_FORMAT_GRAY : PNG_FORMAT_RGB;
  const auto row_stride = static_cast<png_int_32>(width * channels);

  // Encode in memory first (asking for the size, then filling it), then write atomically.
  png_alloc_size_t size = 0;
  if (!png_image_write_to_memory(&image, nullptr, &size, 0, pixels.data(), row_stride, nullptr)) {
    const std::string message = image.message;
    png_image_free(&image);
    throw std::runtime_error(where + "libpng cannot encode the image: " + message);
  }
  std::string bytes(size, '\0');
  if (!png_image_write_to_memory(&image, bytes.data(), &size, 0, pixels.data(), row_stride,
                                 nullptr)) {
    const std::string message = image.message;
    png_image_free(&image);
    throw std::runtime_error(where + "libpng cannot encode the image: " + message);
  }
  bytes.resize(size);
  gg::write_file_atomically(path, bytes);
}

}  // namespace gg::report
