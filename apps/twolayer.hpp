#pragma once
// The homework's TwoLayerNet trained as its numpy code trains it:
//   input -> Linear(H) -> ReLU [-> Dropout(p)] -> Linear(10), weights 1e-4 * randn, zero biases
//   loss = mean softmax cross-entropy + reg * (|W1|^2 + |W2|^2)
//   minibatch SGD: each iteration samples `batch` rows with replacement; every
//   iterations_per_epoch = max(N / batch, 1) iterations it records train and validation
//   accuracy and multiplies the learning rate by lr_decay.
#include <gategrad/apps/datasets.hpp>
#include <gategrad/apps/report/history.hpp>
#include <gategrad/nn/layers.hpp>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace gg::app {

struct TwoLayerConfig {
  std::size_t hidden = 50;
  double lr = 1e-3;
  double lr_decay = 0.95;
  double reg = 0.25;
  long iters = 1000;
  std::size_t batch = 200;
  double dropout = 0.0;
  std::uint64_t seed = 0;
  double init_std = 1e-4;
};

struct TwoLayerResult {
  std::shared_ptr<nn::Sequential> model;
  std::shared_ptr<Generator> dropout_generator;  // the model's Dropout draws from it
  std::vector<double> loss_history;           // one per iteration
  std::vector<report::EpochRecord> epochs;    // one per recorded epoch (on a divergence, up to
                                              // the last whose model still gave a finite loss)
  double val_accuracy = 0;
  double seconds = 0;
  std::string divergence;                     // non-empty when training stopped on NaN/Inf
};

// Rows of the training set used for the recorded "train" accuracy (the first ones: a fixed,
// cheap and less noisy estimate than the homework's current minibatch).
inline constexpr std::size_t kTrainAccuracyRows = 1000;

// The untrained net: D -> hidden -> ReLU [-> Dropout(dropout, drawing from `dropout_gen`)] -> C,
// weights init_std * randn drawn from `init`, zero biases.
std::shared_ptr<nn::Sequential> make_two_layer_net(const TwoLayerConfig& config, std::size_t D, std::size_t C,
                                                   Generator& init, Generator* dropout_gen);

// `log` gets each progress line; `on_epoch` gets the result so far for each recorded epoch (the
// command saves its checkpoint and history there), once the model of that epoch has given a
// finite loss on the next batch (or training ended): a checkpoint is never a model whose loss
// was NaN. Training stops at the first non-finite loss, before updating, and says so in
// result.divergence.
TwoLayerResult train_two_layer(const TwoLayerConfig& config, const Splits& splits,
                               const std::function<void(const std::string&)>& log,
                               const std::function<void(const TwoLayerResult&)>& on_epoch = {});

}  // namespace gg::app
