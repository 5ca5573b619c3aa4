#pragma once
// The safetensors file format (the format of Hugging Face and of PyTorch users' checkpoints):
//   8 bytes: N, the header length, unsigned little-endian
//   N bytes: a JSON object {name: {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]},
//            "__metadata__": {string: string}}
//   the raw little-endian tensor bytes, offsets counted from the end of the header.
// Writes are atomic: a temporary file in the same folder, flushed to disk, then renamed over the
// target, so a crash mid-save leaves the previous file intact.
//
// Every gg::Dtype has a safetensors name: float32 "F32", float64 "F64", int64 "I64", bool
// "BOOL" (one byte, 0 or 1), bfloat16 "BF16".
#include <gategrad/tensor/tensor.hpp>

#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gg {

// A file that is not valid safetensors, or does not hold what the caller expects.
class FormatError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct SafetensorsFile {
  // In file order. save_safetensors takes any defined tensor (a strided view is written as its
  // values in row-major order); load_safetensors gives contiguous tensors of the file's dtype,
  // each with its own storage and no autograd state.
  std::vector<std::pair<std::string, Tensor>> tensors;
  std::map<std::string, std::string> metadata;
};

// Throws std::invalid_argument for an undefined tensor or a name that is "__metadata__" or used
// twice; std::runtime_error (write_file_atomically) when the file cannot be written.
void save_safetensors(const std::filesystem::path& path, const SafetensorsFile& file);

// Throws FormatError naming the file, what was found and what was expected (missing file,
// truncated or corrupt header, unknown dtype, offsets that do not match shapes or the file, a
// BOOL byte other than 0 or 1).
SafetensorsFile load_safetensors(const std::filesystem::path& path);

// "F32", "F64", "I64", "BOOL", "BF16".
const char* safetensors_dtype(Dtype dtype);
// The Dtype of a safetensors dtype name, if gategrad has it.
std::optional<Dtype> dtype_from_safetensors(std::string_view name);

}  // namespace gg
