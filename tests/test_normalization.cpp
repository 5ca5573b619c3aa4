// BatchNorm1d/2d, LayerNorm, GroupNorm and Embedding as modules: their state (PyTorch's names,
// dtypes and initial values), the running statistics' update in training and their use in
// eval, printing, and errors. Values and gradients against torch: tests/op_oracle.cpp.
#include "tensor_helpers.hpp"

#include <gategrad/autograd/backward.hpp>
#include <gategrad/autograd/grad_mode.hpp>
#include <gategrad/nn/normalization.hpp>
#include <gategrad/tensor/batch_norm.hpp>
#include <gategrad/tensor/parallel.hpp>
#include <gategrad/tensor/random.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

using gg::Tensor;
using Catch::Matchers::Contains;

namespace {

std::vector<std::string> names(const std::vector<gg::nn::NamedTensor>& named) {
  std::vector<std::string> out;
  for (const auto& [name, t] : named) out.push_back(name);
  return out;
}

}  // namespace

TEST_CASE("BatchNorm2d keeps PyTorch's state and updates its running statistics", "[nn][norm]") {
  gg::nn::BatchNorm2d bn(3);
  CHECK(names(bn.named_parameters()) == std::vector<std::string>{"weight", "bias"});
  CHECK(names(bn.named_buffers()) == std::vector<std::string>{"running_mean", "running_var", "num_batches_tracked"});
  CHECK(bn.num_batches_tracked().dtype() == gg::kInt64);
  CHECK(bn.num_batches_tracked().dim() == 0);
  CHECK(bn.describe() == "BatchNorm2d(3, eps=1e-05, momentum=0.1, affine=true, track_running_stats=true)");

  const Tensor x = gg::test::uniform({4, 3, 2, 2}, 5, -1, 3, gg::kFloat64);
  bn.to(gg::kFloat64);
  CHECK(bn.num_batches_tracked().dtype() == gg::kInt64);  // a count stays int64
  const Tensor y = bn.forward(x);
  // Per channel: the batch mean and biased variance normalise; the running ones move by 0.1
  // towards the mean and the unbiased variance.
  const std::vector<double> xs = gg::test::values<double>(x), ys = gg::test::values<double>(y);
  const std::vector<double> rm = gg::test::values<double>(bn.running_mean());
  const std::vector<double> rv = gg::test::values<double>(bn.running_var());
  for (std::size_t c = 0; c < 3; ++c) {
    double sum = 0, sq = 0;
    std::vector<std::size_t> at;
    for (std::size_t n = 0; n < 4; ++n)
      for (std::size_t k = 0; k < 4; ++k) at.push_back((n * 3 + c) * 4 + k);
    for (std::size_t i : at) sum += xs[i];
    const double mean = sum / 16.0;
    for (std::size_t i : at) sq += (xs[i] - mean) * (xs[i] - mean);
    const double var = sq / 16.0;
    for (std::size_t i : at) CHECK(ys[i] == Approx((xs[i] - mean) / std::sqrt(var + 1e-5)).epsilon(1e-12));
    CHECK(rm[c] == Approx(0.1 * mean).epsilon(1e-12));
    CHECK(rv[c] == Approx(0.9 + 0.1 * sq / 15.0).epsilon(1e-12));
  }
  CHECK(bn.num_batches_tracked().item<std::int64_t>() == 1);

  // eval: the running statistics normalise, and nothing moves.
  bn.eval();
  const Tensor z = bn.forward(x);
  const std::vector<double> zs = gg::test::values<double>(z);
  CHECK(zs[0] == Approx((xs[0] - rm[0]) / std::sqrt(rv[0] + 1e-5)).epsilon(1e-12));
  CHECK(bn.num_batches_tracked().item<std::int64_t>() == 1);
  CHECK(gg::test::values<double>(bn.running_mean()) == rm);

  // momentum std::nullopt: a cumulative average over the batches seen.
  gg::nn::BatchNorm1d avg(gg::nn::BatchNormOptions(2).momentum(std::nullopt).affine(false));
  CHECK(avg.named_parameters().empty());
  avg.forward(gg::tensor({{1.0f, 10.0f}, {3.0f, 20.0f}}));
  avg.forward(gg::tensor({{5.0f, 30.0f}, {7.0f, 40.0f}}));
  CHECK(gg::test::values<float>(avg.running_mean()) == std::vector<float>{4.0f, 25.0f});
  CHECK(avg.describe() == "BatchNorm1d(2, eps=1e-05, momentum=None, affine=false, track_running_stats=true)");

  // Without running statistics, eval normalises with the batch's.
  gg::nn::BatchNorm1d batch_only(gg::nn::BatchNormOptions(2).track_running_stats(false));
  CHECK(batch_only.named_buffers().empty());
  batch_only.eval();
  CHECK(gg::test::values<float>(batch_only.forward(gg::tensor({{1.0f, 2.0f}, {3.0f, 2.0f}})))[0] == Approx(-1.0f).epsilon(1e-4));
}

TEST_CASE("BatchNorm, LayerNorm, GroupNorm and Embedding refuse bad input by name", "[nn][norm][errors]") {
  gg::nn::BatchNorm2d bn(3);
  CHECK_THROWS_WITH(bn.forward(gg::zeros({2, 3})), Contains("BatchNorm2d: got input [2, 3], expected (N, C, H, W)"));
  CHECK_THROWS_WITH(bn.forward(gg::zeros({2, 4, 2, 2})), Contains("got weight [3] for input [2, 4, 2, 2]"));
  CHECK_THROWS_WITH(bn.forward(gg::zeros({1, 3, 1, 1})), Contains("expected more than 1 value per channel"));
  CHECK_THROWS_WITH(gg::nn::BatchNorm2d(gg::nn::BatchNormOptions(3).momentum(1.5)), Contains("expected 0 <= momentum <= 1"));
  CHECK_THROWS_WITH(gg::layer_norm(gg::zeros({2, 3}), {4}), Contains("expected an input of sizes [*, 4]"));
  CHECK_THROWS_WITH(gg::group_norm(gg::zeros({2, 6, 2}), 4), Contains("expected a divisor of the channel count"));
  CHECK_THROWS_WITH(gg::nn::GroupNorm(gg::nn::GroupNormOptions(4, 6)), Contains("expected num_channels divisible by num_groups"));
  CHECK_THROWS_WITH(gg::embedding(gg::zeros({4, 2}), gg::zeros({3})), Contains("expected int64"));
  CHECK_THROWS_WITH(gg::nn::Embedding(gg::nn::EmbeddingOptions(4, 2).padding_idx(4)), Contains("expected it within [-4, 4)"));
  CHECK_THROWS_AS(gg::embedding(gg::zeros({4, 2}), gg::tensor({4})), std::out_of_range);
}

TEST_CASE("LayerNorm, GroupNorm and Embedding as LibTorch's modules", "[nn][norm]") {
  gg::nn::LayerNorm ln(gg::nn::LayerNormOptions({3, 4}).eps(1e-6));
  CHECK(ln.weight().sizes() == gg::IntArrayRef({3, 4}));
  CHECK(ln.describe() == "LayerNorm([3, 4], eps=1e-06, elementwise_affine=true)");
  const Tensor y = ln.forward(gg::test::uniform({2, 3, 4}, 3));
  CHECK(std::abs(gg::mean(y.select(0, 1)).item<float>()) < 1e-6f);

  gg::nn::GroupNorm gn(gg::nn::GroupNormOptions(2, 4));
  CHECK(gn.describe() == "GroupNorm(2, 4, eps=1e-05, affine=true)");
  CHECK(gn.forward(gg::test::uniform({2, 4, 3}, 4)).sizes() == gg::IntArrayRef({2, 4, 3}));

  // The padding row starts at zero and gets no gradient; the others get theirs.
  gg::nn::Embedding emb(gg::nn::EmbeddingOptions(5, 3).padding_idx(-1));
  CHECK(emb.options().padding_idx() == 4);
  CHECK(emb.describe() == "Embedding(num_embeddings=5, embedding_dim=3, padding_idx=4)");
  CHECK(gg::test::values<float>(emb.weight().select(0, 4)) == std::vector<float>{0, 0, 0});
  const Tensor out = emb.forward(gg::tensor({{4, 1}, {1, 4}}));
  CHECK(out.sizes() == gg::IntArrayRef({2, 2, 3}));
  gg::sum(out).backward();
  const std::vector<float> g = gg::test::values<float>(emb.weight().grad());
  CHECK(std::vector<float>(g.begin() + 3, g.begin() + 6) == std::vector<float>{2, 2, 2});    // row 1, twice
  CHECK(std::vector<float>(g.begin() + 12, g.begin() + 15) == std::vector<float>{0, 0, 0});  // padding
}

TEST_CASE("batch norm's fused statistics hold float64 precision and do not depend on the thread count",
          "[nn][norm]") {
  // Planes of 2400 values (two 1024-value blocks and a tail, merged by Chan's formula) with a
  // mean of 1000 and a deviation of 2: E[x^2] - E[x]^2 in float32 would lose every digit.
  gg::Generator gen(11);
  const Tensor x = gg::add(gg::mul(gg::randn({3, 4, 40, 60}, gen), 2.0), 1000.0);
  const std::int64_t C = 4, S = 2400, N = 3;
  const float* px = x.data_ptr<float>();
  const int saved = gg::num_threads();
  gg::set_num_threads(1);
  const auto [mean1, var1] = gg::native::batch_norm_stats(x);
  gg::set_num_threads(2);
  const auto [mean2, var2] = gg::native::batch_norm_stats(x);
  gg::set_num_threads(saved);
  for (std::int64_t c = 0; c < C; ++c) {
    double sum = 0, squares = 0;
    for (std::int64_t n = 0; n < N; ++n) {
      for (std::int64_t i = 0; i < S; ++i) sum += px[(n * C + c) * S + i];
    }
    const double m = sum / static_cast<double>(N * S);
    for (std::int64_t n = 0; n < N; ++n) {
      for (std::int64_t i = 0; i < S; ++i) squares += std::pow(px[(n * C + c) * S + i] - m, 2);
    }
    const double v = squares / static_cast<double>(N * S);
    INFO("channel " << c);
    CHECK(mean1.data_ptr<float>()[c] == Approx(m).epsilon(1e-7));
    CHECK(var1.data_ptr<float>()[c] == Approx(v).epsilon(1e-5));
    CHECK(mean2.data_ptr<float>()[c] == mean1.data_ptr<float>()[c]);
    CHECK(var2.data_ptr<float>()[c] == var1.data_ptr<float>()[c]);
  }
  // The training forward uses them: the normalised output has mean 0 and variance 1.
  const Tensor y = gg::batch_norm(x, {}, {}, {}, {}, true, 0.1, 1e-5);
  const Tensor y_mean = gg::mean(y, {0, 2, 3});
  const Tensor y_var = gg::mean(gg::mul(y, y), {0, 2, 3});
  for (std::int64_t c = 0; c < C; ++c) {
    CHECK(std::abs(y_mean.data_ptr<float>()[c]) < 1e-4);
    CHECK(y_var.data_ptr<float>()[c] == Approx(1.0).epsilon(1e-4));
  }
}

TEST_CASE("batch norm's kernels refuse what they cannot take by name", "[nn][norm][errors]") {
  const Tensor x = gg::zeros({2, 3, 4});
  CHECK_THROWS_WITH(gg::native::batch_norm_stats(gg::zeros({3})), Contains("batch_norm_stats") && Contains("(N, C, ...)"));
  CHECK_THROWS_WITH(gg::native::channel_affine(x, gg::ones({2}), gg::zeros({3})),
                    Contains("channel_affine") && Contains("scale") && Contains("(3)"));
  CHECK_THROWS_WITH(gg::native::batch_norm_backward_sums(gg::zeros({2, 3, 5}), x, gg::zeros({3})),
                    Contains("batch_norm_backward_sums") && Contains("grad_output"));
  CHECK_THROWS_WITH(gg::native::batch_norm_stats(gg::zeros({2, 3}, gg::kInt64)), Contains("float32 or float64"));
}
