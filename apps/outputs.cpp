#include <gategrad/apps/commands.hpp>
#include <gategrad/apps/report/plots.hpp>
#include <gategrad/apps/report/weights_image.hpp>
#include <gategrad/nn/serialize.hpp>
#include <gategrad/tensor/safetensors.hpp>

#include <chrono>
#include <ctime>

namespace gg::app {

std::filesystem::path make_run_folder(const std::filesystem::path& requested, const std::string& subcommand) {
  std::filesystem::path dir = requested;
  if (dir.empty()) {
    const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", std::localtime(&now));
    dir = std::filesystem::path("runs") / (subcommand + "-" + stamp);
  }
  std::filesystem::create_directories(dir);
  return dir;
}

void save_two_layer_outputs(const std::filesystem::path& dir, const TwoLayerResult& result,
                            const Splits& splits, const std::string& title) {
  report::write_history_csv(dir / "history.csv", result.epochs);
  report::plot_loss_and_accuracy(dir / "loss_accuracy.png", result.loss_history, result.epochs, title);
  // W1 is (H, D): row k is hidden unit k's template over the input image.
  auto& first = dynamic_cast<nn::Linear&>((*result.model)[0]);
  const TensorF& w1 = first.weight().data();
  const Shape& image = splits.train.image_shape;
  report::save_weight_grid(dir / "weights.png", w1.values(), w1.shape()[0],
                           std::vector<std::size_t>(image.begin(), image.end()));
  nn::save(*result.model, dir / "model.safetensors", {{"source", "gategrad twolayer"}});
  save_safetensors(dir / "preprocess.safetensors", {{{"mean_image", splits.mean_image}}, {}});
}

}  // namespace gg::app
