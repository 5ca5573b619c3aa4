#include "helpers.hpp"

#include <gategrad/autograd/autograd.hpp>
#include <gategrad/nn/layers.hpp>
#include <gategrad/nn/loss.hpp>

#include <catch2/catch.hpp>

using Catch::Contains;
using gg::Shape;
using gg::ArrayF;
using gg::Var;
namespace nn = gg::nn;

namespace {

// A user model as PyTorch users write one: a struct with named submodules and a forward.
struct Net : nn::Module {
  std::shared_ptr<nn::Linear> fc1, fc2;
  std::shared_ptr<nn::Dropout> drop;
  Net() {
    fc1 = register_module("fc1", std::make_shared<nn::Linear>(nn::LinearOptions(4, 8)));
    drop = register_module("drop", std::make_shared<nn::Dropout>(0.5));
    fc2 = register_module("fc2", std::make_shared<nn::Linear>(nn::LinearOptions(8, 3).bias(false)));
  }
  Var forward(const Var& x) override { return (*fc2)((*drop)(gg::relu((*fc1)(x)))); }
  std::string describe() const override { return "Net"; }
};

}  // namespace

TEST_CASE("parameters are named and ordered as PyTorch names them", "[nn]") {
  Net net;
  const auto named = net.named_parameters();
  REQUIRE(named.size() == 3);
  CHECK(named[0].first == "fc1.weight");
  CHECK(named[1].first == "fc1.bias");
  CHECK(named[2].first == "fc2.weight");
  CHECK(named[0].second.shape() == Shape{8, 4});  // (out, in) as torch.nn.Linear.weight
  CHECK(net.num_parameters() == 8 * 4 + 8 + 3 * 8);

  nn::Sequential seq{std::make_shared<nn::Linear>(nn::LinearOptions(3, 2)), std::make_shared<nn::ReLU>(),
                     std::make_shared<nn::Linear>(nn::LinearOptions(2, 1))};
  const auto sn = seq.named_parameters();
  REQUIRE(sn.size() == 4);
  CHECK(sn[0].first == "0.weight");
  CHECK(sn[3].first == "2.bias");
  CHECK(seq.size() == 3);
  CHECK(seq[1].describe() == "ReLU");
  CHECK_THROWS_WITH(seq[3], "Sequential: index 3 is out of range for 3 layers");
}

TEST_CASE("train and eval reach every child; dropout is off in eval", "[nn]") {
  Net net;
  net.eval();
  CHECK_FALSE(net.drop->is_training());
  const Var x(gg::test::random_tensor<float>({5, 4}, 1));
  const Var a = net(x), b = net(x);
  CHECK(gg::allclose(a.data(), b.data()));  // deterministic without dropout
  net.train();
  CHECK(net.drop->is_training());
}

TEST_CASE("Linear computes x W^T + b and every initialisation has its scale", "[nn]") {
  gg::Generator gen(4);
  nn::Linear lin(nn::LinearOptions(3, 2).generator(gen));
  const Var x(ArrayF::from({1, 3}, {1, 2, 3}));
  const ArrayF& W = lin.weight().data();
  const ArrayF& b = lin.bias().data();
  const Var y = lin(x);
  for (std::size_t j = 0; j < 2; ++j) {
    const float want = W.at({j, 0}) * 1 + W.at({j, 1}) * 2 + W.at({j, 2}) * 3 + b.at({j});
    CHECK(y.data().at({0, j}) == Approx(want));
  }
  // Kaiming-uniform bounds 1/sqrt(in); Xavier sqrt(6/(in+out)); the homework's 1e-4 * randn.
  nn::Linear big(nn::LinearOptions(400, 300).generator(gen));
  for (float w : big.weight().data().values()) CHECK(std::abs(w) <= 0.05f);
  nn::Linear xavier(nn::LinearOptions(400, 300).init(nn::Init::XavierUniform).generator(gen));
  double max_abs = 0;
  for (float w : xavier.weight().data().values()) max_abs = std::max(max_abs, double(std::abs(w)));
  CHECK(max_abs <= std::sqrt(6.0 / 700));
  CHECK(max_abs > 0.9 * std::sqrt(6.0 / 700));
  for (float v : xavier.bias().data().values()) CHECK(v == 0.0f);
  nn::Linear normal(nn::LinearOptions(400, 300).init(nn::Init::Normal).generator(gen));
  double sq = 0;
  for (float w : normal.weight().data().values()) sq += double(w) * w;
  CHECK(std::sqrt(sq / 120000) == Approx(1e-4).epsilon(0.02));
  CHECK_THROWS_WITH(lin(Var(ArrayF::zeros({2, 4}))),
                    "Linear(in=3, out=2, bias=true): got input of shape (2, 4), expected (batch, 3)");
  CHECK_THROWS_AS(nn::Linear(nn::LinearOptions(0, 2)), std::invalid_argument);
}

TEST_CASE("summary lists every layer with its output shape and parameter count", "[nn]") {
  nn::Sequential model{std::make_shared<nn::Flatten>(), std::make_shared<nn::Linear>(nn::LinearOptions(784, 256)),
                       std::make_shared<nn::ReLU>(), std::make_shared<nn::Dropout>(0.5),
                       std::make_shared<nn::Linear>(nn::LinearOptions(256, 10))};
  const std::string table = model.summary({1, 28, 28});
  CHECK_THAT(table, Contains("Flatten"));
  CHECK_THAT(table, Contains("Linear(in=784, out=256, bias=true)"));
  CHECK_THAT(table, Contains("(1, 256)"));
  CHECK_THAT(table, Contains("200960"));  // 784 * 256 + 256
  CHECK_THAT(table, Contains("Dropout(p=0.5)"));
  CHECK_THAT(table, Contains("(1, 10)"));
  CHECK_THAT(table, Contains("total parameters"));
  CHECK_THAT(table, Contains("203530"));  // + 256 * 10 + 10
  CHECK(model.is_training());             // summary restores the mode
}

TEST_CASE("losses: cross-entropy, MSE, and an L2 penalty over weights only", "[nn]") {
  Net net;
  const double lambda = 0.1;
  const Var penalty = nn::l2_penalty(net, lambda);
  double want = 0;
  for (const auto& [name, p] : net.named_parameters()) {
    if (name.ends_with("weight")) for (float w : p.data().values()) want += lambda * w * w;
  }
  CHECK(penalty.item() == Approx(want).epsilon(1e-5));
  const Var with_bias = nn::l2_penalty(net, lambda, true);
  CHECK(with_bias.item() > penalty.item());

  const Var a(ArrayF::from({2}, {1, 3}), true);
  const Var mse = nn::mse_loss(a, Var(ArrayF::from({2}, {0, 1})));
  CHECK(mse.item() == Approx(2.5));
  mse.backward();
  CHECK(gg::allclose(a.grad(), ArrayF::from({2}, {1, 2})));
  CHECK_THROWS_WITH(nn::mse_loss(a, Var(ArrayF::zeros({3}))),
                    "mse_loss: got prediction of shape (2,) and target of shape (3,), expected equal shapes");
}

TEST_CASE("registering a name twice or a bad name is refused", "[nn][errors]") {
  struct Bad : nn::Module {
    Bad() {
      register_parameter("w", ArrayF::zeros({1}));
      register_parameter("w", ArrayF::zeros({1}));
    }
  };
  CHECK_THROWS_WITH(Bad(), "register: the name 'w' is already used in Module");
  struct Dotted : nn::Module {
    Dotted() { register_buffer("a.b", ArrayF::zeros({1})); }
  };
  CHECK_THROWS_WITH(Dotted(), "register: got name 'a.b', expected a non-empty name without '.'");
  CHECK_THROWS_AS(nn::Dropout(1.0), std::invalid_argument);
}
