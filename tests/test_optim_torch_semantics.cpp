// Where the optimizers and schedulers differed from PyTorch 1.13 (issue 10, points 12 and 13),
// each reproducer as a case. optim_oracle.py checks every option against torch itself.
#include <gategrad/autograd/ops.hpp>
#include <gategrad/optim/adagrad.hpp>
#include <gategrad/optim/adam.hpp>
#include <gategrad/optim/rmsprop.hpp>
#include <gategrad/optim/scheduler.hpp>
#include <gategrad/optim/sgd.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <functional>
#include <memory>

using Catch::Contains;
using gg::Tensor;
namespace optim = gg::optim;

namespace {

using MakeOptimizer = std::function<std::unique_ptr<optim::Optimizer>(std::vector<Tensor>)>;

// Steps a one-element parameter from `start` through the given gradients; returns it after each.
std::vector<float> run(const MakeOptimizer& make, float start, const std::vector<float>& grads) {
  const Tensor p = gg::tensor({start}).requires_grad_();
  auto opt = make({p});
  std::vector<float> out;
  for (float g : grads) {
    opt->zero_grad();
    gg::sum(p * gg::tensor({g})).backward();
    opt->step();
    out.push_back(p.item<float>());
  }
  return out;
}

std::vector<float> negated(std::vector<float> v) {
  for (float& x : v) x = -x;
  return v;
}

const std::vector<float> kGrads = {1.0f, -0.5f, 2.0f, 0.25f, -1.5f};

}  // namespace

TEST_CASE("AdamW's default weight decay is torch's 1e-2", "[optim]") {
  CHECK(optim::AdamWOptions().decay == 1e-2);
  CHECK(optim::AdamOptions().decay == 0);
  // With a zero gradient the moments stay 0 and only the decay acts: p (1 - lr 1e-2).
  const auto got = run([](std::vector<Tensor> p) { return std::make_unique<optim::AdamW>(p, optim::AdamWOptions(0.1)); },
                       1.0f, {0.0f});
  CHECK(got[0] == static_cast<float>(1.0 - 0.1 * 1e-2));
}

TEST_CASE("one Adam step at lr 1 moves a parameter by exactly lr, as torch", "[optim]") {
  for (double beta2 : {0.999, 0.9999}) {
    INFO("beta2 " << beta2);
    const MakeOptimizer adam = [&](std::vector<Tensor> p) {
      return std::make_unique<optim::Adam>(p, optim::AdamOptions(1.0).betas(0.9, beta2));
    };
    // m_hat = g, v_hat = g^2: the step is lr g / (|g| + eps); at float precision, lr.
    CHECK(run(adam, 0.0f, {1.0f})[0] == Approx(-1.0).epsilon(0).margin(1.2e-7));
    CHECK(run(adam, 0.0f, {-3.0f})[0] == Approx(1.0).epsilon(0).margin(1.2e-7));
  }
}

TEST_CASE("Adam at beta2 = 0.9999 matches the double-precision update to float precision", "[optim]") {
  // The coefficients 1 - beta2 and the bias corrections are formed in double (as torch does
  // from Python floats); 1.0f - 0.9999f is off by 1e-4 and moved each update by 8e-5.
  const double lr = 1.0, b1 = 0.9, b2 = 0.9999, eps = 1e-8;
  const auto got = run([&](std::vector<Tensor> p) {
    return std::make_unique<optim::Adam>(p, optim::AdamOptions(lr).betas(b1, b2).eps(eps));
  }, 0.5f, kGrads);
  double p = 0.5, m = 0, v = 0;
  for (std::size_t t = 1; t <= kGrads.size(); ++t) {
    const double g = kGrads[t - 1];
    m = b1 * m + (1 - b1) * g;
    v = b2 * v + (1 - b2) * g * g;
    p -= lr * m / (1 - std::pow(b1, double(t))) / (std::sqrt(v / (1 - std::pow(b2, double(t)))) + eps);
    INFO("step " << t);
    CHECK(got[t - 1] == Approx(p).epsilon(0).margin(1e-6));
  }
}

TEST_CASE("Adam with amsgrad normalises by the largest second moment so far", "[optim]") {
  const double lr = 0.1, b1 = 0.9, b2 = 0.999, eps = 1e-8;
  const std::vector<float> grads = {10.0f, 0.1f, 0.1f};  // v falls after the first step
  for (bool decoupled : {false, true}) {
    INFO("AdamW " << decoupled);
    const auto got = run([&](std::vector<Tensor> p) -> std::unique_ptr<optim::Optimizer> {
      if (decoupled) return std::make_unique<optim::AdamW>(p, optim::AdamWOptions(lr).weight_decay(0).amsgrad(true));
      return std::make_unique<optim::Adam>(p, optim::AdamOptions(lr).amsgrad(true));
    }, 1.0f, grads);
    double p = 1, m = 0, v = 0, v_max = 0;
    for (std::size_t t = 1; t <= grads.size(); ++t) {
      const double g = grads[t - 1];
      m = b1 * m + (1 - b1) * g;
      v = b2 * v + (1 - b2) * g * g;
      v_max = std::max(v_max, v);
      p -= lr * m / (1 - std::pow(b1, double(t))) / (std::sqrt(v_max / (1 - std::pow(b2, double(t)))) + eps);
      INFO("step " << t);
      CHECK(got[t - 1] == Approx(p).epsilon(1e-6));
    }
  }
}

TEST_CASE("maximize ascends: the same path as minimising with the gradient negated", "[optim]") {
  struct Row {
    const char* name;
    MakeOptimizer maximizing, minimizing;
  };
  const auto sgd = [](bool maximize) -> MakeOptimizer {
    return [=](std::vector<Tensor> p) {
      return std::make_unique<optim::SGD>(p, optim::SGDOptions(0.1).momentum(0.9).weight_decay(0.1).maximize(maximize));
    };
  };
  const auto plain_sgd = [](bool maximize) -> MakeOptimizer {
    return [=](std::vector<Tensor> p) { return std::make_unique<optim::SGD>(p, optim::SGDOptions(0.1).maximize(maximize)); };
  };
  const auto adam = [](bool maximize) -> MakeOptimizer {
    return [=](std::vector<Tensor> p) {
      return std::make_unique<optim::Adam>(p, optim::AdamOptions(0.1).weight_decay(0.1).amsgrad(true).maximize(maximize));
    };
  };
  const auto adamw = [](bool maximize) -> MakeOptimizer {
    return [=](std::vector<Tensor> p) { return std::make_unique<optim::AdamW>(p, optim::AdamWOptions(0.1).maximize(maximize)); };
  };
  const auto rmsprop = [](bool maximize) -> MakeOptimizer {
    return [=](std::vector<Tensor> p) {
      return std::make_unique<optim::RMSprop>(
          p, optim::RMSpropOptions(0.01).momentum(0.5).centered(true).weight_decay(0.1).maximize(maximize));
    };
  };
  const std::vector<Row> rows = {{"SGD", sgd(true), sgd(false)},
                                 {"plain SGD", plain_sgd(true), plain_sgd(false)},
                                 {"Adam", adam(true), adam(false)},
                                 {"AdamW", adamw(true), adamw(false)},
                                 {"RMSprop", rmsprop(true), rmsprop(false)}};
  for (const Row& row : rows) {
    INFO(row.name);
    const auto up = run(row.maximizing, 0.5f, kGrads);
    CHECK(up == run(row.minimizing, 0.5f, negated(kGrads)));
    CHECK(up != run(row.minimizing, 0.5f, kGrads));
  }
}

TEST_CASE("AdamW and RMSprop take parameter groups, each with its own rate", "[optim]") {
  const auto check = [](const std::function<std::unique_ptr<optim::Optimizer>(std::vector<optim::ParamGroup>)>& make) {
    const Tensor a = gg::tensor({1.0f}).requires_grad_(), b = gg::tensor({1.0f}).requires_grad_();
    const Tensor alone = gg::tensor({1.0f}).requires_grad_();
    auto both = make({{{a}, 0.1}, {{b}, 0.01}});
    auto reference = make({{{alone}, 0.01}});
    for (float g : kGrads) {
      both->zero_grad();
      reference->zero_grad();
      const Tensor grad = gg::tensor({g});
      (gg::sum(a * grad) + gg::sum(b * grad) + gg::sum(alone * grad)).backward();
      both->step();
      reference->step();
    }
    CHECK(b.item<float>() == alone.item<float>());  // group 1 stepped at its own 0.01
    CHECK(a.item<float>() != alone.item<float>());
  };
  check([](std::vector<optim::ParamGroup> g) { return std::make_unique<optim::AdamW>(std::move(g), optim::AdamWOptions()); });
  check([](std::vector<optim::ParamGroup> g) { return std::make_unique<optim::RMSprop>(std::move(g), optim::RMSpropOptions()); });
}

TEST_CASE("StepLR and ExponentialLR scale the rate set by hand, as torch's chainable form", "[optim][scheduler]") {
  const Tensor a = gg::zeros({1}).requires_grad_();
  optim::SGD opt({a}, optim::SGDOptions(0.1));
  optim::StepLR step_lr(opt, 2, 0.5);
  step_lr.step();
  step_lr.step();
  CHECK(opt.lr() == 0.05);
  opt.set_lr(0.03);
  step_lr.step();  // epoch 3: not a boundary, torch keeps 0.03 (we gave 0.1 * 0.5^1 = 0.05)
  CHECK(opt.lr() == 0.03);
  step_lr.step();  // epoch 4: a boundary
  CHECK(opt.lr() == 0.03 * 0.5);

  optim::SGD opt2({a}, optim::SGDOptions(0.1));
  optim::ExponentialLR exp_lr(opt2, 0.9);
  exp_lr.step();
  opt2.set_lr(0.03);
  exp_lr.step();
  CHECK(opt2.lr() == 0.03 * 0.9);
}

TEST_CASE("a resumed schedule keeps the restored rate and continues from its epoch", "[optim][scheduler]") {
  const Tensor a = gg::zeros({1}).requires_grad_();
  optim::SGD opt({a}, optim::SGDOptions(0.1));
  optim::StepLR straight(opt, 4, 0.5);
  for (int e = 0; e < 3; ++e) straight.step();

  const Tensor b = gg::zeros({1}).requires_grad_();
  optim::SGD resumed_opt({b}, optim::SGDOptions(0.1));
  resumed_opt.load_state(opt.state());  // the rates come back with the optimizer
  optim::StepLR resumed(resumed_opt, 4, 0.5);
  resumed.set_last_epoch(straight.last_epoch());
  CHECK(resumed_opt.lr() == 0.1);
  straight.step();
  resumed.step();
  CHECK(resumed_opt.lr() == opt.lr());
  CHECK(resumed_opt.lr() == 0.05);
  CHECK_THROWS_WITH(resumed.set_last_epoch(-1), "StepLR::set_last_epoch: got epoch -1, expected >= 0");
}

TEST_CASE("ReduceLROnPlateau: eps, mode max, threshold_mode abs, cooldown and min_lr as torch", "[optim][scheduler]") {
  using P = optim::ReduceLROnPlateau;
  const Tensor a = gg::zeros({1}).requires_grad_();
  const auto lrs = [&](double lr, P::Options o, const std::vector<double>& metrics) {
    optim::SGD opt({a}, optim::SGDOptions(lr));
    P plateau(opt, o);
    std::vector<double> out;
    for (double m : metrics) {
      plateau.step(m);
      out.push_back(opt.lr());
    }
    return out;
  };
  // A reduction of eps or less is skipped: 1e-8 -> 5e-9 changes the rate by 5e-9 <= 1e-8.
  CHECK(lrs(1e-8, {.factor = 0.5, .patience = 0}, {1, 1, 1}) == std::vector<double>{1e-8, 1e-8, 1e-8});
  CHECK(lrs(1e-2, {.factor = 0.5, .patience = 0, .eps = 2e-3}, {1, 1, 1, 1, 1}) ==
        std::vector<double>{1e-2, 5e-3, 2.5e-3, 2.5e-3, 2.5e-3});
  // Max mode: a rising metric is good, a falling one bad.
  CHECK(lrs(1.0, {.mode = P::Mode::Max, .factor = 0.5, .patience = 0}, {1, 2, 3, 2, 4}) ==
        std::vector<double>{1, 1, 1, 0.5, 0.5});
  // Rel mode needs 0.99 < 1 * (1 - 0.1); abs mode needs 0.99 < 1 - 0.001.
  CHECK(lrs(1.0, {.factor = 0.5, .patience = 0, .threshold = 0.1}, {1, 0.99}) == std::vector<double>{1, 0.5});
  CHECK(lrs(1.0, {.factor = 0.5, .patience = 0, .threshold = 0.001, .threshold_mode = P::ThresholdMode::Abs},
            {1, 0.99, 0.9895}) == std::vector<double>{1, 1, 0.5});
  CHECK(lrs(1.0, {.mode = P::Mode::Max, .factor = 0.5, .patience = 0, .threshold = 0.5, .threshold_mode = P::ThresholdMode::Abs},
            {1, 1.4, 1.6}) == std::vector<double>{1, 0.5, 0.5});
  // Cooldown: two epochs after a reduction in which bad epochs do not count; min_lr floors.
  CHECK(lrs(1.0, {.factor = 0.5, .patience = 0, .cooldown = 2, .min_lr = 0.2}, {1, 1, 1, 1, 1, 1, 1, 1}) ==
        std::vector<double>{1, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.2});

  optim::SGD opt({a}, optim::SGDOptions(1.0));
  CHECK_THROWS_WITH(P(opt, {.eps = -1}), "ReduceLROnPlateau: got eps = -1, expected a finite eps >= 0");
  CHECK_THROWS_WITH(P(opt, {.threshold = NAN}), Contains("got threshold = nan"));
  P plateau(opt, {.mode = P::Mode::Max});
  CHECK(plateau.state().best == -INFINITY);
  CHECK_THROWS_WITH(plateau.set_state({NAN, 0, 0}), Contains("ReduceLROnPlateau::set_state: got best nan"));
  CHECK_THROWS_WITH(plateau.step(NAN), "ReduceLROnPlateau::step: got a NaN metric, expected a number");
}

TEST_CASE("optimizers take a bare learning rate, as LibTorch's options do", "[optim]") {
  const Tensor a = gg::zeros({1}).requires_grad_();
  optim::SGD sgd({a}, 0.1);
  optim::Adam adam({a}, 0.01);
  optim::AdamW adamw({a}, 0.02);
  optim::RMSprop rmsprop({a}, 0.03);
  optim::Adagrad adagrad({a}, 0.04);
  CHECK(sgd.lr() == 0.1);
  CHECK(adam.lr() == 0.01);
  CHECK(adamw.lr() == 0.02);
  CHECK(rmsprop.lr() == 0.03);
  CHECK(adagrad.lr() == 0.04);
}

TEST_CASE("Adagrad's accumulator starts at initial_accumulator_value, also after a restore", "[optim]") {
  const Tensor a = gg::tensor({1.0f}).requires_grad_();
  optim::Adagrad opt({a}, optim::AdagradOptions(0.1).initial_accumulator_value(3.0));
  gg::sum(a * gg::tensor({1.0f})).backward();
  opt.step();  // s = 3 + 1, p = 1 - 0.1 * 1 / (2 + 1e-10)
  CHECK(a.item<float>() == Approx(0.95f).epsilon(1e-6));
  const optim::OptimizerState saved = optim::Adagrad({gg::tensor({1.0f}).requires_grad_()},
                                                     optim::AdagradOptions(0.1).initial_accumulator_value(3.0)).state();
  CHECK(saved.tensors.at("0.sum").item<float>() == 3.0f);
  CHECK_THROWS_WITH(optim::Adagrad({a}, optim::AdagradOptions(0.1).lr_decay(-1)),
                    Contains("Adagrad: got lr_decay = -1"));
}

TEST_CASE("the schedules refuse bad arguments, naming them", "[optim][scheduler]") {
  const Tensor a = gg::zeros({1}).requires_grad_();
  optim::SGD opt({a}, 0.1);
  CHECK_THROWS_WITH(optim::MultiStepLR(opt, {2, 4}, 0.0), "MultiStepLR: got gamma = 0, expected a finite value > 0");
  CHECK_THROWS_WITH(optim::CosineAnnealingLR(opt, 0), "CosineAnnealingLR: got T_max = 0, expected > 0");
  CHECK_THROWS_WITH(optim::CosineAnnealingLR(opt, 5, -1.0),
                    "CosineAnnealingLR: got eta_min = -1, expected a finite value >= 0");
  CHECK_THROWS_WITH(optim::LinearLR(opt, 1.5), "LinearLR: got start_factor = 1.5, expected 0 < start_factor <= 1");
  CHECK_THROWS_WITH(optim::LinearLR(opt, 0.5, 2.0), "LinearLR: got end_factor = 2, expected 0 <= end_factor <= 1");
  CHECK_THROWS_WITH(optim::LinearLR(opt, 0.5, 1.0, 0), "LinearLR: got total_iters = 0, expected > 0");
  CHECK_THROWS_WITH(optim::LambdaLR(opt, std::vector<optim::LambdaLR::Lambda>{}),
                    "LambdaLR: got 0 lr_lambdas for 1 parameter groups, expected one per group");
  CHECK_THROWS_WITH(optim::LambdaLR(opt, optim::LambdaLR::Lambda()), "LambdaLR: lr_lambda 0 is empty, expected a function");
  CHECK(opt.lr() == 0.1);  // nothing above changed the rate
  optim::LambdaLR halving(opt, [](std::int64_t epoch) { return 1.0 / static_cast<double>(1 + epoch); });
  halving.step();
  CHECK(opt.lr() == 0.05);
  CHECK(halving.base_lrs() == std::vector<double>{0.1});
}
