#pragma once
// Everything besides the weights that a resumed run needs to continue exactly as an
// uninterrupted one: the optimizer's buffers and step counts, progress counters (epoch, step,
// scheduler epoch, best metric...) and the state of every random generator. Saved as
// safetensors: the buffers as tensors "optimizer.<key>", everything else as exact text in the
// metadata.
#include <gategrad/optim/optimizer.hpp>
#include <gategrad/tensor/random.hpp>

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>

namespace gg::optim {

struct TrainingState {
  OptimizerState optimizer;
  std::map<std::string, double> progress;
  std::map<std::string, Generator::State> generators;
};

void save_training_state(const std::filesystem::path& path, const TrainingState& state);
// Throws gg::FormatError naming the file and the malformed entry.
TrainingState load_training_state(const std::filesystem::path& path);

// A progress counter (epoch, step, scheduler epoch) as a whole number: throws gg::FormatError
// naming the entry when it is missing, or not a whole number in [0, 2^63) (casting NaN or 1e300
// to an integer is undefined).
std::int64_t progress_count(const TrainingState& state, const std::string& key);

}  // namespace gg::optim
