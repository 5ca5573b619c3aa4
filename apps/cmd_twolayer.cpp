#include <gategrad/apps/commands.hpp>
#include <gategrad/apps/evaluate.hpp>
#include <gategrad/apps/report/results_table.hpp>
#include <gategrad/tensor/atomic_file.hpp>
#include <gategrad/apps/report/history.hpp>
#include <gategrad/apps/report/tee_log.hpp>
#include <gategrad/nn/serialize.hpp>

#include <cstdio>

namespace gg::app {

int run_twolayer(const TwoLayerCommand& command) {
  const std::filesystem::path dir = make_run_folder(command.out, "twolayer");
  report::TeeLog log(dir);
  const TwoLayerConfig& c = command.config;
  log << "gategrad twolayer on " << command.data.dataset << ": hidden " << c.hidden << ", lr " << c.lr
      << ", lr decay " << c.lr_decay << ", reg " << c.reg << ", " << c.iters << " iterations of batch "
      << c.batch << (c.dropout > 0 ? ", dropout " + std::to_string(c.dropout) : std::string()) << ", seed "
      << c.seed << "\n";
  const Splits splits = load_splits(command.data);
  log << "data: " << splits.train.size() << " train, " << splits.validation.size() << " validation, "
      << splits.test.size() << " test images of " << splits.train.dim() << " values\n";
  // After every recorded epoch the last good state is on disk: a later NaN cannot lose it.
  const auto checkpoint = [&](const TwoLayerResult& so_far) {
    report::write_history_csv(dir / "history.csv", so_far.epochs);
    nn::save(*so_far.model, dir / "model.safetensors", {{"source", "gategrad twolayer"}});
  };
  TwoLayerResult result = train_two_layer(c, splits, [&](const std::string& l) { log.line(l); }, checkpoint);
  if (!result.divergence.empty()) {
    log.line("error: " + result.divergence);
    log.line("the last good checkpoint and history (up to epoch " +
             std::to_string(result.epochs.empty() ? 0 : result.epochs.back().epoch) + ") are in " + dir.string());
    return 3;
  }
  char line[96];
  std::snprintf(line, sizeof line, "Validation accuracy: %.3f", result.val_accuracy);
  log.line(line);
  report::MarkdownTable table({"hidden", "lr", "lr decay", "reg", "iterations", "batch", "dropout",
                               "val accuracy", "test accuracy", "seconds"});
  std::string test_cell = "-";
  if (command.test) {
    const double test_accuracy = evaluate_accuracy(*result.model, splits.test);
    std::snprintf(line, sizeof line, "Test accuracy: %.3f", test_accuracy);
    log.line(line);
    test_cell = report::format_fixed(test_accuracy, 3);
  }
  table.add_row({std::to_string(c.hidden), std::to_string(c.lr), std::to_string(c.lr_decay), std::to_string(c.reg),
                 std::to_string(c.iters), std::to_string(c.batch), std::to_string(c.dropout),
                 report::format_fixed(result.val_accuracy, 3), test_cell, report::format_fixed(result.seconds, 2)});
  save_two_layer_outputs(dir, result, splits, "Two-layer net on " + command.data.dataset);
  gg::write_file_atomically(dir / "results.md", "# gategrad twolayer\n\n" + table.str());
  std::snprintf(line, sizeof line, "training took %.2f s; outputs in ", result.seconds);
  log.line(line + dir.string() + " (loss_accuracy.png, weights.png, history.csv, results.md, model.safetensors)");
  return 0;
}

}  // namespace gg::app
