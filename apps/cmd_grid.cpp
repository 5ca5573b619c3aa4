#include <gategrad/apps/commands.hpp>
#include <gategrad/apps/evaluate.hpp>
#include <gategrad/apps/finished_configs.hpp>
#include <gategrad/apps/memory_budget.hpp>
#include <gategrad/tensor/atomic_file.hpp>
#include <gategrad/apps/report/progress.hpp>
#include <gategrad/apps/report/results_table.hpp>
#include <gategrad/apps/report/tee_log.hpp>

#include <algorithm>
#include <cstdio>
#include <sstream>

namespace gg::app {
namespace {

std::string joined(const std::vector<double>& values) {
  std::string text;
  for (double v : values) text += (text.empty() ? "" : ",") + exact_text(v);
  return text;
}

RunSettings grid_settings(const GridCommand& command) {
  RunSettings settings = data_settings(command.data);
  std::string hiddens;
  for (std::size_t h : command.hiddens) hiddens += (hiddens.empty() ? "" : ",") + std::to_string(h);
  const TwoLayerConfig& b = command.base;
  settings.insert(settings.end(), {{"--lr", joined(command.lrs)}, {"--reg", joined(command.regs)}, {"--hidden", hiddens},
                                   {"--lr-decay", exact_text(b.lr_decay)}, {"--iters", std::to_string(b.iters)},
                                   {"--batch", std::to_string(b.batch)}, {"--dropout", exact_text(b.dropout)},
                                   {"--seed", std::to_string(b.seed)}});
  return settings;
}

// The best configuration so far, trained here or read back from configs/.
struct Best {
  std::shared_ptr<nn::Sequential> model;
  std::shared_ptr<Generator> dropout_generator;
  FinishedConfig finished;
  TwoLayerConfig config;
  double val_accuracy = -1;
};

}  // namespace

int run_grid(const GridCommand& command) {
  const std::filesystem::path dir = prepare_run_folder(command.out, "grid", command.folder);
  report::TeeLog log(dir);
  record_or_check_settings(dir, "grid", grid_settings(command), command.folder);
  const Splits splits = load_splits(command.data);
  const std::size_t D = splits.train.dim(), C = splits.train.num_classes;
  check_memory("grid", two_layer_memory(D, *std::max_element(command.hiddens.begin(), command.hiddens.end()), C,
                                        command.base.batch),
               "lower the largest --hidden or --batch");
  const std::size_t total = command.lrs.size() * command.regs.size() * command.hiddens.size();
  log << "gategrad grid on " << command.data.dataset << ": " << total << " configurations ("
      << command.base.iters << " iterations of batch " << command.base.batch << " each), "
      << splits.train.size() << " train / " << splits.validation.size() << " validation images\n";
  save_mean_image(dir, splits);
  report::MarkdownTable table({"lr", "reg", "hidden", "val accuracy", "seconds"});
  report::ProgressLine progress(std::cout, total);
  Best best;
  std::size_t index = 0, resumed = 0;
  for (double lr : command.lrs) {
    for (double reg : command.regs) {
      for (std::size_t hidden : command.hiddens) {
        TwoLayerConfig config = command.base;
        config.lr = lr;
        config.reg = reg;
        config.hidden = hidden;
        std::ostringstream label, lr_text, reg_text;
        label << "lr=" << lr << " reg=" << reg << " hidden=" << hidden;
        lr_text << lr;
        reg_text << reg;
        progress.begin(label.str());

        std::shared_ptr<Generator> dropout_generator = std::make_shared<Generator>(config.seed + 2);
        Generator unused(0);
        std::shared_ptr<nn::Sequential> model = make_two_layer_net(config, D, C, unused, dropout_generator.get());
        std::optional<FinishedConfig> finished;
        if (command.folder == FolderMode::Resume) finished = load_finished(dir, index, label.str(), *model);
        const bool from_disk = finished.has_value();
        if (from_disk) {
          ++resumed;
        } else {
          TwoLayerResult result = train_two_layer(config, splits, [](const std::string&) {});
          model = result.model;
          dropout_generator = result.dropout_generator;
          finished = FinishedConfig{{{"source", "gategrad grid"}, {"label", label.str()}, {"lr", lr_text.str()},
                                     {"reg", reg_text.str()}, {"hidden", std::to_string(hidden)},
                                     {"val_accuracy", exact_text(result.val_accuracy)},
                                     {"seconds", exact_text(result.seconds)}, {"divergence", result.divergence}},
                                    std::move(result.loss_history), std::move(result.epochs)};
          try {
            save_finished(dir, index, *model, *finished);
          } catch (const std::exception& e) {
            log.warning("cannot save configuration " + label.str() + ": " + e.what() +
                        " (a --resume would train it again)");
          }
        }
        const bool diverged = !row_text(*finished, "divergence").empty();
        const double val_accuracy = row_number(*finished, "val_accuracy"), seconds = row_number(*finished, "seconds");
        const std::string outcome = diverged ? "diverged (NaN loss)" : "val " + report::format_fixed(val_accuracy, 3);
        progress.end(from_disk ? outcome + " (finished before, read back)" : outcome, seconds);
        table.add_row({row_text(*finished, "lr"), row_text(*finished, "reg"), row_text(*finished, "hidden"),
                       diverged ? "NaN" : report::format_fixed(val_accuracy, 3), report::format_fixed(seconds, 2)});
        if (!diverged && val_accuracy > best.val_accuracy) {
          best = Best{model, dropout_generator, std::move(*finished), config, val_accuracy};
        }
        ++index;
        try {
          gg::write_file_atomically(dir / "results.md", "# gategrad grid\n\n" + table.str() + "\n" +
                                                            std::to_string(index) + " of " + std::to_string(total) +
                                                            " configurations finished so far\n");
        } catch (const std::exception& e) {
          log.warning(std::string("cannot save the results so far: ") + e.what());
        }
      }
    }
  }
  if (resumed > 0) {
    log.line(std::to_string(resumed) + " of " + std::to_string(total) + " configurations were read back from " +
             (dir / "configs").string() + " (--resume), the others trained now");
  }
  log << "\n" << table.str();
  OutputSaver saver(log);
  if (!best.model) {
    log.line("error: every configuration diverged; lower the learning rates");
    saver.save("results.md", [&] { gg::write_file_atomically(dir / "results.md", "# gategrad grid\n\n" + table.str()); });
    return saver.exit_code(3);
  }
  const double test_accuracy = evaluate_accuracy(*best.model, splits.test);
  char line[200];
  std::snprintf(line, sizeof line, "best: lr %g, reg %g, hidden %zu: Validation accuracy: %.3f, Test accuracy: %.3f",
                best.config.lr, best.config.reg, best.config.hidden, best.val_accuracy, test_accuracy);
  log.line(line);
  saver.save("model.safetensors and history.csv", [&] {
    save_checkpoint(dir, *best.model, best.finished.epochs, best.config.iters,
                    {{"source", "gategrad grid"}, {"label", row_text(best.finished, "label")}});
  });
  saver.save("results.md", [&] {
    gg::write_file_atomically(dir / "results.md", "# gategrad grid\n\n" + table.str() + "\n" + line +
                                                      " (the test set was evaluated once, on the best configuration only)\n");
  });
  draw_training_figures(saver, dir, *best.model, best.finished.losses, best.finished.epochs, splits,
                        std::string("Best of the grid on ") + command.data.dataset);
  log.line("outputs of the best configuration in " + dir.string() +
           " (loss_accuracy.png, weights.png, history.csv, results.md, model.safetensors; every configuration's "
           "model in configs/)");
  return saver.exit_code(0);
}

}  // namespace gg::app
