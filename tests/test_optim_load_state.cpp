// Optimizer::load_state and load_training_state on damaged and hostile states (issue 10,
// point 2): each reproducer is refused with the entry, its value and what was expected, and a
// refused load changes nothing.
#include "temp_dir.hpp"

#include "tensor_values.hpp"

#include <gategrad/autograd/ops.hpp>
#include <gategrad/optim/adam.hpp>
#include <gategrad/optim/rmsprop.hpp>
#include <gategrad/optim/training_state.hpp>
#include <gategrad/tensor/safetensors.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <functional>
#include <limits>

using Catch::Contains;
using gg::Tensor;
namespace optim = gg::optim;

namespace {

bool same(const optim::OptimizerState& a, const optim::OptimizerState& b) {
  if (a.scalars != b.scalars || a.tensors.size() != b.tensors.size()) return false;
  for (const auto& [key, t] : a.tensors) {
    const auto other = b.tensors.find(key);
    if (other == b.tensors.end() || other->second.sizes() != t.sizes() || other->second.dtype() != t.dtype() ||
        std::memcmp(t.data_ptr(), other->second.data_ptr(), t.nbytes()) != 0) {
      return false;
    }
  }
  return true;
}

// Sets one element of a state's tensor: a copy, since a state's entries share their storage
// with every copy of the state.
void poke(optim::OptimizerState& s, const std::string& key, std::int64_t index, float value) {
  Tensor t = gg::native::clone(s.tensors.at(key));
  t.data_ptr<float>()[index] = value;
  s.tensors[key] = t;
}

// An Adam over two groups (lr 0.1 and 0.01) that has taken two steps.
struct Trained {
  Tensor a = gg::tensor({1.0f, 2.0f}).requires_grad_();
  Tensor b = gg::tensor({-1.0f, 0.5f, 3.0f}).requires_grad_();
  optim::Adam opt{std::vector<optim::ParamGroup>{{{a}, 0.1}, {{b}, 0.01}}, optim::AdamOptions().amsgrad(true)};
  Trained() {
    for (int t = 0; t < 2; ++t) {
      opt.zero_grad();
      (gg::sum(a * a) + gg::sum(b * b * b)).backward();
      opt.step();
    }
  }
};

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

}  // namespace

TEST_CASE("load_state refuses each damaged entry and changes nothing", "[optim][errors]") {
  struct Row {
    const char* what;
    std::function<void(optim::OptimizerState&)> damage;
    const char* message;
  };
  const std::vector<Row> rows = {
      {"NaN step", [](auto& s) { s.scalars["0.step"] = kNaN; },
       "Adam::load_state: entry '0.step' is nan, expected a whole number of steps in [0, 2^63)"},
      {"huge step", [](auto& s) { s.scalars["1.step"] = 1e300; }, "entry '1.step' is 1e+300, expected a whole number"},
      {"2^63 steps", [](auto& s) { s.scalars["1.step"] = 0x1p63; }, "entry '1.step' is 9223372036854775808, expected"},
      {"negative step", [](auto& s) { s.scalars["0.step"] = -1; }, "entry '0.step' is -1, expected a whole number"},
      {"fractional step", [](auto& s) { s.scalars["0.step"] = 2.5; }, "entry '0.step' is 2.5, expected a whole number"},
      {"infinite step", [](auto& s) { s.scalars["0.step"] = kInf; }, "entry '0.step' is inf, expected"},
      {"NaN lr", [](auto& s) { s.scalars["group0.lr"] = kNaN; },
       "entry 'group0.lr' is nan, expected a finite learning rate >= 0"},
      {"infinite lr", [](auto& s) { s.scalars["group1.lr"] = kInf; }, "entry 'group1.lr' is inf, expected a finite"},
      {"negative lr", [](auto& s) { s.scalars["group1.lr"] = -0.1; }, "entry 'group1.lr' is -0.1, expected a finite"},
      {"missing group1.lr", [](auto& s) { s.scalars.erase("group1.lr"); }, "entry 'group1.lr' is missing"},
      {"missing step", [](auto& s) { s.scalars.erase("1.step"); }, "entry '1.step' is missing"},
      {"missing moment", [](auto& s) { s.tensors.erase("1.exp_avg"); },
       "entry '1.exp_avg' is missing (parameter 1 has taken 2 steps)"},
      {"NaN first moment", [](auto& s) { poke(s, "0.exp_avg", 1, NAN); },
       "entry '0.exp_avg' holds nan at element 1, expected finite values"},
      {"infinite second moment", [](auto& s) { poke(s, "1.exp_avg_sq", 2, INFINITY); },
       "entry '1.exp_avg_sq' holds inf at element 2, expected finite values >= 0 (a mean of squares)"},
      {"negative second moment", [](auto& s) { poke(s, "1.exp_avg_sq", 0, -1); },
       "entry '1.exp_avg_sq' holds -1 at element 0, expected finite values >= 0"},
      {"negative amsgrad maximum", [](auto& s) { poke(s, "0.max_exp_avg_sq", 0, -0.5f); },
       "entry '0.max_exp_avg_sq' holds -0.5 at element 0, expected finite values >= 0"},
      {"mis-shaped moment", [](auto& s) { s.tensors["1.exp_avg"] = gg::zeros({2}); },
       "entry '1.exp_avg' has sizes [2], expected the parameter's sizes [3]"},
      {"moment of another dtype", [](auto& s) { s.tensors["1.exp_avg"] = gg::zeros({3}, gg::kFloat64); },
       "entry '1.exp_avg' has dtype float64, expected the parameter's dtype float32"},
      {"undefined moment", [](auto& s) { s.tensors["1.exp_avg"] = Tensor(); },
       "entry '1.exp_avg' is an undefined tensor"},
      {"unknown tensor", [](auto& s) { s.tensors["0.momentum_buffer"] = gg::zeros({2}); },
       "entry '0.momentum_buffer' is not a tensor Adam saves (expected only '<i>.step', '<i>.exp_avg', "
       "'<i>.exp_avg_sq', '<i>.max_exp_avg_sq' for parameters i < 2 and 'group<g>.lr' for groups g < 2)"},
      {"tensor of a third parameter", [](auto& s) { s.tensors["2.exp_avg"] = gg::zeros({2}); },
       "entry '2.exp_avg' is not a tensor Adam saves"},
      {"unknown scalar", [](auto& s) { s.scalars["group2.lr"] = 0.1; }, "entry 'group2.lr' is not a scalar Adam saves"},
  };
  for (const Row& row : rows) {
    INFO(row.what);
    Trained run;
    const optim::OptimizerState before = run.opt.state();
    optim::OptimizerState damaged = before;
    row.damage(damaged);
    CHECK_THROWS_AS(run.opt.load_state(damaged), std::invalid_argument);
    CHECK_THROWS_WITH(run.opt.load_state(damaged), Contains(row.message));
    CHECK(same(run.opt.state(), before));
    CHECK(run.opt.param_groups()[0].lr == 0.1);
  }
}

TEST_CASE("a state missing group1.lr leaves group 0's rate and every buffer as they were", "[optim][errors]") {
  Trained from, to;
  from.opt.param_groups()[0].lr = 0.5;
  from.opt.param_groups()[1].lr = 0.05;
  from.opt.step();  // different buffers and steps from `to`'s
  optim::OptimizerState s = from.opt.state();
  s.scalars.erase("group1.lr");
  const optim::OptimizerState before = to.opt.state();
  CHECK_THROWS_WITH(to.opt.load_state(s), Contains("entry 'group1.lr' is missing"));
  CHECK(to.opt.param_groups()[0].lr == 0.1);
  CHECK(same(to.opt.state(), before));
}

TEST_CASE("load_state restores a good state exactly, amsgrad's maximum included", "[optim]") {
  Trained from, to;
  from.opt.param_groups()[1].lr = 0.02;
  const optim::OptimizerState saved = from.opt.state();
  CHECK(saved.tensors.count("1.max_exp_avg_sq") == 1);
  to.opt.load_state(saved);
  CHECK(same(to.opt.state(), saved));
  CHECK(to.opt.param_groups()[1].lr == 0.02);
}

TEST_CASE("load_state accepts a parameter never updated without buffers: they start at zero", "[optim]") {
  const Tensor p = gg::tensor({1.0f, 2.0f}).requires_grad_();
  optim::RMSprop opt({p}, optim::RMSpropOptions(0.1).momentum(0.9));
  opt.load_state({{}, {{"0.step", 0.0}, {"group0.lr", 0.25}}});
  CHECK(opt.lr() == 0.25);
  const optim::OptimizerState s = opt.state();
  REQUIRE(s.tensors.count("0.square_avg") == 1);
  CHECK(gg::test::values(s.tensors.at("0.square_avg")) == std::vector<double>{0, 0});
  CHECK(gg::test::values(s.tensors.at("0.momentum_buffer")) == std::vector<double>{0, 0});
}

TEST_CASE("a training state with an all-zero generator is refused", "[optim][checkpoint][errors]") {
  gg::test::TempDir dir;
  optim::TrainingState state;
  state.generators["batches"] = gg::Generator(3).state();
  state.generators["default"] = gg::Generator::State{};  // xoshiro256**'s fixed point: 0 for ever
  optim::save_training_state(dir / "s.safetensors", state);
  CHECK_THROWS_AS(optim::load_training_state(dir / "s.safetensors"), gg::FormatError);
  CHECK_THROWS_WITH(optim::load_training_state(dir / "s.safetensors"),
                    Contains("entry 'generator.default' has the all-zero engine state, expected a nonzero word"));

  state.generators["default"] = gg::Generator(4).state();
  state.generators["default"].has_spare = true;
  state.generators["default"].spare_normal = kNaN;
  optim::save_training_state(dir / "s.safetensors", state);
  CHECK_THROWS_WITH(optim::load_training_state(dir / "s.safetensors"),
                    Contains("entry 'generator.default' has a spare normal of nan, expected a finite number"));

  state.generators["default"].has_spare = false;  // a spare that is not there is never read
  optim::save_training_state(dir / "s.safetensors", state);
  CHECK(optim::load_training_state(dir / "s.safetensors").generators.at("batches") == gg::Generator(3).state());
}

TEST_CASE("progress counters are read back as whole numbers or refused", "[optim][checkpoint][errors]") {
  optim::TrainingState state;
  state.progress = {{"epoch", 3.0}, {"nan", kNaN}, {"huge", 1e300}, {"negative", -1}, {"half", 2.5}};
  CHECK(optim::progress_count(state, "epoch") == 3);
  CHECK_THROWS_WITH(optim::progress_count(state, "nan"),
                    "progress_count: entry 'progress.nan' is nan, expected a whole number in [0, 2^63)");
  CHECK_THROWS_WITH(optim::progress_count(state, "huge"), Contains("is 1e+300, expected a whole number"));
  CHECK_THROWS_WITH(optim::progress_count(state, "negative"), Contains("is -1, expected"));
  CHECK_THROWS_WITH(optim::progress_count(state, "half"), Contains("is 2.5, expected"));
  CHECK_THROWS_AS(optim::progress_count(state, "step"), gg::FormatError);
  CHECK_THROWS_WITH(optim::progress_count(state, "step"), "progress_count: entry 'progress.step' is missing");
}
