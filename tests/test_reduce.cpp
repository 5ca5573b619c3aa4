// gg::native's reductions against plain loops: sum, mean and amax over each dim, whole-tensor
// reductions, argmax, accuracy of long sums, empty reductions and sum_to.
#include "tensor_helpers.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

using gg::Tensor;
using gg::test::uniform;
using gg::test::values;
using Sizes = std::vector<std::int64_t>;

namespace {

// Reference reduction along `dim` of a rank-3 tensor, in double.
template <class T, class Init, class Step>
std::vector<double> reference(const Tensor& x, std::size_t dim, Init init, Step step) {
  const gg::IntArrayRef s = x.sizes();
  Sizes out_sizes;
  for (std::size_t k = 0; k < 3; ++k) if (k != dim) out_sizes.push_back(s[k]);
  std::vector<double> out(static_cast<std::size_t>(out_sizes[0] * out_sizes[1]));
  std::vector<bool> started(out.size(), false);
  const std::vector<T> xv = values<T>(x);
  gg::test::for_each_index(s, [&](const std::vector<std::int64_t>& idx) {
    Sizes o;
    for (std::size_t k = 0; k < 3; ++k) if (k != dim) o.push_back(idx[k]);
    const auto flat = static_cast<std::size_t>(o[0] * out_sizes[1] + o[1]);
    const double v = xv[static_cast<std::size_t>(gg::test::broadcast_offset(s, idx))];
    out[flat] = started[flat] ? step(out[flat], v) : init(v);
    started[flat] = true;
  });
  return out;
}

}  // namespace

TEMPLATE_TEST_CASE("sum, mean and amax over every dim match a plain loop", "[reduce]", float,
                   double) {
  using T = TestType;
  const double rtol = std::is_same_v<T, float> ? 1e-5 : 1e-12;
  for (const Sizes& sizes : {Sizes{3, 5, 7}, Sizes{200, 1, 50}, Sizes{1, 37, 1}, Sizes{2, 3, 33}}) {
    const Tensor x = uniform(sizes, 21, -2, 2, gg::dtype_of<T>);
    for (std::int64_t dim = 0; dim < 3; ++dim) {
      INFO("sizes " << gg::to_string(sizes) << ", dim " << dim);
      const auto d = static_cast<std::size_t>(dim);
      const auto want_sum = reference<T>(x, d, [](double v) { return v; },
                                         [](double a, double v) { return a + v; });
      const auto want_max = reference<T>(x, d, [](double v) { return v; },
                                         [](double a, double v) { return std::max(a, v); });
      const Tensor s = gg::native::sum(x, {dim});
      const Tensor m = gg::native::mean(x, {dim - 3});  // a negative dim
      const Tensor mx = gg::native::amax(x, {dim}, /*keepdim=*/true);
      REQUIRE(s.numel() == static_cast<std::int64_t>(want_sum.size()));
      CHECK(s.dim() == 2);
      CHECK(s.dtype() == x.dtype());
      CHECK(mx.dim() == 3);
      CHECK(mx.size(dim) == 1);
      const std::vector<T> sv = values<T>(s), mv = values<T>(m), mxv = values<T>(mx);
      for (std::size_t i = 0; i < want_sum.size(); ++i) {
        CHECK(sv[i] == Approx(want_sum[i]).epsilon(rtol).margin(rtol));
        CHECK(mv[i] == Approx(want_sum[i] / double(sizes[d])).epsilon(rtol).margin(rtol));
        CHECK(mxv[i] == T(want_max[i]));
      }
    }
  }
}

TEST_CASE("whole-tensor reductions and argmax", "[reduce]") {
  const std::vector<double> v = {1, 5, 2, 7, 0, 7};
  const Tensor x = gg::from_values<double>(v, {2, 3});
  CHECK(gg::native::sum(x).item<double>() == 22);
  CHECK(gg::native::sum(x).dim() == 0);
  CHECK(gg::native::mean(x).item<double>() == Approx(22.0 / 6));
  CHECK(gg::native::max(x).item<double>() == 7);
  const Tensor flat = gg::native::argmax(x);
  CHECK(flat.dtype() == gg::kInt64);
  CHECK(flat.item<std::int64_t>() == 3);  // the first of equal maxima
  const Tensor rows = gg::native::argmax(x, 1);
  REQUIRE(rows.sizes() == gg::IntArrayRef{2});
  CHECK(values<std::int64_t>(rows) == std::vector<std::int64_t>{1, 0});
  const Tensor cols = gg::native::argmax(x, 0, true);
  REQUIRE(cols.sizes() == gg::IntArrayRef{1, 3});
  CHECK(values<std::int64_t>(cols) == std::vector<std::int64_t>{1, 0, 1});
  // Over several dims at once.
  CHECK(gg::native::sum(x, {0, 1}).item<double>() == 22);
  CHECK(values<double>(gg::native::sum(x, {0}, true)) == std::vector<double>{8, 5, 9});
}

TEST_CASE("a long float sum stays accurate", "[reduce]") {
  // 1e6 values of 0.1: a single running float sum drifts by ~1%; blocked sums stay close.
  const Tensor x = gg::full({1000000}, 0.1f);
  CHECK(gg::native::sum(x).item<float>() == Approx(100000.0).epsilon(1e-3));
  CHECK(gg::native::mean(x).item<float>() == Approx(0.1).epsilon(1e-3));
}

TEST_CASE("empty reductions: sum 0, mean NaN, max and argmax throw", "[reduce][errors]") {
  const Tensor e = gg::zeros({0, 3});
  CHECK(gg::native::sum(e).item<float>() == 0.0f);
  const Tensor col = gg::native::sum(e, {0});
  REQUIRE(col.sizes() == gg::IntArrayRef{3});
  CHECK(values<float>(col) == std::vector<float>{0, 0, 0});
  CHECK(std::isnan(values<float>(gg::native::mean(e, {0}))[0]));
  CHECK_THROWS_AS(gg::native::max(e), gg::ShapeError);
  CHECK_THROWS_WITH(gg::native::max(e), Catch::StartsWith("max: cannot take the maximum over no "
                                                          "elements") &&
                                            Catch::Contains("[0, 3]"));
  CHECK_THROWS_AS(gg::native::argmax(e, 0), std::invalid_argument);
  CHECK_THROWS_AS(gg::native::amax(e, {0}), std::invalid_argument);
  // A dim whose reduction is not empty is fine: amax over dim 1 gives sizes [0].
  CHECK(gg::native::amax(e, {1}).sizes() == gg::IntArrayRef{0});
  CHECK_THROWS_AS(gg::native::sum(gg::zeros({2, 3}), {2}), std::out_of_range);
  CHECK_THROWS_WITH(gg::native::sum(gg::zeros({2, 3}), {2}),
                    Catch::StartsWith("sum: dimension out of range (expected to be in range of "
                                      "[-2, 1], but got 2)"));
}

TEST_CASE("sum_to reduces a broadcast gradient back to its operand's sizes", "[reduce]") {
  const Tensor g = uniform({4, 2, 3}, 31, -2, 2, gg::kFloat64);
  const std::vector<double> gv = values<double>(g);
  for (const Sizes& target : {Sizes{4, 2, 3}, Sizes{3}, Sizes{2, 1}, Sizes{1, 2, 3}, Sizes{4, 1, 1},
                              Sizes{}, Sizes{1}}) {
    INFO("target " << gg::to_string(target));
    const Tensor r = gg::native::sum_to(g, target);
    REQUIRE(r.sizes() == gg::IntArrayRef(target));
    // Reference: every element of g lands in the element of `target` it was broadcast from.
    std::vector<double> want(static_cast<std::size_t>(gg::checked_numel("test", target)), 0.0);
    gg::test::for_each_index(g.sizes(), [&](const std::vector<std::int64_t>& idx) {
      want[static_cast<std::size_t>(gg::test::broadcast_offset(target, idx))] +=
          gv[static_cast<std::size_t>(gg::test::broadcast_offset(g.sizes(), idx))];
    });
    const std::vector<double> rv = values<double>(r);
    for (std::size_t i = 0; i < want.size(); ++i) CHECK(rv[i] == Approx(want[i]));
  }
  // Sizes that already match: the tensor itself, no copy (the old sum_to_into's reuse).
  CHECK(gg::native::sum_to(g, {4, 2, 3}).is_same(g));
  CHECK_THROWS_AS(gg::native::sum_to(g, {5}), gg::ShapeError);
  CHECK_THROWS_WITH(gg::native::sum_to(g, {5}),
                    Catch::Contains("sum_to: cannot reduce sizes [4, 2, 3] to [5]"));
  CHECK_THROWS_AS(gg::native::sum_to(g, {2, 4, 2, 3}), gg::ShapeError);
}
