#include "tensor_values.hpp"

#include <gategrad/autograd/autograd_meta.hpp>
#include <gategrad/autograd/grad_mode.hpp>
#include <gategrad/autograd/gradcheck.hpp>
#include <gategrad/autograd/graph.hpp>
#include <gategrad/nn/activation.hpp>
#include <gategrad/nn/containers.hpp>
#include <gategrad/nn/layers.hpp>
#include <gategrad/nn/loss.hpp>
#include <gategrad/nn/loss_modules.hpp>
#include <gategrad/optim/sgd.hpp>
#include <gategrad/nn/metrics.hpp>

#include <catch2/catch.hpp>

#include <memory>

#include <cmath>
#include <sstream>

using Catch::Contains;
using gg::IntArrayRef;
using gg::Tensor;
using gg::test::values;
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
  Tensor forward(const Tensor& x) override { return (*fc2)((*drop)(gg::relu((*fc1)(x)))); }
  std::string describe() const override { return "Net"; }
};

// A model that does not describe itself, around a Sequential.
struct Plain : nn::Module {
  std::shared_ptr<nn::Sequential> features;
  Plain() {
    features = register_module("features", std::make_shared<nn::Sequential>(std::initializer_list<std::shared_ptr<nn::Module>>{
                                                   std::make_shared<nn::Linear>(nn::LinearOptions(2, 3)),
                                                   std::make_shared<nn::Tanh>()}));
  }
  Tensor forward(const Tensor& x) override { return (*features)(x); }
};

// Points each of the model's parameters at the given leaves (their storage and autograd state),
// so that the model computes with them and its gradients reach them: gradcheck's wrapper for
// the parameters.
void bind_parameters(const nn::Module& model, const std::vector<Tensor>& leaves) {
  const std::vector<Tensor> params = model.parameters();
  REQUIRE(params.size() == leaves.size());
  for (std::size_t i = 0; i < params.size(); ++i) {
    gg::TensorImpl& impl = *params[i].unsafe_impl();
    const gg::TensorImpl& leaf = *leaves[i].unsafe_impl();
    impl.storage = leaf.storage;
    impl.sizes = leaf.sizes;
    impl.strides = leaf.strides;
    impl.storage_offset = leaf.storage_offset;
    impl.dtype = leaf.dtype;
    impl.autograd_meta = leaf.autograd_meta;
  }
}

}  // namespace

TEST_CASE("parameters are named and ordered as PyTorch names them", "[nn]") {
  Net net;
  const auto named = net.named_parameters();
  REQUIRE(named.size() == 3);
  CHECK(named[0].first == "fc1.weight");
  CHECK(named[1].first == "fc1.bias");
  CHECK(named[2].first == "fc2.weight");
  CHECK(named[0].second.sizes() == IntArrayRef{8, 4});  // (out, in) as torch.nn.Linear.weight
  CHECK(named[0].second.is_same(net.fc1->weight()));    // the layer's own handle
  CHECK(named[0].second.requires_grad());
  CHECK(named[0].second.is_leaf());
  CHECK(named[0].second.name() == "weight");
  CHECK(net.num_parameters() == 8 * 4 + 8 + 3 * 8);
  CHECK_FALSE(net.fc2->bias().defined());

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
  const Tensor x = gg::test::uniform({5, 4}, 1);
  const Tensor a = net(x), b = net(x);
  CHECK(values(a) == values(b));  // deterministic without dropout
  net.train();
  CHECK(net.drop->is_training());
}

TEST_CASE("Linear computes x W^T + b and every initialisation has its scale", "[nn]") {
  gg::Generator gen(4);
  nn::Linear lin(nn::LinearOptions(3, 2).generator(gen));
  const Tensor x = gg::tensor({1.0f, 2.0f, 3.0f}).view({1, 3});
  const std::vector<float> W = values<float>(lin.weight()), b = values<float>(lin.bias());
  const std::vector<float> y = values<float>(lin(x));
  REQUIRE(y.size() == 2);
  for (std::size_t j = 0; j < 2; ++j) {
    const float want = W[j * 3 + 0] * 1 + W[j * 3 + 1] * 2 + W[j * 3 + 2] * 3 + b[j];
    CHECK(y[j] == Approx(want));
  }
  // Kaiming-uniform bounds 1/sqrt(in); Xavier sqrt(6/(in+out)); the homework's 1e-4 * randn.
  nn::Linear big(nn::LinearOptions(400, 300).generator(gen));
  for (float w : values<float>(big.weight())) CHECK(std::abs(w) <= 0.05f);
  nn::Linear xavier(nn::LinearOptions(400, 300).init(nn::Init::XavierUniform).generator(gen));
  double max_abs = 0;
  for (float w : values<float>(xavier.weight())) max_abs = std::max(max_abs, double(std::abs(w)));
  CHECK(max_abs <= std::sqrt(6.0 / 700));
  CHECK(max_abs > 0.9 * std::sqrt(6.0 / 700));
  for (float v : values<float>(xavier.bias())) CHECK(v == 0.0f);
  nn::Linear normal(nn::LinearOptions(400, 300).init(nn::Init::Normal).generator(gen));
  double sq = 0;
  for (float w : values<float>(normal.weight())) sq += double(w) * w;
  CHECK(std::sqrt(sq / 120000) == Approx(1e-4).epsilon(0.02));
  CHECK_THROWS_WITH(lin(gg::zeros({2, 4})),
                    "Linear(in=3, out=2, bias=true): got input of sizes [2, 4], expected (batch, 3)");
  CHECK_THROWS_WITH(lin(gg::zeros({2, 3}, gg::kFloat64)),
                    Contains("got input of dtype float64, expected the weight's dtype float32"));
  CHECK_THROWS_AS(nn::Linear(nn::LinearOptions(0, 2)), std::invalid_argument);
}

TEST_CASE("Linear draws the old core's initial values from the generator", "[nn]") {
  // Kaiming: W then b, each low + (high - low) * uniform01f in float; Normal: 0 + std * z.
  gg::Generator gen(11), reference(11);
  nn::Linear kaiming(nn::LinearOptions(5, 3).generator(gen));
  const float bound = 1.0f / std::sqrt(5.0f);
  std::vector<float> want;
  for (int i = 0; i < 15 + 3; ++i) want.push_back(-bound + (bound - -bound) * reference.uniform01f());
  std::vector<float> got = values<float>(kaiming.weight());
  for (float v : values<float>(kaiming.bias())) got.push_back(v);
  CHECK(got == want);

  nn::Linear normal(nn::LinearOptions(4, 2).init(nn::Init::Normal).std(0.5).generator(gen));
  want.clear();
  for (int i = 0; i < 8; ++i) want.push_back(0.0f + 0.5f * static_cast<float>(reference.normal()));
  CHECK(values<float>(normal.weight()) == want);
}

TEST_CASE("summary lists every layer with its output sizes and parameter count", "[nn]") {
  nn::Sequential model{std::make_shared<nn::Flatten>(), std::make_shared<nn::Linear>(nn::LinearOptions(784, 256)),
                       std::make_shared<nn::ReLU>(), std::make_shared<nn::Dropout>(0.5),
                       std::make_shared<nn::Linear>(nn::LinearOptions(256, 10))};
  const std::string table = model.summary({1, 28, 28});
  CHECK_THAT(table, Contains("Flatten"));
  CHECK_THAT(table, Contains("Linear(in=784, out=256, bias=true)"));
  CHECK_THAT(table, Contains("[1, 256]"));
  CHECK_THAT(table, Contains("200960"));  // 784 * 256 + 256
  CHECK_THAT(table, Contains("Dropout(p=0.5)"));
  CHECK_THAT(table, Contains("[1, 10]"));
  CHECK_THAT(table, Contains("total parameters"));
  CHECK_THAT(table, Contains("203530"));  // + 256 * 10 + 10
  CHECK(model.is_training());             // summary restores the mode
}

TEST_CASE("losses: cross-entropy, MSE, and an L2 penalty over weights only", "[nn]") {
  Net net;
  const double lambda = 0.1;
  const Tensor penalty = nn::l2_penalty(net, lambda);
  double want = 0;
  for (const auto& [name, p] : net.named_parameters()) {
    if (name.ends_with("weight")) for (float w : values<float>(p)) want += lambda * w * w;
  }
  CHECK(penalty.item<double>() == Approx(want).epsilon(1e-5));
  const Tensor with_bias = nn::l2_penalty(net, lambda, true);
  CHECK(with_bias.item<double>() > penalty.item<double>());
  // Its gradient: 2 lambda W for each weight, nothing for the biases.
  penalty.backward();
  const std::vector<float> w = values<float>(net.fc1->weight()), dw = values<float>(net.fc1->weight().grad());
  for (std::size_t i = 0; i < w.size(); ++i) CHECK(dw[i] == Approx(2 * lambda * w[i]));
  CHECK_FALSE(net.fc1->bias().grad().defined());

  const Tensor a = gg::tensor({1.0f, 3.0f}).requires_grad_();
  const Tensor mse = nn::mse_loss(a, gg::tensor({0.0f, 1.0f}));
  CHECK(mse.item<double>() == Approx(2.5));
  mse.backward();
  CHECK(values(a.grad()) == std::vector<double>{1, 2});
  CHECK_THROWS_WITH(nn::mse_loss(a, gg::zeros({3})),
                    "mse_loss: got prediction of sizes [2] and target of sizes [3], expected equal sizes");

  const Tensor logits = gg::tensor({2.0f, 0.0f, 0.0f, 1.0f}).view({2, 2});
  const Tensor ce = nn::cross_entropy(logits, gg::tensor({0, 1}));
  // mean(-log softmax): both rows log(1 + e^-d) with d = 2 and 1.
  CHECK(ce.item<double>() == Approx((std::log1p(std::exp(-2.0)) + std::log1p(std::exp(-1.0))) / 2));
}

TEST_CASE("accuracy counts rows whose first largest logit is the label", "[nn]") {
  const Tensor logits = gg::tensor({0.1f, 0.9f, 0.5f, 0.5f, 2.0f, -1.0f}).view({3, 2});
  CHECK(nn::accuracy(logits, gg::tensor({1, 0, 0})) == 1.0);  // the tie goes to index 0
  CHECK(nn::accuracy(logits, gg::tensor({0, 1, 0})) == Approx(1.0 / 3));
  CHECK(nn::accuracy(logits.t().t(), gg::tensor({1, 1, 1})) == Approx(1.0 / 3));  // strided views too
  CHECK_THROWS_WITH(nn::accuracy(logits, gg::tensor({1, 0})),
                    "accuracy: got logits of sizes [3, 2] and labels of sizes [2], expected (N, C) and "
                    "(N) with N >= 1");
  CHECK_THROWS_WITH(nn::accuracy(logits, gg::tensor({1.0f, 0.0f, 0.0f})), Contains("expected int64"));
}

TEST_CASE("registering a name twice or a bad name is refused", "[nn][errors]") {
  struct Bad : nn::Module {
    Bad() {
      register_parameter("w", gg::zeros({1}));
      register_parameter("w", gg::zeros({1}));
    }
  };
  CHECK_THROWS_WITH(Bad(), "register: the name 'w' is already used in Module");
  struct Dotted : nn::Module {
    Dotted() { register_buffer("a.b", gg::zeros({1})); }
  };
  CHECK_THROWS_WITH(Dotted(), "register: got name 'a.b', expected a non-empty name without '.'");
  struct Integer : nn::Module {
    Integer() { register_parameter("n", gg::zeros({1}, gg::kInt64)); }
  };
  CHECK_THROWS_WITH(Integer(), Contains("register_parameter: got a tensor of dtype int64 for 'n'"));
  CHECK_THROWS_AS(nn::Dropout(1.0), std::invalid_argument);
}

TEST_CASE("a registered parameter is a new leaf sharing the value's data", "[nn]") {
  struct Holder : nn::Module {
    Tensor w, stat;
    explicit Holder(const Tensor& value) {
      w = register_parameter("w", value);
      stat = register_buffer("stat", value);
    }
  };
  const Tensor value = gg::ones({2, 3});
  Holder h(value.t());  // a strided view becomes a contiguous copy
  CHECK(h.w.is_contiguous());
  CHECK(h.w.sizes() == IntArrayRef{3, 2});
  CHECK_FALSE(value.requires_grad());
  Holder shared(value);
  value.fill_(2.0);
  CHECK(values(shared.w)[0] == 2.0);  // shares the caller's data
  CHECK_FALSE(shared.stat.requires_grad());
  REQUIRE(shared.named_buffers().size() == 1);
  CHECK(shared.named_buffers()[0].first == "stat");
}

TEST_CASE("nodes recorded in a module name it, its path and the root", "[nn]") {
  Net net;
  const Tensor x = gg::test::uniform({2, 4}, 3).requires_grad_();
  net.eval();
  const Tensor y = net(x);
  REQUIRE(y.grad_fn() != nullptr);
  REQUIRE(y.grad_fn()->scope != nullptr);
  CHECK(*y.grad_fn()->scope == "fc2 (Linear(in=8, out=3, bias=false)) of Net");
  CHECK(*net.fc1->scope() == "fc1 (Linear(in=4, out=8, bias=true)) of Net");
  CHECK(*net.scope() == "Net");
  CHECK(gg::autograd::current_scope() == nullptr);  // restored after the call

  Plain plain;  // describes itself as "Module": its children say nothing of it
  const Tensor z = plain(gg::test::uniform({1, 2}, 4).requires_grad_());
  REQUIRE(z.grad_fn()->scope != nullptr);
  CHECK(*z.grad_fn()->scope == "features.1 (Tanh)");
  CHECK(plain.scope() == nullptr);
  CHECK(*(*plain.features)[0].scope() == "features.0 (Linear(in=2, out=3, bias=true))");

  nn::Sequential seq{std::make_shared<nn::Linear>(nn::LinearOptions(2, 2))};
  CHECK(*seq[0].scope() == "0 (Linear(in=2, out=2, bias=true)) of Sequential");

  // An anomaly names the module it happened in.
  gg::AnomalyGuard anomaly;
  const Tensor bad = gg::full({1, 4}, std::nan("")).requires_grad_();
  CHECK_THROWS_WITH(net(bad), Contains("in module fc1 (Linear(in=4, out=8, bias=true)) of Net"));
}

TEST_CASE("to(kFloat64) converts every parameter in place and the model runs in float64", "[nn]") {
  gg::manual_seed(5);
  auto model = std::make_shared<nn::Sequential>(std::initializer_list<std::shared_ptr<nn::Module>>{
      std::make_shared<nn::Linear>(nn::LinearOptions(3, 4)), std::make_shared<nn::Tanh>(),
      std::make_shared<nn::Linear>(nn::LinearOptions(4, 2))});
  auto& first = dynamic_cast<nn::Linear&>((*model)[0]);
  const std::vector<float> before = values<float>(first.weight());
  const Tensor x = gg::test::uniform({5, 3}, 6);
  gg::sum((*model)(x)).backward();
  REQUIRE(first.weight().grad().defined());

  CHECK(&model->to(gg::kFloat64) == model.get());
  for (const Tensor& p : model->parameters()) {
    CHECK(p.dtype() == gg::kFloat64);
    CHECK(p.requires_grad());
    CHECK(p.is_leaf());
    CHECK_FALSE(p.grad().defined());  // the float32 gradient is dropped
  }
  CHECK(first.weight().dtype() == gg::kFloat64);  // the layer's handle sees the conversion
  const std::vector<double> after = values(first.weight());
  for (std::size_t i = 0; i < before.size(); ++i) CHECK(after[i] == static_cast<double>(before[i]));

  const Tensor y = (*model)(gg::native::to(x, gg::kFloat64));
  CHECK(y.dtype() == gg::kFloat64);
  gg::sum(y).backward();
  CHECK(first.weight().grad().dtype() == gg::kFloat64);
  CHECK_THROWS_WITH(model->to(gg::kInt64), "Module::to: got dtype int64 for Sequential, expected a floating dtype");
}

TEST_CASE("a whole Linear-Tanh-Linear model in float64 passes gradcheck", "[nn][gradcheck]") {
  gg::manual_seed(7);
  nn::Sequential model{std::make_shared<nn::Linear>(nn::LinearOptions(3, 4)), std::make_shared<nn::Tanh>(),
                       std::make_shared<nn::Linear>(nn::LinearOptions(4, 2))};
  model.to(gg::kFloat64);
  const Tensor x = gg::test::uniform({5, 3}, 8, -1, 1, gg::kFloat64);

  // With respect to the input.
  const gg::GradcheckReport wrt_input =
      gg::gradcheck([&](const std::vector<Tensor>& in) { return model(in[0]); }, {x});
  INFO(wrt_input.to_string());
  CHECK(wrt_input.passed);

  // With respect to every parameter, through a wrapper that makes the model compute with
  // gradcheck's leaves.
  std::vector<Tensor> start;
  for (const Tensor& p : model.parameters()) start.push_back(gg::native::clone(p));
  REQUIRE(start.size() == 4);
  const gg::GradcheckReport wrt_params = gg::gradcheck(
      [&](const std::vector<Tensor>& params) {
        bind_parameters(model, params);
        return model(x);
      },
      start);
  INFO(wrt_params.to_string());
  CHECK(wrt_params.passed);

  // A wrong model gradient would be caught: the same check on a scaled copy of the output's
  // gradient fails (gradcheck is not vacuous here).
  const gg::GradcheckReport wrong = gg::gradcheck(
      [&](const std::vector<Tensor>& params) {
        bind_parameters(model, params);
        const Tensor y = model(x);
        return y + gg::native::mul(y.detach(), 1e-3);  // the detached part has no gradient
      },
      start);
  CHECK_FALSE(wrong.passed);
}

TEST_CASE("nn::linear is one gate with dW = dY^T X, and checks its operands", "[nn][gradcheck]") {
  const Tensor x = gg::test::uniform({4, 3}, 20, -1, 1, gg::kFloat64);
  const Tensor w = gg::test::uniform({2, 3}, 21, -1, 1, gg::kFloat64);
  const Tensor b = gg::test::uniform({2}, 22, -1, 1, gg::kFloat64);
  for (bool with_bias : {true, false}) {
    INFO("bias " << with_bias);
    const auto report = gg::gradcheck(
        [&](const std::vector<Tensor>& in) { return nn::linear(in[0], in[1], with_bias ? in[2] : Tensor()); },
        {x, w, b});
    INFO(report.to_string());
    // Without a bias, in[2] does not take part: its gradient is zero, which gradcheck checks too.
    CHECK(report.passed);
  }
  const Tensor wl = gg::native::clone(w).requires_grad_();
  const Tensor y = nn::linear(x, wl, b);
  REQUIRE(y.grad_fn() != nullptr);
  CHECK(std::string(y.grad_fn()->name()) == "LinearGate");
  CHECK(gg::test::allclose(y, gg::native::add(gg::native::mm(x, gg::native::t(w)), b), 1e-15));
  const Tensor dy = gg::test::uniform({4, 2}, 23, -1, 1, gg::kFloat64);
  y.backward(dy);
  CHECK(wl.grad().is_contiguous());
  CHECK(gg::test::allclose(wl.grad(), gg::native::mm(gg::native::t(dy), x), 1e-15));
  CHECK_THROWS_WITH(nn::linear(x, gg::zeros({2, 4}, gg::kFloat64)),
                    "linear: got input of sizes [4, 3], weight of sizes [2, 4] and no bias, expected (B, in), "
                    "(out, in) and (out)");
  CHECK_THROWS_WITH(nn::linear(x, gg::zeros({2, 3})), Contains("expected one dtype"));
}

TEST_CASE("dropout keeps the old gate's stream and passes its mask to the gradient", "[nn]") {
  const double p = 0.3;
  gg::Generator gen(9), reference(9);
  const Tensor x = gg::test::uniform({4, 5}, 10, 0.5, 1.5).requires_grad_();
  const Tensor y = gg::dropout(x, p, gen);
  const std::vector<float> xs = values<float>(x), ys = values<float>(y);
  const float keep = static_cast<float>(1.0 / (1.0 - p));
  std::vector<float> mask;
  for (std::size_t i = 0; i < xs.size(); ++i) mask.push_back(reference.uniform01() >= p ? keep : 0.0f);
  for (std::size_t i = 0; i < xs.size(); ++i) CHECK(ys[i] == xs[i] * mask[i]);
  gg::sum(y).backward();
  CHECK(values<float>(x.grad()) == mask);
  CHECK(gg::dropout(x, p, gen, false).is_same(x));  // eval: the input itself
  CHECK(gg::dropout(x, 0.0, gen).is_same(x));
  CHECK(values(gg::dropout(x, 1.0, gen)) == std::vector<double>(20, 0.0));
  CHECK_THROWS_WITH(gg::dropout(x, 1.5, gen), "dropout: got p = 1.500000, expected a probability 0 <= p <= 1");

  // Strided input: the mask follows the logical (row-major) order.
  gg::Generator g1(12), g2(12);
  const Tensor base = gg::test::uniform({3, 4}, 13, 0.5, 1.5);
  CHECK(values(gg::dropout(base.t(), 0.5, g1)) == values(gg::dropout(gg::native::contiguous(base.t()), 0.5, g2)));
}

TEST_CASE("torch::dropout(x, p, train) and torch::nll_loss(x, t, weight, reduction), the ATen forms", "[nn]") {
  const Tensor x = gg::test::uniform({4, 5}, 21, 0.5, 1.5);
  // dropout draws from the default generator: after manual_seed(s), Generator(s)'s stream.
  gg::manual_seed(5);
  const Tensor a = gg::dropout(x, 0.5, true);
  gg::Generator five(5);
  CHECK(values(a) == values(gg::dropout(x, 0.5, five)));
  CHECK(gg::dropout(x, 0.5, false).is_same(x));

  namespace F = gg::nn::functional;
  const Tensor logp = gg::log_softmax(gg::test::uniform({4, 3}, 22, -1, 1), 1);
  const Tensor t = gg::tensor({0, 2, 1, 2});
  CHECK(gg::nll_loss(logp, t).item<float>() == F::nll_loss(logp, t).item<float>());
  CHECK(gg::nll_loss(logp, t, {}, gg::Reduction::Sum).item<float>() ==
        F::nll_loss(logp, t, F::NLLLossFuncOptions().reduction(gg::kSum)).item<float>());
  CHECK(gg::nll_loss(logp, t, {}, gg::Reduction::None).sizes() == IntArrayRef({4}));
  const Tensor w = gg::tensor({1.0f, 2.0f, 0.5f});
  CHECK(gg::nll_loss(logp, t, w, gg::Reduction::Mean, 1).item<float>() ==
        F::nll_loss(logp, t, F::NLLLossFuncOptions().weight(w).ignore_index(1)).item<float>());
  CHECK_THROWS_WITH(gg::nll_loss(logp, t, {}, 7), Contains("got reduction 7, expected Reduction::None (0), Mean (1) or Sum (2)"));
}

TEST_CASE("the fused L2 penalty and dropout pass gradcheck", "[nn][gradcheck]") {
  const Tensor w = gg::test::uniform({3, 4}, 14, -1, 1, gg::kFloat64);
  const auto l2 = gg::gradcheck([](const std::vector<Tensor>& in) { return gg::l2_penalty(in[0], 0.3); }, {w});
  INFO(l2.to_string());
  CHECK(l2.passed);
  const auto drop = gg::gradcheck(
      [](const std::vector<Tensor>& in) {
        gg::Generator gen(15);  // reseeded: the same mask every call
        return gg::dropout(in[0], 0.4, gen);
      },
      {w});
  INFO(drop.to_string());
  CHECK(drop.passed);
  CHECK_THROWS_WITH(gg::l2_penalty(w, -1.0), "l2_penalty: got lambda = -1.000000, expected a finite value >= 0");
}

// Sequential(Sequential(Linear(4, 3), ReLU), Linear(3, 2)): a tree two levels deep.
static std::shared_ptr<nn::Sequential> nested_model() {
  auto inner = std::make_shared<nn::Sequential>(
      std::initializer_list<std::shared_ptr<nn::Module>>{std::make_shared<nn::Linear>(nn::LinearOptions(4, 3)),
                                                         std::make_shared<nn::ReLU>()});
  return std::make_shared<nn::Sequential>(
      std::initializer_list<std::shared_ptr<nn::Module>>{inner, std::make_shared<nn::Linear>(nn::LinearOptions(3, 2))});
}

TEST_CASE("named_modules, modules, children and apply walk the tree as LibTorch's", "[nn]") {
  const auto model = nested_model();
  const auto inner = model->named_children()[0].second;
  std::vector<std::string> names;
  for (const auto& [name, m] : model->named_modules()) names.push_back(name + "=" + m->describe());
  CHECK(names == std::vector<std::string>{"=Sequential", "0=Sequential", "0.0=Linear(in=4, out=3, bias=true)",
                                          "0.1=ReLU", "1=Linear(in=3, out=2, bias=true)"});
  const auto without_self = model->named_modules("net", false);
  REQUIRE(without_self.size() == 4);
  CHECK(without_self.front().first == "net.0");
  CHECK(model->modules().size() == 5);
  CHECK(model->modules().front().get() == model.get());
  CHECK(model->children() == std::vector<std::shared_ptr<nn::Module>>{inner, model->named_children()[1].second});

  std::vector<std::string> visited;
  model->apply([&](const std::string& name, nn::Module& m) { visited.push_back(name + ":" + m.describe()); });
  CHECK(visited.size() == 5);
  CHECK(visited[2] == "0.0:Linear(in=4, out=3, bias=true)");
  int linears = 0;
  model->apply([&](nn::Module& m) { linears += dynamic_cast<nn::Linear*>(&m) != nullptr; });
  CHECK(linears == 2);

  nn::ReLU on_stack;  // not owned by a shared_ptr: include_self cannot hand it out
  CHECK_THROWS_AS(on_stack.named_modules(), std::bad_weak_ptr);
  CHECK(on_stack.named_modules("", false).empty());
}

TEST_CASE("std::cout << *model prints the module tree as LibTorch does", "[nn]") {
  const auto model = nested_model();
  std::ostringstream out;
  out << *model;
  CHECK(out.str() ==
        "Sequential(\n"
        "  (0): Sequential(\n"
        "    (0): Linear(in=4, out=3, bias=true)\n"
        "    (1): ReLU\n"
        "  )\n"
        "  (1): Linear(in=3, out=2, bias=true)\n"
        ")");
  std::ostringstream leaf;
  leaf << nn::ReLU();
  CHECK(leaf.str() == "ReLU");
}

TEST_CASE("InferenceMode records nothing while alive; InferenceMode(false) turns grad mode on", "[nn]") {
  const gg::Tensor w = gg::ones({2}).requires_grad_();
  CHECK_FALSE(gg::InferenceMode::is_enabled());
  {
    gg::InferenceMode guard;
    CHECK(gg::InferenceMode::is_enabled());
    CHECK_FALSE(gg::is_grad_enabled());
    CHECK_FALSE((w * 2.0).requires_grad());
    {
      gg::InferenceMode off(false);
      CHECK_FALSE(gg::InferenceMode::is_enabled());
      CHECK((w * 2.0).requires_grad());
    }
    CHECK(gg::InferenceMode::is_enabled());
  }
  CHECK_FALSE(gg::InferenceMode::is_enabled());
  CHECK(gg::is_grad_enabled());
}

// The short spellings of LibTorch's tutorials: Linear(784, 256), SGD(params, 0.1), AutoGradMode.
TEST_CASE("LibTorch's short spellings compile and mean what LibTorch means", "[nn]") {
  auto fc = std::make_shared<gg::nn::Linear>(6, 3);
  CHECK(fc->weight().sizes() == gg::IntArrayRef({3, 6}));
  CHECK(fc->bias().sizes() == gg::IntArrayRef({3}));
  gg::optim::SGD sgd(fc->parameters(), 0.1);
  gg::NoGradGuard off;
  CHECK_FALSE(gg::is_grad_enabled());
  {
    gg::AutoGradMode on(true);  // records inside a NoGradGuard, as torch::AutoGradMode
    CHECK(gg::is_grad_enabled());
    const Tensor y = (*fc)(gg::ones({2, 6}));
    CHECK(y.requires_grad());
    y.sum().backward();
    sgd.step();
    {
      gg::AutoGradMode nested_off(false);
      CHECK_FALSE((*fc)(gg::ones({1, 6})).requires_grad());
    }
    CHECK(gg::is_grad_enabled());
  }
  CHECK_FALSE(gg::is_grad_enabled());
  // The SGD step moved the bias by -0.1 * its gradient (2 per unit: a batch of 2).
  CHECK(gg::test::values(fc->bias().grad()) == std::vector<double>{2, 2, 2});
}

TEST_CASE("activation modules apply their options, as torch::nn's", "[nn]") {
  const Tensor x = gg::tensor({-2.0, 0.0, 1.0, 3.0}, gg::kFloat64);
  const auto near = [](const std::vector<double>& got, const std::vector<double>& want) {
    REQUIRE(got.size() == want.size());
    for (std::size_t i = 0; i < got.size(); ++i) CHECK(got[i] == Approx(want[i]).epsilon(1e-14));
  };
  near(values(nn::LeakyReLU(nn::LeakyReLUOptions().negative_slope(0.2)).forward(x)), {-0.4, 0, 1, 3});
  near(values(nn::LeakyReLU().forward(x)), {-0.02, 0, 1, 3});
  near(values(nn::ELU(nn::ELUOptions().alpha(2.0)).forward(x)), {2 * (std::exp(-2.0) - 1), 0, 1, 3});
  near(values(nn::Hardtanh(nn::HardtanhOptions().min_val(-1.5).max_val(2.0)).forward(x)), {-1.5, 0, 1, 2});
  near(values(nn::Hardtanh().forward(x)), {-1, 0, 1, 1});
  // Softplus is linear where beta * x > threshold: beta 2, threshold 3 keeps 3 as it is.
  near(values(nn::Softplus(nn::SoftplusOptions().beta(2.0).threshold(3.0)).forward(x)),
       {std::log1p(std::exp(-4.0)) / 2, std::log(2.0) / 2, std::log1p(std::exp(2.0)) / 2, 3});
  near(values(nn::SiLU().forward(x)), {-2 / (1 + std::exp(2.0)), 0, 1 / (1 + std::exp(-1.0)), 3 / (1 + std::exp(-3.0))});
  near(values(nn::GELU().forward(x)),
       {-2 * 0.5 * std::erfc(2 / std::sqrt(2.0)), 0, 0.5 * std::erfc(-1 / std::sqrt(2.0)), 3 * 0.5 * std::erfc(-3 / std::sqrt(2.0))});
  const double k = std::sqrt(2 / M_PI);
  near(values(nn::GELU(nn::GELUOptions().approximate("tanh")).forward(x)),
       {-1 * (1 + std::tanh(k * (-2 - 0.044715 * 8))), 0, 0.5 * (1 + std::tanh(k * (1 + 0.044715))),
        1.5 * (1 + std::tanh(k * (3 + 0.044715 * 27)))});
  const Tensor rows = gg::tensor({{0.0, std::log(3.0)}, {std::log(4.0), 0.0}}, gg::kFloat64);
  near(values(nn::Softmax(1).forward(rows)), {0.25, 0.75, 0.8, 0.2});
  near(values(nn::Softmax(0).forward(rows)), {0.2, 0.75, 0.8, 0.25});
  near(values(nn::LogSoftmax(1).forward(rows)), {std::log(0.25), std::log(0.75), std::log(0.8), std::log(0.2)});
}

TEST_CASE("activation modules describe themselves, train in a Sequential and reject bad options", "[nn]") {
  CHECK(nn::LeakyReLU().describe() == "LeakyReLU(negative_slope=0.01)");
  CHECK(nn::ELU().describe() == "ELU(alpha=1)");
  CHECK(nn::GELU(nn::GELUOptions().approximate("tanh")).describe() == "GELU(approximate=tanh)");
  CHECK(nn::Softplus().describe() == "Softplus(beta=1, threshold=20)");
  CHECK(nn::Hardtanh().describe() == "Hardtanh(min_val=-1, max_val=1)");
  CHECK(nn::Softmax(1).describe() == "Softmax(dim=1)");
  CHECK(nn::LogSoftmax(nn::LogSoftmaxOptions(-1)).options().dim() == -1);
  CHECK_THROWS_WITH(nn::GELU(nn::GELUOptions().approximate("fast")),
                    "GELU: got approximate \"fast\", expected \"none\" or \"tanh\"");
  CHECK_THROWS_WITH(nn::Hardtanh(nn::HardtanhOptions().min_val(2).max_val(1)),
                    "Hardtanh: got min_val 2 and max_val 1, expected min_val <= max_val");
  CHECK_THROWS_AS(nn::Softmax(2).forward(gg::zeros({2, 2})), std::exception);

  // Every module's gradient, through the whole chain, against finite differences.
  gg::manual_seed(11);
  nn::Sequential model{std::make_shared<nn::Linear>(nn::LinearOptions(3, 4)),
                       std::make_shared<nn::LeakyReLU>(), std::make_shared<nn::ELU>(),
                       std::make_shared<nn::GELU>(), std::make_shared<nn::SiLU>(),
                       std::make_shared<nn::Softplus>(),
                       std::make_shared<nn::Hardtanh>(nn::HardtanhOptions().max_val(3)),
                       std::make_shared<nn::LogSoftmax>(1)};
  model.to(gg::kFloat64);
  const Tensor input = gg::test::uniform({5, 3}, 12, -2, 2, gg::kFloat64);
  const gg::GradcheckReport report =
      gg::gradcheck([&](const std::vector<Tensor>& in) { return model(in[0]); }, {input});
  INFO(report.to_string());
  CHECK(report.passed);
}

TEST_CASE("ModuleList holds modules as children 0, 1, ... and hands them back typed", "[nn]") {
  auto fc = std::make_shared<nn::Linear>(nn::LinearOptions(3, 2));
  nn::ModuleList list{fc, std::make_shared<nn::ReLU>()};
  nn::ModuleList more{std::make_shared<nn::Tanh>()};
  list.extend(more);
  list.push_back(std::make_shared<nn::Sigmoid>());
  REQUIRE(list.size() == 4);
  CHECK_FALSE(list.is_empty());
  CHECK(list[0] == fc);
  CHECK(&list.at<nn::Linear>(0) == fc.get());
  CHECK(list.ptr<nn::Tanh>(2) != nullptr);
  std::vector<std::string> seen;
  for (const auto& m : list) seen.push_back(m->describe());
  CHECK(seen == std::vector<std::string>{fc->describe(), "ReLU", "Tanh", "Sigmoid"});
  // Its parameters are the Linear's, named by position, as LibTorch's.
  const auto named = list.named_parameters();
  REQUIRE(named.size() == 2);
  CHECK(named[0].first == "0.weight");
  CHECK(named[1].first == "0.bias");
  list.eval();
  CHECK_FALSE(list[3]->is_training());
  CHECK_THROWS_WITH(list.ptr(4), "ModuleList: index 4 is out of range for 4 modules");
  CHECK_THROWS_WITH(list.at<nn::Linear>(1), "ModuleList: module 1 is ReLU, not the type asked for");
  CHECK_THROWS_AS(list.push_back(nullptr), std::invalid_argument);
  CHECK_THROWS_AS(list.forward(gg::zeros({1, 3})), std::logic_error);  // no forward, as LibTorch's
}

TEST_CASE("ModuleDict keeps modules by key in insertion order", "[nn]") {
  auto encoder = std::make_shared<nn::Linear>(nn::LinearOptions(4, 3));
  nn::ModuleDict dict({{"encoder", encoder}, {"act", std::make_shared<nn::ReLU>()}});
  dict.insert("decoder", std::make_shared<nn::Linear>(nn::LinearOptions(3, 4)));
  CHECK(dict.size() == 3);
  CHECK(dict.keys() == std::vector<std::string>{"encoder", "act", "decoder"});
  CHECK(dict.contains("act"));
  CHECK_FALSE(dict.contains("head"));
  CHECK(dict["encoder"] == encoder);
  CHECK(dict.at<nn::Linear>("decoder").options().out_features == 4);
  CHECK(dict.items()[1].first == "act");
  CHECK(dict.named_parameters()[2].first == "decoder.weight");
  CHECK_THROWS_WITH(dict["head"], "ModuleDict: no key 'head' (keys: encoder, act, decoder)");
  CHECK_THROWS_WITH(dict.insert("act", std::make_shared<nn::Tanh>()),
                    "ModuleDict::insert: the key 'act' is already there");
  CHECK_THROWS_WITH(dict.at<nn::Linear>("act"), "ModuleDict: module 'act' is ReLU, not the type asked for");
  CHECK_THROWS_AS(dict.insert("a.b", std::make_shared<nn::Tanh>()), std::invalid_argument);
}

TEST_CASE("Functional and Unflatten work inside a Sequential", "[nn]") {
  nn::Sequential model{std::make_shared<nn::Functional>([](const Tensor& t) { return t * 3.0; }),
                       std::make_shared<nn::Unflatten>(nn::UnflattenOptions(1, {2, -1}))};
  const Tensor x = gg::arange(12, gg::kFloat64).view({2, 6}).requires_grad_();
  const Tensor y = model(x);
  CHECK(y.sizes() == IntArrayRef({2, 2, 3}));
  CHECK(values(y)[11] == 33.0);
  y.sum().backward();
  CHECK(values(x.grad()) == std::vector<double>(12, 3.0));
  CHECK(nn::Unflatten(nn::UnflattenOptions(-1, {3, 2})).forward(x).sizes() == IntArrayRef({2, 3, 2}));
  CHECK(model[1].describe() == "Unflatten(dim=1, unflattened_size=[2, -1])");
  CHECK_THROWS_WITH(nn::Unflatten(nn::UnflattenOptions(1, {4, 2})).forward(x),
                    "Unflatten: got sizes [4, 2] for dim 1 of an input of sizes [2, 6], expected sizes "
                    "that multiply to 6");
  CHECK_THROWS_AS(nn::Unflatten(nn::UnflattenOptions(2, {6})).forward(x), gg::ShapeError);
  CHECK_THROWS_AS(nn::Functional(nullptr), std::invalid_argument);
}

TEST_CASE("loss modules hold their options and call the functional losses", "[nn][loss]") {
  namespace F = gg::nn::functional;
  const Tensor p = gg::tensor({0.5, -1.0, 2.0}, gg::kFloat64);
  const Tensor t = gg::tensor({0.0, 1.0, 2.0}, gg::kFloat64);
  CHECK(values(nn::MSELoss()(p, t))[0] == Approx((0.25 + 4.0) / 3));
  CHECK(values(nn::MSELoss(nn::MSELossOptions(gg::kSum))(p, t))[0] == Approx(4.25));
  CHECK(values(nn::L1Loss(nn::L1LossOptions().reduction(gg::kNone))(p, t)) == std::vector<double>{0.5, 2.0, 0.0});
  // smooth L1 with beta 1: 0.5 * 0.25 and 2 - 0.5; Huber with delta 1 the same here.
  CHECK(values(nn::SmoothL1Loss(nn::SmoothL1LossOptions(gg::kSum))(p, t))[0] == Approx(0.125 + 1.5));
  CHECK(values(nn::HuberLoss(nn::HuberLossOptions(gg::kSum).delta(2.0))(p, t))[0] == Approx(0.125 + 2.0));
  const Tensor logits = gg::tensor({{2.0, 0.0, -1.0}, {0.5, 0.5, 3.0}}, gg::kFloat64);
  const Tensor labels = gg::tensor({0, 2});
  nn::CrossEntropyLoss criterion;
  CHECK(criterion.describe() == "CrossEntropyLoss");
  CHECK(values(criterion(logits, labels))[0] == Approx(values(gg::cross_entropy(logits, labels))[0]));
  // Every target ignored: the mean is 0 / 0, as torch's.
  CHECK(std::isnan(values(F::cross_entropy(logits, labels, F::CrossEntropyFuncOptions().ignore_index(0).weight(
                                                                gg::tensor({1.0, 1.0, 0.0}, gg::kFloat64))))[0]));
  CHECK(values(nn::NLLLoss(nn::NLLLossOptions().ignore_index(0))(gg::log_softmax(logits, 1), labels))[0] ==
        Approx(-values(gg::log_softmax(logits, 1))[5]));
  CHECK(nn::KLDivLoss(nn::KLDivLossOptions(gg::kBatchMean)).describe() == "KLDivLoss");
  CHECK(nn::BCEWithLogitsLoss().options().pos_weight().defined() == false);
}

TEST_CASE("the functional losses reject bad input by name", "[nn][loss]") {
  namespace F = gg::nn::functional;
  const Tensor z = gg::zeros({2, 3});
  CHECK_THROWS_WITH(F::l1_loss(z, gg::zeros({3, 2})),
                    "l1_loss: got input of sizes [2, 3] and target of sizes [3, 2], expected equal sizes");
  CHECK_THROWS_WITH(F::binary_cross_entropy(gg::full({2, 3}, 1.5), z),
                    Contains("binary_cross_entropy: got an input outside [0, 1]"));
  CHECK_THROWS_WITH(F::smooth_l1_loss(z, z, F::SmoothL1LossFuncOptions().beta(-1)),
                    "smooth_l1_loss: got beta -1, expected beta >= 0");
  CHECK_THROWS_WITH(F::huber_loss(z, z, F::HuberLossFuncOptions().delta(0)),
                    "huber_loss: got delta 0, expected delta > 0");
  CHECK_THROWS_WITH(F::cross_entropy(z, gg::tensor({0, 3})),
                    "cross_entropy: got target 3 at 1, expected a class in [0, 3) or ignore_index -100");
  CHECK_THROWS_WITH(F::nll_loss(z, gg::tensor({0, 1, 2})),
                    Contains("nll_loss: got input of sizes [2, 3] and target of sizes [3]"));
  CHECK_THROWS_WITH(F::nll_loss(z, gg::tensor({0.0, 1.0})), Contains("nll_loss: got a target of dtype float32"));
  CHECK_THROWS_WITH(F::cross_entropy(z, gg::tensor({0, 1}), F::CrossEntropyFuncOptions().weight(gg::ones({2}))),
                    "cross_entropy: got weight of sizes [2], expected one per class: [3]");
  CHECK_THROWS_WITH(F::cross_entropy(z, gg::tensor({0, 1}), F::CrossEntropyFuncOptions().label_smoothing(1.5)),
                    "cross_entropy: got label_smoothing 1.5, expected a value in [0, 1]");
  // (N, C, d1) takes (N, d1) targets; another d1 is refused.
  CHECK_THROWS_WITH(F::cross_entropy(gg::zeros({2, 3, 4}), gg::zeros({2, 5}, gg::kInt64)),
                    "cross_entropy: got input of sizes [2, 3, 4] and target of sizes [2, 5], expected (N, C) and (N), "
                    "(C) and (), or (N, C, d1, ..., dK) and (N, d1, ..., dK)");
  CHECK_THROWS_AS(F::nll_loss(gg::zeros({2, 3, 4, 5}), gg::zeros({2, 4}, gg::kInt64)), gg::ShapeError);
  const Tensor none = F::cross_entropy(gg::zeros({2, 3, 4}), gg::zeros({2, 4}, gg::kInt64),
                                       F::CrossEntropyFuncOptions().reduction(gg::kNone));
  CHECK(none.sizes() == gg::IntArrayRef{2, 4});
  for (double v : values(none)) CHECK(v == Approx(std::log(3.0)));  // uniform over 3 classes
}
