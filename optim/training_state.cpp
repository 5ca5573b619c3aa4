#include <gategrad/tensor/number_text.hpp>
#include <gategrad/optim/training_state.hpp>
#include <gategrad/tensor/safetensors.hpp>

#include <array>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <sstream>

namespace gg::optim {
namespace {

const std::string kOptimizerTensor = "optimizer.";
const std::string kOptimizerScalar = "optimizer_scalar.";
const std::string kProgress = "progress.";
const std::string kGenerator = "generator.";

// Words as 16 hex digits; doubles as the hex digits of their bits: exact, and NaN-proof.
std::string hex(std::uint64_t bits) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(bits));
  return buf;
}
std::string exact(double v) { return hex(std::bit_cast<std::uint64_t>(v)); }

bool parse_u64(const std::string& s, std::uint64_t& out) {
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out, 16);
  return ec == std::errc() && end == s.data() + s.size() && s.size() == 16;
}

bool starts_with(const std::string& s, const std::string& prefix, std::string& rest) {
  if (s.compare(0, prefix.size(), prefix) != 0) return false;
  rest = s.substr(prefix.size());
  return true;
}

}  // namespace

void save_training_state(const std::filesystem::path& path, const TrainingState& state) {
  SafetensorsFile file;
  for (const auto& [key, tensor] : state.optimizer.tensors) file.tensors.emplace_back(kOptimizerTensor + key, tensor);
  for (const auto& [key, value] : state.optimizer.scalars) file.metadata[kOptimizerScalar + key] = exact(value);
  for (const auto& [key, value] : state.progress) file.metadata[kProgress + key] = exact(value);
  for (const auto& [name, g] : state.generators) {
    std::string words;
    for (std::uint64_t w : g.s) words += hex(w) + " ";
    words += exact(g.spare_normal) + (g.has_spare ? " 1" : " 0");
    file.metadata[kGenerator + name] = words;
  }
  save_safetensors(path, file);
}

TrainingState load_training_state(const std::filesystem::path& path) {
  SafetensorsFile file = load_safetensors(path);
  TrainingState state;
  const auto fail = [&](const std::string& key, const std::string& what) {
    throw FormatError("load_training_state: " + path.string() + ": entry '" + key + "' " + what);
  };
  const auto word = [&](const std::string& key, const std::string& text) {
    std::uint64_t bits = 0;
    if (!parse_u64(text, bits)) fail(key, "holds '" + text + "', expected 16 hex digits");
    return bits;
  };
  const auto number = [&](const std::string& key, const std::string& text) {
    return std::bit_cast<double>(word(key, text));
  };
  for (auto& [name, tensor] : file.tensors) {
    std::string key;
    if (!starts_with(name, kOptimizerTensor, key)) fail(name, "is not an optimizer tensor");
    // The dtype against the parameter's is load_state's to check; no state is ever integer.
    if (tensor.dtype() != kFloat32 && tensor.dtype() != kFloat64) {
      fail(name, std::string("has dtype ") + safetensors_dtype(tensor.dtype()) + ", expected F32 or F64");
    }
    state.optimizer.tensors[key] = std::move(tensor);
  }
  for (const auto& [name, text] : file.metadata) {
    std::string key;
    if (starts_with(name, kOptimizerScalar, key)) {
      state.optimizer.scalars[key] = number(name, text);
    } else if (starts_with(name, kProgress, key)) {
      state.progress[key] = number(name, text);
    } else if (starts_with(name, kGenerator, key)) {
      std::istringstream words(text);
      std::string w[6];
      for (auto& part : w) words >> part;
      if (!words || (w[5] != "0" && w[5] != "1")) fail(name, "is not a generator state of 4 words, a spare and a flag");
      Generator::State g;
      for (std::size_t i = 0; i < 4; ++i) g.s[i] = word(name, w[i]);
      g.spare_normal = number(name, w[4]);
      g.has_spare = w[5] == "1";
      // xoshiro256** never leaves the all-zero state: it would yield 0 for ever.
      if (g.s == std::array<std::uint64_t, 4>{}) fail(name, "has the all-zero engine state, expected a nonzero word");
      if (g.has_spare && !std::isfinite(g.spare_normal)) {
        fail(name, "has a spare normal of " + number_text(g.spare_normal) + ", expected a finite number");
      }
      state.generators[key] = g;
    }
  }
  return state;
}

std::int64_t progress_count(const TrainingState& state, const std::string& key) {
  const auto entry = state.progress.find(key);
  if (entry == state.progress.end()) throw FormatError("progress_count: entry 'progress." + key + "' is missing");
  const double v = entry->second;
  if (!(v >= 0 && v < 0x1p63 && v == std::floor(v))) {
    throw FormatError("progress_count: entry 'progress." + key + "' is " + number_text(v) +
                      ", expected a whole number in [0, 2^63)");
  }
  return static_cast<std::int64_t>(v);
}

}  // namespace gg::optim
