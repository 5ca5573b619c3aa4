#include <gategrad/tensor/atomic_file.hpp>
#include <gategrad/tensor/safetensors.hpp>

#include <nlohmann/json.hpp>

#include <bit>
#include <cerrno>
#include <cstring>
#include <fstream>

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

SafetensorsFile load_safetensors(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(path, "cannot open the file (" + std::string(std::strerror(errno)) + ")");
  in.seekg(0, std::ios::end);
  const auto file_size = static_cast<std::uint64_t>(in.tellg());
  in.seekg(0);
  if (file_size < 8) {
    fail(path, "the file has " + std::to_string(file_size) + " bytes, expected at least the 8-byte header length");
  }
  std::uint64_t n = 0;
  in.read(reinterpret_cast<char*>(&n), 8);
  if (n > kMaxHeader || n > file_size - 8) {
    fail(path, "header length " + std::to_string(n) + " does not fit the file of " +
                   std::to_string(file_size) + " bytes (expected at most " +
                   std::to_string(std::min<std::uint64_t>(kMaxHeader, file_size - 8)) + ")");
  }
  std::string json(n, '\0');
  in.read(json.data(), static_cast<std::streamsize>(n));
  nlohmann::ordered_json header;
  try {
    header = nlohmann::ordered_json::parse(json);
  } catch (const nlohmann::json::exception& e) {
    fail(path, std::string("the header is not valid JSON (") + e.what() + ")");
  }
  if (!header.is_object()) fail(path, "the header is " + std::string(header.type_name()) + ", expected a JSON object");
  const std::uint64_t data_size = file_size - 8 - n;
  SafetensorsFile file;
  std::uint64_t covered = 0;
  for (const auto& [name, entry] : header.items()) {
    if (name == "__metadata__") {
      try {
        file.metadata = entry.get<std::map<std::string, std::string>>();
      } catch (const nlohmann::json::exception&) {
        fail(path, "__metadata__ is not an object of strings");
      }
      continue;
    }
    const auto bad = [&](const std::string& what) { fail(path, "tensor '" + name + "': " + what); };
    if (!entry.is_object() || !entry.contains("dtype") || !entry.contains("shape") || !entry.contains("data_offsets")) {
      bad("expected an object with dtype, shape and data_offsets");
    }
    const std::string dtype = entry["dtype"].is_string() ? entry["dtype"].get<std::string>() : "?";
    if (dtype != "F32" && dtype != "F64") bad("dtype " + dtype + " is not supported, expected F32 or F64");
    Shape shape;
    std::uint64_t begin = 0, end = 0;
    try {
      for (const auto& d : entry["shape"]) shape.push_back(d.get<std::size_t>());
      begin = entry["data_offsets"].at(0).get<std::uint64_t>();
      end = entry["data_offsets"].at(1).get<std::uint64_t>();
    } catch (const nlohmann::json::exception&) {
      bad("shape and data_offsets must hold non-negative integers");
    }
    const std::uint64_t item = dtype == "F32" ? 4 : 8;
    if (begin > end || end > data_size) {
      bad("data_offsets [" + std::to_string(begin) + ", " + std::to_string(end) + "] fall outside the " +
          std::to_string(data_size) + " data bytes");
    }
    if (end - begin != numel(shape) * item) {
      bad("data_offsets span " + std::to_string(end - begin) + " bytes, expected " +
          std::to_string(numel(shape) * item) + " for " + dtype + " of shape " + to_string(shape));
    }
    covered += end - begin;
    in.seekg(static_cast<std::streamoff>(8 + n + begin));
    const auto read_into = [&](auto tensor) {
      if (end > begin) in.read(reinterpret_cast<char*>(tensor.data()), static_cast<std::streamsize>(end - begin));
      if (!in) bad("the data could not be read");
      file.tensors.emplace_back(name, std::move(tensor));
    };
    if (dtype == "F32") read_into(TensorF::empty(shape));
    else read_into(TensorD::empty(shape));
  }
  if (covered != data_size) {
    fail(path, "the tensors cover " + std::to_string(covered) + " of the " + std::to_string(data_size) +
                   " data bytes, expected all of them (truncated, padded or overlapping data)");
  }
  return file;
}

}  // namespace gg
