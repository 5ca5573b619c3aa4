// Numerics that must agree with PyTorch's, on gg::native's kernels and gg::Tensor's gates:
// subnormal exp results in every lane, and a log-softmax / cross-entropy whose value and
// gradient do not change when a constant is added to every logit (reproducers of differences
// found by replaying random cases in torch 1.13).
#include "tensor_helpers.hpp"

#include <gategrad/autograd/ops.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <vector>

using gg::Tensor;
using gg::test::values;

TEST_CASE("exp gives subnormal results in its vector lanes as in its scalar tail", "[numerics][exp]") {
  // 17 floats: 16 go through the vector path, the last through the scalar tail.
  const std::vector<float> y = values<float>(gg::native::exp(gg::full({17}, -100.0f)));
  const float expected = std::exp(-100.0f);  // 3.78e-44, as torch.exp gives
  REQUIRE(expected > 0.0f);
  for (std::size_t i = 0; i < 17; ++i) {
    INFO("element " << i);
    CHECK(y[i] == expected);
  }
  // The whole range where results are subnormal or underflow, within one subnormal spacing.
  std::vector<float> xs;
  for (float x = -110.0f; x < -80.0f; x += 0.0625f) xs.push_back(x);
  const Tensor x = gg::from_values<float>(xs, {static_cast<std::int64_t>(xs.size())});
  const std::vector<float> ys = values<float>(gg::native::exp(x));
  for (std::size_t i = 0; i < xs.size(); ++i) {
    INFO("x = " << xs[i]);
    CHECK(std::abs(ys[i] - std::exp(xs[i])) <= std::max(std::abs(std::exp(xs[i])) * 4e-7f,
                                                        std::numeric_limits<float>::denorm_min()));
  }
  const std::vector<double> yd =
      values<double>(gg::native::exp(gg::full({9}, -720.0, gg::kFloat64)));
  for (std::size_t i = 0; i < 9; ++i) CHECK(yd[i] == std::exp(-720.0));
  // A strided input (every other element of a transposed view) takes the same path.
  const Tensor strided = gg::full({17, 2}, -100.0f).t().select(0, 1);
  REQUIRE_FALSE(strided.is_contiguous());
  for (float v : values<float>(gg::native::exp(strided))) CHECK(v == expected);
}

TEST_CASE("cross_entropy of large logits keeps the digits of log(sum exp)", "[numerics][cross_entropy]") {
  // torch 1.13: F.cross_entropy(torch.tensor([[1e4, 9999., 9998.]]), torch.tensor([1])) = 1.40760589
  const Tensor z = gg::from_values<float>(std::vector<float>{1e4f, 9999.0f, 9998.0f}, {1, 3});
  CHECK(gg::cross_entropy(z, gg::tensor({1})).item<float>() == Approx(1.40760589).epsilon(1e-7));
  const std::vector<float> log_p = values<float>(gg::native::log_softmax(z, 1));
  CHECK(log_p[0] == Approx(-0.40760596).epsilon(1e-7));
  CHECK(log_p[2] == Approx(-2.40760596).epsilon(1e-7));
  // softmax of the same row sums to 1 and matches exp(log_softmax).
  const std::vector<float> p = values<float>(gg::native::softmax(z, 1));
  CHECK(p[0] + p[1] + p[2] == Approx(1.0f).epsilon(1e-6));
  CHECK(p[1] == Approx(std::exp(log_p[1])).epsilon(1e-6));
}

TEST_CASE("cross_entropy's gradient does not drift when a constant is added to the logits",
          "[numerics][cross_entropy]") {
  // Float logits z + c, against softmax(z + c) - onehot computed in double from the same floats.
  // Forming max + log(sum) first gave errors of 1.5e-5 at c = 1e3 and 1e-3 at c = 1e5.
  const std::vector<float> base = {0.3f, -1.2f, 2.0f,  0.7f, -0.4f, 1.1f,
                                   0.0f, -2.2f, 0.9f, 1.6f, -0.8f, 0.2f};
  const std::vector<std::int64_t> y = {2, 0, 3};
  for (const double c : {0.0, 1e3, 1e4, 1e5}) {
    INFO("c = " << c);
    std::vector<float> shifted;
    for (float v : base) shifted.push_back(static_cast<float>(v + c));
    const Tensor z = gg::from_values<float>(shifted, {3, 4}, gg::requires_grad());
    gg::cross_entropy(z, gg::from_values<std::int64_t>(y, {3})).backward();
    const std::vector<float> grad = values<float>(z.grad());
    double worst = 0;
    for (std::size_t i = 0; i < 3; ++i) {
      double m = -INFINITY, sum = 0;
      for (std::size_t j = 0; j < 4; ++j) m = std::max(m, double(shifted[i * 4 + j]));
      for (std::size_t j = 0; j < 4; ++j) sum += std::exp(double(shifted[i * 4 + j]) - m);
      for (std::size_t j = 0; j < 4; ++j) {
        const double p = std::exp(double(shifted[i * 4 + j]) - m) / sum;
        const double expected = (p - (std::int64_t(j) == y[i] ? 1.0 : 0.0)) / 3.0;
        worst = std::max(worst, std::abs(double(grad[i * 4 + j]) - expected));
      }
    }
    CHECK(worst < 3e-7);
  }
}

TEST_CASE("log_softmax stays finite where log(softmax) underflows", "[numerics][log_softmax]") {
  // softmax of a logit 200 below the maximum underflows to 0 in float, so log(softmax) is -inf;
  // log_softmax, computed as z - max - log(sum exp(z - max)), keeps the value -200.
  const Tensor z = gg::tensor({0.0f, -200.0f, -1e4f});
  const std::vector<float> lp = values<float>(gg::native::log_softmax(z, 0));
  CHECK(lp[0] == Approx(0.0f).margin(1e-6));
  CHECK(lp[1] == Approx(-200.0f));
  CHECK(lp[2] == Approx(-1e4f));
  CHECK(values<float>(gg::native::softmax(z, 0))[1] == 0.0f);
  // A logit of -inf takes no probability, as in torch (torch.softmax of [1, -inf, 1]).
  const Tensor with_inf = gg::tensor({1.0f, -INFINITY, 1.0f});
  const std::vector<float> p = values<float>(gg::native::softmax(with_inf, 0));
  CHECK(p[0] == 0.5f);
  CHECK(p[1] == 0.0f);
  CHECK(p[2] == 0.5f);
}
