// A program outside the gategrad tree, built against an installed gategrad with none of the
// library's SIMD flags (tests/install_check.cmake fails if it gets any -march): one use of each
// layer's public headers, so that a signature that depends on build flags fails to link here.
#include <gategrad/data/data.hpp>
#include <gategrad/nn/layers.hpp>
#include <gategrad/nn/loss.hpp>
#include <gategrad/nn/metrics.hpp>
#include <gategrad/optim/sgd.hpp>
#include <gategrad/tensor/ops.hpp>

#include <cstdint>
#include <iostream>
#include <memory>
#include <vector>

int main() {
  // tensor: a seeded matrix product, a softmax, and argmax along an axis.
  gg::Generator gen(0);
  const auto x = gg::ArrayF::randn({4, 3}, gen);
  const auto w = gg::ArrayF::randn({3, 2}, gen);
  const auto p = gg::softmax(gg::matmul(x, w));
  std::cout << "row sums:";
  const auto sums = gg::sum(p, 1);
  for (float s : sums.values()) std::cout << ' ' << s;
  std::cout << '\n';
  const gg::IndexArray best = gg::argmax(p, 1);
  bool argmax_ok = best.size() == 4;
  for (std::size_t i = 0; i < best.size(); ++i) {
    const std::int64_t other = 1 - best(i);
    argmax_ok = argmax_ok && p.at({i, static_cast<std::size_t>(best(i))}) >= p.at({i, static_cast<std::size_t>(other)});
  }
  std::cout << "argmax: " << (argmax_ok ? "ok" : "wrong") << '\n';

  // data: an in-memory dataset of two separable classes, in batches.
  gg::data::Dataset points;
  points.name = "points";
  points.images = gg::ArrayF::empty({8, 2});
  for (std::size_t i = 0; i < 8; ++i) {
    const float side = i % 2 == 0 ? 1.0f : -1.0f;
    points.images.at({i, 0}) = side;
    points.images.at({i, 1}) = 0.1f * static_cast<float>(i);
    points.labels.push_back(static_cast<std::int64_t>(i % 2));
  }
  points.image_shape = {2};
  points.num_classes = 2;
  points.class_names = {"right", "left"};
  gg::data::DataLoader loader(points, gg::data::DataLoaderOptions(4));

  // nn, autograd, optim: a linear classifier trained with SGD on the batches.
  gg::manual_seed(0);
  auto model = std::make_shared<gg::nn::Linear>(gg::nn::LinearOptions(2, 2));
  gg::optim::SGD optimizer(model->parameters(), gg::optim::SGDOptions(0.5));
  double first = 0, last = 0;
  for (int epoch = 0; epoch < 20; ++epoch) {
    double total = 0;
    for (const auto& batch : loader) {
      optimizer.zero_grad();
      gg::Var loss = gg::nn::cross_entropy((*model)(gg::Var(batch.x)), batch.y);
      loss.backward();
      optimizer.step();
      total += loss.item();
    }
    (epoch == 0 ? first : last) = total;
  }
  const double accuracy = gg::nn::accuracy((*model)(gg::Var(points.images)).data(), points.labels);
  std::cout << "training: " << (last < first && accuracy == 1.0 ? "ok" : "failed") << '\n';
  return 0;
}
