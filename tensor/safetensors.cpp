#include <gategrad/tensor/atomic_file.hpp>
#include <gategrad/tensor/regular_file.hpp>
#include <gategrad/tensor/safetensors.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <bit>
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

void save_safetensors(const std::filesystem::path& path, const SafetensorsFile& file) {
  nlohmann::ordered_json header = nlohmann::ordered_json::object();
  if (!file.metadata.empty()) header["__metadata__"] = file.metadata;
  std::size_t offset = 0;
  for (const auto& [name, any] : file.tensors) {
    if (name == "__metadata__" || header.contains(name)) {
      throw std::invalid_argument("save_safetensors: " + path.string() + ": tensor name '" + name +
                                  "' is reserved or used twice");
    }
    std::visit([&, &tensor_name = name](const auto& t) {
      using T = typename std::decay_t<decltype(t)>::value_type;
      const std::size_t bytes = t.size() * sizeof(T);
      header[tensor_name] = {{"dtype", std::is_same_v<T, float> ? "F32" : "F64"},
                             {"shape", std::vector<std::size_t>(t.shape().begin(), t.shape().end())},
                             {"data_offsets", {offset, offset + bytes}}};
      offset += bytes;
    }, any);
  }
  std::string json = header.dump();
  json.append((8 - json.size() % 8) % 8, ' ');  // keep the data 8-byte aligned
  std::string out;
  out.reserve(8 + json.size() + offset);
  const std::uint64_t n = json.size();
  out.append(reinterpret_cast<const char*>(&n), 8);
  out += json;
  for (const auto& [name, any] : file.tensors) {
    std::visit([&](const auto& t) {
      if (t.size() > 0) out.append(reinterpret_cast<const char*>(t.data()), t.size() * sizeof(*t.data()));
    }, any);
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
  std::string dtype;
  Shape shape;
  std::uint64_t begin = 0, end = 0;
};

constexpr std::size_t kMaxRank = 64;

// Checks one tensor's header entry against the format: every fault is named with the value found.
Entry parse_entry(const std::filesystem::path& path, const std::string& name, const nlohmann::ordered_json& json,
                  std::uint64_t data_size) {
  const auto bad = [&](const std::string& what) { fail(path, "tensor '" + name + "': " + what); };
  if (!json.is_object() || !json.contains("dtype") || !json.contains("shape") || !json.contains("data_offsets")) {
    bad("expected an object with dtype, shape and data_offsets, found " + json.dump().substr(0, 200));
  }
  Entry e{name, json["dtype"].is_string() ? json["dtype"].get<std::string>() : json["dtype"].dump(), {}, 0, 0};
  if (e.dtype != "F32" && e.dtype != "F64") bad("dtype " + e.dtype + " is not supported, expected F32 or F64");
  const auto& shape = json["shape"];
  if (!shape.is_array()) bad("shape is " + shape.dump().substr(0, 200) + ", expected an array of sizes");
  if (shape.size() > kMaxRank) {
    bad("shape has " + std::to_string(shape.size()) + " dimensions, expected at most " + std::to_string(kMaxRank));
  }
  // The element count, and every partial product of non-zero sizes, must fit 64 bits: a shape
  // such as (3, 6148914691236517206) would otherwise claim more elements than its bytes hold.
  std::uint64_t nonzero_product = 1;
  bool has_zero = false;
  for (const auto& d : shape) {
    const auto size = as_count(d);
    if (!size) bad("shape " + shape.dump().substr(0, 200) + " holds " + d.dump() + ", expected non-negative integers");
    e.shape.push_back(static_cast<std::size_t>(*size));
    has_zero = has_zero || *size == 0;
    if (*size != 0 && __builtin_mul_overflow(nonzero_product, *size, &nonzero_product)) {
      bad("shape " + shape.dump().substr(0, 200) + " holds more elements than 64 bits can count");
    }
  }
  const std::uint64_t item = e.dtype == "F32" ? 4 : 8;
  std::uint64_t bytes = 0;
  if (__builtin_mul_overflow(has_zero ? 0 : nonzero_product, item, &bytes)) {
    bad("shape " + to_string(e.shape) + " of " + e.dtype + " holds more bytes than 64 bits can count");
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
        " for " + e.dtype + " of shape " + to_string(e.shape));
  }
  return e;
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
    const auto read_into = [&](auto tensor) {
      if (e.end > e.begin && !in.read_at(8 + n + e.begin, tensor.data(), e.end - e.begin)) {
        fail(path, "tensor '" + e.name + "': " + in.problem());
      }
      file.tensors.emplace_back(e.name, std::move(tensor));
    };
    if (e.dtype == "F32") read_into(ArrayF::empty(e.shape));
    else read_into(ArrayD::empty(e.shape));
  }
  return file;
}

}  // namespace gg
