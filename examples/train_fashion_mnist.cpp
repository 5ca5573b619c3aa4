// A 784-256-128-10 MLP trained on Fashion-MNIST with Adam for three epochs.
#include <gategrad/gategrad.hpp>

#include <iostream>

int main() {
  namespace nn = gg::nn;
  auto train = gg::data::load_fashion_mnist(gg::data::kFashionMnistDir, gg::data::Split::Train);
  auto test = gg::data::load_fashion_mnist(gg::data::kFashionMnistDir, gg::data::Split::Test);
  gg::data::scale_to_unit(train);  // pixels 0..255 -> [0, 1]
  gg::data::scale_to_unit(test);

  gg::manual_seed(0);
  auto model = std::make_shared<nn::Sequential>(std::initializer_list<std::shared_ptr<nn::Module>>{
      std::make_shared<nn::Linear>(nn::LinearOptions(784, 256)), std::make_shared<nn::ReLU>(),
      std::make_shared<nn::Linear>(nn::LinearOptions(256, 128)), std::make_shared<nn::ReLU>(),
      std::make_shared<nn::Linear>(nn::LinearOptions(128, 10))});
  gg::optim::Adam optimizer(model->parameters(), gg::optim::AdamOptions(1e-3));
  gg::data::DataLoader loader(train, gg::data::DataLoaderOptions(64).shuffle(true).seed(0));

  for (int epoch = 1; epoch <= 3; ++epoch) {
    double total = 0;
    for (const auto& batch : loader) {
      optimizer.zero_grad();
      gg::Tensor loss = nn::cross_entropy((*model)(batch.x), batch.y);
      loss.backward();  // gradients of every parameter
      optimizer.step();
      total += loss.item<double>();
    }
    std::cout << "epoch " << epoch << ": mean loss " << total / double(loader.num_batches()) << "\n";
  }
  gg::NoGradGuard no_grad;
  model->eval();
  const gg::Tensor logits = (*model)(test.images);
  std::cout << "test accuracy: " << nn::accuracy(logits, test.labels) << "\n";
}
