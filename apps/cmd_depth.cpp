#include <gategrad/apps/architecture.hpp>
#include <gategrad/apps/commands.hpp>
#include <gategrad/apps/evaluate.hpp>
#include <gategrad/tensor/atomic_file.hpp>
#include <gategrad/apps/report/history.hpp>
#include <gategrad/apps/report/plots.hpp>
#include <gategrad/apps/report/weights_image.hpp>
#include <gategrad/apps/twolayer.hpp>
#include <gategrad/apps/report/results_table.hpp>
#include <gategrad/apps/report/tee_log.hpp>
#include <gategrad/nn/loss.hpp>
#include <gategrad/nn/serialize.hpp>
#include <gategrad/optim/adam.hpp>
#include <gategrad/optim/scheduler.hpp>

#include <chrono>
#include <cmath>
#include <cstdio>

namespace gg::app {

int run_depth(const DepthCommand& command) {
  const std::filesystem::path dir = make_run_folder(command.out, "depth");
  report::TeeLog log(dir);
  std::vector<NamedArchitecture> archs;
  if (command.archs.empty()) archs = homework_architectures();
  for (const std::string& spec : command.archs) archs.push_back({display_name(spec), spec});
  // Check every architecture before spending minutes on the first.
  for (const auto& a : archs) {
    Generator probe(0);
    build_mlp(a.spec, 2, 2, 2, probe);
  }
  const Splits splits = load_splits(command.data);
  const std::size_t D = splits.train.dim(), C = splits.train.num_classes;
  log << "gategrad depth on " << command.data.dataset << ": " << archs.size() << " architectures, hidden "
      << command.hidden << ", Adam lr " << command.lr << " (x" << command.lr_decay << " per epoch), weight decay "
      << command.weight_decay << ", batch " << command.batch << ", " << command.epochs << " epochs; inputs in [-1, 1]\n";

  report::MarkdownTable table({"#", "architecture", "TA", "VA", "seconds"});
  std::vector<std::string> labels;
  std::vector<double> train_acc, val_acc;
  std::shared_ptr<nn::Sequential> best;
  double best_val = -1;
  std::size_t best_index = 0;
  std::vector<double> best_losses;               // per iteration, of the best architecture
  std::vector<report::EpochRecord> best_history;  // per epoch, of the best architecture
  for (std::size_t a = 0; a < archs.size(); ++a) {
    const auto start = std::chrono::steady_clock::now();
    Generator init(command.seed);
    manual_seed(command.seed + 1);  // dropout draws from the default generator
    auto model = build_mlp(archs[a].spec, D, command.hidden, C, init);
    optim::Adam adam(model->parameters(), optim::AdamOptions(command.lr).weight_decay(command.weight_decay));
    optim::ExponentialLR schedule(adam, command.lr_decay);
    data::DataLoader loader(splits.train, data::DataLoaderOptions(command.batch).shuffle(true).seed(command.seed + 2));
    bool diverged = false;
    std::vector<double> losses;
    std::vector<report::EpochRecord> history;
    for (int epoch = 1; epoch <= command.epochs && !diverged; ++epoch) {
      double total = 0;
      const double lr = adam.lr();
      for (const data::Batch& batch : loader) {
        adam.zero_grad();
        const Var loss = nn::cross_entropy((*model)(Var(batch.x)), batch.y);
        if (!std::isfinite(loss.item())) {
          diverged = true;
          break;
        }
        loss.backward();
        adam.step();
        total += loss.item();
        losses.push_back(loss.item());
      }
      schedule.step();
      const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      history.push_back({epoch, static_cast<long>(losses.size()), losses.empty() ? 0.0 : losses.back(),
                         evaluate_accuracy(*model, splits.train, kTrainAccuracyRows),
                         evaluate_accuracy(*model, splits.validation), lr, seconds});
      char line[200];
      std::snprintf(line, sizeof line, "[%zu/%zu] %s epoch %d/%d: mean loss %.4f (%.1f s)", a + 1, archs.size(),
                    archs[a].name.c_str(), epoch, command.epochs, total / double(loader.num_batches()), seconds);
      log.line(diverged ? std::string(line) + " -- loss became NaN, stopped" : std::string(line));
    }
    const double ta = evaluate_accuracy(*model, splits.train), va = evaluate_accuracy(*model, splits.validation);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    table.add_row({std::to_string(a + 1), archs[a].name, report::format_fixed(100 * ta, 2) + "%",
                   report::format_fixed(100 * va, 2) + "%", report::format_fixed(seconds, 1)});
    labels.push_back(std::to_string(a + 1));
    train_acc.push_back(ta);
    val_acc.push_back(va);
    if (va > best_val) {
      best_val = va;
      best = model;
      best_index = a;
      best_losses = std::move(losses);
      best_history = std::move(history);
    }
  }
  const double tea = evaluate_accuracy(*best, splits.test);
  char line[200];
  std::snprintf(line, sizeof line, "best by VA: %zu. %s, TEA: %.2f%% (the test set was evaluated once, on this model only)",
                best_index + 1, archs[best_index].name.c_str(), 100 * tea);
  log << "\n" << table.str();
  log.line(line);
  nn::save(*best, dir / "model.safetensors", {{"source", "gategrad depth"}, {"architecture", archs[best_index].spec}});
  // The best architecture's curves and first-layer weights, as for the two-layer runs.
  report::write_history_csv(dir / "history.csv", best_history);
  report::plot_loss_and_accuracy(dir / "loss_accuracy.png", best_losses, best_history,
                                 "Best of the depth experiment: " + archs[best_index].name);
  const TensorF& w1 = dynamic_cast<nn::Linear&>((*best)[0]).weight().data();
  const Shape& image = splits.train.image_shape;
  report::save_weight_grid(dir / "weights.png", w1.values(), w1.shape()[0],
                           std::vector<std::size_t>(image.begin(), image.end()));
  report::plot_bars(dir / "depth.png", labels, train_acc, val_acc,
                    "MLP depth on " + command.data.dataset + ": TA and VA after " + std::to_string(command.epochs) + " epochs",
                    "architecture (numbered as in results.md)");
  std::string legend;
  for (std::size_t a = 0; a < archs.size(); ++a) legend += std::to_string(a + 1) + ". " + archs[a].name + "\n";
  gg::write_file_atomically(dir / "results.md", "# gategrad depth\n\n" + table.str() + "\n" + line + "\n\n" + legend);
  log.line("outputs in " + dir.string() + " (results.md, depth.png; history.csv, loss_accuracy.png, "
           "weights.png and model.safetensors of the best)");
  return 0;
}

}  // namespace gg::app
