// PyTorch as the oracle of every differentiable op, gategrad's half: each row of kRows names an
// op as a torch expression and as the same computation with gg:: ops, and the inputs it takes.
// For float64 and then float32, every row gets seeded random inputs (leaves requiring a
// gradient, in the layout the row asks for), its output, a random gradient of the output's
// sizes and the inputs' gradients after backward; all of it goes to a JSON file, which
// op_oracle.py rebuilds in torch (the same strides over the same storage), evaluates and
// compares. Adding an op adds a row.
// usage: op_oracle OUT.json
#include <gategrad/autograd/conv_ops.hpp>
#include <gategrad/autograd/normalization_ops.hpp>
#include <gategrad/autograd/ops.hpp>
#include <gategrad/nn/functional.hpp>
#include <gategrad/nn/layers.hpp>
#include <gategrad/nn/loss.hpp>
#include <gategrad/nn/loss_modules.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <functional>
#include <iostream>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

using gg::Tensor;
using nlohmann::json;

namespace {

// The values an input is drawn from.
enum class Domain {
  Any,           // N(0, 1)
  Positive,      // U[0.25, 2.25): log's
  AwayFromZero,  // +-U[0.5, 2): a denominator
  Large,         // 30 N(0, 1): logits far beyond exp's comfortable range in float32
  WithZeros,     // N(0, 1) with every third element exactly 0: relu's kink
  Labels,        // int64 class indices in [0, classes)
};

// How an input's storage is laid out under its (logical) sizes. Each non-contiguous layout is a
// view of a contiguous base: the leaf is that view, detached, so the op sees the strides.
enum class Layout {
  Contiguous,
  Transposed,  // the base has the last two sizes swapped; the leaf is base.transpose(-2, -1)
  Stepped,     // the base's last dim is 2n + 1; the leaf is base.slice(-1, 1, none, 2): offset 1
  Expanded,    // the base has size 1 on dim 0; the leaf is base.expand(sizes): stride 0
};

struct Input {
  Input(std::string n, std::vector<std::int64_t> s, Domain d = Domain::Any)
      : name(std::move(n)), sizes(std::move(s)), domain(d) {}
  Input& transposed() { return with(Layout::Transposed); }
  Input& stepped() { return with(Layout::Stepped); }
  Input& expanded() { return with(Layout::Expanded); }
  // The other float dtype than the row's (float32 in the float64 run and vice versa).
  Input& other_dtype() { other = true; return *this; }
  // A dtype of its own, whatever the row's (bfloat16 inputs).
  Input& as(gg::Dtype d) { fixed = d; return *this; }
  Input& no_grad() { grad = false; return *this; }
  Input& with(Layout l) { layout = l; return *this; }

  std::string name;
  std::vector<std::int64_t> sizes;
  Domain domain;
  Layout layout = Layout::Contiguous;
  bool other = false;
  std::optional<gg::Dtype> fixed;
  bool grad = true;
  std::int64_t classes = 0;  // Labels only
};
Input any(std::string name, std::vector<std::int64_t> sizes) { return {std::move(name), std::move(sizes)}; }
Input positive(std::string name, std::vector<std::int64_t> sizes) {
  return {std::move(name), std::move(sizes), Domain::Positive};
}
Input nonzero(std::string name, std::vector<std::int64_t> sizes) {
  return {std::move(name), std::move(sizes), Domain::AwayFromZero};
}
Input large(std::string name, std::vector<std::int64_t> sizes) {
  return {std::move(name), std::move(sizes), Domain::Large};
}
Input with_zeros(std::string name, std::vector<std::int64_t> sizes) {
  return {std::move(name), std::move(sizes), Domain::WithZeros};
}
Input labels(std::string name, std::vector<std::int64_t> sizes, std::int64_t classes) {
  Input in{std::move(name), std::move(sizes), Domain::Labels};
  in.classes = classes;
  in.grad = false;
  return in;
}

// What a row's gg lambda sees: its inputs by name, and the run's dtypes.
struct Args {
  const Tensor& operator[](const std::string& name) const {
    for (std::size_t i = 0; i < specs.size(); ++i) {
      if (specs[i].name == name) return leaves[i];
    }
    throw std::invalid_argument("op_oracle: the row has no input named '" + name + "'");
  }
  const std::vector<Input>& specs;
  const std::vector<Tensor>& leaves;
  gg::Dtype dtype, other_dtype;
};

// What the harness expects of a row. A sentinel is wrong on purpose: the listed tensors must
// mismatch and every other one match, or the harness itself is broken. A known mismatch is a
// gategrad bug that has been reported: it must still mismatch (op_oracle.py fails the run when
// it starts to match, so that the mark is removed).
struct Expect {
  std::vector<std::string> mismatch = {};  // "output", "x.grad", ...
  std::string known = {};                  // the diagnosis of a known mismatch
  std::vector<gg::Dtype> dtypes = {gg::kFloat64, gg::kFloat32};
};

struct Row {
  std::string name;
  std::string torch;  // a torch expression; the inputs are bound by name, with torch, F
                      // (torch.nn.functional), dtype, other_dtype and gg_output (below)
  std::vector<Input> inputs;
  std::function<Tensor(const Args&)> gg;
  Expect expect = {};
};

using A = const Args&;
namespace F = gg::nn::functional;

const std::vector<Row> kRows = {
    // --- the harness's own check: these must fail --------------------------------------------
    {"sentinel: value off by 5e-8 relative", "x * 2.0000001", {any("x", {3, 4})},
     [](A a) { return a["x"] * 2.0; }, {.mismatch = {"output", "x.grad"}, .dtypes = {gg::kFloat64}}},
    {"sentinel: gradient off by 5e-5 relative", "x * 2 + (x - x.detach()) * 0.0001", {any("x", {3, 4})},
     [](A a) { return a["x"] * 2.0; }, {.mismatch = {"x.grad"}}},

    // --- arithmetic and the operators, numbers on either side --------------------------------
    {"add", "x + y", {any("x", {3, 4}), any("y", {3, 4})}, [](A a) { return gg::add(a["x"], a["y"]); }},
    {"sub", "x - y", {any("x", {3, 4}), any("y", {3, 4})}, [](A a) { return gg::sub(a["x"], a["y"]); }},
    {"mul", "x * y", {any("x", {3, 4}), any("y", {3, 4})}, [](A a) { return gg::mul(a["x"], a["y"]); }},
    {"div", "x / y", {any("x", {3, 4}), nonzero("y", {3, 4})}, [](A a) { return gg::div(a["x"], a["y"]); }},
    {"operator +", "x + y", {any("x", {5}), any("y", {5})}, [](A a) { return a["x"] + a["y"]; }},
    {"operator -", "x - y", {any("x", {5}), any("y", {5})}, [](A a) { return a["x"] - a["y"]; }},
    {"operator *", "x * y", {any("x", {5}), any("y", {5})}, [](A a) { return a["x"] * a["y"]; }},
    {"operator /", "x / y", {any("x", {5}), nonzero("y", {5})}, [](A a) { return a["x"] / a["y"]; }},
    {"unary -", "-x", {any("x", {2, 3})}, [](A a) { return -a["x"]; }},
    {"neg", "torch.neg(x)", {any("x", {2, 3})}, [](A a) { return gg::neg(a["x"]); }},
    {"tensor + number", "x + 1.5", {any("x", {2, 3})}, [](A a) { return a["x"] + 1.5; }},
    {"number + tensor", "1.5 + x", {any("x", {2, 3})}, [](A a) { return 1.5 + a["x"]; }},
    {"tensor - number", "x - 0.75", {any("x", {2, 3})}, [](A a) { return a["x"] - 0.75; }},
    {"number - tensor", "0.75 - x", {any("x", {2, 3})}, [](A a) { return 0.75 - a["x"]; }},
    {"tensor * number", "x * -2.5", {any("x", {2, 3})}, [](A a) { return a["x"] * -2.5; }},
    {"number * tensor", "-2.5 * x", {any("x", {2, 3})}, [](A a) { return -2.5 * a["x"]; }},
    {"tensor / number", "x / 0.3", {any("x", {2, 3})}, [](A a) { return a["x"] / 0.3; }},
    {"number / tensor", "0.3 / x", {nonzero("x", {2, 3})}, [](A a) { return 0.3 / a["x"]; }},
    {"integer numbers on each side", "(3 - x) * 2 / 3 + 1", {any("x", {2, 3})},
     [](A a) { return (3 - a["x"]) * 2 / 3 + 1; }},
    {"add(tensor, number)", "torch.add(x, 2.0)", {any("x", {4})}, [](A a) { return gg::add(a["x"], 2.0); }},
    {"sub(tensor, number)", "torch.sub(x, 2.0)", {any("x", {4})}, [](A a) { return gg::sub(a["x"], 2.0); }},
    {"rsub(tensor, number)", "torch.rsub(x, 2.0)", {any("x", {4})}, [](A a) { return gg::rsub(a["x"], 2.0); }},
    {"mul(tensor, number)", "torch.mul(x, 2.0)", {any("x", {4})}, [](A a) { return gg::mul(a["x"], 2.0); }},
    {"div(tensor, number)", "torch.div(x, 7.0)", {any("x", {4})}, [](A a) { return gg::div(a["x"], 7.0); }},
    {"rdiv(tensor, number)", "7.0 / x", {nonzero("x", {4})}, [](A a) { return gg::rdiv(a["x"], 7.0); }},
    {"an input used twice", "x * x + x", {any("x", {3, 3})}, [](A a) { return a["x"] * a["x"] + a["x"]; }},
    {"x / x", "x / x", {nonzero("x", {3})}, [](A a) { return a["x"] / a["x"]; }},

    // --- broadcasting: the gradient of a broadcast input is summed back to its sizes ----------
    {"add a row", "x + b", {any("x", {4, 3}), any("b", {3})}, [](A a) { return a["x"] + a["b"]; }},
    {"sub a column", "x - c", {any("x", {4, 3}), any("c", {4, 1})}, [](A a) { return a["x"] - a["c"]; }},
    {"mul row by column", "r * c", {any("r", {1, 5}), any("c", {3, 1})}, [](A a) { return a["r"] * a["c"]; }},
    {"div by a row", "x / b", {any("x", {4, 3}), nonzero("b", {3})}, [](A a) { return a["x"] / a["b"]; }},
    {"div a row by a matrix", "b / x", {any("b", {3}), nonzero("x", {4, 3})}, [](A a) { return a["b"] / a["x"]; }},
    {"3-D broadcast both ways", "x * y", {any("x", {2, 1, 4}), any("y", {3, 1})},
     [](A a) { return a["x"] * a["y"]; }},
    {"rank-0 tensor times a matrix", "s * x", {any("s", {}), any("x", {2, 3})}, [](A a) { return a["s"] * a["x"]; }},
    {"matrix divided by a rank-0 tensor", "x / s", {any("x", {2, 3}), nonzero("s", {})},
     [](A a) { return a["x"] / a["s"]; }},
    {"size-1 dims on both sides", "x + y", {any("x", {1, 1}), any("y", {1, 3})}, [](A a) { return a["x"] + a["y"]; }},

    // --- dtype promotion, as torch's ---------------------------------------------------------
    {"add of float32 and float64", "x + y", {any("x", {2, 3}), any("y", {2, 3}).other_dtype()},
     [](A a) { return a["x"] + a["y"]; }},
    {"mul by a rank-0 tensor of the other dtype", "x * s", {any("x", {2, 3}), any("s", {}).other_dtype()},
     [](A a) { return a["x"] * a["s"]; }},
    {"mul by an int64 tensor", "x * k", {any("x", {2, 3}), labels("k", {2, 3}, 5)},
     [](A a) { return a["x"] * a["k"]; }},
    {"int64 tensor minus a tensor", "k - x", {labels("k", {2, 3}, 5), any("x", {2, 3})},
     [](A a) { return a["k"] - a["x"]; }},
    {"int64 tensor divided by a tensor", "k / x", {labels("k", {2, 3}, 5), nonzero("x", {2, 3})},
     [](A a) { return a["k"] / a["x"]; }},
    {"float32 matrix plus a float64 row", "x + b", {any("x", {4, 3}), any("b", {3}).other_dtype()},
     [](A a) { return a["x"] + a["b"]; }},
    {"bfloat16 plus float32", "x + y", {any("x", {2, 3}).as(gg::kBFloat16), any("y", {2, 3}).as(gg::kFloat32)},
     [](A a) { return a["x"] + a["y"]; }, {.dtypes = {gg::kFloat32}}},

    // --- bfloat16, computed in float32 and rounded once, as torch's CPU kernels ----------------
    {"bfloat16 add", "x + y", {any("x", {3, 4}).as(gg::kBFloat16), any("y", {3, 4}).as(gg::kBFloat16)},
     [](A a) { return a["x"] + a["y"]; }, {.dtypes = {gg::kFloat32}}},
    {"bfloat16 mul", "x * y", {any("x", {3, 4}).as(gg::kBFloat16), any("y", {3, 4}).as(gg::kBFloat16)},
     [](A a) { return a["x"] * a["y"]; }, {.dtypes = {gg::kFloat32}}},
    {"bfloat16 div", "x / y", {any("x", {3, 4}).as(gg::kBFloat16), nonzero("y", {3, 4}).as(gg::kBFloat16)},
     [](A a) { return a["x"] / a["y"]; },
     {.known = "dB is -(dY * Y) / B, two bfloat16 roundings, where torch rounds -dY * ((A / B) / B) "
               "three times: the same formula in exact arithmetic, 1 bfloat16 ulp apart in half the elements",
      .dtypes = {gg::kFloat32}}},
    {"bfloat16 exp", "torch.exp(x)", {any("x", {3, 4}).as(gg::kBFloat16)},
     [](A a) { return gg::exp(a["x"]); }, {.dtypes = {gg::kFloat32}}},
    {"bfloat16 tanh", "torch.tanh(x)", {any("x", {3, 4}).as(gg::kBFloat16)},
     [](A a) { return gg::tanh(a["x"]); },
     {.known = "dX = dY * (1 - square(Y)) is three native kernels, each rounding to bfloat16; torch's "
               "tanh_backward computes it in float32 and rounds once: 1 bfloat16 ulp apart",
      .dtypes = {gg::kFloat32}}},
    {"bfloat16 sigmoid", "torch.sigmoid(x)", {any("x", {3, 4}).as(gg::kBFloat16)},
     [](A a) { return gg::sigmoid(a["x"]); },
     {.known = "dX = (dY * Y) * (1 - Y) is three native kernels, each rounding to bfloat16; torch's "
               "sigmoid_backward computes it in float32 and rounds once: 1 bfloat16 ulp apart",
      .dtypes = {gg::kFloat32}}},
    {"bfloat16 log", "torch.log(x)", {positive("x", {3, 4}).as(gg::kBFloat16)},
     [](A a) { return gg::log(a["x"]); }, {.dtypes = {gg::kFloat32}}},
    {"bfloat16 sum over a dim", "x.sum(1)", {any("x", {3, 40}).as(gg::kBFloat16)},
     [](A a) { return gg::sum(a["x"], {1}); }, {.dtypes = {gg::kFloat32}}},
    {"bfloat16 mean", "x.mean()", {any("x", {3, 40}).as(gg::kBFloat16)},
     [](A a) { return gg::mean(a["x"]); }, {.dtypes = {gg::kFloat32}}},
    {"bfloat16 add of a row", "x + b", {any("x", {30, 4}).as(gg::kBFloat16), any("b", {4}).as(gg::kBFloat16)},
     [](A a) { return a["x"] + a["b"]; }, {.dtypes = {gg::kFloat32}}},
    {"bfloat16 relu", "torch.relu(x)", {any("x", {3, 4}).as(gg::kBFloat16)},
     [](A a) { return gg::relu(a["x"]); }, {.dtypes = {gg::kFloat32}}},
    {"bfloat16 times a number", "x * 0.3", {any("x", {3, 4}).as(gg::kBFloat16)},
     [](A a) { return a["x"] * 0.3; }, {.dtypes = {gg::kFloat32}}},
    {"bfloat16 to float64", "x.to(torch.float64)", {any("x", {3, 4}).as(gg::kBFloat16)},
     [](A a) { return a["x"].to(gg::kFloat64); }, {.dtypes = {gg::kFloat32}}},

    // --- unary math ----------------------------------------------------------------------------
    {"relu", "torch.relu(x)", {any("x", {4, 5})}, [](A a) { return gg::relu(a["x"]); }},
    {"relu at exactly 0 (gradient 0, as torch's)", "torch.relu(x)", {with_zeros("x", {4, 5})},
     [](A a) { return gg::relu(a["x"]); }},
    {"sigmoid", "torch.sigmoid(x)", {any("x", {4, 5})}, [](A a) { return gg::sigmoid(a["x"]); }},
    {"sigmoid of large values", "torch.sigmoid(x)", {large("x", {4, 5})}, [](A a) { return gg::sigmoid(a["x"]); }},
    {"tanh", "torch.tanh(x)", {any("x", {4, 5})}, [](A a) { return gg::tanh(a["x"]); }},
    {"tanh of large values", "torch.tanh(x)", {large("x", {4, 5})}, [](A a) { return gg::tanh(a["x"]); }},
    {"exp", "torch.exp(x)", {any("x", {4, 5})}, [](A a) { return gg::exp(a["x"]); }},
    {"log", "torch.log(x)", {positive("x", {4, 5})}, [](A a) { return gg::log(a["x"]); }},
    {"exp of a rank-0 tensor", "torch.exp(x)", {any("x", {})}, [](A a) { return gg::exp(a["x"]); }},

    // --- reductions ----------------------------------------------------------------------------
    {"sum", "x.sum()", {any("x", {3, 4})}, [](A a) { return gg::sum(a["x"]); }},
    {"sum over dim 0", "x.sum(0)", {any("x", {3, 4})}, [](A a) { return gg::sum(a["x"], {0}); }},
    {"sum over dim -1, keepdim", "x.sum(-1, keepdim=True)", {any("x", {3, 4})},
     [](A a) { return gg::sum(a["x"], {-1}, true); }},
    {"sum over dims 0 and 2", "x.sum((0, 2))", {any("x", {2, 3, 4})}, [](A a) { return gg::sum(a["x"], {0, 2}); }},
    {"sum over dims 2 and 0, keepdim", "x.sum((2, 0), keepdim=True)", {any("x", {2, 3, 4})},
     [](A a) { return gg::sum(a["x"], {2, 0}, true); }},
    {"sum over every dim by name", "x.sum((0, 1, 2))", {any("x", {2, 3, 4})},
     [](A a) { return gg::sum(a["x"], {0, 1, 2}); }},
    {"sum of a rank-0 tensor", "x.sum()", {any("x", {})}, [](A a) { return gg::sum(a["x"]); }},
    {"sum of 1000 elements", "x.sum()", {any("x", {1000})}, [](A a) { return gg::sum(a["x"]); }},
    {"mean", "x.mean()", {any("x", {3, 4})}, [](A a) { return gg::mean(a["x"]); }},
    {"mean over dim 1", "x.mean(1)", {any("x", {3, 4})}, [](A a) { return gg::mean(a["x"], {1}); }},
    {"mean over dims 0 and 1, keepdim", "x.mean((0, 1), keepdim=True)", {any("x", {2, 3, 4})},
     [](A a) { return gg::mean(a["x"], {0, 1}, true); }},
    {"mean over dim -2", "x.mean(-2)", {any("x", {2, 3, 4})}, [](A a) { return gg::mean(a["x"], {-2}); }},
    {"mean of a rank-0 tensor", "x.mean()", {any("x", {})}, [](A a) { return gg::mean(a["x"]); }},

    // --- matrix products -----------------------------------------------------------------------
    {"mm", "torch.mm(a, b)", {any("a", {3, 4}), any("b", {4, 5})}, [](A a) { return gg::mm(a["a"], a["b"]); }},
    {"mm, K = 1", "torch.mm(a, b)", {any("a", {3, 1}), any("b", {1, 5})}, [](A a) { return gg::mm(a["a"], a["b"]); }},
    {"mm, batch 1", "torch.mm(a, b)", {any("a", {1, 6}), any("b", {6, 4})}, [](A a) { return gg::mm(a["a"], a["b"]); }},
    {"mm, N = 1", "torch.mm(a, b)", {any("a", {5, 6}), any("b", {6, 1})}, [](A a) { return gg::mm(a["a"], a["b"]); }},
    {"mm, 37x29 by 29x33", "torch.mm(a, b)", {any("a", {37, 29}), any("b", {29, 33})},
     [](A a) { return gg::mm(a["a"], a["b"]); }},
    {"mm of transposed views", "torch.mm(a.t(), b.t())", {any("a", {4, 3}), any("b", {5, 4})},
     [](A a) { return gg::mm(a["a"].t(), a["b"].t()); }},
    {"mm of transposed leaves", "torch.mm(a, b)", {any("a", {3, 4}).transposed(), any("b", {4, 5}).transposed()},
     [](A a) { return gg::mm(a["a"], a["b"]); }},
    {"mm of a stepped leaf", "torch.mm(a, b)", {any("a", {3, 4}).stepped(), any("b", {4, 2})},
     [](A a) { return gg::mm(a["a"], a["b"]); }},
    {"mm of an expanded leaf", "torch.mm(a, b)", {any("a", {3, 4}).expanded(), any("b", {4, 2})},
     [](A a) { return gg::mm(a["a"], a["b"]); }},
    {"matmul matrix-matrix", "torch.matmul(a, b)", {any("a", {3, 4}), any("b", {4, 2})},
     [](A a) { return gg::matmul(a["a"], a["b"]); }},
    {"matmul vector-matrix", "torch.matmul(v, b)", {any("v", {4}), any("b", {4, 2})},
     [](A a) { return gg::matmul(a["v"], a["b"]); }},
    {"matmul matrix-vector", "torch.matmul(a, v)", {any("a", {3, 4}), any("v", {4})},
     [](A a) { return gg::matmul(a["a"], a["v"]); }},
    {"matmul vector-vector", "torch.matmul(u, v)", {any("u", {4}), any("v", {4})},
     [](A a) { return gg::matmul(a["u"], a["v"]); }},
    {"matmul of a transposed matrix and a vector", "torch.matmul(a, v)", {any("a", {3, 4}).transposed(), any("v", {4})},
     [](A a) { return gg::matmul(a["a"], a["v"]); }},
    {"matmul of a stepped vector", "torch.matmul(a, v)", {any("a", {3, 4}), any("v", {4}).stepped()},
     [](A a) { return gg::matmul(a["a"], a["v"]); }},
    // matmul's broadcasting (issue 12, point 6): batches of matrices, batch dims broadcasting.
    {"matmul 3-D by 3-D", "torch.matmul(a, b)", {any("a", {2, 3, 4}), any("b", {2, 4, 5})},
     [](A a) { return gg::matmul(a["a"], a["b"]); }},
    {"matmul, batch dims broadcasting", "torch.matmul(a, b)", {any("a", {2, 1, 3, 4}), any("b", {5, 4, 2})},
     [](A a) { return gg::matmul(a["a"], a["b"]); }},
    {"matmul 4-D by 4-D", "torch.matmul(a, b)", {any("a", {2, 3, 2, 4}), any("b", {2, 3, 4, 3})},
     [](A a) { return gg::matmul(a["a"], a["b"]); }},
    {"matmul 3-D by a matrix (folded)", "torch.matmul(a, b)", {any("a", {2, 3, 4}), any("b", {4, 5})},
     [](A a) { return gg::matmul(a["a"], a["b"]); }},
    {"matmul 4-D by a vector", "torch.matmul(a, v)", {any("a", {2, 2, 3, 4}), any("v", {4})},
     [](A a) { return gg::matmul(a["a"], a["v"]); }},
    {"matmul a vector by 3-D", "torch.matmul(v, b)", {any("v", {3}), any("b", {2, 3, 4})},
     [](A a) { return gg::matmul(a["v"], a["b"]); }},
    {"matmul a matrix by 3-D", "torch.matmul(a, b)", {any("a", {3, 4}), any("b", {2, 4, 5})},
     [](A a) { return gg::matmul(a["a"], a["b"]); }},
    {"matmul of transposed batches", "torch.matmul(a, b)", {any("a", {2, 3, 4}).transposed(), any("b", {2, 4, 5}).transposed()},
     [](A a) { return gg::matmul(a["a"], a["b"]); }},
    {"matmul of a transposed 3-D by a matrix", "torch.matmul(a, b)", {any("a", {2, 3, 4}).transposed(), any("b", {4, 2})},
     [](A a) { return gg::matmul(a["a"], a["b"]); }},
    {"matmul of an expanded batch", "torch.matmul(a, b)", {any("a", {3, 2, 4}).expanded(), any("b", {3, 4, 2})},
     [](A a) { return gg::matmul(a["a"], a["b"]); }},
    {"matmul of a stepped batch", "torch.matmul(a, b)", {any("a", {2, 3, 4}), any("b", {2, 4, 3}).stepped()},
     [](A a) { return gg::matmul(a["a"], a["b"]); }},
    {"matmul of transposed views", "torch.matmul(a.transpose(-2, -1), b)", {any("a", {2, 4, 3}), any("b", {2, 4, 5})},
     [](A a) { return gg::matmul(a["a"].transpose(-2, -1), a["b"]); }},
    {"matmul, K = 0 batch", "torch.matmul(a, b)", {any("a", {2, 3, 0}), any("b", {2, 0, 4})},
     [](A a) { return gg::matmul(a["a"], a["b"]); }},
    {"Tensor::matmul 3-D", "a.matmul(b)", {any("a", {2, 3, 4}), any("b", {1, 4, 2})},
     [](A a) { return a["a"].matmul(a["b"]); }},

    // bmm, baddbmm, addmm, dot, mv, outer
    {"bmm", "torch.bmm(a, b)", {any("a", {3, 2, 4}), any("b", {3, 4, 5})}, [](A a) { return gg::bmm(a["a"], a["b"]); }},
    {"bmm of transposed batches", "torch.bmm(a, b)", {any("a", {3, 2, 4}).transposed(), any("b", {3, 4, 5}).transposed()},
     [](A a) { return gg::bmm(a["a"], a["b"]); }},
    {"bmm of an expanded batch", "torch.bmm(a, b)", {any("a", {3, 2, 4}), any("b", {3, 4, 5}).expanded()},
     [](A a) { return gg::bmm(a["a"], a["b"]); }},
    {"bmm, 4 of 37x29 by 29x33", "torch.bmm(a, b)", {any("a", {4, 37, 29}), any("b", {4, 29, 33})},
     [](A a) { return gg::bmm(a["a"], a["b"]); }},
    {"Tensor::bmm", "a.bmm(b)", {any("a", {2, 3, 4}), any("b", {2, 4, 2})}, [](A a) { return a["a"].bmm(a["b"]); }},
    {"baddbmm", "torch.baddbmm(c, a, b)", {any("c", {3, 2, 5}), any("a", {3, 2, 4}), any("b", {3, 4, 5})},
     [](A a) { return gg::baddbmm(a["c"], a["a"], a["b"]); }},
    {"baddbmm, beta and alpha, input broadcasting", "torch.baddbmm(c, a, b, beta=0.5, alpha=-2)",
     {any("c", {5}), any("a", {3, 2, 4}), any("b", {3, 4, 5}).transposed()},
     [](A a) { return gg::baddbmm(a["c"], a["a"], a["b"], 0.5, -2); }},
    // torch 1.13's baddbmm with beta=0 can read its uninitialized output (a NaN left in freed
    // memory by an earlier row came out once): the oracle is the product it must equal.
    {"baddbmm, beta 0", "torch.bmm(a, b) + 0 * c", {any("c", {3, 2, 5}), any("a", {3, 2, 4}), any("b", {3, 4, 5})},
     [](A a) { return gg::baddbmm(a["c"], a["a"], a["b"], 0); }},
    {"Tensor::baddbmm", "c.baddbmm(a, b, beta=2, alpha=0.25)", {any("c", {1, 2, 1}), any("a", {2, 2, 3}), any("b", {2, 3, 4})},
     [](A a) { return a["c"].baddbmm(a["a"], a["b"], 2, 0.25); }},
    {"addmm", "torch.addmm(c, a, b)", {any("c", {3, 5}), any("a", {3, 4}), any("b", {4, 5})},
     [](A a) { return gg::addmm(a["c"], a["a"], a["b"]); }},
    {"addmm, beta and alpha, a bias row", "torch.addmm(c, a, b, beta=-1.5, alpha=0.5)",
     {any("c", {5}), any("a", {3, 4}).transposed(), any("b", {4, 5})},
     [](A a) { return gg::addmm(a["c"], a["a"], a["b"], -1.5, 0.5); }},
    {"addmm of a rank-0 input", "torch.addmm(c, a, b)", {any("c", {}), any("a", {2, 3}), any("b", {3, 2})},
     [](A a) { return gg::addmm(a["c"], a["a"], a["b"]); }},
    {"Tensor::addmm", "c.addmm(a, b, beta=0.5)", {any("c", {3, 1}), any("a", {3, 2}), any("b", {2, 4})},
     [](A a) { return a["c"].addmm(a["a"], a["b"], 0.5); }},
    {"dot", "torch.dot(u, v)", {any("u", {7}), any("v", {7})}, [](A a) { return gg::dot(a["u"], a["v"]); }},
    {"Tensor::dot of a stepped vector", "u.dot(v)", {any("u", {5}), any("v", {5}).stepped()},
     [](A a) { return a["u"].dot(a["v"]); }},
    {"mv", "torch.mv(m, v)", {any("m", {3, 4}), any("v", {4})}, [](A a) { return gg::mv(a["m"], a["v"]); }},
    {"Tensor::mv of a transposed matrix", "m.mv(v)", {any("m", {3, 4}).transposed(), any("v", {4})},
     [](A a) { return a["m"].mv(a["v"]); }},
    {"outer", "torch.outer(u, v)", {any("u", {3}), any("v", {4})}, [](A a) { return gg::outer(a["u"], a["v"]); }},
    {"Tensor::outer", "u.outer(v)", {any("u", {2}), any("v", {5})}, [](A a) { return a["u"].outer(a["v"]); }},

    // einsum, reduced to bmm of permuted views
    {"einsum ij,jk->ik", "torch.einsum('ij,jk->ik', a, b)", {any("a", {3, 4}), any("b", {4, 5})},
     [](A a) { return gg::einsum("ij,jk->ik", {a["a"], a["b"]}); }},
    {"einsum bij,bjk->bik", "torch.einsum('bij,bjk->bik', a, b)", {any("a", {2, 3, 4}), any("b", {2, 4, 5})},
     [](A a) { return gg::einsum("bij,bjk->bik", {a["a"], a["b"]}); }},
    {"einsum i,i->", "torch.einsum('i,i->', u, v)", {any("u", {6}), any("v", {6})},
     [](A a) { return gg::einsum("i,i->", {a["u"], a["v"]}); }},
    {"einsum i,j->ij", "torch.einsum('i,j->ij', u, v)", {any("u", {3}), any("v", {4})},
     [](A a) { return gg::einsum("i,j->ij", {a["u"], a["v"]}); }},
    {"einsum ij->ji", "torch.einsum('ij->ji', x)", {any("x", {3, 4})}, [](A a) { return gg::einsum("ij->ji", {a["x"]}); }},
    {"einsum ii->i", "torch.einsum('ii->i', x)", {any("x", {4, 4})}, [](A a) { return gg::einsum("ii->i", {a["x"]}); }},
    {"einsum ii (trace)", "torch.einsum('ii', x)", {any("x", {3, 3})}, [](A a) { return gg::einsum("ii", {a["x"]}); }},
    {"einsum ij->j", "torch.einsum('ij->j', x)", {any("x", {3, 4})}, [](A a) { return gg::einsum("ij->j", {a["x"]}); }},
    {"einsum bhqd,bhkd->bhqk", "torch.einsum('bhqd,bhkd->bhqk', q, k)", {any("q", {2, 3, 4, 5}), any("k", {2, 3, 6, 5})},
     [](A a) { return gg::einsum("bhqd,bhkd->bhqk", {a["q"], a["k"]}); }},
    {"einsum bhqk,bhkd->bhqd", "torch.einsum('bhqk,bhkd->bhqd', p, v)", {any("p", {2, 2, 3, 4}), any("v", {2, 2, 4, 5})},
     [](A a) { return gg::einsum("bhqk,bhkd->bhqd", {a["p"], a["v"]}); }},
    {"einsum implicit ij,jk", "torch.einsum('ij,jk', a, b)", {any("a", {2, 3}), any("b", {3, 4})},
     [](A a) { return gg::einsum("ij,jk", {a["a"], a["b"]}); }},
    {"einsum implicit ba,ca (sorted output)", "torch.einsum('ba,ca', a, b)", {any("a", {2, 3}), any("b", {4, 3})},
     [](A a) { return gg::einsum("ba,ca", {a["a"], a["b"]}); }},
    {"einsum ellipsis, broadcasting", "torch.einsum('...ij,...jk->...ik', a, b)", {any("a", {2, 3, 4}), any("b", {4, 5})},
     [](A a) { return gg::einsum("...ij,...jk->...ik", {a["a"], a["b"]}); }},
    {"einsum implicit ellipsis", "torch.einsum('...ij,jk', a, b)", {any("a", {2, 2, 3}), any("b", {3, 2})},
     [](A a) { return gg::einsum("...ij,jk", {a["a"], a["b"]}); }},
    {"einsum of transposed leaves", "torch.einsum('bij,bkj->bik', a, b)", {any("a", {2, 3, 4}).transposed(), any("b", {2, 5, 4}).transposed()},
     [](A a) { return gg::einsum("bij,bkj->bik", {a["a"], a["b"]}); }},
    {"einsum, a label summed in one operand", "torch.einsum('ij,jk->k', a, b)", {any("a", {3, 4}), any("b", {4, 2})},
     [](A a) { return gg::einsum("ij,jk->k", {a["a"], a["b"]}); }},
    {"einsum, size-1 batch broadcasting", "torch.einsum('bij,bjk->bik', a, b)", {any("a", {1, 2, 3}), any("b", {4, 3, 2})},
     [](A a) { return gg::einsum("bij,bjk->bik", {a["a"], a["b"]}); }},
    {"einsum of three operands", "torch.einsum('i,ij,j->', u, m, v)", {any("u", {3}), any("m", {3, 4}), any("v", {4})},
     [](A a) { return gg::einsum("i,ij,j->", {a["u"], a["m"], a["v"]}); }},
    {"einsum with spaces, batch in the middle", "torch.einsum('i b j , j b k -> b k i', a, b)",
     {any("a", {2, 3, 4}), any("b", {4, 3, 5})},
     [](A a) { return gg::einsum("i b j , j b k -> b k i", {a["a"], a["b"]}); }},

    // --- views and copies (methods, as torch's) ----------------------------------------------
    {"view", "x.view(4, -1)", {any("x", {2, 3, 4})}, [](A a) { return a["x"].view({4, -1}); }},
    {"view to rank 0", "x.view(())", {any("x", {1, 1})}, [](A a) { return a["x"].view({}); }},
    {"view_as", "x.view_as(y)", {any("x", {6}), any("y", {2, 3}).no_grad()}, [](A a) { return a["x"].view_as(a["y"]); }},
    {"reshape (a view)", "x.reshape(3, 8)", {any("x", {2, 3, 4})}, [](A a) { return a["x"].reshape({3, 8}); }},
    {"reshape of a transposed leaf (a copy)", "x.reshape(-1)", {any("x", {3, 4}).transposed()},
     [](A a) { return a["x"].reshape({-1}); }},
    {"reshape_as", "x.reshape_as(y)", {any("x", {3, 4}).transposed(), any("y", {6, 2}).no_grad()},
     [](A a) { return a["x"].reshape_as(a["y"]); }},
    {"flatten", "x.flatten()", {any("x", {2, 3, 4})}, [](A a) { return a["x"].flatten(); }},
    {"flatten(1)", "x.flatten(1)", {any("x", {2, 3, 4})}, [](A a) { return a["x"].flatten(1); }},
    {"flatten(0, 1)", "x.flatten(0, 1)", {any("x", {2, 3, 4})}, [](A a) { return a["x"].flatten(0, 1); }},
    {"flatten(-2, -1) of a transposed leaf", "x.flatten(-2, -1)", {any("x", {2, 3, 4}).transposed()},
     [](A a) { return a["x"].flatten(-2, -1); }},
    {"flatten of a rank-0 tensor", "x.flatten()", {any("x", {})}, [](A a) { return a["x"].flatten(); }},
    {"permute", "x.permute(2, 0, 1)", {any("x", {2, 3, 4})}, [](A a) { return a["x"].permute({2, 0, 1}); }},
    {"permute with negative dims", "x.permute(-1, -3, -2)", {any("x", {2, 3, 4})},
     [](A a) { return a["x"].permute({-1, -3, -2}); }},
    {"transpose", "x.transpose(0, 2)", {any("x", {2, 3, 4})}, [](A a) { return a["x"].transpose(0, 2); }},
    {"transpose(-1, -2)", "x.transpose(-1, -2)", {any("x", {2, 3, 4})}, [](A a) { return a["x"].transpose(-1, -2); }},
    {"t", "x.t()", {any("x", {3, 5})}, [](A a) { return a["x"].t(); }},
    {"t of a vector", "x.t()", {any("x", {5})}, [](A a) { return a["x"].t(); }},
    {"narrow", "x.narrow(1, 2, 3)", {any("x", {4, 6})}, [](A a) { return a["x"].narrow(1, 2, 3); }},
    {"narrow(-1, ...)", "x.narrow(-1, 0, 1)", {any("x", {4, 6})}, [](A a) { return a["x"].narrow(-1, 0, 1); }},
    {"slice with a step", "x[1:6:2]", {any("x", {7, 3})}, [](A a) { return a["x"].slice(0, 1, 6, 2); }},
    {"slice of dim 1, open start", "x[:, :3]", {any("x", {4, 6})},
     [](A a) { return a["x"].slice(1, std::nullopt, 3); }},
    {"slice of dim 1, open end, step 4", "x[:, 1::4]", {any("x", {4, 6})},
     [](A a) { return a["x"].slice(1, 1, std::nullopt, 4); }},
    {"slice with negative bounds", "x[-3:-1]", {any("x", {5, 2})}, [](A a) { return a["x"].slice(0, -3, -1); }},
    {"slice past the end (clamped, as Python's)", "x[2:100]", {any("x", {5, 2})},
     [](A a) { return a["x"].slice(0, 2, 100); }},
    {"select", "x.select(1, -1)", {any("x", {3, 4})}, [](A a) { return a["x"].select(1, -1); }},
    {"select of dim 0", "x.select(0, 2)", {any("x", {3, 4})}, [](A a) { return a["x"].select(0, 2); }},
    {"operator[]", "x[1]", {any("x", {3, 4})}, [](A a) { return a["x"][1]; }},
    {"select of a vector (rank 0)", "x.select(0, 3)", {any("x", {5})}, [](A a) { return a["x"].select(0, 3); }},
    {"unsqueeze", "x.unsqueeze(1)", {any("x", {3, 4})}, [](A a) { return a["x"].unsqueeze(1); }},
    {"unsqueeze(-1)", "x.unsqueeze(-1)", {any("x", {3, 4})}, [](A a) { return a["x"].unsqueeze(-1); }},
    {"unsqueeze of a rank-0 tensor", "x.unsqueeze(0)", {any("x", {})}, [](A a) { return a["x"].unsqueeze(0); }},
    {"squeeze", "x.squeeze()", {any("x", {3, 1, 4, 1})}, [](A a) { return a["x"].squeeze(); }},
    {"squeeze to rank 0", "x.squeeze()", {any("x", {1, 1})}, [](A a) { return a["x"].squeeze(); }},
    {"squeeze(dim)", "x.squeeze(1)", {any("x", {3, 1, 4})}, [](A a) { return a["x"].squeeze(1); }},
    {"squeeze(dim) of a size other than 1 (no-op)", "x.squeeze(0)", {any("x", {3, 1, 4})},
     [](A a) { return a["x"].squeeze(0); }},
    {"expand", "x.expand(2, 3, 4)", {any("x", {3, 1})}, [](A a) { return a["x"].expand({2, 3, 4}); }},
    {"expand with -1", "x.expand(-1, 5)", {any("x", {3, 1})}, [](A a) { return a["x"].expand({-1, 5}); }},
    {"expand a rank-0 tensor", "x.expand(2, 3)", {any("x", {})}, [](A a) { return a["x"].expand({2, 3}); }},
    {"expand_as", "x.expand_as(y)", {any("x", {1, 3}), any("y", {4, 3}).no_grad()},
     [](A a) { return a["x"].expand_as(a["y"]); }},
    {"contiguous (already)", "x.contiguous()", {any("x", {2, 3})}, [](A a) { return a["x"].contiguous(); }},
    {"contiguous of a transposed leaf", "x.contiguous()", {any("x", {2, 3}).transposed()},
     [](A a) { return a["x"].contiguous(); }},
    {"contiguous of an expanded leaf", "x.contiguous()", {any("x", {3, 4}).expanded()},
     [](A a) { return a["x"].contiguous(); }},
    {"clone", "x.clone()", {any("x", {2, 3})}, [](A a) { return a["x"].clone(); }},
    {"clone of a stepped leaf", "x.clone()", {any("x", {2, 3}).stepped()}, [](A a) { return a["x"].clone(); }},
    {"to the same dtype", "x.to(dtype)", {any("x", {2, 3})}, [](A a) { return a["x"].to(a.dtype); }},
    {"to the other float dtype", "x.to(other_dtype)", {any("x", {2, 3})},
     [](A a) { return a["x"].to(a.other_dtype); }},
    {"to bfloat16", "x.to(torch.bfloat16)", {any("x", {3, 4})}, [](A a) { return a["x"].to(gg::kBFloat16); }},
    {"to bfloat16 and back, times y", "x.to(torch.bfloat16).to(dtype) * y", {any("x", {3, 4}), any("y", {3, 4})},
     [](A a) { return a["x"].to(gg::kBFloat16).to(a.dtype) * a["y"]; }},
    {"view splitting a dim of a stepped leaf", "x.view(3, 2, 2)", {any("x", {3, 4}).stepped()},
     [](A a) { return a["x"].view({3, 2, 2}); }},
    {"unsqueeze of a transposed leaf", "x.unsqueeze(1)", {any("x", {3, 4}).transposed()},
     [](A a) { return a["x"].unsqueeze(1); }},
    {"select of a transposed leaf", "x.select(1, 0)", {any("x", {3, 4}).transposed()},
     [](A a) { return a["x"].select(1, 0); }},
    {"narrow of an expanded leaf", "x.narrow(1, 1, 2)", {any("x", {3, 4}).expanded()},
     [](A a) { return a["x"].narrow(1, 1, 2); }},
    {"expand of a stepped leaf", "x.expand(2, 3, 4)", {any("x", {3, 1}).stepped()},
     [](A a) { return a["x"].expand({2, 3, 4}); }},
    {"permute of a stepped leaf", "x.permute(1, 2, 0)", {any("x", {2, 3, 4}).stepped()},
     [](A a) { return a["x"].permute({1, 2, 0}); }},
    {"squeeze(-2)", "x.squeeze(-2)", {any("x", {3, 1, 4})}, [](A a) { return a["x"].squeeze(-2); }},
    {"to the other float dtype of a transposed leaf", "x.to(other_dtype)", {any("x", {2, 3}).transposed()},
     [](A a) { return a["x"].to(a.other_dtype); }},
    {"a view of a view of a view", "x.narrow(0, 1, 2).t().unsqueeze(0).expand(3, 6, 2)", {any("x", {4, 6})},
     [](A a) { return a["x"].narrow(0, 1, 2).t().unsqueeze(0).expand({3, 6, 2}); }},
    {"views of a transposed leaf, then arithmetic", "x[1:].t() * 2 + y", {any("x", {4, 3}).transposed(), any("y", {3, 1})},
     [](A a) { return a["x"].slice(0, 1).t() * 2.0 + a["y"]; }},

    // --- the same views as free functions ----------------------------------------------------
    {"gg::view", "x.view(-1)", {any("x", {2, 3})}, [](A a) { return gg::view(a["x"], {-1}); }},
    {"gg::reshape", "x.reshape(3, 2)", {any("x", {2, 3}).transposed()}, [](A a) { return gg::reshape(a["x"], {3, 2}); }},
    {"gg::flatten", "x.flatten(1)", {any("x", {2, 3, 2})}, [](A a) { return gg::flatten(a["x"], 1); }},
    {"gg::permute", "x.permute(1, 0)", {any("x", {2, 3})}, [](A a) { return gg::permute(a["x"], {1, 0}); }},
    {"gg::transpose", "x.transpose(0, 1)", {any("x", {2, 3})}, [](A a) { return gg::transpose(a["x"], 0, 1); }},
    {"gg::narrow", "x.narrow(0, 1, 2)", {any("x", {4, 3})}, [](A a) { return gg::narrow(a["x"], 0, 1, 2); }},
    {"gg::slice", "x[:, 0:3:2]", {any("x", {4, 3})}, [](A a) { return gg::slice(a["x"], 1, 0, 3, 2); }},
    {"gg::select", "x.select(0, -1)", {any("x", {4, 3})}, [](A a) { return gg::select(a["x"], 0, -1); }},
    {"gg::unsqueeze", "x.unsqueeze(0)", {any("x", {4, 3})}, [](A a) { return gg::unsqueeze(a["x"], 0); }},
    {"gg::squeeze", "x.squeeze()", {any("x", {1, 3})}, [](A a) { return gg::squeeze(a["x"]); }},
    {"gg::squeeze(dim)", "x.squeeze(0)", {any("x", {1, 3})}, [](A a) { return gg::squeeze(a["x"], 0); }},
    {"gg::expand", "x.expand(4, 3)", {any("x", {3})}, [](A a) { return gg::expand(a["x"], {4, 3}); }},
    {"gg::contiguous", "x.contiguous()", {any("x", {2, 3}).transposed()}, [](A a) { return gg::contiguous(a["x"]); }},
    {"gg::clone", "x.clone()", {any("x", {2, 3})}, [](A a) { return gg::clone(a["x"]); }},
    {"gg::to", "x.to(other_dtype)", {any("x", {2, 3})}, [](A a) { return gg::to(a["x"], a.other_dtype); }},

    // --- non-contiguous and expanded leaves through the pointwise ops -------------------------
    {"add of transposed leaves", "x + y", {any("x", {3, 4}).transposed(), any("y", {3, 4}).transposed()},
     [](A a) { return a["x"] + a["y"]; }},
    {"mul of a transposed and a contiguous leaf", "x * y", {any("x", {3, 4}).transposed(), any("y", {3, 4})},
     [](A a) { return a["x"] * a["y"]; }},
    {"div of stepped leaves", "x / y", {any("x", {3, 4}).stepped(), nonzero("y", {3, 4}).stepped()},
     [](A a) { return a["x"] / a["y"]; }},
    {"sub of an expanded leaf", "x - y", {any("x", {3, 4}).expanded(), any("y", {3, 4})},
     [](A a) { return a["x"] - a["y"]; }},
    {"exp of a transposed leaf", "torch.exp(x)", {any("x", {3, 4}).transposed()}, [](A a) { return gg::exp(a["x"]); }},
    {"log of a stepped leaf", "torch.log(x)", {positive("x", {3, 4}).stepped()}, [](A a) { return gg::log(a["x"]); }},
    {"relu of a transposed leaf", "torch.relu(x)", {any("x", {3, 4}).transposed()}, [](A a) { return gg::relu(a["x"]); }},
    {"sigmoid of an expanded leaf", "torch.sigmoid(x)", {any("x", {3, 4}).expanded()},
     [](A a) { return gg::sigmoid(a["x"]); }},
    {"tanh of a stepped leaf", "torch.tanh(x)", {any("x", {3, 4}).stepped()}, [](A a) { return gg::tanh(a["x"]); }},
    {"sum over dim 0 of a transposed leaf", "x.sum(0)", {any("x", {3, 4}).transposed()},
     [](A a) { return gg::sum(a["x"], {0}); }},
    {"mean of a stepped leaf, keepdim", "x.mean(1, keepdim=True)", {any("x", {3, 4}).stepped()},
     [](A a) { return gg::mean(a["x"], {1}, true); }},
    {"a 35x33 transposed leaf plus a row", "x + b", {any("x", {35, 33}).transposed(), any("b", {33})},
     [](A a) { return a["x"] + a["b"]; }},

    // --- nn: functional layers and losses ----------------------------------------------------
    {"linear", "F.linear(x, w, b)", {any("x", {4, 3}), any("w", {5, 3}), any("b", {5})},
     [](A a) { return gg::nn::linear(a["x"], a["w"], a["b"]); }},
    {"linear without bias", "F.linear(x, w)", {any("x", {4, 3}), any("w", {5, 3})},
     [](A a) { return gg::nn::linear(a["x"], a["w"]); }},
    {"linear, batch 1", "F.linear(x, w, b)", {any("x", {1, 7}), any("w", {3, 7}), any("b", {3})},
     [](A a) { return gg::nn::linear(a["x"], a["w"], a["b"]); }},
    {"linear of a transposed input and weight", "F.linear(x, w, b)",
     {any("x", {4, 3}).transposed(), any("w", {5, 3}).transposed(), any("b", {5})},
     [](A a) { return gg::nn::linear(a["x"], a["w"], a["b"]); }},
    {"linear with a stepped weight", "F.linear(x, w, b)", {any("x", {4, 3}), any("w", {5, 3}).stepped(), any("b", {5})},
     [](A a) { return gg::nn::linear(a["x"], a["w"], a["b"]); }},
    {"linear with an expanded bias", "F.linear(x, w, b)", {any("x", {4, 3}), any("w", {5, 3}), any("b", {5}).expanded()},
     [](A a) { return gg::nn::linear(a["x"], a["w"], a["b"]); }},
    {"linear, 64x100 by 100x33", "F.linear(x, w, b)", {any("x", {64, 100}), any("w", {33, 100}), any("b", {33})},
     [](A a) { return gg::nn::linear(a["x"], a["w"], a["b"]); }},
    // convolution and pooling (autograd/conv_ops.hpp, nn/conv.hpp, nn/pooling.hpp)
    {"conv2d", "F.conv2d(x, w, b)", {any("x", {2, 3, 7, 6}), any("w", {4, 3, 3, 3}), any("b", {4})},
     [](A a) { return gg::conv2d(a["x"], a["w"], a["b"]); }},
    {"conv2d stride 2 padding 1 dilation 2", "F.conv2d(x, w, b, stride=2, padding=1, dilation=2)",
     {any("x", {2, 2, 9, 8}), any("w", {3, 2, 3, 2}), any("b", {3})},
     [](A a) { return gg::conv2d(a["x"], a["w"], a["b"], 2, 1, 2); }},
    {"conv2d groups 2, rectangular stride", "F.conv2d(x, w, None, (2, 1), (0, 1), 1, 2)",
     {any("x", {1, 4, 6, 6}), any("w", {6, 2, 3, 3})},
     [](A a) { return gg::conv2d(a["x"], a["w"], {}, {2, 1}, {0, 1}, 1, 2); }},
    {"conv2d depthwise", "F.conv2d(x, w, None, 1, 1, 1, 3)", {any("x", {2, 3, 5, 5}), any("w", {3, 1, 3, 3})},
     [](A a) { return gg::conv2d(a["x"], a["w"], {}, 1, 1, 1, 3); }},
    {"conv2d 1x1 of a transposed input", "F.conv2d(x, w)", {any("x", {2, 3, 4, 5}).transposed(), any("w", {6, 3, 1, 1})},
     [](A a) { return gg::conv2d(a["x"], a["w"]); }},
    {"conv2d padding same", "F.conv2d(x, w, b, padding='same')", {any("x", {2, 2, 6, 5}), any("w", {3, 2, 4, 3}), any("b", {3})},
     [](A a) { return gg::conv2d(a["x"], a["w"], a["b"], 1, "same"); }},
    {"conv2d unbatched", "F.conv2d(x, w)", {any("x", {2, 5, 5}), any("w", {3, 2, 2, 2})},
     [](A a) { return gg::conv2d(a["x"], a["w"]); }},
    // (Larger sizes sum more float32 terms than its 1e-5 allows, in any order: the float64 run of
    // 8x16x14x14 by 32x16x3x3 agreed to 2e-14, its float32 run to 7.5e-5.)
    {"conv2d, 2x8x8x8 by 16x8x3x3", "F.conv2d(x, w, b, padding=1)",
     {any("x", {2, 8, 8, 8}), any("w", {16, 8, 3, 3}), any("b", {16})},
     [](A a) { return gg::conv2d(a["x"], a["w"], a["b"], 1, 1); }},
    {"F::conv2d with options", "F.conv2d(x, w, b, stride=2, padding=2)", {any("x", {1, 1, 7, 7}), any("w", {2, 1, 5, 5}), any("b", {2})},
     [](A a) {
       namespace F = gg::nn::functional;
       return F::conv2d(a["x"], a["w"], F::Conv2dFuncOptions().bias(a["b"]).stride(2).padding(2));
     }},
    {"conv1d", "F.conv1d(x, w, b, stride=2, padding=1)", {any("x", {2, 3, 9}), any("w", {4, 3, 3}), any("b", {4})},
     [](A a) { return gg::conv1d(a["x"], a["w"], a["b"], 2, 1); }},
    {"conv_transpose2d", "F.conv_transpose2d(x, w, b, stride=2, padding=1, output_padding=1)",
     {any("x", {2, 3, 4, 4}), any("w", {3, 2, 3, 3}), any("b", {2})},
     [](A a) { return gg::conv_transpose2d(a["x"], a["w"], a["b"], 2, 1, 1); }},
    {"conv_transpose2d groups 2 dilation 2", "F.conv_transpose2d(x, w, None, 1, 0, 0, 2, 2)",
     {any("x", {1, 4, 3, 3}), any("w", {4, 1, 2, 2})},
     [](A a) { return gg::conv_transpose2d(a["x"], a["w"], {}, 1, 0, 0, 2, 2); }},
    {"im2col (F::unfold)", "F.unfold(x, (2, 3), dilation=2, padding=1, stride=2)", {any("x", {2, 2, 5, 6})},
     [](A a) {
       namespace F = gg::nn::functional;
       return F::unfold(a["x"], F::UnfoldFuncOptions({2, 3}).dilation(2).padding(1).stride(2));
     }},
    {"col2im (F::fold)", "F.fold(x, (3, 4), 2)", {any("x", {2, 8, 6})},
     [](A a) {
       namespace F = gg::nn::functional;
       return F::fold(a["x"], F::FoldFuncOptions({3, 4}, 2));
     }},
    {"interpolate nearest, scale 2", "F.interpolate(x, scale_factor=2.0)", {any("x", {2, 2, 3, 4})},
     [](A a) {
       namespace F = gg::nn::functional;
       return F::interpolate(a["x"], F::InterpolateFuncOptions().scale_factor(std::vector<double>{2.0}));
     }},
    {"interpolate nearest to (5, 3)", "F.interpolate(x, size=(5, 3))", {any("x", {1, 2, 3, 4})},
     [](A a) {
       namespace F = gg::nn::functional;
       return F::interpolate(a["x"], F::InterpolateFuncOptions().size(std::vector<std::int64_t>{5, 3}));
     }},
    {"interpolate bilinear, scale 1.5", "F.interpolate(x, scale_factor=1.5, mode='bilinear')", {any("x", {2, 2, 4, 3})},
     [](A a) {
       namespace F = gg::nn::functional;
       return F::interpolate(a["x"], F::InterpolateFuncOptions().scale_factor(std::vector<double>{1.5}).mode(gg::kBilinear));
     }},
    {"interpolate bilinear align_corners to (7, 2)", "F.interpolate(x, size=(7, 2), mode='bilinear', align_corners=True)",
     {any("x", {1, 3, 3, 5})},
     [](A a) {
       namespace F = gg::nn::functional;
       return F::interpolate(a["x"], F::InterpolateFuncOptions()
                                         .size(std::vector<std::int64_t>{7, 2})
                                         .mode(gg::kBilinear)
                                         .align_corners(true));
     }},
    {"max_pool2d", "F.max_pool2d(x, 2)", {any("x", {2, 3, 6, 7})}, [](A a) { return gg::max_pool2d(a["x"], 2); }},
    {"max_pool2d 3 stride 2 padding 1 ceil_mode", "F.max_pool2d(x, 3, 2, 1, ceil_mode=True)", {any("x", {1, 2, 7, 6})},
     [](A a) { return gg::max_pool2d(a["x"], 3, 2, 1, 1, true); }},
    {"max_pool2d dilation 2 of a transposed input", "F.max_pool2d(x, 2, 1, 0, 2)", {any("x", {1, 2, 6, 5}).transposed()},
     [](A a) { return gg::max_pool2d(a["x"], 2, 1, 0, 2); }},
    {"avg_pool2d", "F.avg_pool2d(x, 2)", {any("x", {2, 3, 6, 7})}, [](A a) { return gg::avg_pool2d(a["x"], 2); }},
    {"avg_pool2d 3 stride 2 padding 1 ceil_mode", "F.avg_pool2d(x, 3, 2, 1, ceil_mode=True)", {any("x", {1, 2, 7, 6})},
     [](A a) { return gg::avg_pool2d(a["x"], 3, 2, 1, true); }},
    {"avg_pool2d padding not counted", "F.avg_pool2d(x, 3, 2, 1, count_include_pad=False)", {any("x", {1, 2, 7, 6})},
     [](A a) { return gg::avg_pool2d(a["x"], 3, 2, 1, false, false); }},
    {"avg_pool2d divisor_override", "F.avg_pool2d(x, 2, divisor_override=3)", {any("x", {1, 2, 4, 4})},
     [](A a) { return gg::avg_pool2d(a["x"], 2, {}, 0, false, true, 3); }},
    {"adaptive_avg_pool2d", "F.adaptive_avg_pool2d(x, (3, 2))", {any("x", {2, 2, 7, 5})},
     [](A a) { return gg::adaptive_avg_pool2d(a["x"], {3, 2}); }},
    {"adaptive_avg_pool2d to 1x1", "F.adaptive_avg_pool2d(x, 1)", {any("x", {2, 3, 4, 4})},
     [](A a) { return gg::adaptive_avg_pool2d(a["x"], 1); }},
    {"adaptive_max_pool2d", "F.adaptive_max_pool2d(x, (3, 2))", {any("x", {2, 2, 7, 5})},
     [](A a) { return std::get<0>(gg::adaptive_max_pool2d(a["x"], {3, 2})); }},
    {"adaptive_max_pool2d of a transposed (C, H, W) input", "F.adaptive_max_pool2d(x, (4, 3))",
     {any("x", {3, 6, 7}).transposed()}, [](A a) { return std::get<0>(gg::adaptive_max_pool2d(a["x"], {4, 3})); }},
    // normalisation and embedding (autograd/normalization_ops.hpp, nn/normalization.hpp)
    {"batch_norm training, (N, C, H, W)", "F.batch_norm(x, None, None, w, b, training=True)",
     {any("x", {4, 3, 3, 2}), any("w", {3}), any("b", {3})},
     [](A a) { return gg::batch_norm(a["x"], a["w"], a["b"], {}, {}, true, 0.1, 1e-5); }},
    {"batch_norm training, (N, C) of a transposed input", "F.batch_norm(x, None, None, None, None, True, 0.1, 1e-3)",
     {any("x", {6, 4}).transposed()}, [](A a) { return gg::batch_norm(a["x"], {}, {}, {}, {}, true, 0.1, 1e-3); }},
    {"batch_norm eval with running statistics", "F.batch_norm(x, rm, rv, w, b)",
     {any("x", {2, 3, 4}), any("rm", {3}).no_grad(), positive("rv", {3}).no_grad(), any("w", {3}), any("b", {3})},
     [](A a) { return gg::batch_norm(a["x"], a["w"], a["b"], a["rm"], a["rv"], false, 0.1, 1e-5); }},
    {"F::batch_norm", "F.batch_norm(x, None, None, w, None, True, 0.1, 1e-5)", {any("x", {5, 2, 3}), any("w", {2})},
     [](A a) {
       namespace F = gg::nn::functional;
       return F::batch_norm(a["x"], {}, {}, F::BatchNormFuncOptions().weight(a["w"]).training(true));
     }},
    {"layer_norm over the last two dims", "F.layer_norm(x, (3, 4), w, b)",
     {any("x", {2, 3, 4}), any("w", {3, 4}), any("b", {3, 4})},
     [](A a) { return gg::layer_norm(a["x"], {3, 4}, a["w"], a["b"]); }},
    {"F::layer_norm without affine, eps 1e-3", "F.layer_norm(x, (5,), eps=1e-3)", {any("x", {4, 5})},
     [](A a) {
       namespace F = gg::nn::functional;
       return F::layer_norm(a["x"], F::LayerNormFuncOptions({5}).eps(1e-3));
     }},
    {"group_norm", "F.group_norm(x, 2, w, b)", {any("x", {2, 4, 3, 3}), any("w", {4}), any("b", {4})},
     [](A a) { return gg::group_norm(a["x"], 2, a["w"], a["b"]); }},
    {"embedding", "F.embedding(i, w)", {labels("i", {2, 3}, 5), any("w", {5, 4})},
     [](A a) { return gg::embedding(a["w"], a["i"]); }},
    {"embedding with padding_idx", "F.embedding(i, w, padding_idx=1)", {labels("i", {7}, 3), any("w", {3, 2})},
     [](A a) {
       namespace F = gg::nn::functional;
       return F::embedding(a["i"], a["w"], F::EmbeddingFuncOptions().padding_idx(1));
     }},
    {"cross_entropy", "F.cross_entropy(z, y)", {any("z", {5, 4}), labels("y", {5}, 4)},
     [](A a) { return gg::cross_entropy(a["z"], a["y"]); }},
    {"nn::cross_entropy", "F.cross_entropy(z, y)", {any("z", {5, 4}), labels("y", {5}, 4)},
     [](A a) { return gg::nn::cross_entropy(a["z"], a["y"]); }},
    {"cross_entropy, batch 1", "F.cross_entropy(z, y)", {any("z", {1, 10}), labels("y", {1}, 10)},
     [](A a) { return gg::cross_entropy(a["z"], a["y"]); }},
    {"cross_entropy of large logits", "F.cross_entropy(z, y)", {large("z", {6, 10}), labels("y", {6}, 10)},
     [](A a) { return gg::cross_entropy(a["z"], a["y"]); }},
    {"cross_entropy of transposed logits", "F.cross_entropy(z, y)", {any("z", {3, 5}).transposed(), labels("y", {3}, 5)},
     [](A a) { return gg::cross_entropy(a["z"], a["y"]); }},
    {"cross_entropy of expanded logits", "F.cross_entropy(z, y)", {any("z", {4, 5}).expanded(), labels("y", {4}, 5)},
     [](A a) { return gg::cross_entropy(a["z"], a["y"]); }},
    {"cross_entropy of stepped labels", "F.cross_entropy(z, y)", {any("z", {5, 4}), labels("y", {5}, 4).stepped()},
     [](A a) { return gg::cross_entropy(a["z"], a["y"]); }},
    {"cross_entropy, one class", "F.cross_entropy(z, y)", {any("z", {3, 1}), labels("y", {3}, 1)},
     [](A a) { return gg::cross_entropy(a["z"], a["y"]); }},
    {"cross_entropy, 128x10", "F.cross_entropy(z, y)", {any("z", {128, 10}), labels("y", {128}, 10)},
     [](A a) { return gg::cross_entropy(a["z"], a["y"]); }},
    {"mse_loss", "F.mse_loss(p, t)", {any("p", {4, 3}), any("t", {4, 3})}, [](A a) { return gg::nn::mse_loss(a["p"], a["t"]); }},
    {"mse_loss against a constant", "F.mse_loss(p, t)", {any("p", {4, 3}), any("t", {4, 3}).no_grad()},
     [](A a) { return gg::nn::mse_loss(a["p"], a["t"]); }},
    // --- torch.nn.functional's losses with their options (nn/loss.hpp) ---------------------
    {"F::mse_loss, sum", "F.mse_loss(p, t, reduction='sum')", {any("p", {4, 3}), any("t", {4, 3})},
     [](A a) { return F::mse_loss(a["p"], a["t"], F::MSELossFuncOptions(gg::kSum)); }},
    {"F::mse_loss, none", "F.mse_loss(p, t, reduction='none')", {any("p", {4, 3}).transposed(), any("t", {4, 3})},
     [](A a) { return F::mse_loss(a["p"], a["t"], F::MSELossFuncOptions().reduction(gg::kNone)); }},
    {"F::l1_loss", "F.l1_loss(p, t)", {any("p", {4, 3}), any("t", {4, 3})},
     [](A a) { return F::l1_loss(a["p"], a["t"]); }},
    {"F::l1_loss, none", "F.l1_loss(p, t, reduction='none')", {any("p", {5}), any("t", {5})},
     [](A a) { return F::l1_loss(a["p"], a["t"], F::L1LossFuncOptions(gg::kNone)); }},
    {"F::smooth_l1_loss", "F.smooth_l1_loss(p, t)", {any("p", {4, 5}), any("t", {4, 5})},
     [](A a) { return F::smooth_l1_loss(a["p"], a["t"]); }},
    {"F::smooth_l1_loss, beta 0.5, sum", "F.smooth_l1_loss(p, t, reduction='sum', beta=0.5)",
     {any("p", {4, 5}), any("t", {4, 5})},
     [](A a) { return F::smooth_l1_loss(a["p"], a["t"], F::SmoothL1LossFuncOptions(gg::kSum).beta(0.5)); }},
    {"F::smooth_l1_loss, beta 0", "F.smooth_l1_loss(p, t, beta=0.0)", {any("p", {6}), any("t", {6})},
     [](A a) { return F::smooth_l1_loss(a["p"], a["t"], F::SmoothL1LossFuncOptions().beta(0)); }},
    {"gg::smooth_l1_loss", "F.smooth_l1_loss(p, t)", {any("p", {3, 4}), any("t", {3, 4})},
     [](A a) { return gg::smooth_l1_loss(a["p"], a["t"]); }},
    {"F::huber_loss", "F.huber_loss(p, t)", {any("p", {4, 5}), any("t", {4, 5})},
     [](A a) { return F::huber_loss(a["p"], a["t"]); }},
    {"F::huber_loss, delta 0.3, none", "F.huber_loss(p, t, reduction='none', delta=0.3)",
     {any("p", {3, 4}), any("t", {3, 4})},
     [](A a) { return F::huber_loss(a["p"], a["t"], F::HuberLossFuncOptions(gg::kNone).delta(0.3)); }},
    {"F::binary_cross_entropy", "F.binary_cross_entropy(torch.sigmoid(z), torch.sigmoid(u))",
     {any("z", {4, 3}), any("u", {4, 3}).no_grad()},
     [](A a) { return F::binary_cross_entropy(gg::sigmoid(a["z"]), gg::sigmoid(a["u"])); }},
    {"F::binary_cross_entropy, weight, sum", "F.binary_cross_entropy(torch.sigmoid(z), torch.sigmoid(u), weight=w, reduction='sum')",
     {any("z", {4, 3}), any("u", {4, 3}).no_grad(), positive("w", {3}).no_grad()},
     [](A a) {
       return F::binary_cross_entropy(gg::sigmoid(a["z"]), gg::sigmoid(a["u"]),
                                      F::BinaryCrossEntropyFuncOptions().weight(a["w"]).reduction(gg::kSum));
     }},
    {"F::binary_cross_entropy_with_logits", "F.binary_cross_entropy_with_logits(z, torch.sigmoid(u))",
     {large("z", {4, 3}), any("u", {4, 3})},
     [](A a) { return F::binary_cross_entropy_with_logits(a["z"], gg::sigmoid(a["u"])); }},
    {"F::binary_cross_entropy_with_logits, weight, pos_weight, none",
     "F.binary_cross_entropy_with_logits(z, torch.sigmoid(u), weight=w, pos_weight=q, reduction='none')",
     {any("z", {4, 3}), any("u", {4, 3}).no_grad(), positive("w", {4, 3}).no_grad(), positive("q", {3}).no_grad()},
     [](A a) {
       return F::binary_cross_entropy_with_logits(
           a["z"], gg::sigmoid(a["u"]),
           F::BinaryCrossEntropyWithLogitsFuncOptions().weight(a["w"]).pos_weight(a["q"]).reduction(gg::kNone));
     }},
    {"F::kl_div, batchmean", "F.kl_div(F.log_softmax(z, 1), F.softmax(u, 1), reduction='batchmean')",
     {any("z", {4, 5}), any("u", {4, 5})},
     [](A a) {
       return F::kl_div(gg::log_softmax(a["z"], 1), gg::softmax(a["u"], 1), F::KLDivFuncOptions(gg::kBatchMean));
     }},
    {"F::kl_div, mean", "F.kl_div(F.log_softmax(z, 1), F.softmax(u, 1))", {any("z", {3, 4}), any("u", {3, 4})},
     [](A a) { return F::kl_div(gg::log_softmax(a["z"], 1), gg::softmax(a["u"], 1)); }},
    {"F::kl_div with zero targets", "F.kl_div(F.log_softmax(z, 1), torch.relu(u), reduction='sum')",
     {any("z", {3, 4}), with_zeros("u", {3, 4})},
     [](A a) { return F::kl_div(gg::log_softmax(a["z"], 1), gg::relu(a["u"]), F::KLDivFuncOptions(gg::kSum)); }},
    {"F::kl_div, log_target, none", "F.kl_div(F.log_softmax(z, 1), F.log_softmax(u, 1), reduction='none', log_target=True)",
     {any("z", {3, 4}), any("u", {3, 4})},
     [](A a) {
       return F::kl_div(gg::log_softmax(a["z"], 1), gg::log_softmax(a["u"], 1),
                        F::KLDivFuncOptions(gg::kNone).log_target(true));
     }},
    {"F::nll_loss", "F.nll_loss(F.log_softmax(z, 1), y)", {any("z", {6, 4}), labels("y", {6}, 4)},
     [](A a) { return F::nll_loss(gg::log_softmax(a["z"], 1), a["y"]); }},
    {"F::nll_loss, weight, ignore_index", "F.nll_loss(x, y, weight=w, ignore_index=2)",
     {any("x", {8, 4}), labels("y", {8}, 4), positive("w", {4}).no_grad()},
     [](A a) { return F::nll_loss(a["x"], a["y"], F::NLLLossFuncOptions().weight(a["w"]).ignore_index(2)); }},
    {"F::nll_loss, ignore_index, none", "F.nll_loss(x, y, ignore_index=0, reduction='none')",
     {any("x", {8, 3}), labels("y", {8}, 3)},
     [](A a) { return F::nll_loss(a["x"], a["y"], F::NLLLossFuncOptions().ignore_index(0).reduction(gg::kNone)); }},
    {"F::nll_loss of one sample", "F.nll_loss(x, y[0])", {any("x", {5}), labels("y", {1}, 5)},
     [](A a) { return F::nll_loss(a["x"], a["y"][0]); }},
    {"F::cross_entropy, default options", "F.cross_entropy(z, y)", {any("z", {5, 4}), labels("y", {5}, 4)},
     [](A a) { return F::cross_entropy(a["z"], a["y"]); }},
    {"F::cross_entropy, weight, sum", "F.cross_entropy(z, y, weight=w, reduction='sum')",
     {any("z", {6, 4}), labels("y", {6}, 4), positive("w", {4}).no_grad()},
     [](A a) { return F::cross_entropy(a["z"], a["y"], F::CrossEntropyFuncOptions().weight(a["w"]).reduction(gg::kSum)); }},
    {"F::cross_entropy, ignore_index", "F.cross_entropy(z, y, ignore_index=0)", {any("z", {8, 3}), labels("y", {8}, 3)},
     [](A a) { return F::cross_entropy(a["z"], a["y"], F::CrossEntropyFuncOptions().ignore_index(0)); }},
    {"F::cross_entropy, label_smoothing", "F.cross_entropy(z, y, label_smoothing=0.2)",
     {any("z", {6, 5}), labels("y", {6}, 5)},
     [](A a) { return F::cross_entropy(a["z"], a["y"], F::CrossEntropyFuncOptions().label_smoothing(0.2)); }},
    {"F::cross_entropy, label_smoothing, weight, ignore_index",
     "F.cross_entropy(z, y, weight=w, ignore_index=0, label_smoothing=0.1)",
     {any("z", {8, 4}), labels("y", {8}, 4), positive("w", {4}).no_grad()},
     [](A a) {
       return F::cross_entropy(a["z"], a["y"],
                               F::CrossEntropyFuncOptions().weight(a["w"]).ignore_index(0).label_smoothing(0.1));
     }},
    {"F::cross_entropy, label_smoothing, none", "F.cross_entropy(z, y, label_smoothing=0.3, reduction='none')",
     {any("z", {5, 3}), labels("y", {5}, 3)},
     [](A a) {
       return F::cross_entropy(a["z"], a["y"], F::CrossEntropyFuncOptions().label_smoothing(0.3).reduction(gg::kNone));
     }},
    {"F::cross_entropy, label_smoothing, weight, sum", "F.cross_entropy(z, y, weight=w, label_smoothing=0.25, reduction='sum')",
     {any("z", {5, 3}), labels("y", {5}, 3), positive("w", {3}).no_grad()},
     [](A a) {
       return F::cross_entropy(a["z"], a["y"],
                               F::CrossEntropyFuncOptions().weight(a["w"]).label_smoothing(0.25).reduction(gg::kSum));
     }},
    // K-dimensional inputs (N, C, d1, ..., dK), as a segmentation's: K = 1 and K = 2.
    {"F::nll_loss, K=1", "F.nll_loss(F.log_softmax(z, 1), y)", {any("z", {3, 4, 5}), labels("y", {3, 5}, 4)},
     [](A a) { return F::nll_loss(gg::log_softmax(a["z"], 1), a["y"]); }},
    {"F::nll_loss, K=2, weight, ignore_index, none", "F.nll_loss(x, y, weight=w, ignore_index=1, reduction='none')",
     {any("x", {2, 3, 4, 5}), labels("y", {2, 4, 5}, 3), positive("w", {3}).no_grad()},
     [](A a) {
       return F::nll_loss(a["x"], a["y"], F::NLLLossFuncOptions().weight(a["w"]).ignore_index(1).reduction(gg::kNone));
     }},
    {"F::nll_loss, K=2, weight, sum", "F.nll_loss(x, y, weight=w, reduction='sum')",
     {any("x", {2, 3, 4, 2}), labels("y", {2, 4, 2}, 3), positive("w", {3}).no_grad()},
     [](A a) { return F::nll_loss(a["x"], a["y"], F::NLLLossFuncOptions().weight(a["w"]).reduction(gg::kSum)); }},
    {"F::cross_entropy, K=1 (fused)", "F.cross_entropy(z, y)", {any("z", {4, 3, 6}), labels("y", {4, 6}, 3)},
     [](A a) { return F::cross_entropy(a["z"], a["y"]); }},
    {"F::cross_entropy, K=1, ignore_index, label_smoothing, none",
     "F.cross_entropy(z, y, ignore_index=2, label_smoothing=0.2, reduction='none')",
     {any("z", {3, 4, 5}), labels("y", {3, 5}, 4)},
     [](A a) {
       return F::cross_entropy(a["z"], a["y"],
                               F::CrossEntropyFuncOptions().ignore_index(2).label_smoothing(0.2).reduction(gg::kNone));
     }},
    {"F::cross_entropy, K=2, weight, ignore_index, label_smoothing",
     "F.cross_entropy(z, y, weight=w, ignore_index=0, label_smoothing=0.1)",
     {any("z", {2, 4, 3, 3}), labels("y", {2, 3, 3}, 4), positive("w", {4}).no_grad()},
     [](A a) {
       return F::cross_entropy(a["z"], a["y"],
                               F::CrossEntropyFuncOptions().weight(a["w"]).ignore_index(0).label_smoothing(0.1));
     }},
    {"F::cross_entropy of class probabilities, K=1, none", "F.cross_entropy(z, F.softmax(u, 1), reduction='none')",
     {any("z", {3, 4, 5}), any("u", {3, 4, 5})},
     [](A a) { return F::cross_entropy(a["z"], gg::softmax(a["u"], 1), F::CrossEntropyFuncOptions().reduction(gg::kNone)); }},
    {"F::cross_entropy of class probabilities, K=2, weight, label_smoothing",
     "F.cross_entropy(z, F.softmax(u, 1), weight=w, label_smoothing=0.2)",
     {any("z", {2, 3, 4, 2}), any("u", {2, 3, 4, 2}), positive("w", {3}).no_grad()},
     [](A a) {
       return F::cross_entropy(a["z"], gg::softmax(a["u"], 1),
                               F::CrossEntropyFuncOptions().weight(a["w"]).label_smoothing(0.2));
     }},
    {"F::cross_entropy of one sample", "F.cross_entropy(z, y[0])", {any("z", {4}), labels("y", {1}, 4)},
     [](A a) { return F::cross_entropy(a["z"], a["y"][0]); }},
    {"F::cross_entropy of class probabilities", "F.cross_entropy(z, F.softmax(u, 1))", {any("z", {4, 5}), any("u", {4, 5})},
     [](A a) { return F::cross_entropy(a["z"], gg::softmax(a["u"], 1)); }},
    {"F::cross_entropy of class probabilities, weight, label_smoothing",
     "F.cross_entropy(z, F.softmax(u, 1), weight=w, label_smoothing=0.2)",
     {any("z", {4, 5}), any("u", {4, 5}), positive("w", {5}).no_grad()},
     [](A a) {
       return F::cross_entropy(a["z"], gg::softmax(a["u"], 1),
                               F::CrossEntropyFuncOptions().weight(a["w"]).label_smoothing(0.2));
     }},
    {"CrossEntropyLoss module", "F.cross_entropy(z, y, label_smoothing=0.1)", {any("z", {5, 4}), labels("y", {5}, 4)},
     [](A a) {
       gg::nn::CrossEntropyLoss criterion(gg::nn::CrossEntropyLossOptions().label_smoothing(0.1));
       return criterion(a["z"], a["y"]);
     }},
    {"l2_penalty", "0.01 * (w * w).sum()", {any("w", {5, 3})}, [](A a) { return gg::l2_penalty(a["w"], 0.01); }},
    {"l2_penalty of a transposed weight", "0.5 * (w * w).sum()", {any("w", {5, 3}).transposed()},
     [](A a) { return gg::l2_penalty(a["w"], 0.5); }},
    {"mse_loss of transposed leaves", "F.mse_loss(p, t)", {any("p", {4, 3}).transposed(), any("t", {4, 3}).transposed()},
     [](A a) { return gg::nn::mse_loss(a["p"], a["t"]); }},
    {"l2_penalty of a stepped weight", "0.1 * (w * w).sum()", {any("w", {5, 3}).stepped()},
     [](A a) { return gg::l2_penalty(a["w"], 0.1); }},
    {"l2_penalty, lambda 0", "0.0 * (w * w).sum()", {any("w", {5, 3})}, [](A a) { return gg::l2_penalty(a["w"], 0.0); }},
    {"dropout, p = 0", "F.dropout(x, 0.0)", {any("x", {4, 5})},
     [](A a) { gg::Generator gen(5); return gg::dropout(a["x"], 0.0, gen); }},
    {"dropout in eval", "F.dropout(x, 0.5, training=False)", {any("x", {4, 5})},
     [](A a) { gg::Generator gen(5); return gg::dropout(a["x"], 0.5, gen, false); }},
    // gategrad's mask comes from its own stream, so torch takes it from gategrad's output: this
    // checks the scale of the kept elements and that the backward uses the forward's mask.
    {"dropout, p = 0.25, gategrad's mask", "x * (gg_output != 0) * (1 / 0.75)", {any("x", {8, 16})},
     [](A a) { gg::Generator gen(5); return gg::dropout(a["x"], 0.25, gen); }},
    {"dropout, p = 0.5, of a transposed leaf, gategrad's mask", "x * (gg_output != 0) * 2", {any("x", {6, 5}).transposed()},
     [](A a) { gg::Generator gen(6); return gg::dropout(a["x"], 0.5, gen); }},
    {"dropout, p = 1", "F.dropout(x, 1.0)", {any("x", {4, 5})},
     [](A a) { gg::Generator gen(5); return gg::dropout(a["x"], 1.0, gen); }},
    {"nn::Flatten", "torch.nn.Flatten()(x)", {any("x", {2, 3, 4})}, [](A a) { return gg::nn::Flatten().forward(a["x"]); }},
    {"nn::ReLU", "torch.nn.ReLU()(x)", {any("x", {2, 3})}, [](A a) { return gg::nn::ReLU().forward(a["x"]); }},
    {"nn::Sigmoid", "torch.nn.Sigmoid()(x)", {any("x", {2, 3})}, [](A a) { return gg::nn::Sigmoid().forward(a["x"]); }},
    {"nn::Tanh", "torch.nn.Tanh()(x)", {any("x", {2, 3})}, [](A a) { return gg::nn::Tanh().forward(a["x"]); }},

    // --- shape ops: joins, parts (views), flips, rolls, tiles, triangles, pads ----------------
    {"cat", "torch.cat([x, y])", {any("x", {2, 3}), any("y", {4, 3})}, [](A a) { return gg::cat({a["x"], a["y"]}); }},
    {"cat dim 1 of three, transposed and stepped", "torch.cat([x, y, z], 1)",
     {any("x", {3, 2}), any("y", {3, 4}).transposed(), any("z", {3, 2}).stepped()},
     [](A a) { return gg::cat({a["x"], a["y"], a["z"]}, 1); }},
    {"cat of an expanded leaf, dim -1", "torch.cat([x, y], -1)", {any("x", {2, 3}).expanded(), any("y", {2, 1})},
     [](A a) { return gg::cat({a["x"], a["y"]}, -1); }},
    {"cat promotes", "torch.cat([x, y])", {any("x", {2, 3}), any("y", {1, 3}).other_dtype()},
     [](A a) { return gg::cat({a["x"], a["y"]}); }},
    {"cat skips a 1-D empty tensor", "torch.cat([e, x, e], 1)", {any("e", {0}).no_grad(), any("x", {2, 3})},
     [](A a) { return gg::cat({a["e"], a["x"], a["e"]}, 1); }},
    {"stack dim 1", "torch.stack([x, y], 1)", {any("x", {2, 3}), any("y", {2, 3}).transposed()},
     [](A a) { return gg::stack({a["x"], a["y"]}, 1); }},
    {"split", "torch.cat([p * (i + 1) for i, p in enumerate(x.split(2, 1))], 1)", {any("x", {3, 5})}, [](A a) {
       std::vector<Tensor> p = gg::split(a["x"], 2, 1);
       for (std::size_t i = 0; i < p.size(); ++i) p[i] = p[i] * static_cast<double>(i + 1);
       return gg::cat(p, 1);
     }},
    {"split with sizes, transposed", "torch.cat(x.split([1, 3], 0)[::-1])", {any("x", {4, 3}).transposed()}, [](A a) {
       const std::vector<Tensor> p = a["x"].split({1, 3}, 0);
       return gg::cat({p[1], p[0]});
     }},
    {"chunk", "torch.cat(x.chunk(3, -1)[::-1], -1)", {any("x", {2, 5})}, [](A a) {
       const std::vector<Tensor> p = gg::chunk(a["x"], 3, -1);
       return gg::cat({p[2], p[1], p[0]}, -1);
     }},
    {"unbind, stepped", "x.unbind(1)[0] * x.unbind(1)[2]", {any("x", {4, 3}).stepped()}, [](A a) {
       const std::vector<Tensor> p = a["x"].unbind(1);
       return p[0] * p[2];
     }},
    {"flip", "x.flip(0, 2)", {any("x", {2, 3, 4})}, [](A a) { return gg::flip(a["x"], {0, 2}); }},
    {"flip, transposed", "x.flip(-1)", {any("x", {3, 4}).transposed()}, [](A a) { return a["x"].flip(-1); }},
    {"flip, expanded", "x.flip(0, 1)", {any("x", {3, 4}).expanded()}, [](A a) { return a["x"].flip({0, 1}); }},
    {"roll", "x.roll(1, 1)", {any("x", {3, 4})}, [](A a) { return gg::roll(a["x"], 1, 1); }},
    {"roll two dims, stepped", "x.roll((-1, 5), (0, 1))", {any("x", {3, 4}).stepped()},
     [](A a) { return a["x"].roll({-1, 5}, {0, 1}); }},
    {"roll flattened, transposed", "x.roll(3)", {any("x", {3, 4}).transposed()}, [](A a) { return a["x"].roll(3); }},
    {"repeat", "x.repeat(2, 1, 3)", {any("x", {2, 3})}, [](A a) { return gg::repeat(a["x"], {2, 1, 3}); }},
    {"repeat, transposed", "x.repeat(1, 2)", {any("x", {2, 3}).transposed()}, [](A a) { return a["x"].repeat({1, 2}); }},
    {"repeat, expanded", "x.repeat(2, 2)", {any("x", {2, 3}).expanded()}, [](A a) { return a["x"].repeat({2, 2}); }},
    {"tril", "x.tril()", {any("x", {4, 5})}, [](A a) { return gg::tril(a["x"]); }},
    {"tril -1 of a batch", "x.tril(-1)", {any("x", {2, 3, 3})}, [](A a) { return a["x"].tril(-1); }},
    {"triu 1, transposed", "torch.triu(x, 1)", {any("x", {5, 4}).transposed()}, [](A a) { return gg::triu(a["x"], 1); }},
    {"triu batch 1", "x.triu()", {any("x", {1, 3, 4})}, [](A a) { return a["x"].triu(); }},
    {"F::pad", "F.pad(x, [1, 2], value=0.5)", {any("x", {2, 3})}, [](A a) {
       return gg::nn::functional::pad(a["x"], gg::nn::functional::PadFuncOptions({1, 2}).value(0.5));
     }},
    {"constant_pad_nd cropping", "F.pad(x, [-1, 2, 1, -1])", {any("x", {3, 4})},
     [](A a) { return gg::constant_pad_nd(a["x"], {-1, 2, 1, -1}); }},
    {"constant_pad_nd, transposed", "torch.constant_pad_nd(x, [1, 1, 0, 2], 1.5)", {any("x", {3, 4}).transposed()},
     [](A a) { return gg::constant_pad_nd(a["x"], {1, 1, 0, 2}, 1.5); }},
    {"constant_pad_nd, expanded", "F.pad(x, [0, 0, 2, 0])", {any("x", {3, 4}).expanded()},
     [](A a) { return gg::constant_pad_nd(a["x"], {0, 0, 2, 0}); }},

    // --- in-place ops on a recorded result (autograd/inplace.cpp): the node rebases ----------
    {"add_ with alpha", "(x * 1).add_(y, alpha=2)", {any("x", {3, 4}), any("y", {3, 4})},
     [](A a) { return (a["x"] * 1).add_(a["y"], 2); }},
    {"sub_ of a broadcast row", "(x * 1).sub_(b)", {any("x", {3, 4}), any("b", {4})},
     [](A a) { return (a["x"] * 1).sub_(a["b"]); }},
    {"add_ of a number, alpha", "(x * 1).add_(0.5, alpha=3)", {any("x", {3, 4})},
     [](A a) { return (a["x"] * 1).add_(0.5, 3); }},
    {"mul_, both gradients", "(x * 1).mul_(y)", {any("x", {3, 4}), any("y", {3, 4})},
     [](A a) { return (a["x"] * 1).mul_(a["y"]); }},
    {"mul_ of a transposed operand", "(x * 1).mul_(y)", {any("x", {3, 4}), any("y", {3, 4}).transposed()},
     [](A a) { return (a["x"] * 1).mul_(a["y"]); }},
    {"mul_ by a number", "(x * 1).mul_(3)", {any("x", {3, 4})}, [](A a) { return (a["x"] * 1).mul_(3); }},
    {"div_", "(x * 1).div_(y)", {any("x", {3, 4}), nonzero("y", {3, 4})},
     [](A a) { return (a["x"] * 1).div_(a["y"]); }},
    {"div_ by a number", "(x * 1).div_(4)", {any("x", {3, 4})}, [](A a) { return (a["x"] * 1).div_(4); }},
    {"pow_", "(x * 1).pow_(3)", {any("x", {3, 4})}, [](A a) { return (a["x"] * 1).pow_(3); }},
    {"clamp_", "(x * 1).clamp_(-0.5, 0.5)", {any("x", {3, 4})}, [](A a) { return (a["x"] * 1).clamp_(-0.5, 0.5); }},
    {"clamp_min_, clamp_max_", "(x * 1).clamp_min_(-0.5).clamp_max_(0.7)", {any("x", {3, 4})},
     [](A a) { return (a["x"] * 1).clamp_min_(-0.5).clamp_max_(0.7); }},
    {"masked_fill_", "(x * 1).masked_fill_(x > 0, 0.5)", {any("x", {3, 4})},
     [](A a) { return (a["x"] * 1).masked_fill_(a["x"] > 0, 0.5); }},
    {"neg_, abs_, exp_ chained", "(x * 1).neg_().abs_().exp_()", {any("x", {3, 4})},
     [](A a) { return (a["x"] * 1).neg_().abs_().exp_(); }},
    {"log_, sqrt_", "(x * 1).log_().add_(1).sqrt_()", {positive("x", {3, 4})},
     [](A a) { return (a["x"] * 1).log_().add_(1).sqrt_(); }},
    // (torch refuses sigmoid_ after relu_, whose saved output it overwrites; gategrad's node
    // saved a separate result, so it runs: docs/PORTING.md)
    {"relu_", "(x * 1).relu_()", {with_zeros("x", {3, 4})}, [](A a) { return (a["x"] * 1).relu_(); }},
    {"sigmoid_", "(x * 1).sigmoid_()", {any("x", {3, 4})}, [](A a) { return (a["x"] * 1).sigmoid_(); }},
    {"tanh_", "(x * 1).tanh_()", {any("x", {3, 4})}, [](A a) { return (a["x"] * 1).tanh_(); }},
    {"copy_ of a broadcast row into zeros", "torch.zeros_like(x).copy_(b) * x", {any("x", {3, 4}), any("b", {4})},
     [](A a) {
       Tensor z = gg::zeros_like(a["x"]);
       z.copy_(a["b"]);
       return z * a["x"];
     }},
    {"copy_ over a recorded result", "(x * 2).copy_(y) + x", {any("x", {3, 4}), any("y", {3, 4})},
     [](A a) { return (a["x"] * 2).copy_(a["y"]) + a["x"]; }},
    {"zero_ and fill_ of recorded results", "(x * 2).zero_() + (x * y).fill_(1.5) * y",
     {any("x", {3, 4}), any("y", {3, 4})},
     [](A a) { return (a["x"] * 2).zero_() + (a["x"] * a["y"]).fill_(1.5) * a["y"]; }},

    // --- norms (autograd/gates/norm_gate.cpp) and the methods of the elementwise ops --------
    {"norm", "x.norm()", {any("x", {3, 4})}, [](A a) { return a["x"].norm(); }},
    {"norm over dim 1, keepdim", "x.norm(2, 1, True)", {any("x", {3, 4})}, [](A a) { return a["x"].norm(2, {1}, true); }},
    {"norm with a zero row (gradient 0 there)", "torch.norm(x * torch.where(m > 1.2, m, torch.zeros_like(m)), 2, (0,))", {any("x", {3, 4}), positive("m", {4}).no_grad()},
     [](A a) { return gg::norm(a["x"] * gg::where(a["m"] > 1.2, a["m"], gg::zeros_like(a["m"])), 2, {0}); }},
    {"norm p = 1 over dims 0 and 2", "x.norm(1, (0, 2))", {any("x", {2, 3, 4})}, [](A a) { return a["x"].norm(1, {0, 2}); }},
    {"norm p = inf, transposed", "x.norm(float('inf'), -1)", {any("x", {4, 3}).transposed()},
     [](A a) { return a["x"].norm(INFINITY, {-1}); }},
    {"norm p = -inf", "x.norm(float('-inf'), 0)", {any("x", {4, 3})}, [](A a) { return a["x"].norm(-INFINITY, {0}); }},
    {"norm p = 3", "x.norm(3, 1)", {any("x", {3, 4})}, [](A a) { return a["x"].norm(3, {1}); }},
    {"methods: pow, clamp, abs, maximum, where", "x.pow(3).clamp(-1, 2).abs().maximum(y).where(y > 0, x)",
     {any("x", {3, 4}), any("y", {3, 4})},
     [](A a) { return a["x"].pow(3).clamp(-1, 2).abs().maximum(a["y"]).where(a["y"] > 0, a["x"]); }},
    {"methods: sin, cos, log1p, expm1, erf, rsqrt, square", "x.sin() + x.cos() + x.log1p() + x.expm1() + x.erf() + x.rsqrt() + x.square()",
     {positive("x", {3, 4})},
     [](A a) { return a["x"].sin() + a["x"].cos() + a["x"].log1p() + a["x"].expm1() + a["x"].erf() + a["x"].rsqrt() + a["x"].square(); }},
    {"compound assignment on a recorded result", "(lambda h: h.add_(y).mul_(2).sub_(x).div_(3))(x * 1)",
     {any("x", {3, 4}), any("y", {3, 4})},
     [](A a) {
       Tensor h = a["x"] * 1;
       h += a["y"];
       h *= 2;
       h -= a["x"];
       h /= 3;
       return h;
     }},

    // --- LibTorch's tensor indexing (autograd/tensor_index.cpp) ------------------------------
    {"index: slice and integer", "x[1:, 0]", {any("x", {3, 4, 2})},
     [](A a) { return a["x"].index({gg::indexing::Slice(1, gg::indexing::None), 0}); }},
    {"index: None, ellipsis, stepped slice", "x[None, ..., ::2]", {any("x", {3, 5})},
     [](A a) { return a["x"].index({gg::indexing::None, "...", gg::indexing::Slice(gg::indexing::None, gg::indexing::None, 2)}); }},
    {"index: int64 tensor with repeats", "x[i]", {any("x", {3, 5}), labels("i", {6}, 3)},
     [](A a) { return a["x"].index({a["i"]}); }},
    {"index: two adjacent tensors", "x[:, i, j]", {any("x", {2, 3, 4}), labels("i", {5}, 3), labels("j", {5}, 4)},
     [](A a) { return a["x"].index({gg::indexing::Slice(), a["i"], a["j"]}); }},
    {"index: two tensors apart (picked dims first)", "x[i, :, j]", {any("x", {3, 2, 4}), labels("i", {5}, 3), labels("j", {5}, 4)},
     [](A a) { return a["x"].index({a["i"], gg::indexing::Slice(), a["j"]}); }},
    {"index: a bool mask over two dims, transposed input", "x[x > 0]", {any("x", {4, 3}).transposed()},
     [](A a) { return a["x"].index({a["x"] > 0}); }},
    {"index_put_ of a broadcast row", "(lambda h: (h.__setitem__((slice(None), 1), v), h)[1])(x * 1)",
     {any("x", {3, 4, 2}), any("v", {2})},
     [](A a) { return (a["x"] * 1).index_put_({gg::indexing::Slice(), 1}, a["v"]); }},
    {"index_put_ accumulating repeats", "(x * 1).index_put_((i,), v, accumulate=True)",
     {any("x", {3, 4}), labels("i", {6}, 3), any("v", {6, 4})},
     [](A a) { return (a["x"] * 1).index_put_({a["i"]}, a["v"], true); }},
    {"index_put out of place, mask", "torch.index_put(x, (x > 0,), v)", {any("x", {3, 4}), any("v", {1})},
     [](A a) {
       const gg::indexing::TensorIndex at[] = {a["x"] > 0};
       return gg::index_put(a["x"], at, a["v"]);
     }},

    // --- compositions: a small network and its loss ------------------------------------------
    {"two-layer net with cross_entropy and l2", "F.cross_entropy(F.linear(torch.relu(F.linear(x, w1, b1)), w2, b2), y)"
     " + 0.001 * ((w1 * w1).sum() + (w2 * w2).sum())",
     {any("x", {8, 6}), any("w1", {5, 6}), any("b1", {5}), any("w2", {3, 5}), any("b2", {3}), labels("y", {8}, 3)},
     [](A a) {
       const Tensor h = gg::relu(gg::nn::linear(a["x"], a["w1"], a["b1"]));
       return gg::cross_entropy(gg::nn::linear(h, a["w2"], a["b2"]), a["y"]) +
              gg::l2_penalty(a["w1"], 0.001) + gg::l2_penalty(a["w2"], 0.001);
     }},
    {"softmax composed of exp, sum and div", "torch.exp(x) / torch.exp(x).sum(1, keepdim=True)", {any("x", {3, 4})},
     [](A a) { return gg::exp(a["x"]) / gg::sum(gg::exp(a["x"]), {1}, true); }},
    {"log-sum-exp composed", "torch.log(torch.exp(x).sum(-1))", {any("x", {3, 4})},
     [](A a) { return gg::log(gg::sum(gg::exp(a["x"]), {-1})); }},
    {"tanh of sigmoid of mm, mean", "torch.tanh(torch.sigmoid(a @ b)).mean(0)", {any("a", {3, 4}), any("b", {4, 2})},
     [](A a) { return gg::mean(gg::tanh(gg::sigmoid(gg::mm(a["a"], a["b"]))), {0}); }},
};

// FNV-1a of the row's name: a row's inputs do not change when rows are added or reordered.
std::uint64_t seed_of(const std::string& name, gg::Dtype dtype) {
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : name) h = (h ^ c) * 1099511628211ull;
  return h ^ static_cast<std::uint64_t>(dtype);
}

// Draw number i from an input's domain.
double draw(Domain domain, std::int64_t classes, std::int64_t i, gg::Generator& gen) {
  switch (domain) {
    case Domain::Any: return gen.normal();
    case Domain::Positive: return 0.25 + 2.0 * gen.uniform01();
    case Domain::AwayFromZero: {
      const double magnitude = 0.5 + 1.5 * gen.uniform01();
      return gen.uniform01() < 0.5 ? -magnitude : magnitude;
    }
    case Domain::Large: return 30.0 * gen.normal();
    case Domain::WithZeros: return i % 3 == 0 ? 0.0 : gen.normal();
    case Domain::Labels: return static_cast<double>(gen.below(static_cast<std::uint64_t>(classes)));
  }
  throw std::logic_error("op_oracle: unknown domain");
}

std::vector<std::int64_t> list(gg::IntArrayRef r) { return {r.begin(), r.end()}; }

// A number as JSON: non-finite ones as the strings "nan", "inf", "-inf" (JSON has no such
// numbers). nlohmann prints finite doubles with round-trip precision, and a float32 or bfloat16
// value is a double exactly, so every element reads back bit for bit.
json number(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  return v;
}

// The elements in row-major order of the sizes (whatever the strides), as numbers (int64 as
// integers).
json values(const Tensor& t) {
  const Tensor c = t.detach().contiguous();
  json out = json::array();
  gg::visit_dtype(c.dtype(), [&]<class T>() {
    const T* p = c.data_ptr<T>();
    for (std::int64_t i = 0, n = c.numel(); i < n; ++i) {
      if constexpr (std::is_same_v<T, std::int64_t> || std::is_same_v<T, bool>) out.push_back(p[i]);
      else out.push_back(number(static_cast<double>(p[i])));
    }
  });
  return out;
}

// A tensor of the sizes, drawn from the domain in row-major order, in the dtype.
Tensor drawn(const std::vector<std::int64_t>& sizes, Domain domain, std::int64_t classes, gg::Dtype dtype,
             gg::Generator& gen) {
  std::int64_t n = 1;
  for (std::int64_t s : sizes) n *= s;
  if (domain == Domain::Labels) {
    std::vector<std::int64_t> v;
    for (std::int64_t i = 0; i < n; ++i) v.push_back(static_cast<std::int64_t>(draw(domain, classes, i, gen)));
    return gg::from_values(std::span<const std::int64_t>(v), sizes);
  }
  std::vector<double> v;
  for (std::int64_t i = 0; i < n; ++i) v.push_back(draw(domain, classes, i, gen));
  return gg::from_values(std::span<const double>(v), sizes).to(dtype);
}

// The leaf an input describes, and its JSON: the base's elements (its storage) with the leaf's
// sizes, strides and offset over them, which op_oracle.py rebuilds with torch.as_strided.
std::pair<Tensor, json> make_input(const Input& in, gg::Dtype dtype, gg::Generator& gen) {
  const auto rank = static_cast<std::int64_t>(in.sizes.size());
  if ((in.layout == Layout::Transposed && rank < 2) || (in.layout != Layout::Contiguous && rank < 1)) {
    throw std::invalid_argument("op_oracle: input '" + in.name + "' is too low in rank for its layout");
  }
  std::vector<std::int64_t> base_sizes = in.sizes;
  switch (in.layout) {
    case Layout::Contiguous: break;
    case Layout::Transposed: std::swap(base_sizes[base_sizes.size() - 1], base_sizes[base_sizes.size() - 2]); break;
    case Layout::Stepped: base_sizes.back() = 2 * base_sizes.back() + 1; break;
    case Layout::Expanded: base_sizes.front() = 1; break;
  }
  const Tensor base = drawn(base_sizes, in.domain, in.classes, dtype, gen);
  Tensor leaf;
  switch (in.layout) {
    case Layout::Contiguous: leaf = base; break;
    case Layout::Transposed: leaf = base.transpose(-2, -1).detach(); break;
    case Layout::Stepped: leaf = base.slice(-1, 1, std::nullopt, 2).detach(); break;
    case Layout::Expanded: leaf = base.expand(in.sizes).detach(); break;
  }
  if (in.layout != Layout::Contiguous && leaf.is_contiguous()) {
    throw std::invalid_argument("op_oracle: input '" + in.name + "' asks for a non-contiguous layout its sizes cannot have");
  }
  if (in.grad) leaf.requires_grad_();
  const json record = {{"name", in.name},
                       {"dtype", gg::name(dtype)},
                       {"sizes", list(leaf.sizes())},
                       {"strides", list(leaf.strides())},
                       {"offset", leaf.storage_offset()},
                       {"storage", values(base)},
                       {"requires_grad", in.grad}};
  return {leaf, record};
}

// Runs one row in one dtype: inputs, output, a random output gradient, backward, gradients.
json run(const Row& row, gg::Dtype dtype) {
  const gg::Dtype other = dtype == gg::kFloat64 ? gg::kFloat32 : gg::kFloat64;
  json record = {{"name", row.name},           {"dtype", gg::name(dtype)},
                 {"other_dtype", gg::name(other)}, {"torch", row.torch},
                 {"mismatch", row.expect.mismatch}, {"known", row.expect.known},
                 {"inputs", json::array()}};
  try {
    gg::Generator gen(seed_of(row.name, dtype));
    std::vector<Tensor> leaves;
    for (const Input& in : row.inputs) {
      const gg::Dtype input_dtype = in.fixed      ? *in.fixed
                                    : in.domain == Domain::Labels ? gg::kInt64
                                    : in.other                    ? other
                                                                  : dtype;
      auto [leaf, json_input] = make_input(in, input_dtype, gen);
      leaves.push_back(leaf);
      record["inputs"].push_back(json_input);
    }
    const Tensor out = row.gg(Args{row.inputs, leaves, dtype, other});
    record["output"] = {{"dtype", gg::name(out.dtype())}, {"sizes", list(out.sizes())}, {"values", values(out)}};
    if (!out.requires_grad()) throw std::logic_error("the output does not require a gradient");
    const Tensor dout = drawn(list(out.sizes()), Domain::Any, 0, out.dtype(), gen);
    record["grad_output"] = values(dout);
    out.backward(dout);
    json grads = json::object();
    for (std::size_t i = 0; i < leaves.size(); ++i) {
      if (!row.inputs[i].grad) continue;
      const Tensor& g = leaves[i].grad();
      grads[row.inputs[i].name] =
          g.defined() ? json{{"dtype", gg::name(g.dtype())}, {"sizes", list(g.sizes())}, {"values", values(g)}} : json();
    }
    record["grads"] = grads;
  } catch (const std::exception& e) {
    record["error"] = e.what();
  }
  return record;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: op_oracle OUT.json\n";
    return 2;
  }
  try {
    std::set<std::string> names;
    json cases = json::array();
    for (const Row& row : kRows) {
      if (!names.insert(row.name).second) throw std::invalid_argument("two rows are named '" + row.name + "'");
    }
    for (gg::Dtype dtype : {gg::kFloat64, gg::kFloat32}) {
      for (const Row& row : kRows) {
        const auto& dtypes = row.expect.dtypes;
        if (std::find(dtypes.begin(), dtypes.end(), dtype) != dtypes.end()) cases.push_back(run(row, dtype));
      }
    }
    std::ofstream out(argv[1]);
    out << cases.dump();
    if (!out.flush()) throw std::runtime_error(std::string("cannot write ") + argv[1]);
    std::cout << "op_oracle: wrote " << cases.size() << " cases of " << kRows.size() << " rows to " << argv[1] << "\n";
  } catch (const std::exception& e) {
    std::cerr << "op_oracle: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
