#include <gategrad/apps/architecture.hpp>
#include <gategrad/apps/commands.hpp>
#include <gategrad/apps/evaluate.hpp>
#include <gategrad/apps/finished_configs.hpp>
#include <gategrad/apps/memory_budget.hpp>
#include <gategrad/tensor/atomic_file.hpp>
#include <gategrad/apps/report/history.hpp>
#include <gategrad/apps/report/plots.hpp>
#include <gategrad/apps/twolayer.hpp>
#include <gategrad/apps/report/results_table.hpp>
#include <gategrad/apps/report/tee_log.hpp>
#include <gategrad/data/transforms.hpp>
#include <gategrad/nn/loss.hpp>
#include <gategrad/nn/serialize.hpp>
#include <gategrad/optim/adam.hpp>
#include <gategrad/optim/scheduler.hpp>
#include <gategrad/tensor/native.hpp>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>

namespace gg::app {
namespace {

RunSettings depth_settings(const DepthCommand& command, const std::vector<NamedArchitecture>& archs) {
  RunSettings settings = data_settings(command.data);
  std::string specs;
  for (const NamedArchitecture& a : archs) specs += (specs.empty() ? "" : " | ") + a.spec;
  settings.insert(settings.end(), {{"--arch", specs}, {"--hidden", std::to_string(command.hidden)},
                                   {"--epochs", std::to_string(command.epochs)}, {"--batch", std::to_string(command.batch)},
                                   {"--lr", exact_text(command.lr)}, {"--lr-decay", exact_text(command.lr_decay)},
                                   {"--weight-decay", exact_text(command.weight_decay)},
                                   {"--seed", std::to_string(command.seed)}});
  // Only when on, so that a run folder written before the option existed still resumes.
  if (command.augment) settings.push_back({"--augment", "true"});
  return settings;
}

// --augment: each row of x (B, D) as an image of `shape`, padded by H / 8 on every side (4 on
// CIFAR-10's 32 x 32, 3 on Fashion-MNIST's 28 x 28) and cut back to its size at a random
// place, then mirrored with probability 0.5 (data/transforms.hpp's random_crop and
// random_horizontal_flip, as torchvision's RandomCrop(size, padding) and RandomHorizontalFlip).
Tensor augment(const Tensor& x, const SizeVector& shape, data::transforms::RandomSource& source) {
  const std::int64_t H = shape[shape.size() - 2], W = shape[shape.size() - 1];
  Tensor out = empty(x.sizes(), x.dtype());
  for (std::int64_t i = 0; i < x.size(0); ++i) {
    const Tensor image = native::view(native::select(x, 0, i), IntArrayRef(shape));
    const Tensor flipped = data::transforms::random_horizontal_flip(
        data::transforms::random_crop(image, H, W, H / 8, source), 0.5, source);
    native::copy_(native::select(out, 0, i), native::reshape(flipped, {-1}));
  }
  return out;
}

// Trains architecture `a` with the homework's PyTorch recipe; its row says "diverged" with the
// epoch and iteration when the loss became NaN or infinite (training stops there).
FinishedConfig train_architecture(const DepthCommand& command, const NamedArchitecture& arch, std::size_t a,
                                  std::size_t count, const Splits& splits, nn::Sequential& model,
                                  report::TeeLog& log) {
  const auto start = std::chrono::steady_clock::now();
  optim::Adam adam(model.parameters(), optim::AdamOptions(command.lr).weight_decay(command.weight_decay));
  optim::ExponentialLR schedule(adam, command.lr_decay);
  data::DataLoader loader(splits.train, data::DataLoaderOptions(command.batch).shuffle(true).seed(command.seed + 2));
  data::transforms::RandomSource augmentation(command.seed + 3);
  std::string divergence;
  FinishedConfig finished;
  for (int epoch = 1; epoch <= command.epochs && divergence.empty(); ++epoch) {
    double total = 0;
    const double lr = adam.lr();
    for (const data::Batch& batch : loader) {
      adam.zero_grad();
      const Tensor input = command.augment ? augment(batch.x, splits.train.image_shape, augmentation) : batch.x;
      const Tensor loss = nn::cross_entropy(model(input), batch.y);
      const double value = loss.item<double>();
      if (!std::isfinite(value)) {
        divergence = "epoch " + std::to_string(epoch) + ", iteration " + std::to_string(finished.losses.size() + 1);
        break;
      }
      loss.backward();
      adam.step();
      total += value;
      finished.losses.push_back(value);
    }
    schedule.step();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    finished.epochs.push_back({epoch, static_cast<long>(finished.losses.size()),
                               finished.losses.empty() ? 0.0 : finished.losses.back(),
                               evaluate_accuracy(model, splits.train, kTrainAccuracyRows),
                               evaluate_accuracy(model, splits.validation), lr, seconds});
    char line[200];
    std::snprintf(line, sizeof line, "[%zu/%zu] %s epoch %d/%d: mean loss %.4f (%.1f s)", a + 1, count,
                  arch.name.c_str(), epoch, command.epochs, total / double(loader.num_batches()), seconds);
    log.line(divergence.empty() ? std::string(line) : std::string(line) + " -- loss became NaN, stopped");
  }
  const double ta = evaluate_accuracy(model, splits.train), va = evaluate_accuracy(model, splits.validation);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  finished.row = {{"source", "gategrad depth"}, {"label", arch.spec}, {"architecture", arch.spec},
                  {"train_accuracy", exact_text(ta)}, {"val_accuracy", exact_text(va)},
                  {"seconds", exact_text(seconds)}, {"divergence", divergence}};
  return finished;
}

}  // namespace

int run_depth(const DepthCommand& command) {
  std::vector<NamedArchitecture> archs;
  if (command.archs.empty()) archs = homework_architectures();
  for (const std::string& spec : command.archs) archs.push_back({display_name(spec), spec});
  if (command.cnn) archs.push_back(homework_cnn());
  // Check every architecture before spending minutes on the first (the shapes need only the
  // dataset's image shape, read without loading it).
  const std::vector<std::int64_t> image = image_shape_of(command.data.dataset);
  std::int64_t D = 1;
  for (std::int64_t d : image) D *= d;
  std::vector<MemoryItem> largest;
  double largest_bytes = -1;
  for (const auto& a : archs) {
    Generator probe(0);
    const BuiltModel built = build_model(a.spec, image, command.hidden, 10, probe);
    std::size_t linears = 0;
    for (std::size_t i = 0; i < built.model->size(); ++i) linears += dynamic_cast<nn::Linear*>(&(*built.model)[i]) != nullptr;
    // An MLP's items name its layers' sizes; a CNN's count its parameters and feature maps.
    const std::vector<MemoryItem> items =
        built.convolutional ? model_memory(built.parameters, built.activations, static_cast<std::uint64_t>(D), command.batch)
                            : mlp_memory(static_cast<std::uint64_t>(D), command.hidden, 10, linears, command.batch);
    double bytes = 0;
    for (const MemoryItem& item : items) bytes += item.bytes;
    if (bytes > largest_bytes) largest_bytes = bytes, largest = items;
  }
  const std::filesystem::path dir = prepare_run_folder(command.out, "depth", command.folder);
  report::TeeLog log(dir);
  record_or_check_settings(dir, "depth", depth_settings(command, archs), command.folder);
  const Splits splits = load_splits(command.data);
  const std::size_t C = splits.train.num_classes;
  check_memory("depth", largest, "lower --hidden or --batch");
  log << "gategrad depth on " << command.data.dataset << ": " << archs.size() << " architectures, hidden "
      << command.hidden << ", Adam lr " << command.lr << " (x" << command.lr_decay << " per epoch), weight decay "
      << command.weight_decay << ", batch " << command.batch << ", " << command.epochs << " epochs; inputs in [-1, 1]\n";

  report::MarkdownTable table({"#", "architecture", "TA", "VA", "seconds"});
  std::vector<std::string> labels, diverged;
  std::vector<double> train_acc, val_acc;
  std::shared_ptr<nn::Sequential> best;
  FinishedConfig best_finished;
  double best_val = -1;
  std::size_t best_index = 0, resumed = 0;
  for (std::size_t a = 0; a < archs.size(); ++a) {
    Generator init(command.seed);
    manual_seed(command.seed + 1);  // dropout draws from the default generator
    auto model = build_model(archs[a].spec, image, command.hidden, C, init).model;
    std::optional<FinishedConfig> finished;
    if (command.folder == FolderMode::Resume) finished = load_finished(dir, a, archs[a].spec, *model);
    if (finished) {
      ++resumed;
      log.line("[" + std::to_string(a + 1) + "/" + std::to_string(archs.size()) + "] " + archs[a].name +
               ": finished before, read back from " + finished_model_path(dir, a).string());
    } else {
      finished = train_architecture(command, archs[a], a, archs.size(), splits, *model, log);
      try {
        save_finished(dir, a, *model, *finished);
      } catch (const std::exception& e) {
        log.warning("cannot save architecture " + std::to_string(a + 1) + ": " + e.what() +
                    " (a --resume would train it again)");
      }
    }
    const std::string divergence = row_text(*finished, "divergence");
    const double ta = row_number(*finished, "train_accuracy"), va = row_number(*finished, "val_accuracy");
    const double seconds = row_number(*finished, "seconds");
    const bool ok = divergence.empty();
    const std::string failed = "diverged (" + divergence + ")";
    table.add_row({std::to_string(a + 1), archs[a].name, ok ? report::format_fixed(100 * ta, 2) + "%" : failed,
                   ok ? report::format_fixed(100 * va, 2) + "%" : failed, report::format_fixed(seconds, 1)});
    labels.push_back(std::to_string(a + 1));
    train_acc.push_back(ok ? ta : std::numeric_limits<double>::quiet_NaN());
    val_acc.push_back(ok ? va : std::numeric_limits<double>::quiet_NaN());
    if (!ok) diverged.push_back(std::to_string(a + 1) + ". " + archs[a].name + " at " + divergence);
    // A diverged net is never the best, whatever accuracy its last weights happen to give.
    if (ok && va > best_val) {
      best_val = va;
      best = model;
      best_index = a;
      best_finished = std::move(*finished);
    }
    try {
      gg::write_file_atomically(dir / "results.md", "# gategrad depth\n\n" + table.str() + "\n" + std::to_string(a + 1) +
                                                        " of " + std::to_string(archs.size()) +
                                                        " architectures finished so far\n");
    } catch (const std::exception& e) {
      log.warning(std::string("cannot save the results so far: ") + e.what());
    }
  }
  if (resumed > 0) {
    log.line(std::to_string(resumed) + " of " + std::to_string(archs.size()) + " architectures were read back from " +
             (dir / "configs").string() + " (--resume), the others trained now");
  }
  std::string legend;
  for (std::size_t a = 0; a < archs.size(); ++a) legend += std::to_string(a + 1) + ". " + archs[a].name + "\n";
  std::string summary;
  for (const std::string& d : diverged) {
    summary += "diverged: " + d + " (the loss became NaN; lower --lr)\n";
  }
  log << "\n" << table.str();
  OutputSaver saver(log);
  if (!best) {
    log.line("error: every architecture diverged; lower --lr");
    saver.save("results.md", [&] {
      gg::write_file_atomically(dir / "results.md", "# gategrad depth\n\n" + table.str() + "\n" + summary + "\n" + legend);
    });
    return saver.exit_code(3);
  }
  const double tea = evaluate_accuracy(*best, splits.test);
  char line[200];
  std::snprintf(line, sizeof line, "best by VA: %zu. %s, TEA: %.2f%% (the test set was evaluated once, on this model only)",
                best_index + 1, archs[best_index].name.c_str(), 100 * tea);
  log.line(line);
  // What training produced first, then the figures.
  saver.save("model.safetensors and history.csv", [&] {
    save_checkpoint(dir, *best, best_finished.epochs, best_finished.epochs.empty() ? 0 : best_finished.epochs.back().iteration,
                    {{"source", "gategrad depth"}, {"architecture", archs[best_index].spec}});
  });
  saver.save("results.md", [&] {
    gg::write_file_atomically(dir / "results.md", "# gategrad depth\n\n" + table.str() + "\n" + line + "\n" + summary +
                                                      "\n" + legend);
  });
  // The best architecture's curves and first-layer weights, as for the two-layer runs.
  draw_training_figures(saver, dir, *best, best_finished.losses, best_finished.epochs, splits,
                        "Best of the depth experiment: " + archs[best_index].name);
  saver.draw("depth.png", [&] {
    report::plot_bars(dir / "depth.png", labels, train_acc, val_acc,
                      "MLP depth on " + command.data.dataset + ": TA and VA after " + std::to_string(command.epochs) +
                          " epochs",
                      "architecture (numbered as in results.md)");
  });
  log.line("outputs in " + dir.string() + " (results.md, depth.png; history.csv, loss_accuracy.png, "
           "weights.png and model.safetensors of the best; every architecture's model in configs/)");
  if (!diverged.empty()) {
    for (const std::string& d : diverged) log.line("error: architecture " + d + ": the loss became NaN; it is marked "
                                                   "diverged in results.md and was not considered for the best");
    return saver.exit_code(3);
  }
  return saver.exit_code(0);
}

}  // namespace gg::app
