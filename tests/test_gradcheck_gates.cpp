// Every gate's analytic gradient against central finite differences in float64: one table,
// one row per gate use (adding a gate adds a row).
#include "helpers.hpp"

#include <gategrad/autograd/autograd.hpp>

#include <catch2/catch.hpp>

#include <functional>
#include <string>
#include <vector>

using gg::Shape;
using gg::ArrayD;
using gg::Trans;
using gg::VarD;

namespace {

// How a row draws its inputs: uniform in [-2, 2], or bounded away from points where the gate
// is not differentiable (ReLU at 0) or undefined (log, division at 0).
enum class Values { Any, AwayFromZero, Positive };

struct InputSpec {
  Shape shape;
  Values values = Values::Any;
};

struct GateCase {
  std::string name;
  std::vector<InputSpec> inputs;
  std::function<VarD(const std::vector<VarD>&)> f;
};

ArrayD draw(const InputSpec& spec, std::uint64_t seed) {
  ArrayD t = gg::test::random_tensor<double>(spec.shape, seed, -2.0, 2.0);
  for (double& v : t.values()) {
    if (spec.values == Values::Positive) v = 0.2 + std::abs(v);
    if (spec.values == Values::AwayFromZero) v = (v < 0 ? -0.2 : 0.2) + v;
  }
  return t;
}

const std::vector<std::int64_t> kLabels4 = {2, 0, 4, 4};
const std::vector<std::int64_t> kLabels1 = {3};

std::vector<GateCase> gate_table() {
  using V = std::vector<VarD>;
  return {
      {"MulGate A B", {{{3, 4}}, {{4, 5}}}, [](const V& x) { return gg::matmul(x[0], x[1]); }},
      {"MulGate A^T B", {{{4, 3}}, {{4, 5}}}, [](const V& x) { return gg::matmul(x[0], x[1], Trans::Yes); }},
      {"MulGate A B^T", {{{3, 4}}, {{5, 4}}}, [](const V& x) { return gg::matmul(x[0], x[1], Trans::No, Trans::Yes); }},
      {"MulGate A^T B^T", {{{4, 3}}, {{5, 4}}}, [](const V& x) { return gg::matmul(x[0], x[1], Trans::Yes, Trans::Yes); }},
      {"MulGate batch 1", {{{1, 6}}, {{6, 3}}}, [](const V& x) { return gg::matmul(x[0], x[1]); }},
      {"AddGate same shape", {{{3, 4}}, {{3, 4}}}, [](const V& x) { return x[0] + x[1]; }},
      {"AddGate bias broadcast", {{{3, 4}}, {{4}}}, [](const V& x) { return x[0] + x[1]; }},
      {"AddGate both broadcast", {{{3, 1}}, {{1, 4}}}, [](const V& x) { return x[0] + x[1]; }},
      {"AddGate batch 1", {{{1, 4}}, {{4}}}, [](const V& x) { return x[0] + x[1]; }},
      {"AddGate scalar", {{{2, 3}}, {{}}}, [](const V& x) { return x[0] + x[1]; }},
      {"SubGate broadcast", {{{2, 3}}, {{2, 1}}}, [](const V& x) { return x[0] - x[1]; }},
      {"NegGate", {{{2, 3}}}, [](const V& x) { return -x[0]; }},
      {"ElementwiseMulGate", {{{2, 3}}, {{2, 3}}}, [](const V& x) { return x[0] * x[1]; }},
      {"ElementwiseMulGate broadcast", {{{4, 2, 3}}, {{2, 1}}}, [](const V& x) { return x[0] * x[1]; }},
      {"DivGate", {{{2, 3}}, {{2, 3}, Values::AwayFromZero}}, [](const V& x) { return x[0] / x[1]; }},
      {"DivGate broadcast", {{{2, 3}}, {{3}, Values::AwayFromZero}}, [](const V& x) { return x[0] / x[1]; }},
      {"ReluGate", {{{3, 5}, Values::AwayFromZero}}, [](const V& x) { return gg::relu(x[0]); }},
      {"SigmoidGate", {{{3, 5}}}, [](const V& x) { return gg::sigmoid(x[0]); }},
      {"TanhGate", {{{3, 5}}}, [](const V& x) { return gg::tanh(x[0]); }},
      {"ExpGate", {{{3, 5}}}, [](const V& x) { return gg::exp(x[0]); }},
      {"LogGate", {{{3, 5}, Values::Positive}}, [](const V& x) { return gg::log(x[0]); }},
      {"SumGate all", {{{3, 4}}}, [](const V& x) { return gg::sum(x[0]); }},
      {"SumGate axis 0", {{{3, 4}}}, [](const V& x) { return gg::sum(x[0], 0); }},
      {"SumGate axis -1 keepdims", {{{2, 3, 4}}}, [](const V& x) { return gg::sum(x[0], -1, true); }},
      {"MeanGate all", {{{3, 4}}}, [](const V& x) { return gg::mean(x[0]); }},
      {"MeanGate axis 1", {{{3, 4}}}, [](const V& x) { return gg::mean(x[0], 1); }},
      {"ReshapeGate", {{{2, 6}}}, [](const V& x) { return gg::reshape(x[0], {3, 4}); }},
      {"TransposeGate", {{{2, 5}}}, [](const V& x) { return gg::transpose(x[0]); }},
      {"DropoutGate", {{{4, 6}}}, [](const V& x) {
         gg::Generator gen(5);  // the same mask on every call
         return gg::dropout(x[0], 0.3, gen);
       }},
      {"L2PenaltyGate", {{{3, 4}}}, [](const V& x) { return gg::l2_penalty(x[0], 0.25); }},
      {"SoftmaxCrossEntropyGate", {{{4, 5}}}, [](const V& x) { return gg::cross_entropy(x[0], kLabels4); }},
      {"SoftmaxCrossEntropyGate batch 1", {{{1, 5}}}, [](const V& x) { return gg::cross_entropy(x[0], kLabels1); }},
      {"two-layer net composed", {{{2, 3}}, {{3, 4}}, {{4}}, {{4, 3}}}, [](const V& x) {
         const VarD h = gg::tanh(gg::matmul(x[0], x[1]) + x[2]);
         return gg::cross_entropy(gg::matmul(h, x[3]), std::vector<std::int64_t>{1, 2});
       }},
  };
}

}  // namespace

TEST_CASE("every gate's gradient matches finite differences in float64", "[autograd][gradcheck]") {
  std::uint64_t seed = 1;
  for (const GateCase& row : gate_table()) {
    std::vector<ArrayD> inputs;
    for (const InputSpec& spec : row.inputs) inputs.push_back(draw(spec, seed++));
    const gg::GradcheckReport report = gg::gradcheck(row.f, inputs);
    INFO(row.name << ": " << report.to_string());
    CHECK(report.passed);
    CHECK(report.rel_error < 1e-6);
  }
}

TEST_CASE("gradcheck catches a wrong gradient and says where", "[autograd][gradcheck]") {
  // A function whose recorded graph is not the function evaluated: x * detach(x) has analytic
  // gradient x, but the numeric derivative of x^2 is 2x.
  const auto wrong = [](const std::vector<VarD>& x) { return x[0] * x[0].detach(); };
  const auto report = gg::gradcheck(wrong, {ArrayD::from({3}, {1.0, 2.0, 3.0})});
  CHECK_FALSE(report.passed);
  CHECK(report.input == 0);
  CHECK(report.input_index == 2);  // the largest error, |3 - 6|
  CHECK(report.analytic == Approx(3.0));
  CHECK(report.numeric == Approx(6.0));
  CHECK(report.rel_error == Approx(0.5));
  CHECK_THAT(report.to_string(), Catch::Contains("gradcheck FAILED: worst element is input 0 [2]"));
}
