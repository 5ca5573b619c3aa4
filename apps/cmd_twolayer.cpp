#include <gategrad/apps/commands.hpp>
#include <gategrad/apps/evaluate.hpp>
#include <gategrad/apps/memory_budget.hpp>
#include <gategrad/apps/report/results_table.hpp>
#include <gategrad/tensor/atomic_file.hpp>
#include <gategrad/apps/report/tee_log.hpp>

#include <cstdio>

namespace gg::app {

int run_twolayer(const TwoLayerCommand& command) {
  const std::filesystem::path dir = prepare_run_folder(command.out, "twolayer", command.folder);
  report::TeeLog log(dir);
  const TwoLayerConfig& c = command.config;
  log << "gategrad twolayer on " << command.data.dataset << ": hidden " << c.hidden << ", lr " << c.lr
      << ", lr decay " << c.lr_decay << ", reg " << c.reg << ", " << c.iters << " iterations of batch "
      << c.batch << (c.dropout > 0 ? ", dropout " + std::to_string(c.dropout) : std::string()) << ", seed "
      << c.seed << "\n";
  const Splits splits = load_splits(command.data);
  log << "data: " << splits.train.size() << " train, " << splits.validation.size() << " validation, "
      << splits.test.size() << " test images of " << splits.train.dim() << " values\n";
  check_memory("twolayer", two_layer_memory(splits.train.dim(), c.hidden, splits.train.num_classes, c.batch),
               "lower --hidden or --batch");
  // The mean image first: the model needs it, whatever happens to training.
  save_mean_image(dir, splits);
  // After each recorded epoch whose model gave a finite loss, that model and the history up to
  // it are on disk: a later NaN cannot lose them. A failed save (a full disk) does not stop
  // training; the previous checkpoint stays, and the final save tries again.
  long saved_epoch = -1;
  const auto checkpoint = [&](const TwoLayerResult& so_far) {
    try {
      save_checkpoint(dir, *so_far.model, so_far.epochs, so_far.epochs.back().iteration + 1,
                      {{"source", "gategrad twolayer"}});
      saved_epoch = so_far.epochs.back().epoch;
    } catch (const std::exception& e) {
      log.warning("cannot save the checkpoint of epoch " + std::to_string(so_far.epochs.back().epoch) + ": " +
                  e.what() + "; training goes on");
    }
  };
  TwoLayerResult result = train_two_layer(c, splits, [&](const std::string& l) { log.line(l); }, checkpoint);
  if (!result.divergence.empty()) {
    log.line("error: " + result.divergence);
    if (saved_epoch >= 0) {
      log.line("the last good checkpoint and history (up to epoch " + std::to_string(saved_epoch) +
               ", the last whose model gave a finite loss) and the mean image are in " + dir.string());
    } else {
      log.line("no epoch ended with a model that gave a finite loss, so there is no checkpoint; the mean image is in " +
               dir.string());
    }
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
  // What training produced first, then the figures.
  OutputSaver saver(log);
  saver.save("model.safetensors and history.csv", [&] {
    save_checkpoint(dir, *result.model, result.epochs, c.iters, {{"source", "gategrad twolayer"}});
  });
  saver.save("results.md", [&] { gg::write_file_atomically(dir / "results.md", "# gategrad twolayer\n\n" + table.str()); });
  draw_training_figures(saver, dir, *result.model, result.loss_history, result.epochs, splits,
                        "Two-layer net on " + command.data.dataset);
  std::snprintf(line, sizeof line, "training took %.2f s; outputs in ", result.seconds);
  log.line(line + dir.string() + " (loss_accuracy.png, weights.png, history.csv, results.md, model.safetensors)");
  return saver.exit_code(0);
}

}  // namespace gg::app
