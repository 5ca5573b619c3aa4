// Each optimizer's first three steps against the update rules PyTorch documents, worked out
// here in double precision one element at a time.
#include "tensor_values.hpp"

#include <gategrad/autograd/autograd_meta.hpp>
#include <gategrad/autograd/grad_mode.hpp>
#include <gategrad/autograd/ops.hpp>
#include <gategrad/optim/adagrad.hpp>
#include <gategrad/optim/adam.hpp>
#include <gategrad/optim/rmsprop.hpp>
#include <gategrad/nn/clip_grad.hpp>
#include <gategrad/optim/scheduler.hpp>
#include <gategrad/optim/sgd.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <functional>
#include <numbers>

using gg::Tensor;
using gg::test::values;
namespace optim = gg::optim;
using Catch::Contains;

namespace {

const std::vector<double> kStart = {0.5, -1.5, 2.0};
const std::vector<double> kQ = {1.0, 2.0, 3.0};

// The loss sum(q * p^2) has gradient 2 q p, which changes as p moves.
std::vector<double> gradient(const std::vector<double>& p) {
  return {2 * kQ[0] * p[0], 2 * kQ[1] * p[1], 2 * kQ[2] * p[2]};
}

using MakeOptimizer = std::function<std::unique_ptr<optim::Optimizer>(std::vector<Tensor>)>;

// Runs three steps with gategrad on a parameter of `dtype` and returns it after each.
std::vector<std::vector<double>> three_steps(const MakeOptimizer& make, gg::Dtype dtype) {
  const Tensor p = gg::tensor({0.5, -1.5, 2.0}, dtype).requires_grad_();
  const Tensor q = gg::tensor({1, 2, 3}, dtype);
  auto opt = make({p});
  std::vector<std::vector<double>> out;
  for (int t = 0; t < 3; ++t) {
    opt->zero_grad();
    gg::sum(q * p * p).backward();
    opt->step();
    out.push_back(values(p));
  }
  return out;
}

// float32 to the reference's single-precision tolerance; float64 to 1e-12: the same loop in
// double follows the double-precision reference.
void check_matches(const MakeOptimizer& make, const std::vector<std::vector<double>>& want) {
  for (gg::Dtype dtype : {gg::kFloat32, gg::kFloat64}) {
    const auto got = three_steps(make, dtype);
    const double epsilon = dtype == gg::kFloat32 ? 1e-5 : 1e-12;
    for (std::size_t t = 0; t < 3; ++t)
      for (std::size_t i = 0; i < 3; ++i) {
        INFO(gg::to_string(dtype) << ", step " << t + 1 << ", element " << i);
        CHECK(got[t][i] == Approx(want[t][i]).epsilon(epsilon).margin(epsilon * 1e-2));
      }
  }
}

}  // namespace

TEST_CASE("plain SGD: p -= lr * grad", "[optim]") {
  const auto make = [](std::vector<Tensor> p) {
    return std::make_unique<optim::SGD>(p, optim::SGDOptions(0.1));
  };
  // p1 = p0 (1 - 2 lr q) = (0.4, -0.9, 0.8), and so on.
  check_matches(make, {{0.4, -0.9, 0.8}, {0.32, -0.54, 0.32}, {0.256, -0.324, 0.128}});
}

TEST_CASE("SGD with momentum, Nesterov and weight decay follows torch.optim.SGD", "[optim]") {
  for (bool nesterov : {false, true}) {
    const double lr = 0.05, mu = 0.9, wd = 0.01;
    const auto make = [&](std::vector<Tensor> p) {
      return std::make_unique<optim::SGD>(
          p, optim::SGDOptions(lr).momentum(mu).nesterov(nesterov).weight_decay(wd));
    };
    std::vector<double> p = kStart, buf(3);
    std::vector<std::vector<double>> want;
    for (int t = 1; t <= 3; ++t) {
      const auto g = gradient(p);
      for (std::size_t i = 0; i < 3; ++i) {
        const double d = g[i] + wd * p[i];
        buf[i] = t == 1 ? d : mu * buf[i] + d;
        p[i] -= lr * (nesterov ? d + mu * buf[i] : buf[i]);
      }
      want.push_back(p);
    }
    INFO("nesterov " << nesterov);
    check_matches(make, want);
  }
}

TEST_CASE("Adam and AdamW follow torch.optim.Adam and AdamW", "[optim]") {
  for (bool decoupled : {false, true}) {
    const double lr = 0.1, b1 = 0.8, b2 = 0.95, eps = 1e-6, wd = 0.05;
    const auto make = [&](std::vector<Tensor> p) -> std::unique_ptr<optim::Optimizer> {
      if (decoupled) return std::make_unique<optim::AdamW>(p, optim::AdamWOptions(lr).betas(b1, b2).eps(eps).weight_decay(wd));
      return std::make_unique<optim::Adam>(p, optim::AdamOptions(lr).betas(b1, b2).eps(eps).weight_decay(wd));
    };
    std::vector<double> p = kStart, m(3), v(3);
    std::vector<std::vector<double>> want;
    for (int t = 1; t <= 3; ++t) {
      const auto g = gradient(p);
      for (std::size_t i = 0; i < 3; ++i) {
        double d = g[i];
        if (decoupled) p[i] *= 1 - lr * wd;
        else d += wd * p[i];
        m[i] = b1 * m[i] + (1 - b1) * d;
        v[i] = b2 * v[i] + (1 - b2) * d * d;
        const double m_hat = m[i] / (1 - std::pow(b1, t)), v_hat = v[i] / (1 - std::pow(b2, t));
        p[i] -= lr * m_hat / (std::sqrt(v_hat) + eps);
      }
      want.push_back(p);
    }
    INFO("AdamW " << decoupled);
    check_matches(make, want);
  }
}

TEST_CASE("RMSprop, plain, centered and with momentum, follows torch.optim.RMSprop", "[optim]") {
  for (const auto& row : {std::pair{false, 0.0}, {true, 0.0}, {false, 0.5}, {true, 0.5}}) {
    // Named copies, not a structured binding: clang 14 cannot capture one in a lambda.
    const bool centered = row.first;
    const double mu = row.second;
    const double lr = 0.01, alpha = 0.9, eps = 1e-8, wd = 0.1;
    const auto make = [&](std::vector<Tensor> p) {
      return std::make_unique<optim::RMSprop>(
          p, optim::RMSpropOptions(lr).alpha(alpha).eps(eps).weight_decay(wd).momentum(mu).centered(centered));
    };
    std::vector<double> p = kStart, sq(3), avg(3), buf(3);
    std::vector<std::vector<double>> want;
    for (int t = 1; t <= 3; ++t) {
      const auto g = gradient(p);
      for (std::size_t i = 0; i < 3; ++i) {
        const double d = g[i] + wd * p[i];
        sq[i] = alpha * sq[i] + (1 - alpha) * d * d;
        double denominator = std::sqrt(sq[i]) + eps;
        if (centered) {
          avg[i] = alpha * avg[i] + (1 - alpha) * d;
          denominator = std::sqrt(sq[i] - avg[i] * avg[i]) + eps;
        }
        if (mu > 0) {
          buf[i] = mu * buf[i] + d / denominator;
          p[i] -= lr * buf[i];
        } else {
          p[i] -= lr * d / denominator;
        }
      }
      want.push_back(p);
    }
    INFO("centered " << centered << ", momentum " << mu);
    check_matches(make, want);
  }
}

TEST_CASE("schedulers set every group's learning rate per epoch", "[optim]") {
  const Tensor a = gg::zeros({1}).requires_grad_(), b = gg::zeros({1}).requires_grad_();
  optim::SGD opt(std::vector<optim::ParamGroup>{{{a}, 1.0}, {{b}, 0.1}}, optim::SGDOptions(1.0));
  optim::ExponentialLR exp_lr(opt, 0.95);
  exp_lr.step();
  exp_lr.step();
  CHECK(opt.param_groups()[0].lr == Approx(0.9025));
  CHECK(opt.param_groups()[1].lr == Approx(0.09025));

  optim::SGD opt2({a}, optim::SGDOptions(1.0));
  optim::StepLR step_lr(opt2, 2, 0.5);
  std::vector<double> lrs;
  for (int e = 0; e < 5; ++e) {
    step_lr.step();
    lrs.push_back(opt2.lr());
  }
  CHECK(lrs == std::vector<double>{1.0, 0.5, 0.5, 0.25, 0.25});

  optim::SGD opt3({a}, optim::SGDOptions(1.0));
  optim::ReduceLROnPlateau plateau(opt3, {.factor = 0.5, .patience = 1, .threshold = 0.0, .cooldown = 1, .min_lr = 0.2});
  for (double loss : {1.0, 0.9, 0.95, 0.95}) plateau.step(loss);  // 2 bad epochs > patience 1
  CHECK(opt3.lr() == 0.5);
  for (double loss : {0.95, 0.95, 0.95}) plateau.step(loss);      // cooldown, then 2 bad again
  CHECK(opt3.lr() == 0.25);
  for (double loss : {0.95, 0.95, 0.95}) plateau.step(loss);
  CHECK(opt3.lr() == 0.2);  // floored at min_lr
}

TEST_CASE("clip_grad_norm_ scales gradients to the global norm", "[optim]") {
  using gg::nn::utils::clip_grad_norm_;
  const Tensor a = gg::zeros({2}).requires_grad_(), b = gg::zeros({1}, gg::kFloat64).requires_grad_();
  (gg::sum(a * gg::tensor({3.0f, 0.0f})) + gg::sum(b * gg::tensor({4.0}, gg::kFloat64))).backward();
  const double norm = clip_grad_norm_({a, b}, 1.0);  // float32 and float64 together
  CHECK(norm == Approx(5.0));
  CHECK(values(a.grad())[0] == Approx(0.6).epsilon(1e-5));
  CHECK(values(b.grad())[0] == Approx(4.0 / (5.0 + 1e-6)).epsilon(1e-14));  // float64: exactly scaled
  CHECK(clip_grad_norm_({a, b}, 10.0) == Approx(1.0).epsilon(1e-5));  // no change
  CHECK(values(a.grad())[0] == Approx(0.6).epsilon(1e-5));
  CHECK(clip_grad_norm_({a, b}, 10.0, 1.0) == Approx(1.4).epsilon(1e-5));  // |0.6| + |0.8|
  CHECK(clip_grad_norm_(b, 0.4, INFINITY) == Approx(0.8).epsilon(1e-5));   // one tensor, max |g|
  CHECK(values(b.grad())[0] == Approx(0.4).epsilon(1e-5));
  CHECK_THROWS_WITH(clip_grad_norm_({a}, 0.0), "clip_grad_norm_: got max_norm = 0, expected > 0");
  CHECK_THROWS_WITH(clip_grad_norm_({a}, 1.0, -1.0), "clip_grad_norm_: got norm_type = -1, expected > 0 (or infinity)");
  a.grad().fill_(INFINITY);
  CHECK_THROWS_WITH(clip_grad_norm_({a, b}, 1.0, 2.0, true),
                    "clip_grad_norm_: the total norm of order 2 of the gradients is inf, so they cannot be "
                    "clipped; pass error_if_nonfinite = false to scale them by it anyway");
  CHECK(std::isinf(values(a.grad())[0]));  // the error changed nothing
  CHECK(std::isinf(clip_grad_norm_({a, b}, 1.0)));
  CHECK(std::isnan(values(a.grad())[0]));  // inf * 0, as torch
  CHECK(values(b.grad())[0] == 0.0);
}

TEST_CASE("clip_grad_value_ clamps every gradient element", "[optim]") {
  const Tensor a = gg::zeros({4}).requires_grad_();
  gg::sum(a * gg::tensor({-3.0f, -0.5f, 0.25f, 2.0f})).backward();
  gg::nn::utils::clip_grad_value_({a}, 1.0);
  CHECK(values(a.grad()) == std::vector<double>{-1.0, -0.5, 0.25, 1.0});
  gg::nn::utils::clip_grad_value_(a, -0.1);  // min > max: every element is the max, as torch's clamp
  CHECK(values(a.grad()) == std::vector<double>{-0.1f, -0.1f, -0.1f, -0.1f});
  CHECK_THROWS_WITH(gg::nn::utils::clip_grad_value_({a}, NAN), "clip_grad_value_: got clip_value = nan, expected a number");
}

TEST_CASE("optimizer state saves and restores exactly", "[optim]") {
  const Tensor p1 = gg::tensor({1.0f, 2.0f}).requires_grad_(), p2 = gg::tensor({1.0f, 2.0f}).requires_grad_();
  optim::Adam first({p1}, optim::AdamOptions(0.1));
  for (int t = 0; t < 2; ++t) {
    first.zero_grad();
    gg::sum(p1 * p1).backward();
    first.step();
  }
  {
    gg::NoGradGuard no_grad;  // as torch, a leaf that requires grad is changed under no_grad
    p2.copy_(p1);
  }
  optim::Adam second({p2}, optim::AdamOptions(0.1));
  second.load_state(first.state());
  for (auto* pair : {&first, &second}) {
    pair->zero_grad();
  }
  gg::sum(p1 * p1).backward();
  gg::sum(p2 * p2).backward();
  first.step();
  second.step();
  CHECK(values(p1) == values(p2));
  // state() holds copies: a later step leaves a saved state alone.
  const optim::OptimizerState saved = first.state();
  const std::vector<double> m = values(saved.tensors.at("0.exp_avg"));
  first.step();
  CHECK(values(saved.tensors.at("0.exp_avg")) == m);
}

TEST_CASE("bad hyper-parameters are refused with the value and the range", "[optim][errors]") {
  const Tensor a = gg::zeros({1}).requires_grad_();
  CHECK_THROWS_WITH(optim::SGD({a}, optim::SGDOptions(-1.0)),
                    "SGD: got lr = -1.000000, expected 0.000000 <= lr < infinity");
  CHECK_THROWS_WITH(optim::Adam({a}, optim::AdamOptions(1e-3).betas(1.0, 0.999)),
                    "Adam: got beta1 = 1.000000, expected 0.000000 <= beta1 < 1.000000");
  CHECK_THROWS_WITH(optim::SGD({a}, optim::SGDOptions(0.1).nesterov(true)),
                    "SGD: Nesterov momentum needs momentum > 0 and dampening = 0");
  CHECK_THROWS_WITH(optim::SGD(std::vector<Tensor>{}, optim::SGDOptions(0.1)), "SGD: got no parameters to optimize");
  const Tensor not_leaf = a * 2.0f;
  CHECK_THROWS_WITH(optim::SGD({not_leaf}, optim::SGDOptions(0.1)),
                    "SGD: parameter 0 of sizes [1] is not a leaf that requires grad");
  CHECK_THROWS_WITH(optim::SGD({gg::zeros({1}, gg::kInt64)}, optim::SGDOptions(0.1)),
                    "SGD: parameter 0 of sizes [1] has dtype int64, expected float32 or float64");
  const Tensor strided = gg::native::contiguous(gg::zeros({2, 3})).t().detach().requires_grad_();
  CHECK_THROWS_WITH(optim::SGD({strided}, optim::SGDOptions(0.1)), Contains("is not contiguous"));
}

TEST_CASE("OneCycleLR rises to max_lr, falls to min_lr and cycles momentum the other way", "[optim]") {
  const Tensor a = gg::zeros({1}).requires_grad_();
  optim::SGD opt({a}, optim::SGDOptions(0.5).momentum(0.9));
  // 10 steps, the rise ending at step 0.3 * 10 - 1 = 2: initial_lr 1 / 25 = 0.04, min_lr 4e-6.
  optim::OneCycleLR::Options o;
  o.total_steps = 10;
  o.anneal_strategy = optim::OneCycleLR::Anneal::Linear;
  optim::OneCycleLR schedule(opt, 1.0, o);
  std::vector<double> lrs = {opt.lr()}, momenta = {opt.momentum(0)};
  for (int t = 0; t < 10; ++t) {
    schedule.step();
    lrs.push_back(opt.lr());
    momenta.push_back(opt.momentum(0));
  }
  CHECK(lrs[0] == Approx(0.04));
  CHECK(lrs[1] == Approx(0.52));  // halfway up
  CHECK(lrs[2] == Approx(1.0));
  CHECK(lrs[9] == Approx(4e-6));  // the fall's last planned step, 9; step 10 goes on along the line
  CHECK(lrs[10] == Approx(1.0 + (4e-6 - 1.0) * 8.0 / 7.0));
  CHECK(momenta[0] == Approx(0.95));
  CHECK(momenta[2] == Approx(0.85));
  CHECK(momenta[9] == Approx(0.95));
  // Step 11 is one too many, as torch's, and changes nothing.
  CHECK_THROWS_WITH(schedule.step(), "OneCycleLR::step: Tried to step 12 times. The specified number of total steps is 10");
  CHECK(opt.lr() == lrs[10]);
  CHECK(schedule.last_epoch() == 10);
}

TEST_CASE("OneCycleLR cos with three phases comes back to initial_lr before falling", "[optim]") {
  const Tensor a = gg::zeros({1}).requires_grad_();
  optim::Adam opt({a}, optim::AdamOptions(0.1).betas(0.5, 0.99));
  optim::OneCycleLR::Options o;
  o.epochs = 2;
  o.steps_per_epoch = 10;  // 20 steps: up to step 5, down to step 10, then to min_lr at 19
  o.pct_start = 0.3;
  o.three_phase = true;
  o.div_factor = 10;
  o.final_div_factor = 100;
  optim::OneCycleLR schedule(opt, 2.0, o);
  CHECK(schedule.total_steps() == 20);
  CHECK(opt.lr() == Approx(0.2));
  CHECK(opt.momentum(0) == Approx(0.95));  // beta1
  std::vector<double> lrs = {opt.lr()};
  for (int t = 0; t < 19; ++t) {
    schedule.step();
    lrs.push_back(opt.lr());
  }
  CHECK(lrs[5] == Approx(2.0));
  CHECK(opt.momentum(0) == Approx(0.95));
  CHECK(lrs[10] == Approx(0.2));
  CHECK(lrs[19] == Approx(0.002));
  CHECK(lrs[3] == Approx(0.2 + (2.0 - 0.2) * (1 - std::cos(std::numbers::pi * 0.6)) / 2));
}

TEST_CASE("OneCycleLR gives SGD built without momentum a momentum buffer, as torch", "[optim]") {
  const Tensor a = gg::tensor({1.0}, gg::kFloat64).requires_grad_();
  optim::SGD opt({a}, optim::SGDOptions(0.1));
  CHECK(opt.state().tensors.empty());
  optim::OneCycleLR::Options o;
  o.total_steps = 5;
  optim::OneCycleLR schedule(opt, 1.0, o);
  CHECK(opt.momentum(0) == 0.95);
  // Two steps of gradient 1: b = 1, then b = 0.95' * 1 + 1 with step 1's momentum; p moves by lr * b.
  std::vector<double> lr, mu;
  double expected = 1.0, b = 0;
  for (int t = 0; t < 2; ++t) {
    lr.push_back(opt.lr());
    mu.push_back(opt.momentum(0));
    opt.zero_grad();
    gg::sum(a).backward();
    opt.step();
    b = t == 0 ? 1.0 : mu[1] * b + 1.0;
    expected -= lr[t] * b;
    schedule.step();
  }
  CHECK(values(a)[0] == Approx(expected).epsilon(1e-14));
  CHECK(opt.state().tensors.count("0.momentum_buffer") == 1);
}

TEST_CASE("OneCycleLR refuses bad options and optimizers without momentum", "[optim][errors]") {
  const Tensor a = gg::zeros({1}).requires_grad_(), b = gg::zeros({1}).requires_grad_();
  optim::OneCycleLR::Options o;
  optim::SGD sgd({a}, optim::SGDOptions(0.1).momentum(0.9));
  CHECK_THROWS_WITH(optim::OneCycleLR(sgd, 1.0, o), Contains("expected total_steps > 0 or both epochs and steps_per_epoch > 0"));
  o.total_steps = 10;
  o.pct_start = 1.5;
  CHECK_THROWS_WITH(optim::OneCycleLR(sgd, 1.0, o), "OneCycleLR: got pct_start = 1.5, expected 0 <= pct_start <= 1");
  o.pct_start = 0.3;
  CHECK_THROWS_WITH(optim::OneCycleLR(sgd, {1.0, 2.0}, o),
                    "OneCycleLR: got 2 values for max_lr, expected 1 or 1 (one per parameter group)");
  optim::Adagrad adagrad({a}, optim::AdagradOptions(0.1));
  CHECK_THROWS_WITH(optim::OneCycleLR(adagrad, 1.0, o), Contains("optimizer must support momentum with `cycle_momentum`"));
  CHECK_THROWS_AS(adagrad.momentum(0), std::invalid_argument);
  // Adam's beta1 must stay below 1: refused before any group changes.
  optim::Adam adam(std::vector<optim::ParamGroup>{{{a}, 0.1}, {{b}, 0.1}}, optim::AdamOptions(0.1));
  o.max_momentum = {0.95, 1.0};
  CHECK_THROWS_WITH(optim::OneCycleLR(adam, 1.0, o), "Adam: got beta1 = 1.000000, expected 0.000000 <= beta1 < 1.000000");
  CHECK(adam.momentum(0) == 0.9);
  CHECK(adam.param_groups()[0].lr == 0.1);
  // RMSprop's momentum buffer exists from construction or never.
  optim::RMSprop rmsprop({a}, optim::RMSpropOptions(0.01));
  o.max_momentum = {0.95};
  CHECK_THROWS_WITH(optim::OneCycleLR(rmsprop, 1.0, o), Contains("build the optimizer with momentum > 0"));
  o.cycle_momentum = false;
  optim::OneCycleLR plain(rmsprop, 1.0, o);
  CHECK(rmsprop.lr() == Approx(0.04));
  CHECK(rmsprop.momentum(0) == 0);
}
