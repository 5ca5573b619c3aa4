// gategrad: the classic two-layer-net homework, end to end.
//   gategrad twolayer   train the homework's TwoLayerNet with SGD (and --test once)
//   gategrad grid       search learning rates, regularisation strengths and hidden sizes
//   gategrad depth      the seven MLP depth experiments (or your own --arch)
//   gategrad graph      the computational graph of the two-layer loss, as DOT and PNG
#include <gategrad/apps/commands.hpp>
#include <gategrad/tensor/parallel.hpp>

#include <CLI/CLI.hpp>

#include <cmath>
#include <iostream>

#include <cstdlib>

namespace {

using gg::app::DataOptions;

// Validators whose messages say what was expected (CLI11's name the type's full range).
CLI::Validator number_above(double low, bool inclusive) {
  return CLI::Validator(
      [=](std::string& text) -> std::string {
        std::size_t used = 0;
        double v = 0;
        try {
          v = std::stod(text, &used);
        } catch (const std::exception&) {
          used = 0;
        }
        const bool ok = used == text.size() && std::isfinite(v) && (inclusive ? v >= low : v > low);
        if (ok) return {};
        return "got '" + text + "', expected a number " + (inclusive ? ">= " : "> ") + CLI::detail::to_string(low);
      },
      inclusive ? "NUMBER>=0" : "NUMBER>0");
}
const CLI::Validator kPositive = number_above(0, false);
const CLI::Validator kNonNegative = number_above(0, true);

// A comma-separated list: every item must be present and pass `check` (CLI11 would skip empty
// items of "1e-3,,2" silently).
template <class T>
std::vector<T> parse_list(const std::string& flag, const std::string& text, const CLI::Validator& check) {
  std::vector<T> out;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = text.find(',', start);
    std::string item = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    std::string why = item.empty() ? "empty item" : check(item);
    if (!why.empty()) {
      throw CLI::ValidationError(flag, "in list '" + text + "': " + why + " (expected comma-separated numbers)");
    }
    out.push_back(static_cast<T>(std::stod(item)));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

void add_data_options(CLI::App& cmd, DataOptions& data) {
  cmd.add_option("--dataset", data.dataset, "fashion-mnist (Debian's dataset-fashion-mnist) or cifar10")
      ->check(CLI::IsMember({"fashion-mnist", "cifar10"}))
      ->capture_default_str();
  cmd.add_option("--data-dir", data.dir,
                 "folder of the dataset files (default for fashion-mnist: /usr/share/datasets/fashion-mnist; "
                 "cifar10 needs its binary version's folder)");
  cmd.add_option("--val-size", data.validation, "validation images taken from the end of the training files")
      ->check(kPositive)
      ->capture_default_str();
}

void add_two_layer_options(CLI::App& cmd, gg::app::TwoLayerConfig& c, bool searched) {
  if (!searched) {
    cmd.add_option("--hidden", c.hidden, "hidden units H")->check(kPositive)->capture_default_str();
    cmd.add_option("--lr", c.lr, "learning rate")->check(kPositive)->capture_default_str();
    cmd.add_option("--reg", c.reg, "L2 regularisation strength")->check(kNonNegative)->capture_default_str();
  }
  cmd.add_option("--lr-decay", c.lr_decay, "learning-rate factor per epoch")->check(CLI::Range(1e-9, 1.0))->capture_default_str();
  cmd.add_option("--iters", c.iters, "SGD iterations")->check(kPositive)->capture_default_str();
  cmd.add_option("--batch", c.batch, "minibatch size")->check(kPositive)->capture_default_str();
  cmd.add_option("--dropout", c.dropout, "dropout probability after the hidden ReLU (0: none)")
      ->check(CLI::Range(0.0, 0.999))->capture_default_str();
  cmd.add_option("--seed", c.seed, "seed of initialisation, sampling and dropout")->capture_default_str();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"gategrad: the two-layer-net homework in C++ (Fashion-MNIST or CIFAR-10)"};
  app.require_subcommand(1);
  int threads = 0;
  app.add_option("--threads", threads, "threads for gategrad's kernels (default: GG_NUM_THREADS or all cores)")
      ->check(CLI::Range(1, 4096));

  gg::app::TwoLayerCommand twolayer;
  CLI::App* tl = app.add_subcommand("twolayer", "train the homework's two-layer net with minibatch SGD");
  add_data_options(*tl, twolayer.data);
  add_two_layer_options(*tl, twolayer.config, false);
  tl->add_flag("--test", twolayer.test, "evaluate on the test set once and print Test accuracy");
  tl->add_option("--out", twolayer.out, "run folder (default runs/twolayer-<time>)");

  gg::app::GridCommand grid;
  CLI::App* gr = app.add_subcommand("grid", "hyper-parameter search; the best configuration is tested once");
  add_data_options(*gr, grid.data);
  add_two_layer_options(*gr, grid.base, true);
  std::string grid_lrs = "1e-4,5e-4,1e-3", grid_regs = "0.05,0.25", grid_hiddens = "50";
  gr->add_option("--lr", grid_lrs, "learning rates, comma-separated")->capture_default_str();
  gr->add_option("--reg", grid_regs, "regularisation strengths, comma-separated")->capture_default_str();
  gr->add_option("--hidden", grid_hiddens, "hidden sizes, comma-separated")->capture_default_str();
  gr->add_option("--out", grid.out, "run folder (default runs/grid-<time>)");

  gg::app::DepthCommand depth;
  depth.data.preprocess = gg::app::Preprocess::Symmetric;
  CLI::App* dp = app.add_subcommand("depth", "MLPs of depth 2 to 5: the homework's seven, or --arch");
  add_data_options(*dp, depth.data);
  dp->add_option("--arch", depth.archs, "an architecture such as \"linear,relu,linear,dropout(0.5),linear\" (repeatable)");
  dp->add_option("--hidden", depth.hidden, "width of every hidden layer")->check(kPositive)->capture_default_str();
  dp->add_option("--epochs", depth.epochs, "epochs per architecture")->check(kPositive)->capture_default_str();
  dp->add_option("--batch", depth.batch, "minibatch size")->check(kPositive)->capture_default_str();
  dp->add_option("--lr", depth.lr, "Adam learning rate")->check(kPositive)->capture_default_str();
  dp->add_option("--lr-decay", depth.lr_decay, "learning-rate factor per epoch")->check(CLI::Range(1e-9, 1.0))->capture_default_str();
  dp->add_option("--weight-decay", depth.weight_decay, "Adam weight decay")->check(kNonNegative)->capture_default_str();
  dp->add_option("--seed", depth.seed, "seed")->capture_default_str();
  dp->add_option("--out", depth.out, "run folder (default runs/depth-<time>)");

  gg::app::GraphCommand graph;
  CLI::App* gp = app.add_subcommand("graph", "write the graph of the two-layer loss J as DOT (and PNG with Graphviz)");
  gp->add_option("--out", graph.out, "run folder (default runs/graph-<time>)");

  try {
    app.parse(argc, argv);
    if (gr->parsed()) {
      grid.lrs = parse_list<double>("--lr", grid_lrs, kPositive);
      grid.regs = parse_list<double>("--reg", grid_regs, kNonNegative);
      for (double h : parse_list<double>("--hidden", grid_hiddens, kPositive)) {
        if (h != std::floor(h)) throw CLI::ValidationError("--hidden", "got " + std::to_string(h) + ", expected whole numbers");
        grid.hiddens.push_back(static_cast<std::size_t>(h));
      }
    }
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  try {
    if (threads > 0) gg::set_num_threads(threads);
    if (tl->parsed()) return gg::app::run_twolayer(twolayer);
    if (gr->parsed()) return gg::app::run_grid(grid);
    if (dp->parsed()) return gg::app::run_depth(depth);
    return gg::app::run_graph(graph);
  } catch (const std::exception& e) {
    std::cerr << "gategrad: error: " << e.what() << "\n";
    return 1;
  }
}
