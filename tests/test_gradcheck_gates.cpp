// Every gate's analytic gradient on gg::Tensor against central finite differences in float64:
// one table, one row per gate use (adding a gate adds a row, and its name to kGates). Each row
// also says which gate it exercises, and the test checks that the row's graph holds it, so a
// row cannot silently test something else; the self-tests run a wrong gate through the same
// path and expect it caught.
#include "tensor_helpers.hpp"

#include <gategrad/autograd/backward.hpp>
#include <gategrad/autograd/conv_ops.hpp>
#include <gategrad/autograd/normalization_ops.hpp>
#include <gategrad/autograd/gradcheck.hpp>
#include <gategrad/autograd/graph.hpp>
#include <gategrad/autograd/recording.hpp>
#include <gategrad/autograd/ops.hpp>
#include <gategrad/nn/functional.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <functional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

using gg::Tensor;

namespace {

// How a row draws its inputs: uniform in [-2, 2], or bounded away from points where the gate
// is not differentiable (ReLU at 0) or undefined (log, division at 0).
enum class Values { Any, AwayFromZero, Positive };

struct InputSpec {
  std::vector<std::int64_t> sizes;
  Values values = Values::Any;
};

struct GateCase {
  std::string name;
  const char* gate;  // the kName of the gate this row checks: its graph must hold it
  std::vector<InputSpec> inputs;
  gg::GradcheckFunction f;
  gg::GradcheckOptions options = {};
};

// Every gate on gg::Tensor (the kName of each autograd::Node subclass in autograd/gates/).
const std::vector<std::string> kGates = {
    "MulGate",     "AddGate",     "SubGate",          "NegGate",       "ElementwiseMulGate",
    "DivGate",     "RDivGate",    "ReluGate",         "SigmoidGate",   "TanhGate",
    "ExpGate",     "LogGate",     "SumGate",          "ReshapeGate",   "PermuteGate",
    "TransposeGate", "ExpandGate", "SliceGate",       "CloneGate",     "ToGate",
    "DropoutGate", "L2PenaltyGate", "SoftmaxCrossEntropyGate", "SoftmaxGate", "LogSoftmaxGate",
    "SumToSizeGate", "SqrtGate", "GatherGate", "ScatterAddGate", "ScatterGate", "IndexSelectGate",
    "IndexAddGate", "ExtremeGate", "CumsumGate", "ProdGate",
    "PowGate",     "PowTensorGate", "PowScalarBaseGate", "RsqrtGate",   "AbsGate",
    "SignGate",    "ClampGate",   "MaximumGate",      "MinimumGate",   "SinGate",
    "CosGate",     "Log1pGate",   "Expm1Gate",        "ErfGate",       "LeakyReluGate",
    "EluGate",     "GeluGate",    "SiluGate",         "SoftplusGate",  "HardtanhGate",
    "WhereGate",
    "CatGate", "FlipGate", "TrilGate", "TriuGate", "ConstantPadGate",  // shape ops
    "BmmGate", "AddmmGate", "BaddbmmGate",                              // batched products
    "Conv2dGate", "Conv2dInputGradGate", "UnfoldGate", "FoldGate",       // convolutions
    "MaxPool2dGate", "BatchNormGate",                                    // pooling, normalisation
};

// The gates that only a backward records (under create_graph): the second-derivative test must
// meet each in some row's graph of first derivatives.
const std::vector<std::string> kBackwardGates = {"ReluBackwardGate", "SliceBackwardGate",
                                                 "Conv2dWeightGradGate"};

Tensor draw(const InputSpec& spec, std::uint64_t seed) {
  const Tensor t = gg::test::uniform(spec.sizes, seed, -2.0, 2.0, gg::kFloat64);
  double* p = t.data_ptr<double>();
  for (std::int64_t i = 0; i < t.numel(); ++i) {
    if (spec.values == Values::Positive) p[i] = 0.2 + std::abs(p[i]);
    if (spec.values == Values::AwayFromZero) p[i] = (p[i] < 0 ? -0.2 : 0.2) + p[i];
  }
  return t;
}

// The names of the gates in the graph that f records at `inputs`.
std::set<std::string> gates_recorded(const GateCase& row, const std::vector<Tensor>& inputs) {
  std::vector<Tensor> leaves;
  for (const Tensor& x : inputs) leaves.push_back(gg::native::clone(x).requires_grad_());
  const Tensor out = row.f(leaves);
  std::set<std::string> names;
  if (out.grad_fn() == nullptr) return names;
  std::vector<gg::autograd::Node*> order;
  gg::autograd::topological_order(out.grad_fn().get(), order);
  for (const gg::autograd::Node* node : order) names.insert(node->name());
  return names;
}

struct RowResult {
  gg::GradcheckReport report;
  std::set<std::string> gates;
};

// The one path every row, and the self-tests' wrong gates, go through.
RowResult check_row(const GateCase& row, std::uint64_t& seed) {
  std::vector<Tensor> inputs;
  for (const InputSpec& spec : row.inputs) inputs.push_back(draw(spec, seed++));
  return {gg::gradcheck(row.f, inputs, row.options), gates_recorded(row, inputs)};
}

Tensor labels(std::initializer_list<std::int64_t> v) { return gg::tensor(v); }

// An int64 index of rows given as nested lists (gather, scatter), and a 1-D one.
Tensor idx(std::initializer_list<std::initializer_list<std::int64_t>> rows) {
  std::vector<std::int64_t> flat;
  for (const auto& row : rows) flat.insert(flat.end(), row.begin(), row.end());
  const auto n = static_cast<std::int64_t>(rows.size());
  return gg::from_values<std::int64_t>(flat, {n, static_cast<std::int64_t>(flat.size()) / n});
}
Tensor idx1(std::initializer_list<std::int64_t> v) { return gg::tensor(v); }
// A fixed mask of `sizes` (every third element true), for where and masked_fill.
Tensor mask(std::vector<std::int64_t> sizes) {
  const Tensor m = gg::zeros(sizes, gg::kBool);
  bool* p = m.data_ptr<bool>();
  for (std::int64_t i = 0; i < m.numel(); ++i) p[i] = i % 3 == 0;
  return m;
}

std::vector<GateCase> gate_table() {
  using V = std::vector<Tensor>;
  // Finite differences through float32 rounding: a step of 1e-3 keeps the rounding error of
  // f(x +- eps) (about 6e-8) at 1e-4 of the difference.
  const gg::GradcheckOptions through_float32{.eps = 1e-3, .rtol = 1e-3, .atol = 1e-6};
  return {
      {"mm A B", "MulGate", {{{3, 4}}, {{4, 5}}}, [](const V& x) { return gg::mm(x[0], x[1]); }},
      {"mm A^T B (a transposed view)", "MulGate", {{{4, 3}}, {{4, 5}}}, [](const V& x) { return gg::mm(x[0].t(), x[1]); }},
      {"mm A B^T", "MulGate", {{{3, 4}}, {{5, 4}}}, [](const V& x) { return gg::mm(x[0], x[1].t()); }},
      {"mm A^T B^T", "MulGate", {{{4, 3}}, {{5, 4}}}, [](const V& x) { return gg::mm(x[0].t(), x[1].t()); }},
      {"mm batch 1", "MulGate", {{{1, 6}}, {{6, 3}}}, [](const V& x) { return gg::mm(x[0], x[1]); }},
      {"matmul vector-matrix", "MulGate", {{{3}}, {{3, 2}}}, [](const V& x) { return gg::matmul(x[0], x[1]); }},
      {"matmul matrix-vector", "MulGate", {{{2, 3}}, {{3}}}, [](const V& x) { return gg::matmul(x[0], x[1]); }},
      {"matmul vector-vector", "ElementwiseMulGate", {{{4}}, {{4}}}, [](const V& x) { return gg::matmul(x[0], x[1]); }},
      {"matmul, batch dims broadcasting", "BmmGate", {{{2, 1, 3, 4}}, {{3, 4, 2}}}, [](const V& x) { return gg::matmul(x[0], x[1]); }},
      {"matmul 3-D by a matrix (folded)", "MulGate", {{{2, 3, 4}}, {{4, 2}}}, [](const V& x) { return gg::matmul(x[0], x[1]); }},
      {"matmul a vector by 3-D", "BmmGate", {{{3}}, {{2, 3, 2}}}, [](const V& x) { return gg::matmul(x[0], x[1]); }},
      {"bmm of transposed batches", "BmmGate", {{{2, 4, 3}}, {{2, 2, 4}}},
       [](const V& x) { return gg::bmm(x[0].transpose(1, 2), x[1].transpose(1, 2)); }},
      {"addmm, beta and alpha, a bias row", "AddmmGate", {{{4}}, {{3, 2}}, {{2, 4}}},
       [](const V& x) { return gg::addmm(x[0], x[1], x[2], 0.5, -1.5); }},
      {"baddbmm, input broadcasting", "BaddbmmGate", {{{1, 3, 1}}, {{2, 3, 2}}, {{2, 2, 4}}},
       [](const V& x) { return gg::baddbmm(x[0], x[1], x[2], 2, 0.5); }},
      {"einsum bhqd,bhkd->bhqk", "BmmGate", {{{2, 2, 3, 2}}, {{2, 2, 4, 2}}},
       [](const V& x) { return gg::einsum("bhqd,bhkd->bhqk", {x[0], x[1]}); }},
      {"einsum ii->i", "SliceGate", {{{3, 3}}}, [](const V& x) { return gg::einsum("ii->i", {x[0]}); }},
      {"einsum ...ij,jk with a summed label", "BmmGate", {{{2, 3, 2}}, {{2, 3}}},
       [](const V& x) { return gg::einsum("...ij,jk->...j", {x[0], x[1]}); }},
      {"add same sizes", "AddGate", {{{3, 4}}, {{3, 4}}}, [](const V& x) { return x[0] + x[1]; }},
      {"add bias broadcast", "AddGate", {{{3, 4}}, {{4}}}, [](const V& x) { return x[0] + x[1]; }},
      {"add both broadcast", "AddGate", {{{3, 1}}, {{1, 4}}}, [](const V& x) { return x[0] + x[1]; }},
      {"add batch 1", "AddGate", {{{1, 4}}, {{4}}}, [](const V& x) { return x[0] + x[1]; }},
      {"add rank-0 tensor", "AddGate", {{{2, 3}}, {{}}}, [](const V& x) { return x[0] + x[1]; }},
      {"add number", "AddGate", {{{2, 3}}}, [](const V& x) { return 1.5 + x[0]; }},
      {"sub broadcast", "SubGate", {{{2, 3}}, {{2, 1}}}, [](const V& x) { return x[0] - x[1]; }},
      {"sub number", "SubGate", {{{2, 3}}}, [](const V& x) { return x[0] - 1.5; }},
      {"rsub number", "SubGate", {{{2, 3}}}, [](const V& x) { return 1.5 - x[0]; }},
      {"neg", "NegGate", {{{2, 3}}}, [](const V& x) { return -x[0]; }},
      {"mul same sizes", "ElementwiseMulGate", {{{2, 3}}, {{2, 3}}}, [](const V& x) { return x[0] * x[1]; }},
      {"mul broadcast", "ElementwiseMulGate", {{{4, 2, 3}}, {{2, 1}}}, [](const V& x) { return x[0] * x[1]; }},
      {"mul by itself", "ElementwiseMulGate", {{{5}}}, [](const V& x) { return x[0] * x[0]; }},
      {"mul number", "ElementwiseMulGate", {{{2, 3}}}, [](const V& x) { return -2.5 * x[0]; }},
      {"div", "DivGate", {{{2, 3}}, {{2, 3}, Values::AwayFromZero}}, [](const V& x) { return x[0] / x[1]; }},
      {"div broadcast", "DivGate", {{{2, 3}}, {{3}, Values::AwayFromZero}}, [](const V& x) { return x[0] / x[1]; }},
      {"div number", "DivGate", {{{2, 3}}}, [](const V& x) { return x[0] / 4.0; }},
      {"number div", "RDivGate", {{{2, 3}, Values::AwayFromZero}}, [](const V& x) { return 2.0 / x[0]; }},
      {"relu", "ReluGate", {{{3, 5}, Values::AwayFromZero}}, [](const V& x) { return gg::relu(x[0]); }},
      {"sigmoid", "SigmoidGate", {{{3, 5}}}, [](const V& x) { return gg::sigmoid(x[0]); }},
      {"tanh", "TanhGate", {{{3, 5}}}, [](const V& x) { return gg::tanh(x[0]); }},
      {"exp", "ExpGate", {{{3, 5}}}, [](const V& x) { return gg::exp(x[0]); }},
      {"log", "LogGate", {{{3, 5}, Values::Positive}}, [](const V& x) { return gg::log(x[0]); }},
      {"sqrt", "SqrtGate", {{{3, 5}, Values::Positive}}, [](const V& x) { return gg::sqrt(x[0]); }},
      {"sum all", "SumGate", {{{3, 4}}}, [](const V& x) { return gg::sum(x[0]); }},
      {"sum dim 0", "SumGate", {{{3, 4}}}, [](const V& x) { return gg::sum(x[0], {0}); }},
      {"sum dim -1 keepdim", "SumGate", {{{2, 3, 4}}}, [](const V& x) { return gg::sum(x[0], {-1}, true); }},
      {"sum dims 0 and 2", "SumGate", {{{2, 3, 4}}}, [](const V& x) { return gg::sum(x[0], {0, 2}); }},
      {"mean all", "SumGate", {{{3, 4}}}, [](const V& x) { return gg::mean(x[0]); }},
      {"mean dim 1", "SumGate", {{{3, 4}}}, [](const V& x) { return gg::mean(x[0], {1}); }},
      {"reshape", "ReshapeGate", {{{2, 6}}}, [](const V& x) { return gg::reshape(x[0], {3, 4}); }},
      {"view with -1", "ReshapeGate", {{{2, 6}}}, [](const V& x) { return x[0].view({-1, 3}); }},
      {"flatten", "ReshapeGate", {{{2, 3, 4}}}, [](const V& x) { return x[0].flatten(1); }},
      {"unsqueeze", "ReshapeGate", {{{3, 4}}}, [](const V& x) { return x[0].unsqueeze(1); }},
      {"squeeze", "ReshapeGate", {{{3, 1, 4}}}, [](const V& x) { return x[0].squeeze(1); }},
      {"permute", "PermuteGate", {{{2, 3, 4}}}, [](const V& x) { return x[0].permute({2, 0, 1}); }},
      {"transpose", "TransposeGate", {{{2, 5}}}, [](const V& x) { return gg::transpose(x[0], 0, 1); }},
      {"transpose of a 3-d tensor", "TransposeGate", {{{2, 3, 4}}}, [](const V& x) { return x[0].transpose(0, 2); }},
      {"expand", "ExpandGate", {{{3, 1}}}, [](const V& x) { return x[0].expand({2, 3, 4}); }},
      {"narrow", "SliceGate", {{{4, 6}}}, [](const V& x) { return x[0].narrow(1, 2, 3); }},
      {"slice with a step", "SliceGate", {{{7, 3}}}, [](const V& x) { return x[0].slice(0, 1, 6, 2); }},
      {"select", "SliceGate", {{{3, 4}}}, [](const V& x) { return x[0].select(1, -1); }},
      {"clone", "CloneGate", {{{2, 3}}}, [](const V& x) { return x[0].clone(); }},
      {"contiguous of a transposed view", "CloneGate", {{{2, 3}}}, [](const V& x) { return x[0].t().contiguous(); }},
      {"to float32 and back", "ToGate", {{{2, 3}}}, [](const V& x) { return x[0].to(gg::kFloat32).to(gg::kFloat64); },
       through_float32},
      {"cross_entropy", "SoftmaxCrossEntropyGate", {{{4, 5}}}, [](const V& x) { return gg::cross_entropy(x[0], labels({2, 0, 4, 4})); }},
      {"cross_entropy batch 1", "SoftmaxCrossEntropyGate", {{{1, 5}}}, [](const V& x) { return gg::cross_entropy(x[0], labels({3})); }},
      {"dropout", "DropoutGate", {{{4, 6}}}, [](const V& x) {
         gg::Generator gen(5);  // the same mask on every call
         return gg::dropout(x[0], 0.3, gen);
       }},
      {"softmax dim 1", "SoftmaxGate", {{{3, 5}}}, [](const V& x) { return gg::softmax(x[0], 1); }},
      {"softmax dim 0 of a 3-d tensor", "SoftmaxGate", {{{3, 2, 4}}}, [](const V& x) { return gg::softmax(x[0], 0); }},
      {"softmax of a transposed view", "SoftmaxGate", {{{4, 3}}}, [](const V& x) { return gg::softmax(x[0].t(), -1); }},
      {"log_softmax dim 1", "LogSoftmaxGate", {{{3, 5}}}, [](const V& x) { return gg::log_softmax(x[0], 1); }},
      {"log_softmax batch 1", "LogSoftmaxGate", {{{1, 6}}}, [](const V& x) { return gg::log_softmax(x[0], -1); }},
      {"sum_to_size", "SumToSizeGate", {{{2, 3, 4}}}, [](const V& x) { return gg::sum_to_size(x[0], {3, 1}); }},
      {"gather", "GatherGate", {{{3, 4}}}, [](const V& x) { return gg::gather(x[0], 1, idx({{3, 0}, {1, 1}, {2, 0}})); }},
      {"gather along dim 0, repeats", "GatherGate", {{{3, 2}}}, [](const V& x) { return gg::gather(x[0], 0, idx({{2, 2}, {0, 1}})); }},
      {"scatter_add with duplicates", "ScatterAddGate", {{{2, 4}}, {{2, 3}}},
       [](const V& x) { return gg::scatter_add(x[0], 1, idx({{0, 0, 3}, {2, 1, 2}}), x[1]); }},
      {"scatter", "ScatterGate", {{{2, 4}}, {{2, 2}}}, [](const V& x) { return gg::scatter(x[0], 1, idx({{3, 0}, {1, 2}}), x[1]); }},
      {"scatter a number", "ScatterGate", {{{2, 4}}}, [](const V& x) { return gg::scatter(x[0], 1, idx({{3}, {1}}), 0.5); }},
      {"index_select with repeats", "IndexSelectGate", {{{4, 3}}}, [](const V& x) { return gg::index_select(x[0], 0, idx1({3, 0, 3})); }},
      {"index_add", "IndexAddGate", {{{4, 2}}, {{3, 2}}}, [](const V& x) { return gg::index_add(x[0], 0, idx1({1, 3, 1}), x[1], -1.5); }},
      {"sort values", "GatherGate", {{{3, 5}}}, [](const V& x) { return std::get<0>(gg::sort(x[0], 1)); }},
      {"topk values", "GatherGate", {{{2, 6}}}, [](const V& x) { return std::get<0>(gg::topk(x[0], 3)); }},
      {"max along a dim", "GatherGate", {{{3, 4}}}, [](const V& x) { return std::get<0>(gg::max(x[0], 1)); }},
      {"min along a dim, keepdim", "GatherGate", {{{3, 4}}}, [](const V& x) { return std::get<0>(gg::min(x[0], 0, true)); }},
      {"amax over dims", "ExtremeGate", {{{2, 3, 4}}}, [](const V& x) { return gg::amax(x[0], {0, 2}); }},
      {"amin keepdim", "ExtremeGate", {{{3, 4}}}, [](const V& x) { return gg::amin(x[0], {1}, true); }},
      {"max of all", "ExtremeGate", {{{3, 4}}}, [](const V& x) { return gg::max(x[0]); }},
      {"min of all", "ExtremeGate", {{{3, 4}}}, [](const V& x) { return gg::min(x[0]); }},
      {"cumsum", "CumsumGate", {{{3, 4}}}, [](const V& x) { return gg::cumsum(x[0], 1); }},
      {"cumsum dim 0", "CumsumGate", {{{3, 4}}}, [](const V& x) { return gg::cumsum(x[0], 0); }},
      {"prod", "ProdGate", {{{2, 3}, Values::AwayFromZero}}, [](const V& x) { return gg::prod(x[0]); }},
      {"prod along a dim", "ProdGate", {{{3, 4}, Values::AwayFromZero}}, [](const V& x) { return gg::prod(x[0], 1); }},
      {"var unbiased", "SumGate", {{{3, 4}}}, [](const V& x) { return gg::var(x[0]); }},
      {"var over a dim, biased, keepdim", "SumGate", {{{3, 4}}}, [](const V& x) { return gg::var(x[0], {1}, false, true); }},
      {"std", "SqrtGate", {{{3, 4}}}, [](const V& x) { return gg::std(x[0], {0}); }},
      {"logsumexp", "ExpGate", {{{3, 4}}}, [](const V& x) { return gg::logsumexp(x[0], {1}); }},
      {"pow number 3", "PowGate", {{{3, 4}}}, [](const V& x) { return gg::pow(x[0], 3); }},
      {"pow number 2.5", "PowGate", {{{3, 4}, Values::Positive}}, [](const V& x) { return gg::pow(x[0], 2.5); }},
      {"pow number -1.5", "PowGate", {{{3, 4}, Values::Positive}}, [](const V& x) { return gg::pow(x[0], -1.5); }},
      {"pow number 0 (zero gradient)", "PowGate", {{{3, 4}}}, [](const V& x) { return gg::pow(x[0], 0) + x[0]; }},
      {"pow tensor", "PowTensorGate", {{{3, 4}, Values::Positive}, {{3, 4}}}, [](const V& x) { return gg::pow(x[0], x[1]); }},
      {"pow tensor broadcast", "PowTensorGate", {{{3, 4}, Values::Positive}, {{4}}}, [](const V& x) { return gg::pow(x[0], x[1]); }},
      {"pow number base", "PowScalarBaseGate", {{{3, 4}}}, [](const V& x) { return gg::pow(1.7, x[0]); }},
      {"rsqrt", "RsqrtGate", {{{3, 4}, Values::Positive}}, [](const V& x) { return gg::rsqrt(x[0]); }},
      {"abs", "AbsGate", {{{3, 4}, Values::AwayFromZero}}, [](const V& x) { return gg::abs(x[0]); }},
      {"sign times x", "SignGate", {{{3, 4}, Values::AwayFromZero}}, [](const V& x) { return gg::sign(x[0]) * x[0]; }},
      {"clamp", "ClampGate", {{{3, 5}}}, [](const V& x) { return gg::clamp(x[0], -1.0, 1.0); }},
      {"clamp_min", "ClampGate", {{{3, 5}}}, [](const V& x) { return gg::clamp_min(x[0], 0.3); }},
      {"clamp_max", "ClampGate", {{{3, 5}}}, [](const V& x) { return gg::clamp_max(x[0], -0.3); }},
      {"clamp with tensor bounds", "WhereGate", {{{3, 4}}, {{4}}}, [](const V& x) { return gg::clamp(x[0], x[1], x[1] + 1.0); }},
      {"maximum broadcast", "MaximumGate", {{{3, 4}}, {{4}}}, [](const V& x) { return gg::maximum(x[0], x[1]); }},
      {"minimum broadcast", "MinimumGate", {{{3, 4}}, {{3, 1}}}, [](const V& x) { return gg::minimum(x[0], x[1]); }},
      {"maximum of x and x (ties split)", "MaximumGate", {{{5}}}, [](const V& x) { return gg::maximum(x[0], x[0]); }},
      {"sin", "SinGate", {{{3, 4}}}, [](const V& x) { return gg::sin(x[0]); }},
      {"cos", "CosGate", {{{3, 4}}}, [](const V& x) { return gg::cos(x[0]); }},
      {"log1p", "Log1pGate", {{{3, 4}, Values::Positive}}, [](const V& x) { return gg::log1p(x[0]); }},
      {"expm1", "Expm1Gate", {{{3, 4}}}, [](const V& x) { return gg::expm1(x[0]); }},
      {"erf", "ErfGate", {{{3, 4}}}, [](const V& x) { return gg::erf(x[0]); }},
      {"leaky_relu", "LeakyReluGate", {{{3, 5}, Values::AwayFromZero}}, [](const V& x) { return gg::leaky_relu(x[0], 0.2); }},
      {"elu", "EluGate", {{{3, 5}, Values::AwayFromZero}}, [](const V& x) { return gg::elu(x[0], 1.5); }},
      {"gelu", "GeluGate", {{{3, 5}}}, [](const V& x) { return gg::gelu(x[0]); }},
      {"gelu tanh", "GeluGate", {{{3, 5}}}, [](const V& x) { return gg::gelu(x[0], "tanh"); }},
      {"silu", "SiluGate", {{{3, 5}}}, [](const V& x) { return gg::silu(x[0]); }},
      {"softplus beta 2", "SoftplusGate", {{{3, 5}}}, [](const V& x) { return gg::softplus(x[0], 2.0); }},
      {"softplus linear above threshold", "SoftplusGate", {{{3, 5}}}, [](const V& x) { return gg::softplus(x[0], 1.0, -5.0); }},
      {"hardtanh", "HardtanhGate", {{{3, 5}}}, [](const V& x) { return gg::hardtanh(x[0], -0.5, 1.0); }},
      {"where broadcast", "WhereGate", {{{2, 3}}, {{3}}}, [](const V& x) { return gg::where(mask({2, 3}), x[0], x[1]); }},
      {"masked_fill number", "WhereGate", {{{2, 3}}}, [](const V& x) { return gg::masked_fill(x[0], mask({2, 3}), -1.5); }},
      {"masked_fill 0-dim tensor", "WhereGate", {{{2, 3}}, {{}}}, [](const V& x) { return gg::masked_fill(x[0], mask({3}), x[1]); }},
      {"L2 penalty", "L2PenaltyGate", {{{3, 4}}}, [](const V& x) { return gg::l2_penalty(x[0], 0.25); }},
      {"L2 penalty composed", "SumGate", {{{3, 4}}}, [](const V& x) { return gg::sum(x[0] * x[0]) * 0.25; }},
      // --- shape ops: joins, views into parts, copies that move elements ----------------------
      {"cat dim 0", "CatGate", {{{2, 3}}, {{4, 3}}}, [](const V& x) { return gg::cat({x[0], x[1]}, 0); }},
      {"cat dim 1 of three, one a transposed view", "CatGate", {{{2, 3}}, {{4, 2}}, {{2, 1}}},
       [](const V& x) { return gg::cat({x[0], x[1].t(), x[2]}, 1); }},
      {"cat dim -1, batch 1", "CatGate", {{{1, 2, 3}}, {{1, 2, 2}}}, [](const V& x) { return gg::cat({x[0], x[1]}, -1); }},
      {"cat skipping 1-D empty tensors", "CatGate", {{{2, 3}}}, [](const V& x) {
         const Tensor none = gg::empty({0}, gg::kFloat64);
         return gg::cat({none, x[0], none, x[0]}, 1);
       }},
      {"stack dim 1", "CatGate", {{{2, 3}}, {{2, 3}}}, [](const V& x) { return gg::stack({x[0], x[1]}, 1); }},
      {"stack of a transposed view, dim -1", "CatGate", {{{3, 2}}, {{2, 3}}},
       [](const V& x) { return gg::stack({x[0].t(), x[1]}, -1); }},
      {"split into parts of 2", "SliceGate", {{{3, 5}}}, [](const V& x) {
         const std::vector<Tensor> p = gg::split(x[0], 2, 1);
         return gg::cat({p[2] * 3.0, p[0], -p[1]}, 1);
       }},
      {"split with sizes, of a transposed view", "SliceGate", {{{3, 4}}}, [](const V& x) {
         const std::vector<Tensor> p = x[0].t().split({1, 3}, 0);
         return gg::cat({p[1], p[0] * 2.0}, 0);
       }},
      {"chunk", "SliceGate", {{{5, 2}}}, [](const V& x) {
         const std::vector<Tensor> p = gg::chunk(x[0], 3);
         return gg::cat({p[1], p[2], p[0] * 0.5}, 0);
       }},
      {"unbind", "SliceGate", {{{3, 2}}}, [](const V& x) {
         const std::vector<Tensor> p = gg::unbind(x[0], 1);
         return p[0] * p[1];
       }},
      {"flip two dims", "FlipGate", {{{2, 3, 4}}}, [](const V& x) { return gg::flip(x[0], {0, 2}); }},
      {"flip of a transposed view", "FlipGate", {{{3, 4}}}, [](const V& x) { return x[0].t().flip(-1); }},
      {"flip batch 1", "FlipGate", {{{1, 4}}}, [](const V& x) { return x[0].flip({0, 1}); }},
      {"roll one dim", "CatGate", {{{3, 4}}}, [](const V& x) { return gg::roll(x[0], 1, 1); }},
      {"roll two dims, a negative shift", "CatGate", {{{3, 4}}}, [](const V& x) { return gg::roll(x[0], {-1, 5}, {0, 1}); }},
      {"roll flattened, a transposed view", "CatGate", {{{3, 4}}}, [](const V& x) { return x[0].t().roll(2); }},
      {"repeat with a new dim", "ExpandGate", {{{2, 3}}}, [](const V& x) { return gg::repeat(x[0], {2, 1, 3}); }},
      {"repeat of a stepped view", "ExpandGate", {{{2, 5}}}, [](const V& x) { return x[0].slice(1, 0, std::nullopt, 2).repeat({1, 2}); }},
      {"repeat batch 1", "ExpandGate", {{{1, 3}}}, [](const V& x) { return x[0].repeat({4, 1}); }},
      {"tril", "TrilGate", {{{4, 5}}}, [](const V& x) { return gg::tril(x[0]); }},
      {"tril diagonal -1 of a batch", "TrilGate", {{{2, 3, 3}}}, [](const V& x) { return x[0].tril(-1); }},
      {"triu diagonal 1 of a transposed view", "TriuGate", {{{5, 4}}}, [](const V& x) { return x[0].t().triu(1); }},
      {"triu batch 1", "TriuGate", {{{1, 3, 4}}}, [](const V& x) { return gg::triu(x[0]); }},
      {"constant_pad_nd", "ConstantPadGate", {{{2, 3}}}, [](const V& x) { return gg::constant_pad_nd(x[0], {1, 2}, 0.5); }},
      {"constant_pad_nd of two dims, cropping", "ConstantPadGate", {{{3, 4}}},
       [](const V& x) { return gg::constant_pad_nd(x[0], {-1, 2, 1, -1}); }},
      {"F::pad of a transposed view", "ConstantPadGate", {{{3, 4}}}, [](const V& x) {
         namespace F = gg::nn::functional;
         return F::pad(x[0].t(), F::PadFuncOptions({1, 1, 0, 2}).mode(gg::kConstant).value(1.5));
       }},
      // convolutions and pooling (autograd/gates/conv_gates.cpp, autograd/pooling.cpp)
      {"conv2d with bias, stride 2, padding 1", "Conv2dGate", {{{2, 2, 5, 5}}, {{3, 2, 3, 3}}, {{3}}},
       [](const V& x) { return gg::conv2d(x[0], x[1], x[2], 2, 1); }},
      {"conv2d grouped, dilated, rectangular", "Conv2dGate", {{{1, 4, 6, 5}}, {{4, 2, 2, 3}}},
       [](const V& x) { return gg::conv2d(x[0], x[1], {}, {1, 2}, {1, 0}, {2, 1}, 2); }},
      {"conv2d 1x1 of a permuted view", "Conv2dGate", {{{2, 4, 4, 3}}, {{2, 3, 1, 1}}},
       [](const V& x) { return gg::conv2d(x[0].permute({0, 3, 1, 2}), x[1]); }},
      {"conv2d padding same, even kernel, unbatched", "Conv2dGate", {{{2, 4, 4}}, {{2, 2, 2, 2}}},
       [](const V& x) { return gg::conv2d(x[0], x[1], {}, 1, "same"); }},
      {"conv1d with bias, stride 2", "Conv2dGate", {{{2, 2, 7}}, {{3, 2, 3}}, {{3}}},
       [](const V& x) { return gg::conv1d(x[0], x[1], x[2], 2, 1); }},
      {"conv_transpose2d stride 2, output_padding 1", "Conv2dInputGradGate", {{{1, 3, 3, 3}}, {{3, 2, 3, 3}}, {{2}}},
       [](const V& x) { return gg::conv_transpose2d(x[0], x[1], x[2], 2, 1, 1); }},
      {"im2col stride 2 padding 1 dilation 2", "UnfoldGate", {{{1, 2, 5, 6}}},
       [](const V& x) { return gg::im2col(x[0], {2, 3}, 2, 1, 2); }},
      {"col2im of overlapping windows", "FoldGate", {{{2, 8, 6}}},
       [](const V& x) { return gg::col2im(x[0], {3, 4}, 2); }},
      {"upsample_bilinear2d", "BmmGate", {{{1, 2, 3, 4}}},
       [](const V& x) { return gg::upsample_bilinear2d(x[0], {5, 3}, false); }},
      {"upsample_nearest2d", "IndexSelectGate", {{{1, 2, 3, 2}}},
       [](const V& x) { return gg::upsample_nearest2d(x[0], {6, 3}); }},
      {"max_pool2d 2x2", "MaxPool2dGate", {{{2, 2, 4, 5}}}, [](const V& x) { return gg::max_pool2d(x[0], 2); }},
      {"max_pool2d 3x3 stride 2 padding 1 ceil_mode", "MaxPool2dGate", {{{1, 2, 6, 5}}},
       [](const V& x) { return gg::max_pool2d(x[0], 3, 2, 1, 1, true); }},
      {"avg_pool2d ceil_mode, padding not counted", "Conv2dGate", {{{1, 2, 5, 5}}},
       [](const V& x) { return gg::avg_pool2d(x[0], 2, 2, 1, true, false); }},
      {"adaptive_avg_pool2d to sizes that do not divide", "CatGate", {{{1, 2, 5, 7}}},
       [](const V& x) { return gg::adaptive_avg_pool2d(x[0], {3, 2}); }},
      {"adaptive_max_pool2d to sizes that do not divide", "MaxPool2dGate", {{{2, 2, 5, 7}}},
       [](const V& x) { return std::get<0>(gg::adaptive_max_pool2d(x[0], {3, 2})); }},
      {"feature_dropout of (N, C, H, W)", "ElementwiseMulGate", {{{3, 4, 2, 2}}}, [](const V& x) {
         gg::Generator gen(7);  // the same mask at every call
         return gg::feature_dropout(x[0], 0.5, true, gen);
       }},
      // normalisation and embedding (autograd/normalization.cpp)
      {"batch_norm training with weight and bias", "BatchNormGate", {{{4, 2, 3}}, {{2}}, {{2}}},
       [](const V& x) { return gg::batch_norm(x[0], x[1], x[2], {}, {}, true, 0.1, 1e-5); }},
      {"batch_norm eval with running statistics", "RsqrtGate", {{{3, 2, 2, 2}}, {{2}}, {{2}, Values::Positive}},
       [](const V& x) { return gg::batch_norm(x[0], {}, {}, x[1], x[2], false, 0.1, 1e-5); }},
      {"layer_norm", "RsqrtGate", {{{3, 4}}, {{4}}, {{4}}},
       [](const V& x) { return gg::layer_norm(x[0], {4}, x[1], x[2]); }},
      {"group_norm", "RsqrtGate", {{{2, 4, 3}}, {{4}}, {{4}}},
       [](const V& x) { return gg::group_norm(x[0], 2, x[1], x[2]); }},
      // (padding_idx withholds a row's gradient on purpose, which finite differences would see:
      // tests/test_normalization.cpp and the oracle check it.)
      {"embedding with repeated indices", "IndexSelectGate", {{{4, 3}}}, [](const V& x) {
         return gg::embedding(x[0], gg::tensor({{0, 2}, {1, 2}, {3, 1}}));
       }},
      {"two-layer net composed", "SoftmaxCrossEntropyGate", {{{2, 3}}, {{3, 4}}, {{4}}, {{4, 3}}}, [](const V& x) {
         const Tensor h = gg::tanh(gg::mm(x[0], x[1]) + x[2]);
         return gg::cross_entropy(gg::mm(h, x[3]), labels({1, 2}));
       }},
  };
}

// A sigmoid whose backward forgets the (1 - y) factor: dX = dY * y.
struct WrongSigmoidGate final : gg::autograd::Node {
  static constexpr const char* kName = "WrongSigmoidGate";
  gg::autograd::SavedTensor y;
  void backward(const Tensor& dout, std::span<Tensor> din) override {
    din[0] = gg::native::mul(dout, y.unpack(*this));
  }
  void release() override { y.reset(); }
};
Tensor wrong_sigmoid(const Tensor& x) {
  Tensor y = gg::native::sigmoid(x);
  return gg::autograd::record<WrongSigmoidGate>(y, {&x}, gg::Where::current(),
                                                [&](WrongSigmoidGate& g) { g.y = g.save(y, true); });
}

}  // namespace

TEST_CASE("every gate's gradient matches finite differences in float64", "[autograd][gradcheck]") {
  std::uint64_t seed = 1;
  std::set<std::string> covered;
  for (const GateCase& row : gate_table()) {
    const RowResult result = check_row(row, seed);
    INFO(row.name << ": " << result.report.to_string());
    CHECK(result.report.passed);
    // The worst element is close in relative terms, or (a tiny element, where the finite
    // differences' rounding dominates) in absolute terms.
    CHECK((result.report.rel_error < row.options.rtol || result.report.abs_error < row.options.atol));
    CHECK(result.gates.count(row.gate) == 1);
    covered.insert(result.gates.begin(), result.gates.end());
  }
  for (const std::string& gate : kGates) {
    INFO("no row of the table records " << gate);
    CHECK(covered.count(gate) == 1);
  }
}

namespace {

// x^2 with the right first derivative, computed with native kernels: not differentiable.
struct ConstantBackwardSquare final : gg::autograd::Node {
  static constexpr const char* kName = "ConstantBackwardSquare";
  gg::autograd::SavedTensor x;
  void backward(const Tensor& dout, std::span<Tensor> din) override {
    din[0] = gg::native::mul(gg::native::mul(dout, x.unpack(*this)), 2.0);
  }
  void release() override { x.reset(); }
};

// The gates in the graph of f's first derivatives at `inputs` (grad with create_graph).
std::set<std::string> backward_gates(const GateCase& row, const std::vector<Tensor>& inputs) {
  std::vector<Tensor> leaves;
  for (const Tensor& x : inputs) leaves.push_back(gg::native::clone(x).requires_grad_());
  const Tensor out = row.f(leaves);
  std::set<std::string> names;
  if (!out.requires_grad()) return names;
  // The output gradient requires grad too, as gradgradcheck's v: a backward that is linear in
  // it (relu's, slice's) records only then.
  const Tensor v = gg::ones_like(out).requires_grad_();
  const std::vector<Tensor> grads = gg::autograd::grad({out}, leaves, {v}, true, true, true);
  std::vector<gg::autograd::Node*> roots;
  for (const Tensor& g : grads) {
    if (g.defined() && g.grad_fn() != nullptr) roots.push_back(g.grad_fn().get());
  }
  std::vector<gg::autograd::Node*> order;
  gg::autograd::topological_order(roots, order);
  for (const gg::autograd::Node* node : order) names.insert(node->name());
  return names;
}

}  // namespace

TEST_CASE("every gate's backward is differentiable: second derivatives match finite differences",
          "[autograd][gradcheck]") {
  std::uint64_t seed = 1;
  std::set<std::string> covered;
  for (const GateCase& row : gate_table()) {
    std::vector<Tensor> inputs;
    for (const InputSpec& spec : row.inputs) inputs.push_back(draw(spec, seed++));
    const gg::GradcheckReport report = gg::gradgradcheck(row.f, inputs, {}, row.options);
    INFO(row.name << ": " << report.to_string() << " (of the gradient of input " << report.of_gradient << ")");
    CHECK(report.passed);
    const std::set<std::string> gates = backward_gates(row, inputs);
    covered.insert(gates.begin(), gates.end());
  }
  for (const std::string& gate : kBackwardGates) {
    INFO("no row's first derivative records " << gate);
    CHECK(covered.count(gate) == 1);
  }
}

TEST_CASE("gradgradcheck catches a backward that is right but not differentiable", "[autograd][gradcheck]") {
  // A gate whose backward is computed with native kernels records nothing under create_graph,
  // so its first derivative 2 x v looks constant in x and v: the second derivatives come out 0.
  const auto square = [](const std::vector<Tensor>& v) {
    return gg::autograd::record<ConstantBackwardSquare>(gg::native::mul(v[0], v[0]), {&v[0]},
                                                        gg::Where::current(),
                                                        [&](ConstantBackwardSquare& g) { g.x = g.save(v[0]); });
  };
  const std::vector<Tensor> x = {gg::tensor({0.5, -1.5, 2.0}, gg::kFloat64)};
  CHECK(gg::gradcheck(square, x).passed);  // the first derivative is right
  const gg::GradcheckReport report = gg::gradgradcheck(square, x);
  CHECK_FALSE(report.passed);
  CHECK(report.of_gradient == 0);
  CHECK(report.analytic == 0.0);
  CHECK(std::abs(report.numeric) > 0.1);
  // The same square in differentiable ops passes.
  const auto right = [](const std::vector<Tensor>& v) { return v[0] * v[0]; };
  CHECK(gg::gradgradcheck(right, x).passed);
}

TEST_CASE("the gate table catches a gate with a wrong backward", "[autograd][gradcheck]") {
  std::uint64_t seed = 1;
  const GateCase wrong{"wrong sigmoid", "WrongSigmoidGate", {{{3, 5}}},
                       [](const std::vector<Tensor>& x) { return wrong_sigmoid(x[0]); }};
  const RowResult result = check_row(wrong, seed);
  CHECK(result.gates.count("WrongSigmoidGate") == 1);
  CHECK_FALSE(result.report.passed);
  // The analytic derivative is y where the true one is y (1 - y): the worst element has
  // analytic / numeric = 1 / (1 - y) > 1.
  CHECK(result.report.analytic > result.report.numeric);
  CHECK(result.report.numeric > 0);
}

TEST_CASE("gradcheck catches a wrong gradient and says where", "[autograd][gradcheck]") {
  // A function whose recorded graph is not the function evaluated: x * detach(x) has analytic
  // gradient x, but the numeric derivative of x^2 is 2x.
  const auto wrong = [](const std::vector<Tensor>& x) { return x[0] * x[0].detach(); };
  const gg::GradcheckReport report = gg::gradcheck(wrong, {gg::tensor({1.0, 2.0, 3.0}, gg::kFloat64)});
  CHECK_FALSE(report.passed);
  CHECK(report.input == 0);
  CHECK(report.input_index == 2);  // the largest error, |3 - 6|
  CHECK(report.output_index == 2);
  CHECK(report.analytic == Approx(3.0));
  CHECK(report.numeric == Approx(6.0));
  CHECK(report.rel_error == Approx(0.5));
  CHECK_THAT(report.to_string(), Catch::Contains("gradcheck FAILED: worst element is input 0 [2]"));
  // The correct function passes, and says so.
  const auto right = [](const std::vector<Tensor>& x) { return x[0] * x[0]; };
  const gg::GradcheckReport ok = gg::gradcheck(right, {gg::tensor({1.0, 2.0, 3.0}, gg::kFloat64)});
  CHECK(ok.passed);
  CHECK_THAT(ok.to_string(), Catch::StartsWith("gradcheck passed"));
}
