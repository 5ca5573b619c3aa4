#include <gategrad/tensor/atomic_file.hpp>
#include <gategrad/tensor/factory.hpp>
#include <gategrad/tensor/native.hpp>
#include <gategrad/tensor/regular_file.hpp>
#include <gategrad/tensor/safetensors.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <bit>
#include <limits>
#include <optional>

namespace gg {

static_assert(std::endian::native == std::endian::little,
              "safetensors stores little-endian data; big-endian hosts need byte swapping");

namespace {

constexpr std::uint64_t kMaxHeader = 100u << 20;  // as the reference implementation

[[noreturn]] void fail(const std::filesystem::path& path, const std::string& what) {
  throw FormatError("load_safetensors: " + path.string() + ": " + what);
}

}  // namespace

const char* safetensors_dtype(Dtype dtype) {
  switch (dtype) {
    case Dtype::Bool: return "BOOL";
    case Dtype::Int64: return "I64";
    case Dtype::BFloat16: return "BF16";
    case Dtype::Float32: return "F32";
    case Dtype::Float64: return "F64";
  }
  throw std::logic_error("safetensors_dtype: not a Dtype");
}

std::optional<Dtype> dtype_from_safetensors(std::string_view name) {
  for (const Dtype d : {Dtype::Bool, Dtype::Int64, Dtype::BFloat16, Dtype::Float32, Dtype::Float64}) {
    if (name == safetensors_dtype(d)) return d;
  }
  return std::nullopt;
}

void save_safetensors(const std::filesystem::path& path, const SafetensorsFile& file) {
  nlohmann::ordered_json header = nlohmann::ordered_json::object();
  if (!file.metadata.empty()) header["__metadata__"] = file.metadata;
  // A strided view is written as its values in row-major order: the file has no strides.
  std::vector<Tensor> values;
  values.reserve(file.tensors.size());
  std::size_t offset = 0;
  for (const auto& [name, tensor] : file.tensors) {
    if (name == "__metadata__" || header.contains(name)) {
      throw std::invalid_argument("save_safetensors: " + path.string() + ": tensor name '" + name +
                                  "' is reserved or used twice");
    }
    if (!tensor.defined()) {
      throw std::invalid_argument("save_safetensors: " + path.string() + ": tensor '" + name +
                                  "' is undefined, expected a tensor with values");
    }
    const Tensor& contiguous = values.emplace_back(native::contiguous(tensor));
    const std::size_t bytes = contiguous.nbytes();
    const IntArrayRef sizes = contiguous.sizes();
    header[name] = {{"dtype", safetensors_dtype(contiguous.dtype())},
                    {"shape", std::vector<std::int64_t>(sizes.begin(), sizes.end())},
                    {"data_offsets", {offset, offset + bytes}}};
    offset += bytes;
  }
  std::string json = header.dump();
  json.append((8 - json.size() % 8) % 8, ' ');  // keep the data 8-byte aligned
  std::string out;
  out.reserve(8 + json.size() + offset);
  const std::uint64_t n = json.size();
  out.append(reinterpret_cast<const char*>(&n), 8);
  out += json;
  for (const Tensor& t : values) {
    if (t.nbytes() > 0) out.append(static_cast<const char*>(t.data_ptr()), t.nbytes());
  }
  write_file_atomically(path, out);
}

namespace {

// A header number that must be a non-negative integer: JSON's floats (3.7, 1e30, 2^64 beyond
// uint64) and negative numbers are refused, never cast.
std::optional<std::uint64_t> as_count(const nlohmann::ordered_json& v) {
  if (v.is_number_unsigned()) return v.get<std::uint64_t>();
  if (v.is_number_integer() && v.get<std::int64_t>() >= 0) return static_cast<std::uint64_t>(v.get<std::int64_t>());
  return std::nullopt;
}

struct Entry {
  std::string name;
  std::string dtype_name;  // as in the file
  Dtype dtype = Dtype::Float32;
  SizeVector shape;
  std::uint64_t begin = 0, end = 0;
};

// "F32, F64, I64, BOOL, BF16": what a dtype name may be.
std::string supported_dtypes() {
  std::string text;
  for (const Dtype d : {Dtype::Float32, Dtype::Float64, Dtype::Int64, Dtype::Bool, Dtype::BFloat16}) {
    text += (text.empty() ? "" : ", ") + std::string(safetensors_dtype(d));
  }
  return text;
}

constexpr std::size_t kMaxRank = 64;

// Checks one tensor's header entry against the format: every fault is named with the value found.
Entry parse_entry(const std::filesystem::path& path, const std::string& name, const nlohmann::ordered_json& json,
                  std::uint64_t data_size) {
  const auto bad = [&](const std::string& what) { fail(path, "tensor '" + name + "': " + what); };
  if (!json.is_object() || !json.contains("dtype") || !json.contains("shape") || !json.contains("data_offsets")) {
    bad("expected an object with dtype, shape and data_offsets, found " + json.dump().substr(0, 200));
  }
  Entry e;
  e.name = name;
  e.dtype_name = json["dtype"].is_string() ? json["dtype"].get<std::string>() : json["dtype"].dump();
  const std::optional<Dtype> dtype = dtype_from_safetensors(e.dtype_name);
  if (!dtype) bad("dtype " + e.dtype_name + " is not supported, expected one of " + supported_dtypes());
  e.dtype = *dtype;
  const auto& shape = json["shape"];
  if (!shape.is_array()) bad("shape is " + shape.dump().substr(0, 200) + ", expected an array of sizes");
  if (shape.size() > kMaxRank) {
    bad("shape has " + std::to_string(shape.size()) + " dimensions, expected at most " + std::to_string(kMaxRank));
  }
  // The element count, and every partial product of non-zero sizes, must fit a tensor's int64
  // sizes: a shape such as (3, 6148914691236517206) would otherwise claim more elements than
  // its bytes hold.
  constexpr auto kMaxCount = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  std::uint64_t nonzero_product = 1;
  bool has_zero = false;
  for (const auto& d : shape) {
    const auto size = as_count(d);
    if (!size) bad("shape " + shape.dump().substr(0, 200) + " holds " + d.dump() + ", expected non-negative integers");
    has_zero = has_zero || *size == 0;
    if (*size != 0 && (__builtin_mul_overflow(nonzero_product, *size, &nonzero_product) || nonzero_product > kMaxCount)) {
      bad("shape " + shape.dump().substr(0, 200) + " holds more elements than 64 bits can count (sizes are int64)");
    }
    e.shape.push_back(static_cast<std::int64_t>(*size));
  }
  const std::uint64_t item = element_size(e.dtype);
  std::uint64_t bytes = 0;
  if (__builtin_mul_overflow(has_zero ? 0 : nonzero_product, item, &bytes)) {
    bad("shape " + to_string(e.shape) + " of " + e.dtype_name + " holds more bytes than 64 bits can count");
  }
  const auto& offsets = json["data_offsets"];
  const auto begin = offsets.is_array() && offsets.size() == 2 ? as_count(offsets[0]) : std::nullopt;
  const auto end = offsets.is_array() && offsets.size() == 2 ? as_count(offsets[1]) : std::nullopt;
  if (!begin || !end) {
    bad("data_offsets is " + offsets.dump().substr(0, 200) + ", expected [begin, end] of non-negative integers");
  }
  e.begin = *begin;
  e.end = *end;
  if (e.begin > e.end || e.end > data_size) {
    bad("data_offsets [" + std::to_string(e.begin) + ", " + std::to_string(e.end) + "] fall outside the " +
        std::to_string(data_size) + " data bytes");
  }
  if (e.end - e.begin != bytes) {
    bad("data_offsets span " + std::to_string(e.end - e.begin) + " bytes, expected " + std::to_string(bytes) +
        " for " + e.dtype_name + " of shape " + to_string(e.shape));
  }
  return e;
}

// A C++ bool may hold only 0 or 1 (any other byte read as bool is undefined behaviour), so
// BOOL bytes are checked as unsigned chars before anything reads them as bools.
void check_bools(const std::filesystem::path& path, const Entry& e, const Tensor& tensor) {
  const auto* bytes = static_cast<const unsigned char*>(tensor.data_ptr());
  const auto count = static_cast<std::size_t>(tensor.numel());
  for (std::size_t i = 0; i < count; ++i) {
    if (bytes[i] > 1) {
      fail(path, "tensor '" + e.name + "': BOOL element " + std::to_string(i) + " is byte " +
                     std::to_string(bytes[i]) + ", expected 0 or 1");
    }
  }
}

}  // namespace

SafetensorsFile load_safetensors(const std::filesystem::path& path) {
  RegularFile in(path);
  if (!in.is_open()) fail(path, in.problem());
  const std::uint64_t file_size = in.size();
  if (file_size < 8) {
    fail(path, "the file has " + std::to_string(file_size) + " bytes, expected at least the 8-byte header length");
  }
  std::uint64_t n = 0;
  if (!in.read_at(0, &n, 8)) fail(path, in.problem());
  if (n > kMaxHeader || n > file_size - 8) {
    fail(path, "header length " + std::to_string(n) + " does not fit the file of " +
                   std::to_string(file_size) + " bytes (expected at most " +
                   std::to_string(std::min<std::uint64_t>(kMaxHeader, file_size - 8)) + ")");
  }
  std::string json(n, '\0');
  if (!in.read_at(8, json.data(), n)) fail(path, in.problem());
  nlohmann::ordered_json header;
  try {
    header = nlohmann::ordered_json::parse(json);
  } catch (const nlohmann::json::exception& e) {
    fail(path, std::string("the header is not valid JSON (") + e.what() + ")");
  }
  if (!header.is_object()) fail(path, "the header is " + std::string(header.type_name()) + ", expected a JSON object");
  const std::uint64_t data_size = file_size - 8 - n;
  SafetensorsFile file;
  std::vector<Entry> entries;
  for (const auto& item : header.items()) {
    if (item.key() != "__metadata__") {
      entries.push_back(parse_entry(path, item.key(), item.value(), data_size));
      continue;
    }
    try {
      file.metadata = item.value().get<std::map<std::string, std::string>>();
    } catch (const nlohmann::json::exception&) {
      fail(path, "__metadata__ is not an object of strings");
    }
  }
  // As the format's reference implementation: the tensors tile the data exactly, in some order,
  // with neither gaps nor overlaps.
  std::vector<const Entry*> by_offset;
  for (const auto& e : entries) by_offset.push_back(&e);
  std::sort(by_offset.begin(), by_offset.end(), [](const Entry* a, const Entry* b) {
    return a->begin != b->begin ? a->begin < b->begin : a->end < b->end;
  });
  std::uint64_t covered = 0;
  for (const Entry* e : by_offset) {
    if (e->begin != covered) {
      fail(path, "tensor '" + e->name + "' starts at data byte " + std::to_string(e->begin) + ", expected " +
                     std::to_string(covered) + " (tensors must cover the data without gaps or overlaps)");
    }
    covered = e->end;
  }
  if (covered != data_size) {
    fail(path, "the tensors cover " + std::to_string(covered) + " of the " + std::to_string(data_size) +
                   " data bytes, expected all of them (truncated or padded data)");
  }
  for (const auto& e : entries) {
    Tensor tensor = empty(e.shape, e.dtype);
    if (e.end > e.begin && !in.read_at(8 + n + e.begin, tensor.data_ptr(), e.end - e.begin)) {
      fail(path, "tensor '" + e.name + "': " + in.problem());
    }
    if (e.dtype == Dtype::Bool) check_bools(path, e, tensor);
    file.tensors.emplace_back(e.name, std::move(tensor));
  }
  return file;
}

}  // namespace gg
