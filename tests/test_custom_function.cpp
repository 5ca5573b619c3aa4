// Custom differentiable ops (autograd/function.hpp) and gradcheck on gg::Tensor: a smooth op
// whose gradient checks, a wrong backward that gradcheck catches, the checks apply()'s node
// makes for the user (gradient count, sizes, in-place changes of saved tensors), and what
// forward sees (grad mode off, needs_input_grad).
#include <gategrad/autograd/function.hpp>
#include <gategrad/autograd/gradcheck.hpp>
#include <gategrad/tensor/factory.hpp>
#include <gategrad/tensor/native.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <vector>

using gg::Tensor;
using gg::autograd::AutogradContext;
using gg::autograd::tensor_list;
namespace native = gg::native;

namespace {

const gg::TensorOptions kF64 = gg::dtype(gg::kFloat64);

std::vector<double> values(const Tensor& t) {
  const Tensor c = native::contiguous(native::to(t, gg::kFloat64));
  return std::vector<double>(c.data_ptr<double>(), c.data_ptr<double>() + c.numel());
}

Tensor leaf(std::initializer_list<double> v) {
  return gg::tensor(v, kF64.requires_grad(true));
}

Tensor random(gg::IntArrayRef sizes, std::uint64_t seed) {
  gg::Generator gen(seed);
  return gg::randn(sizes, gen, kF64);
}

// y = a * exp(alpha * b), b broadcast against a: two tensor inputs and a number.
struct SmoothMix : gg::autograd::Function<SmoothMix> {
  static constexpr const char* name() { return "SmoothMix"; }
  // a:(any) b:(broadcasts with a) -> (broadcast sizes)
  static Tensor forward(AutogradContext* ctx, Tensor a, Tensor b, double alpha) {
    Tensor y = native::mul(a, native::exp(native::mul(b, alpha)));
    ctx->save_for_backward({b, y});  // an input and the output
    ctx->saved_data["alpha"] = alpha;
    return y;
  }
  // dy/da = exp(alpha b); dy/db = alpha a exp(alpha b) = alpha y (summed back to b's sizes by
  // the node when b was broadcast)
  static tensor_list backward(AutogradContext* ctx, tensor_list grad_outputs) {
    const tensor_list saved = ctx->get_saved_variables();
    const Tensor& b = saved[0];
    const Tensor& y = saved[1];
    const double alpha = ctx->saved_data["alpha"].toDouble();
    const Tensor& dout = grad_outputs[0];
    Tensor da, db;
    if (ctx->needs_input_grad(0)) da = native::mul(dout, native::exp(native::mul(b, alpha)));
    if (ctx->needs_input_grad(1)) db = native::mul(native::mul(dout, y), alpha);
    return {da, db, Tensor()};
  }
};

// The same forward with the alpha factor of db forgotten: a bug gradcheck must find.
struct WrongMix : gg::autograd::Function<WrongMix> {
  static Tensor forward(AutogradContext* ctx, Tensor a, Tensor b, double alpha) {
    return SmoothMix::forward(ctx, std::move(a), std::move(b), alpha);
  }
  static tensor_list backward(AutogradContext* ctx, tensor_list grad_outputs) {
    const tensor_list saved = ctx->get_saved_variables();
    const double alpha = ctx->saved_data["alpha"].toDouble();
    const Tensor& dout = grad_outputs[0];
    const Tensor da = native::mul(dout, native::exp(native::mul(saved[0], alpha)));
    return {da, native::mul(dout, saved[1]), Tensor()};
  }
};

// y = sum(x^2), a rank-0 output; dy/dx = 2 x.
struct SumSquares : gg::autograd::Function<SumSquares> {
  static Tensor forward(AutogradContext* ctx, const Tensor& x) {
    ctx->save_for_backward({x});
    return native::sum(native::square(x));
  }
  static tensor_list backward(AutogradContext* ctx, tensor_list grad_outputs) {
    return {native::mul(native::mul(ctx->get_saved_variables()[0], grad_outputs[0]), 2.0)};
  }
};

// Backwards that break the contract, for forward(ctx, x, alpha) = alpha x.
enum class Bug { TooFew, GradientForNumber, WrongSizes, UnbroadcastableSizes };
struct Broken : gg::autograd::Function<Broken> {
  static constexpr const char* name() { return "Broken"; }
  static Tensor forward(AutogradContext* ctx, Tensor x, double alpha, Bug bug) {
    ctx->saved_data["bug"] = static_cast<int>(bug);
    return native::mul(x, alpha);
  }
  static tensor_list backward(AutogradContext* ctx, tensor_list grad_outputs) {
    const auto bug = static_cast<Bug>(ctx->saved_data["bug"].toInt());
    const Tensor& dout = grad_outputs[0];
    switch (bug) {
      case Bug::TooFew: return {dout};
      case Bug::GradientForNumber: return {dout, dout, Tensor()};
      case Bug::WrongSizes: return {gg::ones({2}, kF64), Tensor(), Tensor()};
      case Bug::UnbroadcastableSizes: return {gg::ones({4, 2}, kF64), Tensor(), Tensor()};
    }
    return {};
  }
};

// What forward saw, for the tests below to check.
struct Seen {
  bool grad_enabled = true;
  std::vector<bool> needs;
};
Seen seen;

// a + b, with a number between them; records what forward sees.
struct Probe : gg::autograd::Function<Probe> {
  static Tensor forward(AutogradContext* ctx, Tensor a, double, Tensor b) {
    seen.grad_enabled = gg::is_grad_enabled();
    seen.needs = {ctx->needs_input_grad(0), ctx->needs_input_grad(1), ctx->needs_input_grad(2)};
    return native::add(a, b);
  }
  static tensor_list backward(AutogradContext* ctx, tensor_list grad_outputs) {
    seen.grad_enabled = gg::is_grad_enabled();
    seen.needs = {ctx->needs_input_grad(0), ctx->needs_input_grad(1), ctx->needs_input_grad(2)};
    return {grad_outputs[0], Tensor(), grad_outputs[0]};
  }
};

// Returns its input as it is.
struct PassThrough : gg::autograd::Function<PassThrough> {
  static Tensor forward(AutogradContext*, Tensor x) { return x; }
  static tensor_list backward(AutogradContext*, tensor_list grad_outputs) { return grad_outputs; }
};

// Returns no gradient at all (an undefined tensor): the input's gradient is zero.
struct Detached : gg::autograd::Function<Detached> {
  static Tensor forward(AutogradContext*, const Tensor& x) { return native::mul(x, 3.0); }
  static tensor_list backward(AutogradContext*, tensor_list) { return {Tensor()}; }
};

// Changes its input in place: not supported.
struct InPlace : gg::autograd::Function<InPlace> {
  static Tensor forward(AutogradContext*, const Tensor& x) {
    native::mul_(x, 2.0);
    return native::clone(x);
  }
  static tensor_list backward(AutogradContext*, tensor_list grad_outputs) { return grad_outputs; }
};

// A template forward: apply cannot take forward's signature, so it forwards anything and
// records no call site.
struct Generic : gg::autograd::Function<Generic> {
  template <class T>
  static Tensor forward(AutogradContext* ctx, const Tensor& x, T scale) {
    ctx->saved_data["scale"] = scale;
    return native::mul(x, scale);
  }
  static tensor_list backward(AutogradContext* ctx, tensor_list grad_outputs) {
    return {native::mul(grad_outputs[0], ctx->saved_data["scale"].toDouble()), Tensor()};
  }
};

}  // namespace

namespace fn_test {
struct Unnamed : gg::autograd::Function<Unnamed> {
  static Tensor forward(AutogradContext*, const Tensor& x) { return native::clone(x); }
  static tensor_list backward(AutogradContext*, tensor_list grad_outputs) { return grad_outputs; }
};
}  // namespace fn_test

TEST_CASE("custom function: forward and backward values, and the node it records",
          "[function]") {
  Tensor a = gg::tensor({0.1, 0.2, 0.3, 0.4, 0.5, 0.6}, kF64).view({2, 3});
  a.requires_grad_(true);
  Tensor b = leaf({0.5, -1.0, 2.0});
  const double alpha = 0.5;
  Tensor y = SmoothMix::apply(a, b, alpha); const auto line = __LINE__;
  REQUIRE(y.sizes() == gg::IntArrayRef({2, 3}));
  const std::vector<double> av = values(a), bv = {0.5, -1.0, 2.0};
  const std::vector<double> yv = values(y);
  for (std::size_t i = 0; i < 6; ++i) CHECK(yv[i] == Approx(av[i] * std::exp(alpha * bv[i % 3])));

  REQUIRE(y.grad_fn() != nullptr);
  CHECK(std::string(y.grad_fn()->name()) == "SmoothMix");
  CHECK(y.grad_fn()->num_inputs() == 2);  // the number alpha is not an input
  CHECK(y.grad_fn()->where.line() == line);
  CHECK_THAT(y.grad_fn()->where.file_name(), Catch::EndsWith("test_custom_function.cpp"));

  y.backward(gg::ones({2, 3}, kF64));
  const std::vector<double> da = values(a.grad()), db = values(b.grad());
  REQUIRE(b.grad().sizes() == gg::IntArrayRef({3}));  // summed back over the broadcast rows
  for (std::size_t i = 0; i < 6; ++i) CHECK(da[i] == Approx(std::exp(alpha * bv[i % 3])));
  for (std::size_t j = 0; j < 3; ++j) {
    CHECK(db[j] == Approx(alpha * (av[j] + av[3 + j]) * std::exp(alpha * bv[j])));
  }
}

TEST_CASE("custom function: gradcheck passes for a correct backward", "[function][gradcheck]") {
  const auto mix = [](const std::vector<Tensor>& x) { return SmoothMix::apply(x[0], x[1], 0.7); };
  const gg::GradcheckReport same = gg::gradcheck(mix, {random({2, 3}, 1), random({2, 3}, 2)});
  INFO(same.to_string());
  CHECK(same.passed);
  const gg::GradcheckReport broadcast = gg::gradcheck(mix, {random({4, 3}, 3), random({3}, 4)});
  INFO(broadcast.to_string());
  CHECK(broadcast.passed);
  // A rank-0 output, and an input the output does not depend on.
  const gg::GradcheckReport scalar = gg::gradcheck(
      [](const std::vector<Tensor>& x) { return SumSquares::apply(x[0]); },
      {random({3, 2}, 5), random({2}, 6)});
  INFO(scalar.to_string());
  CHECK(scalar.passed);
}

TEST_CASE("custom function: gradcheck catches a wrong backward", "[function][gradcheck]") {
  const gg::GradcheckReport report = gg::gradcheck(
      [](const std::vector<Tensor>& x) { return WrongMix::apply(x[0], x[1], 0.5); },
      {random({2, 3}, 7), random({2, 3}, 8)});
  CHECK_FALSE(report.passed);
  CHECK(report.input == 1);  // only b's gradient is wrong, by a factor of 1 / alpha = 2
  CHECK(report.analytic == Approx(2 * report.numeric).epsilon(1e-5));
  CHECK_THAT(report.to_string(), Catch::Contains("FAILED"));
}

TEST_CASE("gradcheck on gg::Tensor wants float64 inputs", "[gradcheck]") {
  const auto f = [](const std::vector<Tensor>& x) { return SumSquares::apply(x[0]); };
  CHECK_THROWS_AS(gg::gradcheck(f, {gg::ones({3})}), std::invalid_argument);
  CHECK_THROWS_WITH(gg::gradcheck(f, {gg::ones({3})}),
                    Catch::Contains("input 0 is float32") && Catch::Contains("expected float64"));
}

TEST_CASE("custom function: an in-place change of a saved tensor makes backward throw",
          "[function]") {
  SECTION("a saved input") {
    Tensor a = leaf({1.0, 2.0});
    Tensor b = gg::tensor({0.5, 0.25}, kF64);  // saved, needs no gradient
    Tensor y = SmoothMix::apply(a, b, 1.0);
    native::mul_(b, 2.0);
    CHECK_THROWS_WITH(y.backward(gg::ones({2}, kF64)),
                      Catch::Contains("modified by an in-place operation") &&
                          Catch::Contains("SmoothMix"));
  }
  SECTION("the saved output") {
    Tensor a = leaf({1.0, 2.0});
    Tensor b = leaf({0.5, 0.25});
    Tensor y = SmoothMix::apply(a, b, 1.0);
    native::fill_(y, 0.0);
    CHECK_THROWS_WITH(y.backward(gg::ones({2}, kF64)),
                      Catch::Contains("modified by an in-place operation"));
  }
  SECTION("an input requiring grad, changed by forward itself") {
    Tensor x = leaf({1.0, 2.0});
    CHECK_THROWS_WITH(InPlace::apply(x),
                      Catch::Contains("InPlace.forward changed its argument 0") &&
                          Catch::Contains("in place"));
  }
}

TEST_CASE("custom function: a backward that breaks the contract gets a clear error", "[function]") {
  Tensor x = leaf({1.0, 2.0, 3.0});
  const auto run = [&](Bug bug) { Broken::apply(x, 2.0, bug).backward(gg::ones({3}, kF64)); };
  CHECK_THROWS_WITH(run(Bug::TooFew), Catch::Contains("Broken") &&
                                          Catch::Contains("returned 1 gradient, expected 3"));
  CHECK_THROWS_WITH(run(Bug::GradientForNumber),
                    Catch::Contains("Broken") &&
                        Catch::Contains("argument 1 of forward, which is not a tensor"));
  CHECK_THROWS_AS(run(Bug::UnbroadcastableSizes), gg::ShapeError);
  CHECK_THROWS_WITH(run(Bug::UnbroadcastableSizes),
                    Catch::Contains("Broken") &&
                        Catch::Contains("gradient of sizes [4, 2] for argument 0") &&
                        Catch::Contains("which has sizes [3]"));
  CHECK_THROWS_WITH(run(Bug::WrongSizes), Catch::Contains("gradient of sizes [2] for argument 0"));
}

TEST_CASE("custom function: forward runs with grad mode off and sees needs_input_grad",
          "[function]") {
  Tensor a = leaf({1.0, 2.0});
  Tensor b = gg::tensor({3.0, 4.0}, kF64);
  Tensor y = Probe::apply(a, 5.0, b);
  CHECK_FALSE(seen.grad_enabled);
  CHECK(gg::is_grad_enabled());  // switched back on after forward
  CHECK(seen.needs == std::vector<bool>{true, false, false});
  CHECK(y.requires_grad());

  y.backward(gg::ones({2}, kF64));
  CHECK_FALSE(seen.grad_enabled);  // backward's own ops are not recorded either
  CHECK(seen.needs == std::vector<bool>{true, false, false});
  CHECK(values(a.grad()) == std::vector<double>{1.0, 1.0});

  b.requires_grad_(true);
  Probe::apply(a, 5.0, b);
  CHECK(seen.needs == std::vector<bool>{true, false, true});

  gg::NoGradGuard no_grad;
  Tensor z = Probe::apply(a, 5.0, b);
  CHECK(seen.needs == std::vector<bool>{false, false, false});
  CHECK_FALSE(z.requires_grad());
  CHECK(z.grad_fn() == nullptr);
  CHECK(values(z) == std::vector<double>{4.0, 6.0});
}

TEST_CASE("custom function: nothing is recorded when no input requires grad", "[function]") {
  Tensor y = SmoothMix::apply(gg::ones({2}, kF64), gg::zeros({2}, kF64), 1.0);
  CHECK(y.grad_fn() == nullptr);
  CHECK_FALSE(y.requires_grad());
  CHECK(values(y) == std::vector<double>{1.0, 1.0});
}

TEST_CASE("custom function: returning an input leaves that input a leaf", "[function]") {
  Tensor x = leaf({1.0, -2.0});
  Tensor y = PassThrough::apply(x);
  CHECK(x.is_leaf());
  CHECK(x.grad_fn() == nullptr);
  CHECK_FALSE(y.is_same(x));
  REQUIRE(y.grad_fn() != nullptr);
  y.backward(gg::full({2}, 3.0, kF64));
  CHECK(values(x.grad()) == std::vector<double>{3.0, 3.0});
}

TEST_CASE("custom function: an undefined gradient counts as zero", "[function]") {
  Tensor x = leaf({1.0, 2.0});
  Detached::apply(x).backward(gg::ones({2}, kF64));
  REQUIRE(x.grad().defined());
  CHECK(values(x.grad()) == std::vector<double>{0.0, 0.0});
}

TEST_CASE("custom function: the graph is freed after backward unless retained", "[function]") {
  Tensor a = leaf({1.0});
  Tensor b = leaf({0.0});
  Tensor y = SmoothMix::apply(a, b, 2.0);
  const Tensor one = gg::ones({1}, kF64);
  y.backward(one, /*retain_graph=*/true);
  y.backward(one);  // accumulates: d/da = exp(0) = 1, twice
  CHECK(values(a.grad()) == std::vector<double>{2.0});
  CHECK(values(b.grad()) == std::vector<double>{4.0});  // alpha a exp(alpha b) = 2, twice
  CHECK_THROWS_WITH(y.backward(one), Catch::Contains("freed"));
}

TEST_CASE("custom function: names, and saved_data's readers", "[function]") {
  CHECK(std::string(SmoothMix::name()) == "SmoothMix");
  CHECK(std::string(fn_test::Unnamed::name()) == "fn_test::Unnamed");
  CHECK(std::string(Detached::name()) == "Detached");  // the anonymous namespace is dropped
  Tensor x = leaf({1.0});
  CHECK(std::string(fn_test::Unnamed::apply(x).grad_fn()->name()) == "fn_test::Unnamed");

  std::map<std::string, gg::autograd::SavedValue> data;
  data["n"] = 3;
  data["alpha"] = 0.5f;
  data["label"] = "fc1";
  CHECK(data["n"].toInt() == 3);
  CHECK(data["n"].toDouble() == 3.0);  // an integer reads as a double
  CHECK(data["alpha"].toDouble() == 0.5);
  CHECK(data["label"].toStringRef() == "fc1");
  CHECK_THROWS_WITH(data["alpha"].toInt(),
                    Catch::Contains("read as int64, but the value holds double"));
  CHECK_THROWS_WITH(data["typo"].toDouble(), Catch::Contains("nothing was stored"));
  data["sizes"] = std::vector<std::int64_t>{2, 3};
  CHECK(data["sizes"].get<std::vector<std::int64_t>>() == std::vector<std::int64_t>{2, 3});
}

TEST_CASE("custom function: an explicit Where, and a template forward", "[function]") {
  Tensor x = leaf({1.0, 2.0});
  const gg::Where here = gg::Where::current();
  CHECK(SmoothMix::apply(x, x, 1.0, here).grad_fn()->where.line() == here.line());

  Tensor y = Generic::apply(x, 3);  // an int, kept as int64 and read back as a double
  REQUIRE(y.grad_fn() != nullptr);
  CHECK(y.grad_fn()->where.line() == 0);  // unknown
  y.backward(gg::ones({2}, kF64));
  CHECK(values(x.grad()) == std::vector<double>{3.0, 3.0});
}

TEST_CASE("custom function: saving the output does not keep the node alive", "[function]") {
  Tensor a = leaf({1.0, 2.0});
  std::weak_ptr<gg::autograd::Node> node;
  {
    Tensor y = SmoothMix::apply(a, a, 1.0);  // saves its output y
    node = y.grad_fn();
    REQUIRE_FALSE(node.expired());
  }
  CHECK(node.expired());  // y's node saved y without its grad_fn: no cycle
}
