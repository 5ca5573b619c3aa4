#include <gategrad/apps/evaluate.hpp>
#include <gategrad/apps/twolayer.hpp>
#include <gategrad/nn/loss.hpp>
#include <gategrad/optim/sgd.hpp>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>

namespace gg::app {

std::shared_ptr<nn::Sequential> make_two_layer_net(const TwoLayerConfig& config, std::size_t D, std::size_t C,
                                                   Generator& init, Generator* dropout_gen) {
  const auto linear = [&](std::size_t in, std::size_t out) {
    return std::make_shared<nn::Linear>(
        nn::LinearOptions(static_cast<std::int64_t>(in), static_cast<std::int64_t>(out))
            .init(nn::Init::Normal)
            .std(config.init_std)
            .generator(init));
  };
  auto model = std::make_shared<nn::Sequential>();
  model->push_back(linear(D, config.hidden));
  model->push_back(std::make_shared<nn::ReLU>());
  if (config.dropout > 0) model->push_back(std::make_shared<nn::Dropout>(config.dropout, dropout_gen));
  model->push_back(linear(config.hidden, C));
  return model;
}

TwoLayerResult train_two_layer(const TwoLayerConfig& config, const Splits& splits,
                               const std::function<void(const std::string&)>& log,
                               const std::function<void(const TwoLayerResult&)>& on_epoch) {
  const auto start = std::chrono::steady_clock::now();
  const auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  const data::Dataset& train = splits.train;
  Generator init(config.seed), batches(config.seed + 1);
  TwoLayerResult result;
  result.dropout_generator = std::make_shared<Generator>(config.seed + 2);
  result.model = make_two_layer_net(config, train.dim(), train.num_classes, init, result.dropout_generator.get());

  nn::Sequential& model = *result.model;
  optim::SGD sgd(model.parameters(), optim::SGDOptions(config.lr));
  data::DataLoader sampler(train, data::DataLoaderOptions(config.batch));
  const long per_epoch = std::max<long>(static_cast<long>(train.size() / config.batch), 1);
  char line[160];
  // The last epoch's record waits for the next loss: only a model that gives a finite one is
  // handed to on_epoch.
  bool epoch_unconfirmed = false;
  for (long it = 0; it < config.iters; ++it) {
    const data::Batch& batch = sampler.sample_batch(batches, config.batch);
    sgd.zero_grad();
    const Tensor loss = nn::cross_entropy(model(batch.x), batch.y) + nn::l2_penalty(model, config.reg);
    const double value = loss.item<double>();
    if (!std::isfinite(value)) {
      std::snprintf(line, sizeof line, "iteration %ld / %ld: loss is %s with learning rate %g; stopped "
                    "(lower --lr)", it, config.iters, std::isnan(value) ? "NaN" : "infinite", sgd.lr());
      result.divergence = line;
      if (epoch_unconfirmed) result.epochs.pop_back();  // its model is the one that gave this loss
      epoch_unconfirmed = false;
      break;
    }
    if (epoch_unconfirmed && on_epoch) on_epoch(result);
    epoch_unconfirmed = false;
    loss.backward();
    sgd.step();
    result.loss_history.push_back(value);
    if (it % 100 == 0) {
      std::snprintf(line, sizeof line, "iteration %ld / %ld: loss %f", it, config.iters, value);
      log(line);
    }
    if (it % per_epoch == 0) {
      report::EpochRecord record;
      record.epoch = static_cast<int>(result.epochs.size());
      record.iteration = it;
      record.loss = value;
      record.train_accuracy = evaluate_accuracy(model, train, kTrainAccuracyRows);
      record.val_accuracy = evaluate_accuracy(model, splits.validation);
      record.lr = sgd.lr();
      record.seconds = elapsed();
      result.epochs.push_back(record);
      sgd.set_lr(sgd.lr() * config.lr_decay);
      epoch_unconfirmed = true;
    }
  }
  if (epoch_unconfirmed && on_epoch) on_epoch(result);
  result.val_accuracy = evaluate_accuracy(model, splits.validation);
  result.seconds = elapsed();
  return result;
}

}  // namespace gg::app
