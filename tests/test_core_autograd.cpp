// Autograd on gg::Tensor (issue 11): gradients of every view op and of the arithmetic gates
// against finite differences in float64, version counters, N-input gates through the one
// recording path, source lines through operators, module scopes, leaf accumulation.
#include <gategrad/autograd/graph_dot.hpp>
#include <gategrad/autograd/gradcheck.hpp>
#include <gategrad/autograd/grad_mode.hpp>
#include <gategrad/autograd/recording.hpp>
#include <gategrad/autograd/ops.hpp>
#include <gategrad/tensor/native.hpp>

#include <catch2/catch.hpp>

#include <functional>
#include <string>
#include <utility>
#include <vector>

using gg::Tensor;

namespace {

Tensor randn64(gg::IntArrayRef sizes, std::uint64_t seed) {
  gg::Generator gen(seed);
  return gg::randn(sizes, gen, gg::kFloat64);
}

struct Row {
  const char* name;
  std::vector<std::vector<std::int64_t>> input_sizes;
  std::function<Tensor(const std::vector<Tensor>&)> f;
};

}  // namespace

TEST_CASE("every view op and every gate has the gradient finite differences give", "[core][autograd]") {
  const std::vector<Row> rows = {
      {"view", {{2, 3, 4}}, [](const auto& x) { return x[0].view({4, -1}); }},
      {"reshape of a transposed view (copies)", {{3, 4}}, [](const auto& x) { return x[0].t().reshape({12}); }},
      {"flatten", {{2, 3, 4}}, [](const auto& x) { return x[0].flatten(1); }},
      {"permute", {{2, 3, 4}}, [](const auto& x) { return x[0].permute({2, 0, 1}); }},
      {"transpose", {{2, 3, 4}}, [](const auto& x) { return x[0].transpose(0, 2); }},
      {"t", {{3, 5}}, [](const auto& x) { return x[0].t(); }},
      {"narrow", {{4, 6}}, [](const auto& x) { return x[0].narrow(1, 2, 3); }},
      {"slice with a step", {{7, 3}}, [](const auto& x) { return x[0].slice(0, 1, 6, 2); }},
      {"select", {{3, 4}}, [](const auto& x) { return x[0].select(1, -1); }},
      {"unsqueeze", {{3, 4}}, [](const auto& x) { return x[0].unsqueeze(1); }},
      {"squeeze", {{3, 1, 4}}, [](const auto& x) { return x[0].squeeze(); }},
      {"squeeze(dim)", {{3, 1, 4}}, [](const auto& x) { return x[0].squeeze(1); }},
      {"expand", {{3, 1}}, [](const auto& x) { return x[0].expand({2, 3, 4}); }},
      {"contiguous of a permuted view", {{2, 3}}, [](const auto& x) { return x[0].t().contiguous(); }},
      {"clone", {{2, 3}}, [](const auto& x) { return x[0].clone(); }},
      {"a view of a view of a view", {{4, 6}},
       [](const auto& x) { return x[0].narrow(0, 1, 2).t().unsqueeze(0).expand({3, 6, 2}); }},
      {"add, broadcasting", {{2, 3}, {3}}, [](const auto& x) { return x[0] + x[1]; }},
      {"sub, broadcasting", {{2, 1}, {2, 3}}, [](const auto& x) { return x[0] - x[1]; }},
      {"mul, broadcasting", {{2, 3}, {1, 3}}, [](const auto& x) { return x[0] * x[1]; }},
      {"div", {{2, 3}, {2, 3}}, [](const auto& x) { return x[0] / (gg::exp(x[1]) + 1.0); }},
      {"number on each side", {{4}}, [](const auto& x) { return 2.0 * x[0] - 1.5 + (3.0 - x[0]) / 4.0; }},
      {"neg", {{3}}, [](const auto& x) { return -x[0]; }},
      {"relu away from 0", {{5}}, [](const auto& x) { return gg::relu(x[0] * x[0] + 0.1); }},
      {"sigmoid", {{5}}, [](const auto& x) { return gg::sigmoid(x[0]); }},
      {"tanh", {{5}}, [](const auto& x) { return gg::tanh(x[0]); }},
      {"exp", {{5}}, [](const auto& x) { return gg::exp(x[0]); }},
      {"log", {{5}}, [](const auto& x) { return gg::log(x[0] * x[0] + 1.0); }},
      {"sum", {{2, 3}}, [](const auto& x) { return gg::sum(x[0]); }},
      {"sum over dims", {{2, 3, 4}}, [](const auto& x) { return gg::sum(x[0], {0, 2}); }},
      {"sum keepdim", {{2, 3}}, [](const auto& x) { return gg::sum(x[0], {-1}, true); }},
      {"mean", {{2, 3}}, [](const auto& x) { return gg::mean(x[0]); }},
      {"mean over a dim", {{2, 3}}, [](const auto& x) { return gg::mean(x[0], {0}); }},
      {"mm", {{2, 3}, {3, 4}}, [](const auto& x) { return gg::mm(x[0], x[1]); }},
      {"mm of transposed views", {{3, 2}, {4, 3}}, [](const auto& x) { return gg::mm(x[0].t(), x[1].t()); }},
      {"matmul vector-matrix", {{3}, {3, 2}}, [](const auto& x) { return gg::matmul(x[0], x[1]); }},
      {"cross_entropy", {{4, 3}},
       [](const auto& x) { return gg::cross_entropy(x[0], gg::tensor({0, 2, 1, 2})); }},
  };
  for (std::size_t r = 0; r < rows.size(); ++r) {
    const Row& row = rows[r];
    INFO(row.name);
    std::vector<Tensor> inputs;
    for (std::size_t i = 0; i < row.input_sizes.size(); ++i) {
      inputs.push_back(randn64(row.input_sizes[i], 100 * r + i));
    }
    const gg::GradcheckReport report = gg::gradcheck(row.f, inputs);
    INFO(report.to_string());
    CHECK(report.passed);
  }
}

TEST_CASE("to(dtype) is differentiable: the gradient comes back in the input's dtype", "[core][autograd]") {
  // Finite differences through float32 rounding are noise, so this is checked by value.
  const Tensor x = gg::tensor({1.0, 2.0, 3.0}, gg::dtype(gg::kFloat64).requires_grad(true));
  const Tensor y = x.to(gg::kFloat32);
  CHECK(y.dtype() == gg::kFloat32);
  gg::sum(y * y).backward();
  REQUIRE(x.grad().dtype() == gg::kFloat64);
  CHECK(x.grad().data_ptr<double>()[2] == 6.0);
  CHECK(x.to(gg::kFloat64).is_same(x));
}

TEST_CASE("views share storage with their base and with each other", "[core][autograd]") {
  const Tensor x = gg::arange(12, gg::kFloat32).view({3, 4});
  const Tensor column = x.select(1, 2);
  column.data_ptr<float>()[column.stride(0)] = 100.0f;  // x[1][2]
  CHECK(x.data_ptr<float>()[6] == 100.0f);
  CHECK(x.t().storage() == x.storage());
  CHECK(x.detach().storage() == x.storage());
  CHECK_FALSE(x.t().is_contiguous());
  CHECK(x.t().contiguous().is_contiguous());
  CHECK(x.contiguous().is_same(x));  // already contiguous: the same tensor, as torch
}

TEST_CASE("an in-place change of a saved tensor is caught at backward", "[core][autograd]") {
  const Tensor w = gg::ones({3}, gg::dtype(gg::kFloat64).requires_grad(true));
  Tensor x = gg::full({3}, 2.0, gg::kFloat64);
  const Tensor y = gg::sum(w * x);  // ElementwiseMulGate saves x for dW
  gg::native::mul_(x, 3.0);
  CHECK(x._version() == 1);
  CHECK_THROWS_WITH(y.backward(), Catch::Contains("ElementwiseMulGate") &&
                                      Catch::Contains("modified by an in-place operation") &&
                                      Catch::Contains("expected version 0"));
  // A change through a view bumps the base's counter too: views share the version.
  Tensor z = gg::full({2, 2}, 1.0, gg::kFloat64);
  const Tensor v = z.t();
  gg::native::fill_(v, 4.0);
  CHECK(z._version() == 1);
}

namespace {
// A gate with any number of inputs: Y = sum_i X_i (same sizes). dX_i = dY.
struct AddNGate final : gg::autograd::Node {
  static constexpr const char* kName = "AddNGate";
  void backward(const Tensor& dout, std::span<Tensor> din) override {
    for (std::size_t i = 0; i < din.size(); ++i) {
      if (needs_grad(i)) din[i] = dout;
    }
  }
  void release() override {}
};
Tensor add_n(const std::vector<Tensor>& xs) {
  Tensor total = gg::native::clone(xs[0]);
  for (std::size_t i = 1; i < xs.size(); ++i) gg::native::add_(total, xs[i]);
  return gg::autograd::record<AddNGate>(total, std::span<const Tensor>(xs), gg::Where::current());
}
}  // namespace

TEST_CASE("a gate takes any number of inputs through the one recording path", "[core][autograd]") {
  std::vector<Tensor> xs;
  for (int i = 0; i < 7; ++i) {
    xs.push_back(gg::full({2}, static_cast<double>(i), gg::dtype(gg::kFloat64).requires_grad(i != 3)));
  }
  const Tensor y = add_n(xs);
  REQUIRE(y.grad_fn() != nullptr);
  CHECK(std::string(y.grad_fn()->name()) == "AddNGate");
  CHECK(y.grad_fn()->num_inputs() == 7);
  CHECK_FALSE(y.grad_fn()->needs_grad(3));
  gg::sum(y * y).backward();
  for (int i = 0; i < 7; ++i) {
    if (i == 3) {
      CHECK_FALSE(xs[3].grad().defined());
      continue;
    }
    // d/dx_i sum((sum_j x_j)^2) = 2 * 21
    CHECK(xs[i].grad().data_ptr<double>()[1] == 42.0);
  }
}

TEST_CASE("operators and named ops name the user's line under anomaly mode", "[core][autograd]") {
  gg::AnomalyGuard anomaly;
  const Tensor a = gg::ones({2}, gg::dtype(gg::kFloat64).requires_grad(true));
  const Tensor b = gg::zeros({2}, gg::kFloat64);
  // The expression sits on one line: compilers disagree on which line of a multi-line macro
  // call a default argument names.
  const std::string at_line = "test_core_autograd.cpp:" + std::to_string(__LINE__ + 1);
  CHECK_THROWS_WITH(a / b, Catch::Contains("DivGate") && Catch::Contains("produced Inf") && Catch::Contains(at_line));
  const int line2 = __LINE__ + 1;
  CHECK_THROWS_WITH(gg::log(b), Catch::Contains("test_core_autograd.cpp:" + std::to_string(line2)));
  {
    gg::autograd::ScopeGuard scope(std::make_shared<const std::string>("fc1 (Linear) of Sequential"));
    CHECK_THROWS_WITH(a * (1.0 / b), Catch::Contains("in module fc1 (Linear) of Sequential"));
  }
}

TEST_CASE("Tensor's view methods name the user's line in graph dumps", "[core][autograd]") {
  const Tensor x = gg::ones({2, 3}, gg::dtype(gg::kFloat64).requires_grad(true));
  const std::string at_line = "test_core_autograd.cpp:" + std::to_string(__LINE__ + 1);
  const Tensor y = x.t().contiguous().view({6}).unsqueeze(0).narrow(1, 1, 4).squeeze(0);
  const std::string dot = gg::to_dot(gg::sum(y));
  std::size_t count = 0;
  for (auto at = dot.find(at_line); at != std::string::npos; at = dot.find(at_line, at + 1)) {
    ++count;
  }
  CHECK(count == 6);  // transpose, contiguous, view, unsqueeze, narrow, squeeze
}

TEST_CASE("leaf gradients accumulate and a freed graph says how to keep it", "[core][autograd]") {
  const Tensor x = gg::tensor({1.0, 2.0}, gg::dtype(gg::kFloat64).requires_grad(true));
  CHECK(x.requires_grad());
  CHECK(x.is_leaf());
  CHECK_FALSE(x.grad().defined());
  const Tensor y = gg::sum(x * x + x);  // x used twice
  CHECK_FALSE(y.is_leaf());
  y.backward(Tensor(), true);
  CHECK(x.grad().data_ptr<double>()[1] == 5.0);  // 2x + 1
  y.backward();                                  // accumulates
  CHECK(x.grad().data_ptr<double>()[1] == 10.0);
  CHECK_THROWS_WITH(y.backward(), Catch::Contains("retain_graph = true"));
  CHECK_THROWS_WITH(gg::sum(x).detach().backward(), Catch::Contains("does not require grad"));
  CHECK_THROWS_WITH((x * 2.0).backward(), Catch::Contains("only for a one-element output"));
  CHECK_THROWS_WITH(gg::zeros({2}, gg::kInt64).requires_grad_(), Catch::Contains("only floating"));
  CHECK_THROWS_WITH(y.requires_grad_(false), Catch::Contains("expected a leaf"));
  {
    gg::NoGradGuard no_grad;
    CHECK_FALSE((x * 2.0).requires_grad());
  }
}

TEST_CASE("a gradient shared with the graph is copied into the leaf, never aliased", "[core][autograd]") {
  const Tensor a = gg::ones({3}, gg::dtype(gg::kFloat64).requires_grad(true));
  const Tensor b = gg::ones({3}, gg::dtype(gg::kFloat64).requires_grad(true));
  const Tensor y = a + b;  // AddGate hands the same dout to both inputs
  y.backward(gg::full({3}, 2.0, gg::kFloat64));
  CHECK_FALSE(a.grad().storage() == b.grad().storage());
  gg::native::mul_(a.grad(), 10.0);
  CHECK(b.grad().data_ptr<double>()[0] == 2.0);
}

TEST_CASE("a chain of 100000 recorded ops backpropagates and frees without recursion", "[core][autograd]") {
  const Tensor x = gg::ones({1}, gg::dtype(gg::kFloat64).requires_grad(true));
  Tensor y = x;
  for (int i = 0; i < 100000; ++i) y = y * 1.0;
  gg::sum(y).backward();
  CHECK(x.grad().item<double>() == 1.0);
}

TEST_CASE("the creation functions make leaves when the options ask for a gradient", "[core][autograd]") {
  // Their refusals without the autograd layer are in tests/test_core_create.cpp.
  const auto grad = gg::dtype(gg::kFloat64).requires_grad(true);
  gg::Generator gen(2);
  double blob[2] = {1, 2};
  int frees = 0;
  const std::vector<std::pair<const char*, Tensor>> made = {
      {"tensor", gg::tensor({{1.0, 2.0}}, grad)},
      {"linspace", gg::linspace(0, 1, 3, grad)},
      {"eye", gg::eye(2, grad)},
      {"normal", gg::normal(0, 1, {2}, gen, grad)},
      {"randint", gg::randint(5, {2}, gen, grad)},
      {"randperm", gg::randperm(3, gen, grad)},
      {"rand_like", gg::rand_like(gg::zeros({2}), gen, grad)},
      {"randn_like", gg::randn_like(gg::zeros({2}), grad)},
      {"randint_like", gg::randint_like(gg::zeros({2}), 4, grad)},
      {"from_blob", gg::from_blob(blob, {2}, [&](void*) { ++frees; }, grad)},
  };
  for (const auto& [name, t] : made) {
    INFO(name);
    CHECK(t.requires_grad());
    CHECK(t.is_leaf());
    CHECK(t.dtype() == gg::kFloat64);
  }
  // An int64 result cannot require a gradient: refused, and the refused from_blob's deleter
  // runs at once (the first one's, still held in `made`, has not).
  CHECK_THROWS_WITH(gg::randint(5, {2}, gg::dtype(gg::kInt64).requires_grad(true)),
                    Catch::Contains("only floating"));
  CHECK_THROWS_WITH(gg::from_blob(blob, {2}, [&](void*) { ++frees; },
                                  gg::dtype(gg::kInt64).requires_grad(true)),
                    Catch::Contains("only floating"));
  CHECK(frees == 1);
}
