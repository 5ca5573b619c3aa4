// Numerics that must agree with PyTorch's: subnormal exp results in every lane, and a
// log-softmax / cross-entropy whose value and gradient do not change when a constant is added to
// every logit (reproducers of differences found by replaying random cases in torch 1.13).
#include <gategrad/autograd/autograd.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

using gg::ArrayD;
using gg::ArrayF;
using gg::Var;

TEST_CASE("exp gives subnormal results in its vector lanes as in its scalar tail", "[numerics][exp]") {
  // 17 floats: 16 go through the vector path, the last through the scalar tail.
  const ArrayF y = gg::exp(ArrayF::full({17}, -100.0f));
  const float expected = std::exp(-100.0f);  // 3.78e-44, as torch.exp gives
  REQUIRE(expected > 0.0f);
  for (std::size_t i = 0; i < 17; ++i) {
    INFO("element " << i);
    CHECK(y.data()[i] == expected);
  }
  // The whole range where results are subnormal or underflow, within one subnormal spacing.
  std::vector<float> xs;
  for (float x = -110.0f; x < -80.0f; x += 0.0625f) xs.push_back(x);
  const ArrayF ys = gg::exp(ArrayF::from({xs.size()}, xs));
  for (std::size_t i = 0; i < xs.size(); ++i) {
    INFO("x = " << xs[i]);
    CHECK(std::abs(ys.data()[i] - std::exp(xs[i])) <= std::max(std::abs(std::exp(xs[i])) * 4e-7f,
                                                               std::numeric_limits<float>::denorm_min()));
  }
  const ArrayD yd = gg::exp(ArrayD::full({9}, -720.0));
  for (std::size_t i = 0; i < 9; ++i) CHECK(yd.data()[i] == std::exp(-720.0));
}

TEST_CASE("cross_entropy of large logits keeps the digits of log(sum exp)", "[numerics][cross_entropy]") {
  // torch 1.13: F.cross_entropy(torch.tensor([[1e4, 9999., 9998.]]), torch.tensor([1])) = 1.40760589
  const Var z(ArrayF::from({1, 3}, {1e4f, 9999.0f, 9998.0f}));
  const std::vector<std::int64_t> y = {1};
  CHECK(gg::cross_entropy(z, y).item() == Approx(1.40760589).epsilon(1e-7));
  const ArrayF log_p = gg::log_softmax(z.data());
  CHECK(log_p.data()[0] == Approx(-0.40760596).epsilon(1e-7));
  CHECK(log_p.data()[2] == Approx(-2.40760596).epsilon(1e-7));
}

TEST_CASE("cross_entropy's gradient does not drift when a constant is added to the logits",
          "[numerics][cross_entropy]") {
  // Float logits z + c, against softmax(z + c) - onehot computed in double from the same floats.
  // Forming max + log(sum) first gave errors of 1.5e-5 at c = 1e3 and 1e-3 at c = 1e5.
  const std::vector<float> base = {0.3f, -1.2f, 2.0f, 0.7f, -0.4f, 1.1f, 0.0f, -2.2f, 0.9f, 1.6f, -0.8f, 0.2f};
  const std::vector<std::int64_t> y = {2, 0, 3};
  for (const double c : {0.0, 1e3, 1e4, 1e5}) {
    INFO("c = " << c);
    std::vector<float> shifted;
    for (float v : base) shifted.push_back(static_cast<float>(v + c));
    Var z(ArrayF::from({3, 4}, shifted), true);
    gg::cross_entropy(z, y).backward();
    double worst = 0;
    for (std::size_t i = 0; i < 3; ++i) {
      double m = -INFINITY, sum = 0;
      for (std::size_t j = 0; j < 4; ++j) m = std::max(m, double(shifted[i * 4 + j]));
      for (std::size_t j = 0; j < 4; ++j) sum += std::exp(double(shifted[i * 4 + j]) - m);
      for (std::size_t j = 0; j < 4; ++j) {
        const double p = std::exp(double(shifted[i * 4 + j]) - m) / sum;
        const double expected = (p - (std::int64_t(j) == y[i] ? 1.0 : 0.0)) / 3.0;
        worst = std::max(worst, std::abs(double(z.grad().data()[i * 4 + j]) - expected));
      }
    }
    CHECK(worst < 3e-7);
  }
}
