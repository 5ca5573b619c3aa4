#pragma once
// The subcommands of the `gategrad` program. Each returns the process exit code and writes its
// outputs into its run folder.
#include <gategrad/apps/datasets.hpp>
#include <gategrad/apps/twolayer.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace gg::app {

struct TwoLayerCommand {
  DataOptions data;
  TwoLayerConfig config;
  bool test = false;  // evaluate on the test set once and print "Test accuracy: 0.xxx"
  std::filesystem::path out;
};
int run_twolayer(const TwoLayerCommand& command);

struct GridCommand {
  DataOptions data;
  TwoLayerConfig base;  // everything but the searched values
  std::vector<double> lrs, regs;
  std::vector<std::size_t> hiddens;
  std::filesystem::path out;
};
int run_grid(const GridCommand& command);

struct DepthCommand {
  DataOptions data;  // preprocessed Symmetric, as the homework's torchvision Normalize(0.5, 0.5)
  std::vector<std::string> archs;  // empty: the homework's seven
  std::size_t hidden = 50;
  int epochs = 10;
  std::size_t batch = 200;
  double lr = 1e-3, lr_decay = 0.95, weight_decay = 1e-3;
  std::uint64_t seed = 0;
  std::filesystem::path out;
};
int run_depth(const DepthCommand& command);

struct GraphCommand {
  std::filesystem::path out;
};
int run_graph(const GraphCommand& command);

// The run folder: `requested`, or runs/<subcommand>-<YYYYmmdd-HHMMSS> when empty; created.
std::filesystem::path make_run_folder(const std::filesystem::path& requested, const std::string& subcommand);

// Writes the two-layer run's artifacts: history.csv, loss_accuracy.png, weights.png (one tile per
// hidden unit), model.safetensors and preprocess.safetensors (the mean image).
void save_two_layer_outputs(const std::filesystem::path& dir, const TwoLayerResult& result,
                            const Splits& splits, const std::string& title);

}  // namespace gg::app
