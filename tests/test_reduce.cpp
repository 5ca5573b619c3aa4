#include "helpers.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

using gg::Shape;
using gg::ArrayD;
using gg::ArrayF;
using gg::test::random_tensor;

namespace {

// Reference reduction along `axis` of a rank-3 tensor, in double.
template <class T, class Init, class Step>
std::vector<double> reference(const gg::Array<T>& x, std::size_t axis, Init init, Step step) {
  const Shape& s = x.shape();
  Shape out_shape;
  for (std::size_t k = 0; k < 3; ++k) if (k != axis) out_shape.push_back(s[k]);
  std::vector<double> out(gg::numel(out_shape));
  std::vector<bool> started(out.size(), false);
  gg::test::for_each_index(s, [&](const std::vector<std::size_t>& idx) {
    std::vector<std::size_t> o;
    for (std::size_t k = 0; k < 3; ++k) if (k != axis) o.push_back(idx[k]);
    const std::size_t flat = o[0] * out_shape[1] + o[1];
    const double v = x.data()[(idx[0] * s[1] + idx[1]) * s[2] + idx[2]];
    out[flat] = started[flat] ? step(out[flat], v) : init(v);
    started[flat] = true;
  });
  return out;
}

}  // namespace

TEMPLATE_TEST_CASE("sum, mean and max over every axis match a plain loop", "[reduce]", float,
                   double) {
  using T = TestType;
  const double rtol = std::is_same_v<T, float> ? 1e-5 : 1e-12;
  for (const Shape& shape : {Shape{3, 5, 7}, Shape{200, 1, 50}, Shape{1, 37, 1}, Shape{2, 3, 33}}) {
    const auto x = random_tensor<T>(shape, 21);
    for (std::size_t axis = 0; axis < 3; ++axis) {
      INFO("shape " << gg::to_string(shape) << ", axis " << axis);
      const auto want_sum = reference(x, axis, [](double v) { return v; },
                                      [](double a, double v) { return a + v; });
      const auto want_max = reference(x, axis, [](double v) { return v; },
                                      [](double a, double v) { return std::max(a, v); });
      const auto s = gg::sum(x, static_cast<std::ptrdiff_t>(axis));
      const auto m = gg::mean(x, static_cast<std::ptrdiff_t>(axis) - 3);  // negative axis
      const auto mx = gg::max(x, static_cast<std::ptrdiff_t>(axis), /*keepdims=*/true);
      REQUIRE(s.size() == want_sum.size());
      CHECK(mx.dim() == 3);
      CHECK(mx.shape()[axis] == 1);
      for (std::size_t i = 0; i < want_sum.size(); ++i) {
        CHECK(s.data()[i] == Approx(want_sum[i]).epsilon(rtol).margin(rtol));
        CHECK(m.data()[i] == Approx(want_sum[i] / double(shape[axis])).epsilon(rtol).margin(rtol));
        CHECK(mx.data()[i] == T(want_max[i]));
      }
    }
  }
}

TEST_CASE("whole-tensor reductions and argmax", "[reduce]") {
  const auto x = ArrayD::from({2, 3}, {1, 5, 2, 7, 0, 7});
  CHECK(gg::sum(x).item() == 22);
  CHECK(gg::sum(x).dim() == 0);
  CHECK(gg::mean(x).item() == Approx(22.0 / 6));
  CHECK(gg::max(x).item() == 7);
  CHECK(gg::argmax(x) == 3);  // the first of equal maxima
  const auto rows = gg::argmax(x, 1);
  REQUIRE(rows.shape() == std::vector<std::size_t>{2});
  CHECK(rows(0) == 1);
  CHECK(rows(1) == 0);
  const auto cols = gg::argmax(x, 0, true);
  REQUIRE(cols.shape() == std::vector<std::size_t>{1, 3});
  CHECK(cols(0, 0) == 1);
  CHECK(cols(0, 1) == 0);
  CHECK(cols(0, 2) == 1);
}

TEST_CASE("a long float sum stays accurate", "[reduce]") {
  // 1e6 values of 0.1: a single running float sum drifts by ~1%; blocked sums stay close.
  const auto x = ArrayF::full({1000000}, 0.1f);
  CHECK(gg::sum(x).item() == Approx(100000.0).epsilon(1e-3));
}

TEST_CASE("empty reductions: sum 0, mean NaN, max and argmax throw", "[reduce][errors]") {
  const auto e = ArrayF::zeros({0, 3});
  CHECK(gg::sum(e).item() == 0.0f);
  const auto col = gg::sum(e, 0);
  REQUIRE(col.shape() == Shape{3});
  CHECK(col.data()[0] == 0.0f);
  CHECK(std::isnan(gg::mean(e, 0).data()[0]));
  CHECK_THROWS_WITH(gg::max(e), "max: got an empty reduction over shape (0, 3), expected at "
                                "least one element");
  CHECK_THROWS_AS(gg::argmax(e, 0), std::invalid_argument);
  CHECK_THROWS_WITH(gg::sum(ArrayF::zeros({2, 3}), 2),
                    "sum: axis 2 is out of range for shape (2, 3) (expected -2 <= axis < 2)");
}

TEST_CASE("sum_to reduces a broadcast gradient back to its operand's shape", "[reduce]") {
  const auto g = random_tensor<double>({4, 2, 3}, 31);
  for (const Shape& target : {Shape{4, 2, 3}, Shape{3}, Shape{2, 1}, Shape{1, 2, 3}, Shape{4, 1, 1},
                              Shape{}, Shape{1}}) {
    const auto r = gg::sum_to(g, target);
    REQUIRE(r.shape() == target);
    // sum_to_into gives the same, into a fresh tensor and into one that already has the shape.
    gg::Array<double> fresh;
    gg::sum_to_into(fresh, g, target);
    gg::Array<double> reused = gg::Array<double>::full(target, 7.0);
    const double* reused_storage = reused.data();
    gg::sum_to_into(reused, g, target);
    REQUIRE(fresh.shape() == target);
    CHECK(reused.data() == reused_storage);
    // Reference: every element of g lands in the element of `target` it was broadcast from.
    std::vector<double> want(gg::numel(target), 0.0);
    gg::test::for_each_index(g.shape(), [&](const std::vector<std::size_t>& idx) {
      want[gg::test::broadcast_offset(target, idx)] +=
          g.data()[gg::test::broadcast_offset(g.shape(), idx)];
    });
    for (std::size_t i = 0; i < want.size(); ++i) {
      CHECK(r.data()[i] == Approx(want[i]));
      CHECK(fresh.data()[i] == Approx(want[i]));
      CHECK(reused.data()[i] == Approx(want[i]));
    }
  }
  gg::Array<double> out;
  CHECK_THROWS_AS(gg::sum_to_into(out, g, Shape{5}), gg::ShapeError);
  CHECK_THROWS_WITH(gg::sum_to(g, Shape{5}),
                    Catch::Contains("sum_to: cannot reduce shape (4, 2, 3) to (5,)"));
  CHECK_THROWS_AS(gg::sum_to(g, Shape{2, 4, 2, 3}), gg::ShapeError);
}
