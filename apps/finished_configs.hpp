#pragma once
// The configurations of a grid or depth run as each finishes, so that a killed run keeps them
// and `--resume` continues from them:
//   configs/NN.curves.safetensors  its loss per iteration ("loss", F64) and per-epoch records
//                                  ("epochs", F64 (E, 7) in history.csv's column order)
//   configs/NN.safetensors         its model (nn::save), with its table row as metadata
// The model is written last: its presence means the configuration is complete.
#include <gategrad/apps/report/history.hpp>
#include <gategrad/nn/module.hpp>

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace gg::app {

struct FinishedConfig {
  std::map<std::string, std::string> row;  // "label", values of the table, "diverged", ...
  std::vector<double> losses;              // one per iteration
  std::vector<report::EpochRecord> epochs;
};

// configs/NN.safetensors, NN the 1-based index padded to two digits.
std::filesystem::path finished_model_path(const std::filesystem::path& dir, std::size_t index);

// Writes both files (atomically each, the model last). Throws what the writes throw.
void save_finished(const std::filesystem::path& dir, std::size_t index, const nn::Module& model,
                   const FinishedConfig& finished);

// nullopt when configuration `index` has no model file yet. Otherwise loads the model into
// `model` (built with the configuration's shape) and returns its row and curves; throws
// std::runtime_error naming the file when they cannot be read or its "label" is not `label`
// (the folder holds another run).
std::optional<FinishedConfig> load_finished(const std::filesystem::path& dir, std::size_t index,
                                            const std::string& label, nn::Module& model);

// The double a row field holds, exactly (it was written with exact_text). Throws
// std::runtime_error naming the field when it is absent or not a number.
double row_number(const FinishedConfig& finished, const std::string& field);

// The text of a row field; throws std::runtime_error naming the field when it is absent.
const std::string& row_text(const FinishedConfig& finished, const std::string& field);

}  // namespace gg::app
