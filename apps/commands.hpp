#pragma once
// The subcommands of the `gategrad` program. Each returns the process exit code and writes its
// outputs into its run folder:
//   0  done;  1  an error before or during training (main prints it);
//   3  the loss became NaN (twolayer), every configuration diverged (grid) or an architecture
//      diverged (depth);  4  trained, but an output could not be saved (the log says which).
#include <gategrad/apps/datasets.hpp>
#include <gategrad/apps/run_folder.hpp>
#include <gategrad/apps/twolayer.hpp>
#include <gategrad/apps/report/tee_log.hpp>

#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace gg::app {

struct TwoLayerCommand {
  DataOptions data;
  TwoLayerConfig config;
  bool test = false;  // evaluate on the test set once and print "Test accuracy: 0.xxx"
  std::filesystem::path out;
  FolderMode folder = FolderMode::Fresh;
};
int run_twolayer(const TwoLayerCommand& command);

struct GridCommand {
  DataOptions data;
  TwoLayerConfig base;  // everything but the searched values
  std::vector<double> lrs, regs;
  std::vector<std::size_t> hiddens;
  std::filesystem::path out;
  FolderMode folder = FolderMode::Fresh;  // Resume: skip the configurations already in out/configs
};
int run_grid(const GridCommand& command);

struct DepthCommand {
  DataOptions data;  // preprocessed Symmetric, as the homework's torchvision Normalize(0.5, 0.5)
  std::vector<std::string> archs;  // empty: the homework's seven
  bool cnn = false;                // add homework_cnn() after them
  bool augment = false;            // random crop (padding H / 8) and flip of every training batch
  std::size_t hidden = 50;
  int epochs = 10;
  std::size_t batch = 200;
  double lr = 1e-3, lr_decay = 0.95, weight_decay = 1e-3;
  std::uint64_t seed = 0;
  std::filesystem::path out;
  FolderMode folder = FolderMode::Fresh;  // Resume: skip the architectures already in out/configs
};
int run_depth(const DepthCommand& command);

struct GraphCommand {
  std::filesystem::path out;
  FolderMode folder = FolderMode::Fresh;
};
int run_graph(const GraphCommand& command);

// Runs the saves at the end of a run one after the other, going on after a failure so that a
// full disk loses as little as possible: a failed save is an error (the run exits 4), a figure
// that cannot be drawn (no gnuplot) a warning.
class OutputSaver {
 public:
  explicit OutputSaver(report::TeeLog& log) : log_(log) {}
  void save(const std::string& name, const std::function<void()>& write);
  void draw(const std::string& name, const std::function<void()>& draw);
  // `code` when every save succeeded; else logs what could not be saved and returns 4.
  int exit_code(int code) const;

 private:
  report::TeeLog& log_;
  std::vector<std::string> failed_;
};

// The data and the settings every command records: --dataset, --data-dir (absolute), --val-size.
RunSettings data_settings(const DataOptions& data);

// preprocess.safetensors: the training mean image the model's inputs are centred with.
void save_mean_image(const std::filesystem::path& dir, const Splits& splits);

// model.safetensors then history.csv, both atomic: history.csv never runs ahead of the model,
// whose metadata records the epoch it holds ("epoch", "steps" taken) besides `metadata`.
void save_checkpoint(const std::filesystem::path& dir, const nn::Module& model,
                     const std::vector<report::EpochRecord>& epochs, long steps,
                     std::map<std::string, std::string> metadata);

// loss_accuracy.png and weights.png (the first layer's weights, one tile per hidden unit).
void draw_training_figures(OutputSaver& saver, const std::filesystem::path& dir, nn::Sequential& model,
                           const std::vector<double>& losses, const std::vector<report::EpochRecord>& epochs,
                           const Splits& splits, const std::string& title);

}  // namespace gg::app
