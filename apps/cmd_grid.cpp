#include <gategrad/apps/commands.hpp>
#include <gategrad/apps/evaluate.hpp>
#include <gategrad/tensor/atomic_file.hpp>
#include <gategrad/apps/report/progress.hpp>
#include <gategrad/apps/report/results_table.hpp>
#include <gategrad/apps/report/tee_log.hpp>

#include <cstdio>
#include <sstream>

namespace gg::app {

int run_grid(const GridCommand& command) {
  const std::filesystem::path dir = make_run_folder(command.out, "grid");
  report::TeeLog log(dir);
  const Splits splits = load_splits(command.data);
  const std::size_t total = command.lrs.size() * command.regs.size() * command.hiddens.size();
  log << "gategrad grid on " << command.data.dataset << ": " << total << " configurations ("
      << command.base.iters << " iterations of batch " << command.base.batch << " each), "
      << splits.train.size() << " train / " << splits.validation.size() << " validation images\n";
  report::MarkdownTable table({"lr", "reg", "hidden", "val accuracy", "seconds"});
  report::ProgressLine progress(std::cout, total);
  TwoLayerResult best;
  TwoLayerConfig best_config;
  for (double lr : command.lrs) {
    for (double reg : command.regs) {
      for (std::size_t hidden : command.hiddens) {
        TwoLayerConfig config = command.base;
        config.lr = lr;
        config.reg = reg;
        config.hidden = hidden;
        std::ostringstream label;
        label << "lr=" << lr << " reg=" << reg << " hidden=" << hidden;
        progress.begin(label.str());
        TwoLayerResult result = train_two_layer(config, splits, [](const std::string&) {});
        const std::string outcome = result.divergence.empty()
                                        ? "val " + report::format_fixed(result.val_accuracy, 3)
                                        : "diverged (NaN loss)";
        progress.end(outcome, result.seconds);
        std::ostringstream row;
        row << label.str() << ": " << outcome << " (" << report::format_fixed(result.seconds, 1) << " s)";
        std::ostringstream lr_text, reg_text;
        lr_text << lr;
        reg_text << reg;
        table.add_row({lr_text.str(), reg_text.str(), std::to_string(hidden),
                       result.divergence.empty() ? report::format_fixed(result.val_accuracy, 3) : "NaN",
                       report::format_fixed(result.seconds, 2)});
        if (result.divergence.empty() && (!best.model || result.val_accuracy > best.val_accuracy)) {
          best = std::move(result);
          best_config = config;
        }
      }
    }
  }
  log << "\n" << table.str();
  if (!best.model) {
    log.line("error: every configuration diverged; lower the learning rates");
    gg::write_file_atomically(dir / "results.md", "# gategrad grid\n\n" + table.str());
    return 3;
  }
  const double test_accuracy = evaluate_accuracy(*best.model, splits.test);
  char line[200];
  std::snprintf(line, sizeof line, "best: lr %g, reg %g, hidden %zu: Validation accuracy: %.3f, Test accuracy: %.3f",
                best_config.lr, best_config.reg, best_config.hidden, best.val_accuracy, test_accuracy);
  log.line(line);
  save_two_layer_outputs(dir, best, splits, std::string("Best of the grid on ") + command.data.dataset);
  gg::write_file_atomically(dir / "results.md", "# gategrad grid\n\n" + table.str() + "\n" + line +
                                                        " (the test set was evaluated once, on the best configuration only)\n");
  log.line("outputs of the best configuration in " + dir.string() +
           " (loss_accuracy.png, weights.png, history.csv, results.md, model.safetensors)");
  return 0;
}

}  // namespace gg::app
