#include "helpers.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <functional>
#include <limits>

using gg::Shape;
using gg::ArrayD;
using gg::ArrayF;
using gg::test::random_tensor;

namespace {

// Sizes around the vector width: empty, shorter than one batch, a few batches plus a tail.
const std::vector<std::size_t> kSizes = {0, 1, 7, 16, 17, 37, 1003};

template <class T, class Fast, class Ref>
void check_unary(Fast fast, Ref ref, T low, T high, double rtol) {
  for (std::size_t n : kSizes) {
    const auto x = random_tensor<T>({n}, 100 + n, low, high);
    const auto y = fast(x);
    REQUIRE(y.shape() == x.shape());
    for (std::size_t i = 0; i < n; ++i) {
      const double want = ref(static_cast<double>(x.data()[i]));
      INFO("n = " << n << ", x = " << x.data()[i]);
      CHECK(y.data()[i] == Approx(want).epsilon(rtol).margin(1e-30));
    }
  }
}

}  // namespace

TEMPLATE_TEST_CASE("unary ops match the C library", "[elementwise]", float, double) {
  using T = TestType;
  const double rtol = std::is_same_v<T, float> ? 1e-6 : 1e-14;
  check_unary<T>([](const auto& x) { return gg::neg(x); }, [](double v) { return -v; }, T(-5), T(5), rtol);
  check_unary<T>([](const auto& x) { return gg::exp(x); }, [](double v) { return std::exp(v); }, T(-20), T(20), rtol);
  check_unary<T>([](const auto& x) { return gg::log(x); }, [](double v) { return std::log(v); }, T(1e-3), T(1e3), rtol);
  check_unary<T>([](const auto& x) { return gg::sqrt(x); }, [](double v) { return std::sqrt(v); }, T(0), T(100), rtol);
  check_unary<T>([](const auto& x) { return gg::square(x); }, [](double v) { return v * v; }, T(-5), T(5), rtol);
  check_unary<T>([](const auto& x) { return gg::relu(x); }, [](double v) { return v > 0 ? v : 0.0; }, T(-5), T(5), rtol);
  check_unary<T>([](const auto& x) { return gg::sigmoid(x); }, [](double v) { return 1 / (1 + std::exp(-v)); }, T(-30), T(30), rtol);
  check_unary<T>([](const auto& x) { return gg::tanh(x); }, [](double v) { return std::tanh(v); }, T(-10), T(10), rtol);
}

TEST_CASE("sigmoid saturates cleanly at extreme inputs", "[elementwise]") {
  const auto y = gg::sigmoid(ArrayF::from({4}, {-1e4f, -100.0f, 100.0f, 1e4f}));
  CHECK(y.data()[0] == 0.0f);
  CHECK(y.data()[1] >= 0.0f);
  CHECK(y.data()[1] < 1e-40f);
  CHECK(y.data()[2] == 1.0f);
  CHECK(y.data()[3] == 1.0f);
}

TEMPLATE_TEST_CASE("binary ops broadcast exactly as NumPy does", "[elementwise]", float, double) {
  using T = TestType;
  using Fn = std::function<gg::Array<T>(const gg::Array<T>&, const gg::Array<T>&)>;
  using Ref = std::function<T(T, T)>;
  const std::vector<std::pair<Fn, Ref>> ops = {
      {[](const auto& a, const auto& b) { return a + b; }, [](T a, T b) { return a + b; }},
      {[](const auto& a, const auto& b) { return a - b; }, [](T a, T b) { return a - b; }},
      {[](const auto& a, const auto& b) { return a * b; }, [](T a, T b) { return a * b; }},
      {[](const auto& a, const auto& b) { return a / b; }, [](T a, T b) { return a / b; }},
      {[](const auto& a, const auto& b) { return gg::maximum(a, b); },
       [](T a, T b) { return std::max(a, b); }},
  };
  const std::vector<std::pair<Shape, Shape>> cases = {
      {{37}, {37}},           {{200, 50}, {50}},     {{200, 50}, {1, 50}},
      {{200, 50}, {200, 1}},  {{1, 50}, {200, 1}},   {{4, 1, 3}, {2, 3}},
      {{3, 1, 5, 1}, {4, 1, 6}}, {{}, {5, 3}},       {{5, 3}, {}},
      {{1}, {1}},             {{0, 3}, {3}},         {{2, 3, 17}, {2, 3, 17}},
  };
  // Named references, not structured bindings: the lambda below uses them, and clang 14 cannot
  // capture a structured binding (C++20 allows it; clang 16 implements it).
  for (const auto& shapes : cases) {
    const Shape& sa = shapes.first;
    const Shape& sb = shapes.second;
    const auto a = random_tensor<T>(sa, 1, T(0.5), T(2));
    const auto b = random_tensor<T>(sb, 2, T(0.5), T(2));
    const Shape out = gg::broadcast_shapes("test", sa, sb);
    for (const auto& [fast, ref_op] : ops) {
      const Ref& ref = ref_op;
      const auto c = fast(a, b);
      REQUIRE(c.shape() == out);
      gg::test::for_each_index(out, [&](const std::vector<std::size_t>& idx) {
        const T want = ref(a.data()[gg::test::broadcast_offset(sa, idx)],
                           b.data()[gg::test::broadcast_offset(sb, idx)]);
        const T got = c.data()[gg::test::broadcast_offset(out, idx)];
        INFO(gg::to_string(sa) << " op " << gg::to_string(sb));
        CHECK(got == want);  // the same single IEEE operation: results must be identical
      });
    }
  }
}

TEST_CASE("scalar operands work on either side", "[elementwise]") {
  const auto x = ArrayD::from({3}, {1, 2, 4});
  CHECK(gg::allclose(x + 1.0, ArrayD::from({3}, {2, 3, 5})));
  CHECK(gg::allclose(1.0 + x, ArrayD::from({3}, {2, 3, 5})));
  CHECK(gg::allclose(x - 1.0, ArrayD::from({3}, {0, 1, 3})));
  CHECK(gg::allclose(1.0 - x, ArrayD::from({3}, {0, -1, -3})));
  CHECK(gg::allclose(x * 2.0, ArrayD::from({3}, {2, 4, 8})));
  CHECK(gg::allclose(2.0 * x, ArrayD::from({3}, {2, 4, 8})));
  CHECK(gg::allclose(x / 2.0, ArrayD::from({3}, {0.5, 1, 2})));
  CHECK(gg::allclose(2.0 / x, ArrayD::from({3}, {2, 1, 0.5})));
  CHECK(gg::allclose(gg::maximum(x, 2.0), ArrayD::from({3}, {2, 2, 4})));
  CHECK(gg::allclose(-x, ArrayD::from({3}, {-1, -2, -4})));
}

TEST_CASE("in-place ops update the left operand and keep its shape", "[elementwise]") {
  auto a = ArrayF::ones({2, 3});
  a += ArrayF::from({3}, {1, 2, 3});
  CHECK(gg::allclose(a, ArrayF::from({2, 3}, {2, 3, 4, 2, 3, 4})));
  a *= 2.0f;
  a -= ArrayF::from({2, 1}, {1, 2});
  CHECK(gg::allclose(a, ArrayF::from({2, 3}, {3, 5, 7, 2, 4, 6})));
  a /= ArrayF::full({1}, 2.0f);
  a *= ArrayF::from({3}, {2, 2, 2});
  CHECK(gg::allclose(a, ArrayF::from({2, 3}, {3, 5, 7, 2, 4, 6})));
  CHECK_THROWS_WITH(a += ArrayF::ones({4, 2, 3}),
                    "add_: cannot update a tensor of shape (2, 3) in place with shape (4, 2, 3) "
                    "(expected a shape that broadcasts to (2, 3))");
}

TEST_CASE("axpy_ is the optimizer's scaled add", "[elementwise]") {
  const auto g = random_tensor<float>({1003}, 5);
  auto w = random_tensor<float>({1003}, 6);
  const auto w0 = w;
  gg::axpy_(-0.1f, g, w);
  for (std::size_t i = 0; i < w.size(); ++i) {
    // Fused or not, the update rounds once or twice: allow an ulp of the inputs' magnitude.
    CHECK(w.data()[i] == Approx(w0.data()[i] - 0.1f * g.data()[i]).epsilon(1e-6).margin(1e-6));
  }
  CHECK_THROWS_WITH(gg::axpy_(1.0f, ArrayF::ones({3}), w),
                    "axpy_: shapes (3,) and (1003,) differ, expected equal shapes");
}

TEST_CASE("binary shape errors name the op and both shapes", "[elementwise][errors]") {
  const auto a = ArrayF::ones({2, 3});
  const auto b = ArrayF::ones({2});
  CHECK_THROWS_WITH(a + b, Catch::Contains("add: shapes (2, 3) and (2,) cannot be broadcast"));
  CHECK_THROWS_WITH(a - b, Catch::Contains("sub: shapes (2, 3) and (2,)"));
  CHECK_THROWS_WITH(a * b, Catch::Contains("mul: shapes (2, 3) and (2,)"));
  CHECK_THROWS_WITH(a / b, Catch::Contains("div: shapes (2, 3) and (2,)"));
  CHECK_THROWS_WITH(gg::maximum(a, b), Catch::Contains("maximum: shapes (2, 3) and (2,)"));
  CHECK_THROWS_WITH(gg::relu_backward(a, b),
                    "relu_backward: shapes (2, 3) and (2,) differ, expected equal shapes");
}

TEMPLATE_TEST_CASE("softmax rows are probabilities, stable for huge logits", "[elementwise]",
                   float, double) {
  using T = TestType;
  for (std::size_t n : {1u, 10u, 17u, 100u}) {
    const auto x = random_tensor<T>({5, n}, 11, T(-3), T(3));
    const auto p = gg::softmax(x);
    const auto lp = gg::log_softmax(x);
    for (std::size_t r = 0; r < 5; ++r) {
      double denom = 0;
      for (std::size_t j = 0; j < n; ++j) denom += std::exp(double(x.at({r, j})));
      for (std::size_t j = 0; j < n; ++j) {
        const double want = std::exp(double(x.at({r, j}))) / denom;
        CHECK(p.at({r, j}) == Approx(want).epsilon(1e-5));
        CHECK(lp.at({r, j}) == Approx(std::log(want)).epsilon(1e-5).margin(1e-6));
      }
    }
  }
  const auto big = gg::Array<T>::from({2, 3}, {T(1e4), T(0), T(-1e4), T(-1e4), T(-1e4), T(-1e4)});
  const auto p = gg::softmax(big);
  CHECK(p.at({0, 0}) == T(1));
  CHECK(p.at({0, 1}) == T(0));
  CHECK(p.at({1, 2}) == Approx(1.0 / 3));
  const auto lp = gg::log_softmax(big);
  CHECK(lp.at({0, 0}) == T(0));
  CHECK(lp.at({0, 1}) == T(-1e4));
  CHECK_THROWS_AS(gg::softmax(gg::Array<T>::scalar(1)), gg::ShapeError);
}

TEST_CASE("relu_backward passes the gradient where the output is positive", "[elementwise]") {
  const auto y = ArrayF::from({5}, {0, 1, 0, 2, 3});
  const auto dy = ArrayF::from({5}, {5, 6, 7, 8, 9});
  CHECK(gg::allclose(gg::relu_backward(y, dy), ArrayF::from({5}, {0, 6, 0, 8, 9})));
  const auto x = random_tensor<float>({1003}, 3);
  const auto yb = gg::relu(x);
  const auto g = random_tensor<float>({1003}, 4);
  const auto dx = gg::relu_backward(yb, g);
  for (std::size_t i = 0; i < x.size(); ++i) {
    CHECK(dx.data()[i] == (x.data()[i] > 0 ? g.data()[i] : 0.0f));
  }
}
