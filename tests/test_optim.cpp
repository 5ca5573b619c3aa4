// Each optimizer's first three steps against the update rules PyTorch documents, worked out
// here in double precision one element at a time.
#include "helpers.hpp"

#include <gategrad/autograd/autograd.hpp>
#include <gategrad/optim/adam.hpp>
#include <gategrad/optim/rmsprop.hpp>
#include <gategrad/optim/scheduler.hpp>
#include <gategrad/optim/sgd.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <functional>

using gg::ArrayF;
using gg::Var;
namespace optim = gg::optim;

namespace {

const std::vector<double> kStart = {0.5, -1.5, 2.0};
const std::vector<double> kQ = {1.0, 2.0, 3.0};

// The loss sum(q * p^2) has gradient 2 q p, which changes as p moves.
std::vector<double> gradient(const std::vector<double>& p) {
  return {2 * kQ[0] * p[0], 2 * kQ[1] * p[1], 2 * kQ[2] * p[2]};
}

// Runs three steps with gategrad and returns the parameter after each.
std::vector<std::vector<float>> three_steps(
    const std::function<std::unique_ptr<optim::Optimizer>(std::vector<Var>)>& make) {
  Var p(ArrayF::from({3}, {0.5f, -1.5f, 2.0f}), true);
  const Var q(ArrayF::from({3}, {1, 2, 3}));
  auto opt = make({p});
  std::vector<std::vector<float>> out;
  for (int t = 0; t < 3; ++t) {
    opt->zero_grad();
    gg::sum(q * p * p).backward();
    opt->step();
    out.emplace_back(p.data().values().begin(), p.data().values().end());
  }
  return out;
}

void check_matches(const std::vector<std::vector<float>>& got,
                   const std::vector<std::vector<double>>& want) {
  for (std::size_t t = 0; t < 3; ++t)
    for (std::size_t i = 0; i < 3; ++i) {
      INFO("step " << t + 1 << ", element " << i);
      CHECK(got[t][i] == Approx(want[t][i]).epsilon(1e-5).margin(1e-7));
    }
}

}  // namespace

TEST_CASE("plain SGD: p -= lr * grad", "[optim]") {
  const auto got = three_steps([](std::vector<Var> p) {
    return std::make_unique<optim::SGD>(p, optim::SGDOptions(0.1));
  });
  // p1 = p0 (1 - 2 lr q) = (0.4, -0.9, 0.8), and so on.
  check_matches(got, {{0.4, -0.9, 0.8}, {0.32, -0.54, 0.32}, {0.256, -0.324, 0.128}});
}

TEST_CASE("SGD with momentum, Nesterov and weight decay follows torch.optim.SGD", "[optim]") {
  for (bool nesterov : {false, true}) {
    const double lr = 0.05, mu = 0.9, wd = 0.01;
    const auto got = three_steps([&](std::vector<Var> p) {
      return std::make_unique<optim::SGD>(
          p, optim::SGDOptions(lr).momentum(mu).nesterov(nesterov).weight_decay(wd));
    });
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
    check_matches(got, want);
  }
}

TEST_CASE("Adam and AdamW follow torch.optim.Adam and AdamW", "[optim]") {
  for (bool decoupled : {false, true}) {
    const double lr = 0.1, b1 = 0.8, b2 = 0.95, eps = 1e-6, wd = 0.05;
    const auto got = three_steps([&](std::vector<Var> p) -> std::unique_ptr<optim::Optimizer> {
      if (decoupled) return std::make_unique<optim::AdamW>(p, optim::AdamWOptions(lr).betas(b1, b2).eps(eps).weight_decay(wd));
      return std::make_unique<optim::Adam>(p, optim::AdamOptions(lr).betas(b1, b2).eps(eps).weight_decay(wd));
    });
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
    check_matches(got, want);
  }
}

TEST_CASE("RMSprop, plain, centered and with momentum, follows torch.optim.RMSprop", "[optim]") {
  for (const auto& row : {std::pair{false, 0.0}, {true, 0.0}, {false, 0.5}, {true, 0.5}}) {
    // Named copies, not a structured binding: clang 14 cannot capture one in a lambda.
    const bool centered = row.first;
    const double mu = row.second;
    const double lr = 0.01, alpha = 0.9, eps = 1e-8, wd = 0.1;
    const auto got = three_steps([&](std::vector<Var> p) {
      return std::make_unique<optim::RMSprop>(
          p, optim::RMSpropOptions(lr).alpha(alpha).eps(eps).weight_decay(wd).momentum(mu).centered(centered));
    });
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
    check_matches(got, want);
  }
}

TEST_CASE("schedulers set every group's learning rate per epoch", "[optim]") {
  Var a(ArrayF::zeros({1}), true), b(ArrayF::zeros({1}), true);
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

TEST_CASE("clip_grad_norm scales gradients to the global norm", "[optim]") {
  Var a(ArrayF::zeros({2}), true), b(ArrayF::zeros({1}), true);
  (gg::sum(a * Var(ArrayF::from({2}, {3, 0}))) + gg::sum(b * Var(ArrayF::from({1}, {4})))).backward();
  const double norm = optim::clip_grad_norm({a, b}, 1.0);
  CHECK(norm == Approx(5.0));
  CHECK(a.grad().at({0}) == Approx(0.6).epsilon(1e-5));
  CHECK(b.grad().at({0}) == Approx(0.8).epsilon(1e-5));
  CHECK(optim::clip_grad_norm({a, b}, 10.0) == Approx(1.0).epsilon(1e-5));  // no change
  CHECK(a.grad().at({0}) == Approx(0.6).epsilon(1e-5));
}

TEST_CASE("optimizer state saves and restores exactly", "[optim]") {
  Var p1(ArrayF::from({2}, {1, 2}), true), p2(ArrayF::from({2}, {1, 2}), true);
  optim::Adam first({p1}, optim::AdamOptions(0.1));
  for (int t = 0; t < 2; ++t) {
    first.zero_grad();
    gg::sum(p1 * p1).backward();
    first.step();
  }
  p2.mutable_data() = p1.data();
  optim::Adam second({p2}, optim::AdamOptions(0.1));
  second.load_state(first.state());
  for (auto* pair : {&first, &second}) {
    pair->zero_grad();
  }
  gg::sum(p1 * p1).backward();
  gg::sum(p2 * p2).backward();
  first.step();
  second.step();
  CHECK(p1.data().at({0}) == p2.data().at({0}));
  CHECK(p1.data().at({1}) == p2.data().at({1}));
}

TEST_CASE("bad hyper-parameters are refused with the value and the range", "[optim][errors]") {
  Var a(ArrayF::zeros({1}), true);
  CHECK_THROWS_WITH(optim::SGD({a}, optim::SGDOptions(-1.0)),
                    "SGD: got lr = -1.000000, expected 0.000000 <= lr < infinity");
  CHECK_THROWS_WITH(optim::Adam({a}, optim::AdamOptions(1e-3).betas(1.0, 0.999)),
                    "Adam: got beta1 = 1.000000, expected 0.000000 <= beta1 < 1.000000");
  CHECK_THROWS_WITH(optim::SGD({a}, optim::SGDOptions(0.1).nesterov(true)),
                    "SGD: Nesterov momentum needs momentum > 0 and dampening = 0");
  CHECK_THROWS_WITH(optim::SGD(std::vector<Var>{}, optim::SGDOptions(0.1)), "SGD: got no parameters to optimize");
  const Var not_leaf = a * 2.0f;
  CHECK_THROWS_WITH(optim::SGD({not_leaf}, optim::SGDOptions(0.1)),
                    "SGD: parameter 0 of shape (1,) is not a leaf that requires grad");
}
