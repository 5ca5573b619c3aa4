// pytorch/examples' cpp/regression in gategrad: one Linear layer learns a random polynomial of
// degree 4 from the features [x, x^2, x^3, x^4], by SGD on a fresh batch of 32 points per step,
// until the smooth L1 loss of a batch falls below 1e-3. It then prints both polynomials.
// Exits 1 if the loss is still above the threshold after --max-batches (default 20000).
#include <gategrad/gategrad.hpp>

#include <charconv>
#include <cstdint>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace {

constexpr std::int64_t kDegree = 4;
constexpr float kTargetLoss = 1e-3f;

// x:(B) -> (B, kDegree): column k holds x^(k+1).
gg::Tensor polynomial_features(const gg::Tensor& x) {
  const gg::Tensor column = x.unsqueeze(1);
  std::vector<gg::Tensor> powers;
  for (std::int64_t k = 1; k <= kDegree; ++k) powers.push_back(gg::pow(column, k));
  return gg::cat(powers, 1);
}

// features:(B, kDegree) coefficients:(kDegree, 1) constant:(1) -> (B, 1)
gg::Tensor polynomial(const gg::Tensor& features, const gg::Tensor& coefficients,
                      const gg::Tensor& constant) {
  return features.mm(coefficients) + constant.item<float>();
}

// "y = c4 x^4 c3 x^3 ... + c0", highest power first, from coefficients (x^1 ... x^kDegree).
std::string describe_polynomial(const gg::Tensor& coefficients, const gg::Tensor& constant) {
  std::ostringstream text;
  text << "y = ";
  for (std::int64_t power = coefficients.size(0); power >= 1; --power)
    text << coefficients[power - 1].item<float>() << " x^" << power << ' ';
  text << "+ " << constant[0].item<float>();
  return text.str();
}

// A batch of random points x ~ N(0, 1): their features and the target polynomial's values.
std::pair<gg::Tensor, gg::Tensor> sample_batch(const gg::Tensor& coefficients,
                                               const gg::Tensor& constant,
                                               std::int64_t batch_size = 32) {
  gg::Tensor features = polynomial_features(gg::randn({batch_size}));
  gg::Tensor values = polynomial(features, coefficients, constant);
  return {features, values};
}

// --max-batches N (N >= 1), or the default; nullopt for anything else.
std::optional<std::int64_t> max_batches_from(int argc, char** argv) {
  if (argc == 1) return 20000;
  if (argc != 3 || std::string_view(argv[1]) != "--max-batches") return std::nullopt;
  const std::string_view text(argv[2]);
  std::int64_t n = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (error != std::errc() || end != text.data() + text.size() || n < 1) return std::nullopt;
  return n;
}

}  // namespace

int main(int argc, char** argv) {
  const std::optional<std::int64_t> max_batches = max_batches_from(argc, argv);
  if (!max_batches) {
    std::cerr << "usage: regression [--max-batches N], N >= 1 (default 20000)\n";
    return 2;
  }

  const gg::Tensor true_coefficients = gg::randn({kDegree, 1}) * 5;
  const gg::Tensor true_constant = gg::randn({1}) * 5;

  auto fc = std::make_shared<gg::nn::Linear>(gg::nn::LinearOptions(kDegree, 1));
  gg::optim::SGD optimizer(fc->parameters(), 0.1);

  float loss_value = 0;
  std::int64_t batches = 0;
  while (batches < *max_batches) {
    ++batches;
    auto [features, values] = sample_batch(true_coefficients, true_constant);
    optimizer.zero_grad();
    gg::Tensor loss = gg::smooth_l1_loss(fc->forward(features), values);
    loss_value = loss.item<float>();
    loss.backward();
    optimizer.step();
    if (loss_value < kTargetLoss) break;
  }

  std::cout << "Loss: " << loss_value << " after " << batches << " batches\n";
  std::cout << "==> Learned function:\t" << describe_polynomial(fc->weight().view({-1}), fc->bias())
            << '\n';
  std::cout << "==> Actual function:\t"
            << describe_polynomial(true_coefficients.view({-1}), true_constant) << '\n';
  return loss_value < kTargetLoss ? 0 : 1;
}
