#include <gategrad/apps/finished_configs.hpp>
#include <gategrad/nn/serialize.hpp>
#include <gategrad/tensor/factory.hpp>
#include <gategrad/tensor/safetensors.hpp>

#include <charconv>
#include <cstdint>
#include <cstdio>
#include <span>
#include <stdexcept>

namespace gg::app {
namespace fs = std::filesystem;
namespace {

fs::path curves_path(const fs::path& dir, std::size_t index) {
  fs::path model = finished_model_path(dir, index);
  return model.replace_extension(".curves.safetensors");
}

constexpr std::int64_t kEpochColumns = 7;

}  // namespace

fs::path finished_model_path(const fs::path& dir, std::size_t index) {
  char name[32];
  std::snprintf(name, sizeof name, "%02zu.safetensors", index + 1);
  return dir / "configs" / name;
}

void save_finished(const fs::path& dir, std::size_t index, const nn::Module& model, const FinishedConfig& finished) {
  fs::create_directories(dir / "configs");
  const Tensor losses = gg::from_values(std::span<const double>(finished.losses),
                                        {static_cast<std::int64_t>(finished.losses.size())});
  const Tensor epochs = gg::empty({static_cast<std::int64_t>(finished.epochs.size()), kEpochColumns}, gg::kFloat64);
  double* e = epochs.data_ptr<double>();
  for (const report::EpochRecord& r : finished.epochs) {
    for (double value : {double(r.epoch), double(r.iteration), r.loss, r.train_accuracy, r.val_accuracy, r.lr,
                         r.seconds}) {
      *e++ = value;
    }
  }
  save_safetensors(curves_path(dir, index), {{{"loss", losses}, {"epochs", epochs}}, finished.row});
  nn::save(model, finished_model_path(dir, index), finished.row);
}

std::optional<FinishedConfig> load_finished(const fs::path& dir, std::size_t index, const std::string& label,
                                            nn::Module& model) {
  const fs::path model_file = finished_model_path(dir, index), curves_file = curves_path(dir, index);
  if (!fs::exists(model_file)) return std::nullopt;
  const auto fail = [&](const fs::path& file, const std::string& why) -> std::runtime_error {
    return std::runtime_error("--resume: " + file.string() + ": " + why);
  };
  FinishedConfig finished;
  try {
    const SafetensorsFile model_data = load_safetensors(model_file);
    finished.row = model_data.metadata;
    const auto found = finished.row.find("label");
    if (found == finished.row.end() || found->second != label) {
      throw fail(model_file, "holds configuration '" + (found == finished.row.end() ? std::string("?") : found->second) +
                                 "', expected '" + label + "' (is this folder another run's?)");
    }
    nn::load(model, model_file);
    const SafetensorsFile curves = load_safetensors(curves_file);
    if (curves.tensors.size() != 2 || curves.tensors[0].first != "loss" || curves.tensors[1].first != "epochs") {
      throw fail(curves_file, "expected the tensors 'loss' and 'epochs'");
    }
    // load_safetensors gives contiguous tensors: their data can be read directly.
    const Tensor& losses = curves.tensors[0].second;
    const Tensor& epochs = curves.tensors[1].second;
    if (losses.dtype() != kFloat64 || epochs.dtype() != kFloat64 || losses.dim() != 1 || epochs.dim() != 2 ||
        epochs.size(1) != kEpochColumns) {
      throw fail(curves_file, "expected 'loss' F64 (iterations,) and 'epochs' F64 (epochs, 7)");
    }
    finished.losses.assign(losses.data_ptr<double>(), losses.data_ptr<double>() + losses.numel());
    for (std::int64_t i = 0; i < epochs.size(0); ++i) {
      const double* v = epochs.data_ptr<double>() + i * kEpochColumns;
      // Checked before the casts: a corrupt file must not make them undefined.
      if (!(v[0] >= 0 && v[0] <= 1e9 && v[1] >= 0 && v[1] <= 1e15)) {
        throw fail(curves_file, "epoch record " + std::to_string(i) + " has epoch " + std::to_string(v[0]) +
                                    " and iteration " + std::to_string(v[1]) + ", expected counts");
      }
      finished.epochs.push_back({static_cast<int>(v[0]), static_cast<long>(v[1]), v[2], v[3], v[4], v[5], v[6]});
    }
  } catch (const FormatError& e) {
    throw std::runtime_error(std::string("--resume: a finished configuration cannot be read back: ") + e.what() +
                             " (delete configs/" + model_file.filename().string() + " to train it again)");
  }
  return finished;
}

const std::string& row_text(const FinishedConfig& finished, const std::string& field) {
  const auto found = finished.row.find(field);
  if (found != finished.row.end()) return found->second;
  throw std::runtime_error("--resume: configuration '" + (finished.row.count("label") ? finished.row.at("label") : "?") +
                           "': its metadata has no '" + field + "'");
}

double row_number(const FinishedConfig& finished, const std::string& field) {
  const auto found = finished.row.find(field);
  double value = 0;
  if (found != finished.row.end()) {
    const std::string& text = found->second;
    const auto result = std::from_chars(text.data(), text.data() + text.size(), value);
    if (result.ec == std::errc() && result.ptr == text.data() + text.size()) return value;
  }
  throw std::runtime_error("--resume: configuration '" + (finished.row.count("label") ? finished.row.at("label") : "?") +
                           "': its metadata '" + field + "' is missing or not a number");
}

}  // namespace gg::app
