// The elementwise ops of issue 12 (pow, rsqrt, sign, clamp, sin, cos, log1p, expm1, erf, the
// activations, where/masked_fill, comparisons, logical ops, all/any, isnan/isinf/isfinite):
// values against torch 1.13 for NaN, Inf, -0, ties, integer dtypes and type promotion, the
// gradients PyTorch takes at kinks and ties, and the errors. Each expected list was printed by
// /usr/bin/python3 -c "import torch; ..." with the command in the comment above it.
#include <gategrad/autograd/ops.hpp>
#include <gategrad/tensor/native.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

using gg::Tensor;
namespace native = gg::native;

namespace {
const double kNaN = std::numeric_limits<double>::quiet_NaN();
const double kInf = std::numeric_limits<double>::infinity();
constexpr int kRepeats = 5;  // 5 copies: every value lands in a vector lane and in a scalar tail

// `values` repeated kRepeats times as a contiguous tensor of `dtype` (float32: the xsimd path).
Tensor repeated(const std::vector<double>& values, gg::Dtype dtype = gg::kFloat32) {
  std::vector<double> all;
  for (int r = 0; r < kRepeats; ++r) all.insert(all.end(), values.begin(), values.end());
  return native::to(gg::from_values(std::span<const double>(all), {static_cast<std::int64_t>(all.size())}), dtype);
}

std::vector<double> as_doubles(const Tensor& t) {
  const Tensor d = native::contiguous(native::to(t, gg::kFloat64));
  return std::vector<double>(d.data_ptr<double>(), d.data_ptr<double>() + d.numel());
}

// Every element of t (each copy of a repeated tensor) equals `expected`: NaN matches NaN, a
// zero's sign must match, others within rtol.
void check_values(const Tensor& t, const std::vector<double>& expected, double rtol = 2e-6) {
  const std::vector<double> got = as_doubles(t);
  REQUIRE(got.size() % expected.size() == 0);
  for (std::size_t i = 0; i < got.size(); ++i) {
    const double want = expected[i % expected.size()];
    INFO("element " << i << ": got " << got[i] << ", expected " << want);
    if (std::isnan(want)) {
      CHECK(std::isnan(got[i]));
    } else if (want == 0 || std::isinf(want)) {
      CHECK(got[i] == want);
      CHECK(std::signbit(got[i]) == std::signbit(want));
    } else {
      CHECK(std::abs(got[i] - want) <= rtol * std::abs(want));
    }
  }
}

// x = [nan, inf, -inf, -0, 0, -2, 3]
const std::vector<double> kSpecial = {kNaN, kInf, -kInf, -0.0, 0.0, -2.0, 3.0};
// x = [-3, -0.5, -0, 0, 0.5, 3, nan, inf, -inf]
const std::vector<double> kActivation = {-3, -0.5, -0.0, 0.0, 0.5, 3, kNaN, kInf, -kInf};
}  // namespace

TEST_CASE("sign, rsqrt, pow with a number exponent: NaN, Inf, -0 as torch", "[elementwise_ops]") {
  const Tensor t = repeated(kSpecial);
  // torch.sign(t)
  check_values(native::sign(t), {0, 1, -1, 0, 0, -1, 1});
  // torch.neg(t): the sign of zero flips in the vector lanes too
  check_values(native::neg(t), {kNaN, -kInf, kInf, 0.0, -0.0, 2, -3});
  check_values(native::neg(repeated(kSpecial, gg::kFloat64)), {kNaN, -kInf, kInf, 0.0, -0.0, 2, -3});
  // torch.rsqrt(t)
  check_values(native::rsqrt(t), {kNaN, 0, kNaN, -kInf, kInf, kNaN, 0.57735026918962576});
  // torch.pow(t, 2), torch.pow(t, 0), torch.pow(t, -1), torch.pow(t, 0.5)
  check_values(native::pow(t, 2), {kNaN, kInf, kInf, 0, 0, 4, 9});
  check_values(native::pow(t, 0), {1, 1, 1, 1, 1, 1, 1});
  check_values(native::pow(t, -1), {kNaN, 0, -0.0, -kInf, kInf, -0.5, 1.0 / 3});
  check_values(native::pow(t, 0.5), {kNaN, kInf, kNaN, -0.0, 0.0, kNaN, 1.7320508075688772});
  // torch.sign(torch.tensor([-3, 0, 2])) is int64; torch.sign(torch.tensor([True, False])) bool
  CHECK(native::sign(gg::tensor({-3, 0, 2})).dtype() == gg::kInt64);
  check_values(native::sign(gg::tensor({-3, 0, 2})), {-1, 0, 1});
  CHECK(native::sign(gg::tensor({true, false})).dtype() == gg::kBool);
}

TEST_CASE("pow with tensor exponents: C's special values in the vector lanes too", "[elementwise_ops]") {
  // b = [0, 0, -0, -0, nan, 1, -1, -2, -8, inf, -inf, -inf, 2, 10]
  // e = [-1, 0, -1, 3, 0, nan, inf, 3, 1/3, -2, 3, 0.5, 0.5, 20]; torch.pow(b, e).tolist()
  const std::vector<double> b = {0, 0, -0.0, -0.0, kNaN, 1, -1, -2, -8, kInf, -kInf, -kInf, 2, 10};
  const std::vector<double> e = {-1, 0, -1, 3, 0, kNaN, kInf, 3, 1.0 / 3, -2, 3, 0.5, 0.5, 20};
  const std::vector<double> want = {kInf, 1, -kInf, -0.0, 1, 1, 1, -8, kNaN, 0, -kInf, kInf,
                                    1.4142135623730951, 1e20};
  check_values(native::pow(repeated(b), repeated(e)), want, 1e-6);
  check_values(native::pow(repeated(b, gg::kFloat64), repeated(e, gg::kFloat64)), want, 1e-13);
  // torch.pow(torch.tensor([3.0]), 50.), torch.pow(torch.tensor([1.0001]), 500000.): large
  // results through exp(y log x) stay within 1e-5 (Sleef's are within 1 ulp)
  check_values(native::pow(repeated({3.0, 1.0001}), 50.0), {7.178979919544538e+23, 1.0050122}, 1e-5);
  check_values(native::pow(repeated({1.0001}), 500000.0), {5.214844672271817e+21}, 1e-5);
}

TEST_CASE("pow on integers, promotion, and its errors", "[elementwise_ops]") {
  // torch.pow(torch.tensor([2, -3, 0]), 3) -> int64 [8, -27, 0]
  const Tensor cube = native::pow(gg::tensor({2, -3, 0}), 3);
  CHECK(cube.dtype() == gg::kInt64);
  check_values(cube, {8, -27, 0});
  // torch.pow(torch.tensor([2, -3]), 2.5) -> float32 [5.6569, nan]
  const Tensor fractional = native::pow(gg::tensor({2, -3}), 2.5);
  CHECK(fractional.dtype() == gg::kFloat32);
  check_values(fractional, {5.656854249492381, kNaN});
  // torch.pow(torch.tensor([2, 1, -1, 0]), torch.tensor([-1, -2, -3, 2])) -> [0, 1, -1, 0]
  check_values(native::pow(gg::tensor({2, 1, -1, 0}), gg::tensor({-1, -2, -3, 2})), {0, 1, -1, 0});
  // torch.pow(2, torch.tensor([1, 3])) int64 [2, 8]; torch.pow(2.0, ...) float32
  CHECK(native::pow(2, gg::tensor({1, 3})).dtype() == gg::kInt64);
  check_values(native::pow(2, gg::tensor({1, 3})), {2, 8});
  CHECK(native::pow(2.0, gg::tensor({1, 3})).dtype() == gg::kFloat32);
  // torch.pow(torch.tensor([2]), torch.tensor(0.5)).dtype -> float32 (a 0-dim float wins)
  CHECK(native::pow(gg::tensor({2}), gg::scalar_tensor(0.5)).dtype() == gg::kFloat32);
  // torch.pow(torch.tensor([2]), -1): "Integers to negative integer powers are not allowed."
  CHECK_THROWS_WITH(native::pow(gg::tensor({2}), -1),
                    Catch::Contains("pow: got an int64 base and the exponent -1") &&
                        Catch::Contains("Integers to negative integer powers are not allowed"));
  // torch.pow(torch.tensor([True]), torch.tensor([True])): "pow" not implemented for 'Bool'
  CHECK_THROWS_WITH(native::pow(gg::tensor({true}), gg::tensor({true})),
                    Catch::Contains("pow: got a bool base and a bool exponent"));
}

TEST_CASE("clamp: NaN kept, -0 kept, min > max gives max, integer dtypes", "[elementwise_ops]") {
  // torch.clamp(t, -1, 1), torch.clamp(t, min=0.5)
  check_values(native::clamp(repeated(kSpecial), -1, 1), {kNaN, 1, -1, -0.0, 0.0, -1, 1});
  check_values(native::clamp(repeated(kSpecial), 0.5, std::nullopt), {kNaN, kInf, 0.5, 0.5, 0.5, 0.5, 3});
  // torch.clamp(torch.tensor([0., 5., 9.]), 7, 2) -> [2, 2, 2]
  check_values(native::clamp(repeated({0, 5, 9}), 7, 2), {2, 2, 2});
  // torch.clamp(torch.tensor([1., 2.]), min=nan) -> [1, 2]: a NaN number bound is no bound
  check_values(native::clamp(repeated({1, 2}), kNaN, std::nullopt), {1, 2});
  // torch.clamp(torch.tensor([1, 5, 9]), 2, 7) int64 [2, 5, 7]; with 2.5: float32
  const Tensor ints = native::clamp(gg::tensor({1, 5, 9}), 2, 7);
  CHECK(ints.dtype() == gg::kInt64);
  check_values(ints, {2, 5, 7});
  CHECK(native::clamp(gg::tensor({1, 5, 9}), 2.5, 7).dtype() == gg::kFloat32);
  // torch.clamp(t): "At least one of 'min' or 'max' must not be None"
  CHECK_THROWS_WITH(native::clamp(repeated({1}), std::nullopt, std::nullopt),
                    Catch::Contains("clamp: got neither min nor max"));
  // torch.clamp(torch.tensor([1., 2.]), min=torch.tensor(nan)) -> [nan, nan]
  check_values(gg::clamp(repeated({1, 2}), gg::scalar_tensor(kNaN), std::nullopt), {kNaN, kNaN});
}

TEST_CASE("sin, cos, log1p, expm1, erf: special values as torch", "[elementwise_ops]") {
  const Tensor x = repeated(kActivation);
  // torch.sin(x).tolist() and so on, x = [-3, -0.5, -0, 0, 0.5, 3, nan, inf, -inf]
  check_values(native::sin(x), {-0.14112000167369843, -0.4794255495071411, -0.0, 0.0, 0.4794255495071411,
                                0.14112000167369843, kNaN, kNaN, kNaN});
  check_values(native::cos(repeated(kSpecial)), {kNaN, kNaN, kNaN, 1, 1, -0.4161468365471424, -0.9899924966004454});
  check_values(native::log1p(x), {kNaN, -0.6931471824645996, -0.0, 0.0, 0.40546509623527527,
                                  1.3862943649291992, kNaN, kInf, kNaN});
  // torch.log1p(torch.tensor([-1.0])) -> -inf
  check_values(native::log1p(repeated({-1.0})), {-kInf});
  check_values(native::expm1(x), {-0.9502129554748535, -0.39346933364868164, -0.0, 0.0, 0.6487212777137756,
                                  19.08553695678711, kNaN, kInf, -1});
  check_values(native::erf(x), {-0.9999778866767883, -0.5204998850822449, -0.0, 0.0, 0.5204998850822449,
                                0.9999778866767883, kNaN, 1, -1});
  // torch.sin(torch.tensor([1, 2])).dtype -> float32
  CHECK(native::sin(gg::tensor({1, 2})).dtype() == gg::kFloat32);
}

TEST_CASE("activations: values, NaN, Inf and -0 as torch.nn.functional", "[elementwise_ops]") {
  const Tensor x = repeated(kActivation);
  // F.leaky_relu(x).tolist()
  check_values(native::leaky_relu(x, 0.01), {-0.03, -0.005, -0.0, 0.0, 0.5, 3, kNaN, kInf, -kInf});
  // F.elu(x).tolist()
  check_values(native::elu(x, 1.0), {-0.9502129554748535, -0.39346933364868164, 0.0, 0.0, 0.5, 3, kNaN, kInf, -1});
  // F.gelu(x.double()).tolist(), F.gelu(x.double(), approximate='tanh').tolist(): float64, as
  // torch's float32 vector gelu is off by 4e-5 at -3 (-0.00404987 for -0.00404969) and gives +0 at -0
  check_values(native::gelu(x, "none"), {-0.00404969409489031, -0.15426876936299344, -0.0, 0.0, 0.34573123063700656,
                                         2.99595030590511, kNaN, kInf, kNaN});
  check_values(native::gelu(x, "tanh"), {-0.0036373920817729943, -0.15428599017485606, -0.0, 0.0,
                                         0.34571400982514394, 2.996362607918227, kNaN, kInf, kNaN},
               2e-5);  // 1 + tanh(...) cancels near -3 in float32 (torch's float32 gives -0.00363743 too)
  // F.silu(x).tolist()
  check_values(native::silu(x), {-0.14227761328220367, -0.1887703388929367, -0.0, 0.0, 0.3112296760082245,
                                 2.857722520828247, kNaN, kInf, kNaN});
  // F.softplus(x).tolist()
  check_values(native::softplus(x, 1, 20), {0.04858735203742981, 0.4740769863128662, 0.6931471824645996,
                                            0.6931471824645996, 0.9740769863128662, 3.0485873222351074, kNaN,
                                            kInf, 0});
  // F.softplus(torch.tensor([-1., 0., 1., 2.], dtype=torch.float64), beta=2, threshold=1).tolist()
  check_values(native::softplus(repeated({-1, 0, 1, 2}), 2, 1), {0.06346400552148625, 0.34657359027997264, 1, 2});
  // F.hardtanh(x).tolist()
  check_values(gg::hardtanh(x), {-1, -0.5, -0.0, 0.0, 0.5, 1, kNaN, 1, -1});
  // F.silu(torch.tensor([1, 2])): "silu_cpu" not implemented for 'Long'
  CHECK_THROWS_WITH(native::silu(gg::tensor({1, 2})), Catch::Contains("silu: got a int64 tensor, expected a floating dtype"));
  CHECK_THROWS_WITH(native::gelu(x, "erf"), Catch::Contains("gelu: got approximate \"erf\", expected \"none\" or \"tanh\""));
  CHECK_THROWS_WITH(gg::hardtanh(x, 1, -1), Catch::Contains("expected min_val <= max_val"));
}

TEST_CASE("gradients at kinks and ties are the ones torch takes", "[elementwise_ops]") {
  const auto grad_of = [](const Tensor& x, const auto& f) {
    const Tensor leaf = native::clone(x).requires_grad_();
    gg::sum(f(leaf)).backward();
    return leaf.grad();
  };
  const Tensor x = gg::tensor({-1.0, 0.0, 1.0, 2.0});
  // x = torch.tensor([-1., 0., 1., 2.], requires_grad=True); torch.clamp(x, 0, 1).sum().backward()
  check_values(grad_of(x, [](const Tensor& v) { return gg::clamp(v, 0.0, 1.0); }), {0, 1, 1, 0});
  // F.hardtanh(x, 0, 1): 0 at both ends
  check_values(grad_of(x, [](const Tensor& v) { return gg::hardtanh(v, 0, 1); }), {0, 0, 0, 0});
  // torch.abs(x)
  check_values(grad_of(x, [](const Tensor& v) { return gg::abs(v); }), {-1, 0, 1, 1});
  // F.leaky_relu(x), F.elu(x)
  check_values(grad_of(x, [](const Tensor& v) { return gg::leaky_relu(v); }), {0.01, 0.01, 1, 1});
  check_values(grad_of(x, [](const Tensor& v) { return gg::elu(v); }), {0.36787944117144233, 1, 1, 1});
  // torch.pow(x, 0), torch.pow(x, 2.5), torch.pow(0.0, x)
  check_values(grad_of(x, [](const Tensor& v) { return gg::pow(v, 0); }), {0, 0, 0, 0});
  check_values(grad_of(x, [](const Tensor& v) { return gg::pow(v, 2.5); }), {kNaN, 0, 2.5, 7.0710678118654755});
  check_values(grad_of(x, [](const Tensor& v) { return gg::pow(0.0, v); }), {-kInf, 0, 0, 0});
  // e = torch.tensor([0., 1., 2., -1.], requires_grad=True); torch.pow(x, e): x.grad, e.grad
  const Tensor e = gg::tensor({0.0, 1.0, 2.0, -1.0});
  check_values(grad_of(x, [&](const Tensor& v) { return gg::pow(v, e); }), {0, 1, 2, -0.25});
  check_values(grad_of(e, [&](const Tensor& v) { return gg::pow(x, v); }), {kNaN, 0, 0, 0.34657359027997264});
  // a = [1, 2, 3], b = [1, 3, 2]: torch.maximum(a, b) gives a.grad [0.5, 0, 1], b.grad [0.5, 1, 0]
  const Tensor a = gg::tensor({1.0, 2.0, 3.0}), b = gg::tensor({1.0, 3.0, 2.0});
  check_values(grad_of(a, [&](const Tensor& v) { return gg::maximum(v, b); }), {0.5, 0, 1});
  check_values(grad_of(b, [&](const Tensor& v) { return gg::maximum(a, v); }), {0.5, 1, 0});
  check_values(grad_of(a, [&](const Tensor& v) { return gg::minimum(v, b); }), {0.5, 1, 0});
  check_values(grad_of(b, [&](const Tensor& v) { return gg::minimum(a, v); }), {0.5, 0, 1});
  // F.softplus(x, beta=2, threshold=1).sum().backward() -> [0.1192, 0.5, 1, 1]
  check_values(grad_of(x, [](const Tensor& v) { return gg::softplus(v, 2, 1); }), {0.11920292202211755, 0.5, 1, 1});
}

TEST_CASE("where and masked_fill: promotion, broadcasting, errors", "[elementwise_ops]") {
  const Tensor mask = gg::tensor({true, false});
  // torch.tensor([1, 2]).masked_fill(torch.tensor([True, False]), 2.7) -> int64 [2, 2]
  const Tensor filled = gg::masked_fill(gg::tensor({1, 2}), mask, 2.7);
  CHECK(filled.dtype() == gg::kInt64);
  check_values(filled, {2, 2});
  // torch.where(mask, torch.tensor([1, 2]), torch.tensor([0.5])).dtype -> float32
  CHECK(gg::where(mask, gg::tensor({1, 2}), gg::tensor({0.5f})).dtype() == gg::kFloat32);
  // masked_fill with a float mask: "masked_fill_ only supports boolean masks"
  CHECK_THROWS_WITH(gg::masked_fill(gg::tensor({1.0, 2.0}), gg::tensor({1, 0}), 0.0),
                    Catch::Contains("masked_fill: got a mask of dtype int64, expected a bool mask"));
  // "masked_fill_ only supports a 0-dimensional value tensor, but got tensor with 1 dimension(s)."
  CHECK_THROWS_WITH(gg::masked_fill(gg::tensor({1.0, 2.0}), mask, gg::tensor({1.0})),
                    Catch::Contains("masked_fill: got a value tensor with 1 dimension(s), expected a 0-dim"));
}

TEST_CASE("comparisons, logical ops, all/any and isnan/isinf/isfinite give bool", "[elementwise_ops]") {
  const Tensor x = repeated(kActivation);
  // torch.isnan(x), torch.isinf(x), torch.isfinite(x)
  check_values(gg::isnan(x), {0, 0, 0, 0, 0, 0, 1, 0, 0});
  check_values(gg::isinf(x), {0, 0, 0, 0, 0, 0, 0, 1, 1});
  check_values(gg::isfinite(x), {1, 1, 1, 1, 1, 1, 0, 0, 0});
  CHECK(gg::isnan(x).dtype() == gg::kBool);
  check_values(gg::isnan(gg::tensor({1, 2})), {0, 0});
  check_values(gg::isfinite(gg::tensor({1, 2})), {1, 1});
  // a = [[0, nan, 2], [0, 0, 1]]: torch.all(a), torch.any(a), torch.all(a, 1),
  // torch.any(a, 0, keepdim=True), torch.all(torch.tensor([])), torch.any(torch.tensor([]))
  const Tensor a = native::view(gg::tensor({0.0, kNaN, 2.0, 0.0, 0.0, 1.0}), {2, 3});
  CHECK_FALSE(gg::all(a).item<bool>());
  CHECK(gg::any(a).item<bool>());
  check_values(gg::all(a, 1), {0, 0});
  const Tensor any0 = gg::any(a, 0, true);
  CHECK(any0.sizes() == gg::IntArrayRef({1, 3}));
  check_values(any0, {0, 1, 1});
  CHECK(gg::all(gg::zeros({0})).item<bool>());
  CHECK_FALSE(gg::any(gg::zeros({0})).item<bool>());
  // torch.logical_and(torch.tensor([0., nan, 2.]), torch.tensor([1, 1, 0])) -> [F, T, F]
  check_values(gg::logical_and(gg::tensor({0.0, kNaN, 2.0}), gg::tensor({1, 1, 0})), {0, 1, 0});
  // torch.logical_xor(torch.tensor([True, False]), torch.tensor([[2.], [0.]])) -> [[F, T], [T, F]]
  const Tensor x2 = gg::logical_xor(gg::tensor({true, false}), native::view(gg::tensor({2.0, 0.0}), {2, 1}));
  CHECK(x2.sizes() == gg::IntArrayRef({2, 2}));
  check_values(x2, {0, 1, 1, 0});
  check_values(gg::logical_or(gg::tensor({0, 3}), gg::tensor({0.0, 0.0})), {0, 1});
  check_values(gg::logical_not(gg::tensor({0, 3})), {1, 0});
  // Scalar comparisons, promoted: torch.tensor([1, 2, 3]) >= 2.5 -> [F, F, T], <= 2 -> [T, T, F]
  check_values(gg::ge(gg::tensor({1, 2, 3}), 2.5), {0, 0, 1});
  check_values(gg::le(gg::tensor({1, 2, 3}), 2), {1, 1, 0});
  check_values(gg::ne(x, 0.5), {1, 1, 1, 1, 0, 1, 1, 1, 1});
  check_values(gg::gt(x, gg::scalar_tensor(0.0)), {0, 0, 0, 0, 1, 1, 0, 1, 0});
  // The results carry no gradient.
  CHECK_FALSE(gg::lt(native::clone(x).requires_grad_(), 1.0).requires_grad());
}
