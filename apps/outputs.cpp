#include <gategrad/apps/commands.hpp>
#include <gategrad/apps/report/history.hpp>
#include <gategrad/apps/report/plots.hpp>
#include <gategrad/apps/report/weights_image.hpp>
#include <gategrad/nn/conv.hpp>
#include <gategrad/nn/serialize.hpp>
#include <gategrad/tensor/native.hpp>
#include <gategrad/tensor/safetensors.hpp>

#include <span>

namespace gg::app {

void OutputSaver::save(const std::string& name, const std::function<void()>& write) {
  try {
    write();
  } catch (const std::exception& e) {
    failed_.push_back(name);
    log_.line("error: cannot save " + name + ": " + e.what());
  }
}

void OutputSaver::draw(const std::string& name, const std::function<void()>& draw) {
  try {
    draw();
  } catch (const std::exception& e) {
    log_.warning("no " + name + ": " + e.what());
  }
}

int OutputSaver::exit_code(int code) const {
  if (failed_.empty()) return code;
  std::string names;
  for (const std::string& name : failed_) names += (names.empty() ? "" : ", ") + name;
  log_.line("error: the run finished but " + names + " could not be saved (see above); what could be saved was");
  return 4;
}

RunSettings data_settings(const DataOptions& data) {
  return {{"--dataset", data.dataset},
          {"--data-dir", data.dir.empty() ? std::string() : std::filesystem::absolute(data.dir).lexically_normal().string()},
          {"--val-size", std::to_string(data.validation)}};
}

void save_mean_image(const std::filesystem::path& dir, const Splits& splits) {
  save_safetensors(dir / "preprocess.safetensors", {{{"mean_image", splits.mean_image}}, {}});
}

void save_checkpoint(const std::filesystem::path& dir, const nn::Module& model,
                     const std::vector<report::EpochRecord>& epochs, long steps,
                     std::map<std::string, std::string> metadata) {
  metadata["epoch"] = epochs.empty() ? "none" : std::to_string(epochs.back().epoch);
  metadata["steps"] = std::to_string(steps);
  nn::save(model, dir / "model.safetensors", metadata);
  report::write_history_csv(dir / "history.csv", epochs);
}

void draw_training_figures(OutputSaver& saver, const std::filesystem::path& dir, nn::Sequential& model,
                           const std::vector<double>& losses, const std::vector<report::EpochRecord>& epochs,
                           const Splits& splits, const std::string& title) {
  saver.draw("loss_accuracy.png", [&] { report::plot_loss_and_accuracy(dir / "loss_accuracy.png", losses, epochs, title); });
  saver.draw("weights.png", [&] {
    // An MLP's W1 is (H, D): row k is hidden unit k's template over the input image. A CNN's
    // first convolution (OC, C, KH, KW): one tile per filter, in colour for an RGB input and
    // with its channels stacked otherwise.
    for (std::size_t i = 0; i < model.size(); ++i) {
      if (auto* conv = dynamic_cast<nn::Conv2d*>(&model[i])) {
        const Tensor w = native::contiguous(conv->weight());
        const auto C = static_cast<std::size_t>(w.size(1)), KH = static_cast<std::size_t>(w.size(2)),
                   KW = static_cast<std::size_t>(w.size(3));
        report::save_weight_grid(dir / "weights.png",
                                 std::span<const float>(w.data_ptr<float>(), static_cast<std::size_t>(w.numel())),
                                 static_cast<std::size_t>(w.size(0)),
                                 C == 3 ? std::vector<std::size_t>{3, KH, KW} : std::vector<std::size_t>{C * KH, KW});
        return;
      }
    }
    const Tensor w1 = native::contiguous(dynamic_cast<nn::Linear&>(model[0]).weight());
    const SizeVector& image = splits.train.image_shape;
    report::save_weight_grid(dir / "weights.png",
                             std::span<const float>(w1.data_ptr<float>(), static_cast<std::size_t>(w1.numel())),
                             static_cast<std::size_t>(w1.size(0)), std::vector<std::size_t>(image.begin(), image.end()));
  });
}

}  // namespace gg::app
