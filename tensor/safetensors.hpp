#pragma once
// The safetensors file format (the format of Hugging Face and of PyTorch users' checkpoints):
//   8 bytes: N, the header length, unsigned little-endian
//   N bytes: a JSON object {name: {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]},
//            "__metadata__": {string: string}}
//   the raw little-endian tensor bytes, offsets counted from the end of the header.
// Writes are atomic: a temporary file in the same folder, flushed to disk, then renamed over the
// target, so a crash mid-save leaves the previous file intact.
#include <gategrad/tensor/array.hpp>

#include <filesystem>
#include <map>
#include <stdexcept>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace gg {

// A file that is not valid safetensors, or does not hold what the caller expects.
class FormatError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

using AnyTensor = std::variant<ArrayF, ArrayD>;  // stored as F32 or F64

struct SafetensorsFile {
  std::vector<std::pair<std::string, AnyTensor>> tensors;  // in file order
  std::map<std::string, std::string> metadata;
};

void save_safetensors(const std::filesystem::path& path, const SafetensorsFile& file);

// Throws FormatError naming the file, what was found and what was expected (missing file,
// truncated or corrupt header, unknown dtype, offsets that do not match shapes or the file).
SafetensorsFile load_safetensors(const std::filesystem::path& path);

}  // namespace gg
