// gategrad: the classic two-layer-net homework, end to end.
//   gategrad twolayer   train the homework's TwoLayerNet with SGD (and --test once)
//   gategrad grid       search learning rates, regularisation strengths and hidden sizes
//   gategrad depth      the seven MLP depth experiments (or your own --arch: MLPs or CNNs)
//   gategrad graph      the computational graph of the two-layer loss, as DOT and PNG
#include <gategrad/apps/architecture.hpp>
#include <gategrad/apps/commands.hpp>
#include <gategrad/apps/lists.hpp>
#include <gategrad/tensor/parallel.hpp>

#include <CLI/CLI.hpp>

#include <cmath>
#include <cstdint>
#include <new>
#include <stdexcept>
#include <iostream>

#include <cstdlib>

namespace {

using gg::app::DataOptions;

using gg::app::number_above;
using gg::app::parse_list;
const CLI::Validator kPositive = number_above(0, false);
const CLI::Validator kNonNegative = number_above(0, true);
const CLI::Validator kDecay = gg::app::number_between(0, false, 1);
const CLI::Validator kHidden = gg::app::whole_number(1, gg::app::kMaxHidden);
const CLI::Validator kBatch = gg::app::whole_number(1, gg::app::kMaxBatch);
const CLI::Validator kSeed = gg::app::whole_number(0, UINT64_MAX);

// --overwrite (every subcommand) and --resume (grid and depth) choose how a non-empty --out is
// treated; without either it is refused.
struct FolderFlags {
  bool overwrite = false, resume = false;
};
void add_folder_options(CLI::App& cmd, FolderFlags& flags, bool resumable) {
  cmd.add_flag("--overwrite", flags.overwrite, "replace the gategrad run already in --out");
  if (resumable) {
    cmd.add_flag("--resume", flags.resume,
                 "continue the run in --out (killed or not), skipping the configurations it finished; "
                 "the flags must be the same")
        ->excludes("--overwrite");
  }
}
gg::app::FolderMode folder_mode(const FolderFlags& flags) {
  return flags.resume ? gg::app::FolderMode::Resume
                      : flags.overwrite ? gg::app::FolderMode::Overwrite : gg::app::FolderMode::Fresh;
}

void add_data_options(CLI::App& cmd, DataOptions& data) {
  cmd.add_option("--dataset", data.dataset, "fashion-mnist (Debian's dataset-fashion-mnist) or cifar10")
      ->check(CLI::IsMember({"fashion-mnist", "cifar10"}))
      ->capture_default_str();
  cmd.add_option("--data-dir", data.dir,
                 "folder of the dataset files (default for fashion-mnist: /usr/share/datasets/fashion-mnist; "
                 "cifar10 needs its binary version's folder)");
  cmd.add_option("--val-size", data.validation, "validation images taken from the end of the training files")
      ->transform(gg::app::whole_number(1, gg::app::kMaxValidation))
      ->capture_default_str();
}

void add_two_layer_options(CLI::App& cmd, gg::app::TwoLayerConfig& c, bool searched) {
  if (!searched) {
    cmd.add_option("--hidden", c.hidden, "hidden units H")->transform(kHidden)->capture_default_str();
    cmd.add_option("--lr", c.lr, "learning rate")->check(kPositive)->capture_default_str();
    cmd.add_option("--reg", c.reg, "L2 regularisation strength")->check(kNonNegative)->capture_default_str();
  }
  cmd.add_option("--lr-decay", c.lr_decay, "learning-rate factor per epoch")->check(kDecay)->capture_default_str();
  cmd.add_option("--iters", c.iters, "SGD iterations")
      ->transform(gg::app::whole_number(1, gg::app::kMaxIterations))->capture_default_str();
  cmd.add_option("--batch", c.batch, "minibatch size")->transform(kBatch)->capture_default_str();
  cmd.add_option("--dropout", c.dropout, "dropout probability after the hidden ReLU (0: none)")
      ->check(gg::app::number_between(0.0, true, 0.999))->capture_default_str();
  cmd.add_option("--seed", c.seed, "seed of initialisation, sampling and dropout")->transform(kSeed)->capture_default_str();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"gategrad: the two-layer-net homework in C++ (Fashion-MNIST or CIFAR-10)"};
  app.require_subcommand(1);
  int threads = 0;
  app.add_option("--threads", threads, "threads for gategrad's kernels (default: GG_NUM_THREADS or all cores)")
      ->transform(gg::app::whole_number(1, gg::app::kMaxThreads));

  gg::app::TwoLayerCommand twolayer;
  CLI::App* tl = app.add_subcommand("twolayer", "train the homework's two-layer net with minibatch SGD");
  add_data_options(*tl, twolayer.data);
  add_two_layer_options(*tl, twolayer.config, false);
  tl->add_flag("--test", twolayer.test, "evaluate on the test set once and print Test accuracy");
  tl->add_option("--out", twolayer.out, "run folder (default runs/twolayer-<time>)");
  FolderFlags tl_folder, gr_folder, dp_folder, gp_folder;
  add_folder_options(*tl, tl_folder, false);

  gg::app::GridCommand grid;
  CLI::App* gr = app.add_subcommand("grid", "hyper-parameter search; the best configuration is tested once");
  add_data_options(*gr, grid.data);
  add_two_layer_options(*gr, grid.base, true);
  std::string grid_lrs = "1e-4,5e-4,1e-3", grid_regs = "0.05,0.25", grid_hiddens = "50";
  gr->add_option("--lr", grid_lrs, "learning rates, comma-separated")->capture_default_str();
  gr->add_option("--reg", grid_regs, "regularisation strengths, comma-separated")->capture_default_str();
  gr->add_option("--hidden", grid_hiddens, "hidden sizes, comma-separated")->capture_default_str();
  gr->add_option("--out", grid.out, "run folder (default runs/grid-<time>)");
  add_folder_options(*gr, gr_folder, true);

  gg::app::DepthCommand depth;
  depth.data.preprocess = gg::app::Preprocess::Symmetric;
  CLI::App* dp = app.add_subcommand("depth", "MLPs of depth 2 to 5: the homework's seven, or --arch (MLPs or CNNs)");
  add_data_options(*dp, depth.data);
  dp->add_option("--arch", depth.archs, "an architecture such as \"linear,relu,linear,dropout(0.5),linear\" or a CNN such as "
                              "\"conv(32,3,pad=1),batchnorm,relu,maxpool(2),flatten,linear(128),relu,linear\" (repeatable)");
  dp->add_flag("--augment", depth.augment,
               "augment the training batches: a random crop of each image padded by 1/8 of its height (4 pixels on "
               "CIFAR-10) and a horizontal flip with probability 0.5");
  dp->add_flag("--cnn", depth.cnn, "add a CNN row after the MLPs: " + gg::app::homework_cnn().spec);
  dp->add_option("--hidden", depth.hidden, "width of every hidden layer")->transform(kHidden)->capture_default_str();
  dp->add_option("--epochs", depth.epochs, "epochs per architecture")
      ->transform(gg::app::whole_number(1, gg::app::kMaxEpochs))->capture_default_str();
  dp->add_option("--batch", depth.batch, "minibatch size")->transform(kBatch)->capture_default_str();
  dp->add_option("--lr", depth.lr, "Adam learning rate")->check(kPositive)->capture_default_str();
  dp->add_option("--lr-decay", depth.lr_decay, "learning-rate factor per epoch")->check(kDecay)->capture_default_str();
  dp->add_option("--weight-decay", depth.weight_decay, "Adam weight decay")->check(kNonNegative)->capture_default_str();
  dp->add_option("--seed", depth.seed, "seed")->transform(kSeed)->capture_default_str();
  dp->add_option("--out", depth.out, "run folder (default runs/depth-<time>)");
  add_folder_options(*dp, dp_folder, true);

  gg::app::GraphCommand graph;
  CLI::App* gp = app.add_subcommand("graph", "write the graph of the two-layer loss J as DOT (and PNG with Graphviz)");
  gp->add_option("--out", graph.out, "run folder (default runs/graph-<time>)");
  add_folder_options(*gp, gp_folder, false);

  try {
    app.parse(argc, argv);
    if (gr->parsed()) {
      grid.lrs = parse_list("--lr", grid_lrs, kPositive);
      grid.regs = parse_list("--reg", grid_regs, kNonNegative);
      grid.hiddens = gg::app::parse_size_list("--hidden", grid_hiddens, gg::app::kMaxHidden);
    }
    twolayer.folder = folder_mode(tl_folder);
    grid.folder = folder_mode(gr_folder);
    depth.folder = folder_mode(dp_folder);
    graph.folder = folder_mode(gp_folder);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  try {
    if (threads > 0) gg::set_num_threads(threads);
    if (tl->parsed()) return gg::app::run_twolayer(twolayer);
    if (gr->parsed()) return gg::app::run_grid(grid);
    if (dp->parsed()) return gg::app::run_depth(depth);
    return gg::app::run_graph(graph);
  } catch (const std::length_error& e) {
    std::cerr << "gategrad: error: a size too large to allocate (" << e.what() << "): lower --hidden or --batch\n";
    return 1;
  } catch (const std::bad_alloc& e) {
    // The sizes are checked against the machine's memory before training (memory_budget.hpp);
    // this is what is left when that estimate was too low or the memory is taken by others.
    std::cerr << "gategrad: error: out of memory (" << e.what() << "): the sizes asked for (--hidden, --batch, "
              << "the dataset) need more memory than this machine can give now; lower them\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "gategrad: error: " << e.what() << "\n";
    return 1;
  }
}
