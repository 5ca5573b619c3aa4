// gg::native's pointwise kernels against the C library and NumPy's broadcasting, in float32
// and float64, at sizes around the vector width.
#include "tensor_helpers.hpp"

#include <gategrad/autograd/ops.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <functional>
#include <vector>

using gg::Tensor;
using gg::test::uniform;
using gg::test::values;

namespace {

// Sizes around the vector width: empty, shorter than one batch, a few batches plus a tail.
const std::vector<std::int64_t> kSizes = {0, 1, 7, 16, 17, 37, 1003};

template <class T, class Fast, class Ref>
void check_unary(const char* name, Fast fast, Ref ref, double low, double high, double rtol) {
  for (std::int64_t n : kSizes) {
    const Tensor x = uniform({n}, static_cast<std::uint64_t>(100 + n), low, high, gg::dtype_of<T>);
    const Tensor y = fast(x);
    REQUIRE(y.sizes() == x.sizes());
    REQUIRE(y.dtype() == x.dtype());
    const std::vector<T> xv = values<T>(x), yv = values<T>(y);
    for (std::size_t i = 0; i < xv.size(); ++i) {
      const double want = ref(static_cast<double>(xv[i]));
      INFO(name << ": n = " << n << ", x = " << xv[i]);
      CHECK(yv[i] == Approx(want).epsilon(rtol).margin(1e-30));
    }
  }
}

}  // namespace

TEMPLATE_TEST_CASE("unary ops match the C library", "[elementwise]", float, double) {
  using T = TestType;
  const double rtol = std::is_same_v<T, float> ? 1e-6 : 1e-14;
  namespace nt = gg::native;
  check_unary<T>("neg", [](const Tensor& x) { return nt::neg(x); }, [](double v) { return -v; }, -5, 5, rtol);
  check_unary<T>("exp", [](const Tensor& x) { return nt::exp(x); }, [](double v) { return std::exp(v); }, -20, 20, rtol);
  check_unary<T>("log", [](const Tensor& x) { return nt::log(x); }, [](double v) { return std::log(v); }, 1e-3, 1e3, rtol);
  check_unary<T>("sqrt", [](const Tensor& x) { return nt::sqrt(x); }, [](double v) { return std::sqrt(v); }, 0, 100, rtol);
  check_unary<T>("square", [](const Tensor& x) { return nt::square(x); }, [](double v) { return v * v; }, -5, 5, rtol);
  check_unary<T>("abs", [](const Tensor& x) { return nt::abs(x); }, [](double v) { return std::abs(v); }, -5, 5, rtol);
  check_unary<T>("relu", [](const Tensor& x) { return nt::relu(x); }, [](double v) { return v > 0 ? v : 0.0; }, -5, 5, rtol);
  check_unary<T>("sigmoid", [](const Tensor& x) { return nt::sigmoid(x); }, [](double v) { return 1 / (1 + std::exp(-v)); }, -30, 30, rtol);
  check_unary<T>("tanh", [](const Tensor& x) { return nt::tanh(x); }, [](double v) { return std::tanh(v); }, -10, 10, rtol);
}

TEST_CASE("sigmoid saturates cleanly at extreme inputs", "[elementwise]") {
  const std::vector<float> y = values<float>(gg::native::sigmoid(gg::tensor({-1e4f, -100.0f, 100.0f, 1e4f})));
  CHECK(y[0] == 0.0f);
  CHECK(y[1] >= 0.0f);
  CHECK(y[1] < 1e-40f);
  CHECK(y[2] == 1.0f);
  CHECK(y[3] == 1.0f);
}

TEMPLATE_TEST_CASE("binary ops broadcast exactly as NumPy does", "[elementwise]", float, double) {
  using T = TestType;
  using Fn = std::function<Tensor(const Tensor&, const Tensor&)>;
  using Ref = std::function<T(T, T)>;
  const std::vector<std::pair<Fn, Ref>> ops = {
      {[](const Tensor& a, const Tensor& b) { return gg::native::add(a, b); }, [](T a, T b) { return a + b; }},
      {[](const Tensor& a, const Tensor& b) { return gg::native::sub(a, b); }, [](T a, T b) { return a - b; }},
      {[](const Tensor& a, const Tensor& b) { return gg::native::mul(a, b); }, [](T a, T b) { return a * b; }},
      {[](const Tensor& a, const Tensor& b) { return gg::native::div(a, b); }, [](T a, T b) { return a / b; }},
      {[](const Tensor& a, const Tensor& b) { return gg::native::maximum(a, b); },
       [](T a, T b) { return std::max(a, b); }},
      {[](const Tensor& a, const Tensor& b) { return gg::native::minimum(a, b); },
       [](T a, T b) { return std::min(a, b); }},
  };
  using Sizes = std::vector<std::int64_t>;
  const std::vector<std::pair<Sizes, Sizes>> cases = {
      {{37}, {37}},           {{200, 50}, {50}},     {{200, 50}, {1, 50}},
      {{200, 50}, {200, 1}},  {{1, 50}, {200, 1}},   {{4, 1, 3}, {2, 3}},
      {{3, 1, 5, 1}, {4, 1, 6}}, {{}, {5, 3}},       {{5, 3}, {}},
      {{1}, {1}},             {{0, 3}, {3}},         {{2, 3, 17}, {2, 3, 17}},
  };
  // Named references, not structured bindings: the lambda below uses them, and clang 14 cannot
  // capture a structured binding (C++20 allows it; clang 16 implements it).
  for (const auto& sizes : cases) {
    const Sizes& sa = sizes.first;
    const Sizes& sb = sizes.second;
    const Tensor a = uniform(sa, 1, 0.5, 2, gg::dtype_of<T>);
    const Tensor b = uniform(sb, 2, 0.5, 2, gg::dtype_of<T>);
    const std::vector<T> av = values<T>(a), bv = values<T>(b);
    const gg::SizeVector out = gg::broadcast_sizes("test", sa, sb);
    for (const auto& op : ops) {
      const Ref& ref = op.second;
      const Tensor c = op.first(a, b);
      REQUIRE(c.sizes() == gg::IntArrayRef(out));
      REQUIRE(c.dtype() == gg::dtype_of<T>);
      const std::vector<T> cv = values<T>(c);
      gg::test::for_each_index(out, [&](const std::vector<std::int64_t>& idx) {
        const T want = ref(av[static_cast<std::size_t>(gg::test::broadcast_offset(sa, idx))],
                           bv[static_cast<std::size_t>(gg::test::broadcast_offset(sb, idx))]);
        const T got = cv[static_cast<std::size_t>(gg::test::broadcast_offset(out, idx))];
        INFO(gg::to_string(sa) << " op " << gg::to_string(sb));
        CHECK(got == want);  // the same single IEEE operation: results must be identical
      });
    }
  }
}

TEST_CASE("number operands work on either side", "[elementwise]") {
  using gg::test::allclose;
  const Tensor x = gg::tensor({1.0, 2.0, 4.0}, gg::kFloat64);
  const auto d = [](std::initializer_list<double> v) { return gg::tensor(v, gg::kFloat64); };
  CHECK(allclose(gg::native::add(x, 1.0), d({2, 3, 5})));
  CHECK(allclose(gg::native::sub(x, 1.0), d({0, 1, 3})));
  CHECK(allclose(gg::native::rsub(x, 1.0), d({0, -1, -3})));
  CHECK(allclose(gg::native::mul(x, 2.0), d({2, 4, 8})));
  CHECK(allclose(gg::native::div(x, 2.0), d({0.5, 1, 2})));
  CHECK(allclose(gg::native::rdiv(x, 2.0), d({2, 1, 0.5})));
  CHECK(allclose(gg::native::maximum(x, gg::scalar_tensor(2.0, gg::kFloat64)), d({2, 2, 4})));
  // The operators of autograd/ops.hpp, on tensors that need no gradient.
  CHECK(allclose(x + 1.0, d({2, 3, 5})));
  CHECK(allclose(1.0 + x, d({2, 3, 5})));
  CHECK(allclose(x - 1.0, d({0, 1, 3})));
  CHECK(allclose(1.0 - x, d({0, -1, -3})));
  CHECK(allclose(x * 2.0, d({2, 4, 8})));
  CHECK(allclose(2.0 * x, d({2, 4, 8})));
  CHECK(allclose(x / 2.0, d({0.5, 1, 2})));
  CHECK(allclose(2.0 / x, d({2, 1, 0.5})));
  CHECK(allclose(-x, d({-1, -2, -4})));
  // A number keeps a float32 tensor float32, as in torch.
  CHECK((gg::ones({2}) * 2.0).dtype() == gg::kFloat32);
}

TEST_CASE("in-place ops update the left operand and keep its sizes", "[elementwise]") {
  using gg::test::allclose;
  const auto f = [](std::vector<float> v, gg::IntArrayRef sizes) {
    return gg::from_values<float>(v, sizes);
  };
  const Tensor a = gg::ones({2, 3});
  const float* storage = a.data_ptr<float>();
  gg::native::add_(a, f({1, 2, 3}, {3}));
  CHECK(allclose(a, f({2, 3, 4, 2, 3, 4}, {2, 3})));
  gg::native::mul_(a, 2.0f);
  gg::native::sub_(a, f({1, 2}, {2, 1}));
  CHECK(allclose(a, f({3, 5, 7, 2, 4, 6}, {2, 3})));
  gg::native::div_(a, gg::full({1}, 2.0f));
  gg::native::mul_(a, f({2, 2, 2}, {3}));
  CHECK(allclose(a, f({3, 5, 7, 2, 4, 6}, {2, 3})));
  CHECK(a.data_ptr<float>() == storage);
  CHECK(a._version() == 5);
  CHECK_THROWS_AS(gg::native::add_(a, gg::ones({4, 2, 3})), gg::ShapeError);
  CHECK_THROWS_WITH(gg::native::add_(a, gg::ones({4, 2, 3})),
                    "add_: output with sizes [2, 3] doesn't match the broadcast sizes [4, 2, 3] "
                    "(an in-place op cannot grow its tensor)");
}

TEST_CASE("binary shape errors name the op and both sizes", "[elementwise][errors]") {
  const Tensor a = gg::ones({2, 3});
  const Tensor b = gg::ones({2});
  const auto names = [](const char* op) {
    return Catch::Contains(std::string(op) + ": sizes [2, 3] and [2] do not broadcast");
  };
  CHECK_THROWS_AS(gg::native::add(a, b), gg::ShapeError);
  CHECK_THROWS_WITH(gg::native::add(a, b), names("add"));
  CHECK_THROWS_WITH(gg::native::sub(a, b), names("sub"));
  CHECK_THROWS_WITH(gg::native::mul(a, b), names("mul"));
  CHECK_THROWS_WITH(gg::native::div(a, b), names("div"));
  CHECK_THROWS_WITH(gg::native::maximum(a, b), names("maximum"));
}

TEMPLATE_TEST_CASE("softmax rows are probabilities, stable for huge logits", "[elementwise]",
                   float, double) {
  using T = TestType;
  const gg::Dtype dt = gg::dtype_of<T>;
  for (std::int64_t n : {1, 10, 17, 100}) {
    const Tensor x = uniform({5, n}, 11, -3, 3, dt);
    const std::vector<T> xv = values<T>(x);
    const std::vector<T> p = values<T>(gg::native::softmax(x, 1));
    const std::vector<T> lp = values<T>(gg::native::log_softmax(x, -1));
    for (std::size_t r = 0; r < 5; ++r) {
      const auto at = [&](std::size_t j) { return r * static_cast<std::size_t>(n) + j; };
      double denom = 0;
      for (std::size_t j = 0; j < static_cast<std::size_t>(n); ++j) denom += std::exp(double(xv[at(j)]));
      for (std::size_t j = 0; j < static_cast<std::size_t>(n); ++j) {
        const double want = std::exp(double(xv[at(j)])) / denom;
        CHECK(p[at(j)] == Approx(want).epsilon(1e-5));
        CHECK(lp[at(j)] == Approx(std::log(want)).epsilon(1e-5).margin(1e-6));
      }
    }
  }
  const std::vector<T> raw = {T(1e4), T(0), T(-1e4), T(-1e4), T(-1e4), T(-1e4)};
  const Tensor big = gg::from_values<T>(raw, {2, 3});
  const std::vector<T> p = values<T>(gg::native::softmax(big, 1));
  CHECK(p[0] == T(1));
  CHECK(p[1] == T(0));
  CHECK(p[5] == Approx(1.0 / 3));
  const std::vector<T> lp = values<T>(gg::native::log_softmax(big, 1));
  CHECK(lp[0] == T(0));
  CHECK(lp[1] == T(-1e4));
  // A rank-0 tensor is its own softmax over dim 0, as torch.softmax(torch.tensor(1.), 0) = 1.
  CHECK(gg::native::softmax(gg::scalar_tensor(5, dt), 0).item<T>() == T(1));
  CHECK_THROWS_AS(gg::native::softmax(big, 2), std::out_of_range);
}

TEST_CASE("relu's gradient passes dout where the output is positive, exactly", "[elementwise]") {
  // The old core's relu_backward kernel is the ReluGate's backward now: checked through it.
  const Tensor y = gg::tensor({0.0f, 1.0f, -1.0f, 2.0f, 3.0f}).requires_grad_();
  gg::relu(y).backward(gg::tensor({5.0f, 6.0f, 7.0f, 8.0f, 9.0f}));
  CHECK(values<float>(y.grad()) == std::vector<float>{0, 6, 0, 8, 9});
  const Tensor x = uniform({1003}, 3).requires_grad_();
  const Tensor g = uniform({1003}, 4);
  gg::relu(x).backward(g);
  const std::vector<float> xv = values<float>(x), gv = values<float>(g), dx = values<float>(x.grad());
  for (std::size_t i = 0; i < xv.size(); ++i) CHECK(dx[i] == (xv[i] > 0 ? gv[i] : 0.0f));
}

TEST_CASE("relu_backward selects dout, so NaN or Inf where y <= 0 gives +0; bad inputs throw",
          "[elementwise]") {
  // As torch's threshold_backward; dout * (y > 0) would give NaN, NaN and -0 here.
  const Tensor y = gg::tensor({0.0f, -1.0f, 2.0f, -2.0f, NAN});
  const Tensor dout = gg::tensor({NAN, INFINITY, -3.0f, -1.0f, 4.0f});
  const std::vector<float> din = values<float>(gg::native::relu_backward(dout, y));
  CHECK(din == std::vector<float>{0, 0, -3, 0, 0});
  CHECK(!std::signbit(din[3]));
  // A transposed y against a row-major dout: the strided path gives the same selection.
  const Tensor ys = uniform({5, 7}, 6).t(), ds = uniform({7, 5}, 7);
  const std::vector<float> strided = values<float>(gg::native::relu_backward(ds, ys));
  const std::vector<float> yv = values<float>(ys.contiguous()), dv = values<float>(ds);
  for (std::size_t i = 0; i < yv.size(); ++i) CHECK(strided[i] == (yv[i] > 0 ? dv[i] : 0.0f));
  CHECK_THROWS_AS(gg::native::relu_backward(dout, gg::tensor({1.0f})), gg::ShapeError);
  CHECK_THROWS_AS(gg::native::relu_backward(gg::tensor({1, 2}), gg::tensor({1, 2})),
                  std::invalid_argument);
}
