// gg::native reductions, softmax and matrix products on gg::Tensor (issue 11), for both float
// dtypes, keepdim, negative and multiple dims, and strided inputs (as_strided views). Expected
// values come from torch 1.13 (/usr/bin/python3, the expression in the comment above each
// table), from small products worked by hand (marked so), or from a double-precision loop or
// gg::gemm_reference run on the same values here.
#include <gategrad/tensor/allocator.hpp>
#include <gategrad/tensor/factory.hpp>
#include <gategrad/tensor/gemm.hpp>
#include <gategrad/tensor/native.hpp>
#include <gategrad/tensor/shape.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>
#include <utility>
#include <vector>

using gg::Tensor;
namespace native = gg::native;

namespace {

// t's values in row-major order, read through its strides (nothing here copies with the
// kernels under test).
std::vector<double> values(const Tensor& t) {
  std::vector<double> out;
  gg::visit_dtype(t.dtype(), [&]<class T>() {
    const T* base = static_cast<const T*>(t.data_ptr());
    std::vector<std::int64_t> index(static_cast<std::size_t>(t.dim()), 0);
    for (std::int64_t n = 0; n < t.numel(); ++n) {
      std::int64_t offset = 0;
      for (std::size_t k = 0; k < index.size(); ++k) offset += index[k] * t.strides()[k];
      out.push_back(static_cast<double>(base[offset]));
      for (std::size_t k = index.size(); k-- > 0;) {
        if (++index[k] < t.sizes()[k]) break;
        index[k] = 0;
      }
    }
  });
  return out;
}

// A contiguous tensor of `dtype` holding `v` (converted) with the given sizes.
Tensor make(const std::vector<double>& v, gg::IntArrayRef sizes, gg::Dtype dtype = gg::kFloat32) {
  Tensor t = gg::empty(sizes, dtype);
  REQUIRE(static_cast<std::size_t>(t.numel()) == v.size());
  gg::visit_dtype(dtype, [&]<class T>() {
    for (std::size_t i = 0; i < v.size(); ++i) t.data_ptr<T>()[i] = gg::Scalar(v[i]).to<T>();
  });
  return t;
}

// 0.5 * i - 3 for i < 24, shaped (2, 3, 4): torch.arange(24.).reshape(2,3,4) * 0.5 - 3.
Tensor x234(gg::Dtype dtype) {
  std::vector<double> v;
  for (int i = 0; i < 24; ++i) v.push_back(0.5 * i - 3);
  return make(v, {2, 3, 4}, dtype);
}

void check_values(const Tensor& t, const std::vector<double>& expected, double tol) {
  const std::vector<double> got = values(t);
  REQUIRE(got.size() == expected.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    INFO("element " << i);
    if (std::isnan(expected[i])) CHECK(std::isnan(got[i]));
    else CHECK(got[i] == Approx(expected[i]).epsilon(tol).margin(tol));
  }
}

double tolerance(gg::Dtype dtype) { return dtype == gg::kFloat64 ? 1e-12 : 2e-6; }

// A seeded tensor of uniform values in [-4, 4).
Tensor random(gg::IntArrayRef sizes, gg::Dtype dtype, std::uint64_t seed) {
  gg::Generator gen(seed);
  Tensor t = gg::rand(sizes, gen, dtype);
  gg::visit_dtype(dtype, [&]<class T>() {
    if constexpr (!std::is_same_v<T, bool> && !std::is_same_v<T, std::int64_t>) {
      T* p = t.data_ptr<T>();
      for (std::int64_t i = 0; i < t.numel(); ++i) p[i] = T(8.0f * float(p[i]) - 4.0f);
    }
  });
  return t;
}

}  // namespace

TEST_CASE("sum over everything and over dims, as torch 1.13", "[core][reduction]") {
  for (const gg::Dtype dtype : {gg::kFloat32, gg::kFloat64}) {
    INFO(gg::name(dtype));
    const Tensor x = x234(dtype);
    const double tol = tolerance(dtype);
    const Tensor all = native::sum(x);
    CHECK(all.dim() == 0);
    CHECK(all.dtype() == dtype);
    check_values(all, {66.0}, tol);
    // x.sum(1), x.sum(-1), x.sum([0, 2])
    check_values(native::sum(x, {1}), {-3.0, -1.5, 0.0, 1.5, 15.0, 16.5, 18.0, 19.5}, tol);
    CHECK(native::sum(x, {1}).sizes() == gg::IntArrayRef{2, 4});
    check_values(native::sum(x, {-1}), {-9.0, -1.0, 7.0, 15.0, 23.0, 31.0}, tol);
    check_values(native::sum(x, {0, 2}), {6.0, 22.0, 38.0}, tol);
    check_values(native::sum(x, {2, 0}), {6.0, 22.0, 38.0}, tol);
    CHECK(native::sum(x, {0, 2}, true).sizes() == gg::IntArrayRef{1, 3, 1});
    CHECK(native::sum(x, {1}, true).sizes() == gg::IntArrayRef{2, 1, 4});
    CHECK(native::sum(x, {0, 1, 2}).dim() == 0);
    // torch 1.13: x.sum(dim=[]) reduces every dim.
    check_values(native::sum(x, {}), {66.0}, tol);
    CHECK(native::sum(x, {}, true).sizes() == gg::IntArrayRef{1, 1, 1});
  }
}

TEST_CASE("sum gives int64 for bool and int64, and accumulates bfloat16 in float32",
          "[core][reduction]") {
  const Tensor flags = gg::tensor({true, true, false, true});
  CHECK(native::sum(flags).dtype() == gg::kInt64);
  CHECK(native::sum(flags).item<std::int64_t>() == 3);
  const Tensor ints = make({1, 2, 3, 4, 5, 6}, {2, 3}, gg::kInt64);
  const Tensor rows = native::sum(ints, {1});
  CHECK(rows.dtype() == gg::kInt64);
  check_values(rows, {6, 15}, 0);
  check_values(native::sum(ints, {0}, true), {5, 7, 9}, 0);
  // Large int64 values stay exact (no detour through double).
  const std::int64_t big = (std::int64_t{1} << 60) + 1;
  const Tensor bigs = gg::tensor({big, std::int64_t{2}});
  CHECK(native::sum(bigs).item<std::int64_t>() == big + 2);
  // torch.ones(300, dtype=torch.bfloat16).sum() is 300; a bfloat16 running sum stops at 256.
  const Tensor ones = gg::ones({300}, gg::kBFloat16);
  CHECK(native::sum(ones).dtype() == gg::kBFloat16);
  CHECK(native::sum(ones).item<float>() == 300.0f);
  // torch.tensor([1.5, 2.25, 3.0, 0.1], dtype=torch.bfloat16).sum() and .mean()
  const Tensor b = make({1.5, 2.25, 3.0, 0.1}, {4}, gg::kBFloat16);
  CHECK(native::sum(b).item<float>() == 6.84375f);
  CHECK(native::mean(b).item<float>() == 1.7109375f);
}

TEST_CASE("sum takes a scalar and empty tensors as torch does", "[core][reduction]") {
  const Tensor s = gg::scalar_tensor(3.0);
  CHECK(native::sum(s, {0}).item<float>() == 3.0f);
  CHECK(native::sum(s, {-1}, true).dim() == 0);
  const Tensor e = gg::empty({0, 3});
  check_values(native::sum(e, {0}), {0, 0, 0}, 0);
  CHECK(native::sum(e, {1}).sizes() == gg::IntArrayRef{0});
  CHECK(native::sum(e).item<float>() == 0.0f);
}

TEST_CASE("sum names bad dims", "[core][reduction]") {
  const Tensor x = x234(gg::kFloat32);
  CHECK_THROWS_AS(native::sum(x, {3}), std::out_of_range);
  CHECK_THROWS_WITH(native::sum(x, {3}), Catch::Contains("sum") && Catch::Contains("[-3, 2]"));
  CHECK_THROWS_AS(native::sum(x, {0, -3}), std::invalid_argument);
  CHECK_THROWS_WITH(native::sum(x, {0, -3}),
                    Catch::Contains("dim 0 appears multiple times in the list of dims [0, -3]"));
}

TEST_CASE("mean needs a floating dtype and gives NaN over nothing", "[core][reduction]") {
  for (const gg::Dtype dtype : {gg::kFloat32, gg::kFloat64}) {
    INFO(gg::name(dtype));
    const Tensor x = x234(dtype);
    const double tol = tolerance(dtype);
    check_values(native::mean(x), {2.75}, tol);
    // x.mean(1), x.mean([0, -1])
    check_values(native::mean(x, {1}), {-1.0, -0.5, 0.0, 0.5, 5.0, 5.5, 6.0, 6.5}, tol);
    check_values(native::mean(x, {0, -1}, true), {0.75, 2.75, 4.75}, tol);
    CHECK(native::mean(x, {0, -1}, true).sizes() == gg::IntArrayRef{1, 3, 1});
    CHECK(native::mean(x).dtype() == dtype);
  }
  check_values(native::mean(gg::empty({0, 3}), {0}), {NAN, NAN, NAN}, 0);
  CHECK(std::isnan(native::mean(gg::empty({0})).item<float>()));
  CHECK_THROWS_AS(native::mean(gg::tensor({1, 2})), std::invalid_argument);
  CHECK_THROWS_WITH(
      native::mean(gg::tensor({1, 2})),
      Catch::Contains("mean(): could not infer output dtype") && Catch::Contains("int64"));
  CHECK_THROWS_WITH(native::mean(gg::tensor({true}), {0}), Catch::Contains("bool"));
}

TEST_CASE("amax and max, with NaN propagated as torch does", "[core][reduction]") {
  for (const gg::Dtype dtype : {gg::kFloat32, gg::kFloat64}) {
    INFO(gg::name(dtype));
    const Tensor x = x234(dtype);
    // x.amax(1), x.amax([0, 2]), x.amax(-1), x.max()
    check_values(native::amax(x, {1}), {1.0, 1.5, 2.0, 2.5, 7.0, 7.5, 8.0, 8.5}, 0);
    check_values(native::amax(x, {0, 2}, true), {4.5, 6.5, 8.5}, 0);
    check_values(native::amax(x, {-1}), {-1.5, 0.5, 2.5, 4.5, 6.5, 8.5}, 0);
    CHECK(native::max(x).item<double>() == 8.5);
    CHECK(native::max(x).dim() == 0);
    // A NaN in a vector lane, in the scalar tail, in a column: torch gives NaN for each.
    for (const std::int64_t at : {0, 5, 36}) {
      Tensor v = gg::full({37}, 2.0, dtype);
      gg::visit_dtype(
          dtype, [&]<class T>() { v.data_ptr<T>()[at] = std::numeric_limits<T>::quiet_NaN(); });
      INFO("NaN at " << at);
      CHECK(std::isnan(native::max(v).item<double>()));
      CHECK(std::isnan(native::amax(v, {0}).item<double>()));
    }
    // Rows along the contiguous dim, long enough for the four accumulator chains and a ragged
    // tail (147 floats under AVX-512: two blocks of four vectors, one vector, 3 scalars): a
    // NaN in the chains, in the one-vector loop after them, in the scalar tail; only those
    // rows are NaN, and the others keep their maximum and minimum (5 at 7 + r, -4 at 100 + r).
    const std::int64_t len = 147;
    Tensor rows = gg::zeros({6, len}, dtype);
    gg::visit_dtype(dtype, [&]<class T>() {
      T* p = rows.data_ptr<T>();
      for (std::int64_t r = 0; r < 6; ++r) {
        p[r * len + 100 + r] = T(-4);
        p[r * len + 7 + r] = T(5);
      }
      const T nan = std::numeric_limits<T>::quiet_NaN();
      p[1 * len + 33] = nan;
      p[3 * len + 130] = nan;
      p[5 * len + 146] = nan;
    });
    const std::vector<double> row_max = values(native::amax(rows, {1}));
    const std::vector<double> row_min = values(native::amin(rows, {-1}));
    for (std::size_t r = 0; r < 6; ++r) {
      INFO("row " << r);
      const bool nan_row = r == 1 || r == 3 || r == 5;
      CHECK(std::isnan(row_max[r]) == nan_row);
      CHECK(std::isnan(row_min[r]) == nan_row);
      if (!nan_row) {
        CHECK(row_max[r] == 5);
        CHECK(row_min[r] == -4);
      }
    }
    Tensor cols = gg::zeros({5, 19}, dtype);
    gg::visit_dtype(dtype, [&]<class T>() {
      cols.data_ptr<T>()[3 * 19 + 17] = std::numeric_limits<T>::quiet_NaN();
    });
    const std::vector<double> col_max = values(native::amax(cols, {0}));
    for (std::size_t j = 0; j < 19; ++j) CHECK(std::isnan(col_max[j]) == (j == 17));
  }
  check_values(native::amax(make({3, -7, 9, 2}, {2, 2}, gg::kInt64), {1}), {3, 9}, 0);
  const Tensor flags = native::amax(gg::tensor({false, true, false}), {0});
  CHECK(flags.dtype() == gg::kBool);
  CHECK(flags.item<bool>());
  // -inf is a value like any other.
  CHECK(native::max(gg::full({3}, -INFINITY)).item<float>() == -INFINITY);
}

TEST_CASE("amax and max refuse an empty reduction", "[core][reduction]") {
  CHECK_THROWS_AS(native::max(gg::empty({0})), gg::ShapeError);
  CHECK_THROWS_AS(native::amax(gg::empty({0, 3}), {0}), gg::ShapeError);
  CHECK_THROWS_WITH(native::amax(gg::empty({0, 3}), {0}),
                    Catch::Contains("amax") && Catch::Contains("[0, 3]"));
  CHECK(native::amax(gg::empty({0, 3}), {1}).sizes() == gg::IntArrayRef{0});
}

TEST_CASE("argmax takes the first index on ties and counts NaN as the maximum",
          "[core][reduction]") {
  for (const gg::Dtype dtype : {gg::kFloat32, gg::kFloat64, gg::kInt64, gg::kBFloat16}) {
    INFO(gg::name(dtype));
    // y = torch.tensor([[1., 5, 5], [7, -2, 7]]): y.argmax(1), y.argmax(0), y.argmax()
    const Tensor y = make({1, 5, 5, 7, -2, 7}, {2, 3}, dtype);
    check_values(native::argmax(y, 1), {1, 0}, 0);
    check_values(native::argmax(y, -2), {1, 0, 1}, 0);
    CHECK(native::argmax(y).item<std::int64_t>() == 3);
    CHECK(native::argmax(y).dim() == 0);
    CHECK(native::argmax(y).dtype() == gg::kInt64);
    CHECK(native::argmax(y, 0, true).sizes() == gg::IntArrayRef{1, 3});
    CHECK(native::argmax(y, std::nullopt, true).sizes() == gg::IntArrayRef{1, 1});
  }
  // torch.tensor([1., nan, 5, nan]).argmax() is 1.
  const Tensor n = gg::tensor({1.0f, NAN, 5.0f, NAN});
  CHECK(native::argmax(n).item<std::int64_t>() == 1);
  // torch.tensor([[1, 2, nan], [4, nan, nan], [9, 0, 1]]).argmax(0) and .argmax(1)
  const Tensor nan_cols = make({1, 2, NAN, 4, NAN, NAN, 9, 0, 1}, {3, 3});
  check_values(native::argmax(nan_cols, 0), {2, 1, 0}, 0);
  check_values(native::argmax(nan_cols, 1), {2, 1, 0}, 0);
  // A long column reduction (the row-at-a-time path) against a plain loop.
  const Tensor r = random({41, 13}, gg::kFloat32, 7);
  const std::vector<double> rv = values(r), got = values(native::argmax(r, 0));
  for (std::size_t j = 0; j < 13; ++j) {
    std::size_t best = 0;
    for (std::size_t i = 1; i < 41; ++i) {
      if (rv[i * 13 + j] > rv[best * 13 + j]) best = i;
    }
    CHECK(got[j] == static_cast<double>(best));
  }
  CHECK_THROWS_AS(native::argmax(gg::empty({0})), gg::ShapeError);
  CHECK_THROWS_AS(native::argmax(gg::empty({0, 2}), 0), gg::ShapeError);
  CHECK(native::argmax(gg::empty({0, 2}), 1).sizes() == gg::IntArrayRef{0});
  CHECK_THROWS_WITH(native::argmax(gg::tensor({true})),
                    Catch::Contains("argmax") && Catch::Contains("bool"));
  CHECK_THROWS_AS(native::argmax(gg::zeros({2, 3}), 2), std::out_of_range);
}

namespace {

// The reduction of x's row-major values over `dims` (a mask), in double: the specification.
template <class Op> std::vector<double> reference_reduce(const Tensor& x,
                                                         const std::vector<bool>& reduced,
                                                         double init, Op op) {
  const std::vector<double> v = values(x);
  std::vector<std::int64_t> out_stride(reduced.size(), 0);
  std::int64_t n_out = 1;
  for (std::size_t k = reduced.size(); k-- > 0;) {
    if (reduced[k]) continue;
    out_stride[k] = n_out;
    n_out *= x.sizes()[k];
  }
  std::vector<double> out(static_cast<std::size_t>(n_out), init);
  std::vector<std::int64_t> index(reduced.size(), 0);
  for (const double value : v) {
    std::int64_t o = 0;
    for (std::size_t k = 0; k < index.size(); ++k) o += index[k] * out_stride[k];
    out[static_cast<std::size_t>(o)] = op(out[static_cast<std::size_t>(o)], value);
    for (std::size_t k = index.size(); k-- > 0;) {
      if (++index[k] < x.sizes()[k]) break;
      index[k] = 0;
    }
  }
  return out;
}

std::vector<double> reference_sum(const Tensor& x, const std::vector<bool>& reduced) {
  return reference_reduce(x, reduced, 0.0, [](double a, double b) { return a + b; });
}
std::vector<double> reference_max(const Tensor& x, const std::vector<bool>& reduced) {
  return reference_reduce(x, reduced, -INFINITY, [](double a, double b) { return std::max(a, b); });
}

// softmax (or log_softmax) of x's values along dim, in double.
std::vector<double> reference_softmax(const Tensor& x, std::int64_t dim, bool log) {
  const std::vector<double> v = values(x);
  std::int64_t outer = 1, len = x.sizes()[static_cast<std::size_t>(dim)], inner = 1;
  for (std::int64_t k = 0; k < x.dim(); ++k) {
    if (k < dim) outer *= x.sizes()[static_cast<std::size_t>(k)];
    if (k > dim) inner *= x.sizes()[static_cast<std::size_t>(k)];
  }
  std::vector<double> out(v.size());
  for (std::int64_t o = 0; o < outer; ++o) {
    for (std::int64_t j = 0; j < inner; ++j) {
      const auto at = [&](std::int64_t l) {
        return static_cast<std::size_t>((o * len + l) * inner + j);
      };
      double m = -INFINITY, s = 0;
      for (std::int64_t l = 0; l < len; ++l) m = std::max(m, v[at(l)]);
      for (std::int64_t l = 0; l < len; ++l) s += std::exp(v[at(l)] - m);
      for (std::int64_t l = 0; l < len; ++l) {
        out[at(l)] = log ? (v[at(l)] - m) - std::log(s) : std::exp(v[at(l)] - m) / s;
      }
    }
  }
  return out;
}

}  // namespace

TEST_CASE("sum and amax match a double loop on the vector paths", "[core][reduction]") {
  // Sizes past the vector width and the 4-accumulator unroll, with ragged tails; each mask
  // hits one loop: rows (last dim), column sums (leading dims), and mixed runs.
  const std::vector<std::pair<std::vector<std::int64_t>, std::vector<bool>>> cases = {
      {{7, 131}, {false, true}},
      {{131, 7}, {true, false}},
      {{53, 37}, {true, false}},
      {{5, 6, 37}, {true, false, true}},
      {{5, 6, 37}, {false, true, false}},
      {{3, 1, 4, 19}, {true, true, false, false}},
      {{1000}, {true}},
      {{2, 3, 4, 5}, {true, true, true, true}},
  };
  for (const gg::Dtype dtype : {gg::kFloat32, gg::kFloat64, gg::kInt64, gg::kBFloat16}) {
    for (const auto& [sizes, mask] : cases) {
      Tensor x = random(sizes, dtype == gg::kInt64 ? gg::kFloat64 : dtype, 11);
      if (dtype == gg::kInt64) {  // integers up to +-4000, whose sums are exact
        std::vector<double> v = values(x);
        for (double& e : v) e = std::round(1000 * e);
        x = make(v, sizes, gg::kInt64);
      }
      std::vector<std::int64_t> dims;
      for (std::size_t k = 0; k < mask.size(); ++k) {
        if (mask[k]) dims.push_back(static_cast<std::int64_t>(k));
      }
      INFO(gg::name(dtype) << " sizes " << gg::to_string(sizes) << " dims " << gg::to_string(dims));
      // bfloat16 sums are rounded once to 8 significant bits.
      const double tol = dtype == gg::kFloat64   ? 1e-12
                         : dtype == gg::kFloat32 ? 1e-5
                         : dtype == gg::kInt64   ? 0
                                                 : 1e-2;
      check_values(native::sum(x, dims), reference_sum(x, mask), tol);
      check_values(native::amax(x, dims), reference_max(x, mask), 0);
    }
  }
}

TEST_CASE("strided inputs reduce as their contiguous copies", "[core][reduction]") {
  for (const gg::Dtype dtype : {gg::kFloat32, gg::kFloat64}) {
    INFO(gg::name(dtype));
    const Tensor base = random({3, 5, 7}, dtype, 3);
    // base.permute(2, 1, 0) and base[1:, :4, 1::2]
    const Tensor transposed = native::as_strided(base, {7, 5, 3}, {1, 7, 35}, 0);
    const Tensor sliced = native::as_strided(base, {2, 4, 3}, {35, 7, 2}, 36);
    for (const Tensor& x : {transposed, sliced}) {
      REQUIRE_FALSE(x.is_contiguous());
      const Tensor copy = make(values(x), x.sizes(), dtype);
      for (const std::vector<std::int64_t>& dims :
           std::vector<std::vector<std::int64_t>>{{0}, {-1}, {0, 2}, {1}, {}}) {
        INFO("dims " << gg::to_string(dims));
        check_values(native::sum(x, dims), values(native::sum(copy, dims)), 0);
        check_values(native::mean(x, dims, true), values(native::mean(copy, dims, true)), 0);
        check_values(native::amax(x, dims), values(native::amax(copy, dims)), 0);
      }
      for (std::int64_t d = 0; d < 3; ++d) {
        check_values(native::argmax(x, d), values(native::argmax(copy, d)), 0);
        check_values(native::softmax(x, d), values(native::softmax(copy, d)), 0);
        check_values(native::log_softmax(x, d), values(native::log_softmax(copy, d)), 0);
      }
      CHECK(native::argmax(x).item<std::int64_t>() == native::argmax(copy).item<std::int64_t>());
      CHECK(native::max(x).item<double>() == native::max(copy).item<double>());
      check_values(native::sum_to(x, {x.sizes()[2]}), values(native::sum_to(copy, {x.sizes()[2]})),
                   0);
    }
  }
}

TEST_CASE("softmax and log_softmax along any dim, as torch 1.13", "[core][reduction]") {
  for (const gg::Dtype dtype : {gg::kFloat32, gg::kFloat64}) {
    INFO(gg::name(dtype));
    const double tol = dtype == gg::kFloat64 ? 1e-12 : 1e-6;
    // z = torch.tensor([[0.5, -1., 2.], [3., 0., -4.]], dtype=torch.float64)
    const Tensor z = make({0.5, -1, 2, 3, 0, -4}, {2, 3}, dtype);
    // z.softmax(1), z.softmax(0), z.log_softmax(1), z.log_softmax(0)
    check_values(native::softmax(z, 1),
                 {0.1752903921400367, 0.039112573270687456, 0.7855970345892759, 0.9517474055557683,
                  0.04738471314934217, 0.0008678812948896053},
                 tol);
    check_values(native::softmax(z, -1), values(native::softmax(z, 1)), 0);
    check_values(native::softmax(z, 0),
                 {0.07585818002124356, 0.2689414213699951, 0.9975273768433653, 0.9241418199787566,
                  0.7310585786300049, 0.0024726231566347748},
                 tol);
    check_values(native::log_softmax(z, 1),
                 {-1.7413112966571571, -3.241311296657157, -0.24131129665715703,
                  -0.049455609695645726, -3.0494556096956456, -7.049455609695646},
                 tol);
    check_values(native::log_softmax(z, -2),
                 {-2.5788897342925496, -1.3132616875182228, -0.002475685137730357,
                  -0.07888973429254957, -0.31326168751822286, -6.00247568513773},
                 tol);
    CHECK(native::softmax(z, 1).dtype() == dtype);
    // Large logits do not overflow: torch.tensor([1000., 1001, -1000, 999.5]).softmax(0) and
    // .log_softmax(0), in float64; along dim 0 of a (4, 2) matrix (the column loop) too.
    const std::vector<double> big{1000, 1001, -1000, 999.5};
    const std::vector<double> big_soft{0.23122389762214907, 0.6285317192117624, 0.0,
                                       0.14024438316608848};
    const std::vector<double> big_log{-1.464368784107945, -0.4643687841079449, -2001.464368784108,
                                      -1.964368784107945};
    check_values(native::softmax(make(big, {4}, dtype), 0), big_soft, tol);
    check_values(native::log_softmax(make(big, {4}, dtype), 0), big_log,
                 dtype == gg::kFloat64 ? 1e-12 : 1e-7);
    const Tensor big_cols =
        make({1000, 1000, 1001, 1001, -1000, -1000, 999.5, 999.5}, {4, 2}, dtype);
    check_values(native::softmax(big_cols, 0),
                 {big_soft[0], big_soft[0], big_soft[1], big_soft[1], big_soft[2], big_soft[2],
                  big_soft[3], big_soft[3]},
                 tol);
    check_values(native::log_softmax(big_cols, 0),
                 {big_log[0], big_log[0], big_log[1], big_log[1], big_log[2], big_log[2],
                  big_log[3], big_log[3]},
                 dtype == gg::kFloat64 ? 1e-12 : 1e-7);
    // torch: softmax of [inf, 1] and of [-inf, -inf] is NaN; a rank-0 tensor's softmax is 1.
    check_values(native::softmax(make({INFINITY, 1}, {2}, dtype), 0), {NAN, NAN}, 0);
    check_values(native::log_softmax(make({-INFINITY, -INFINITY}, {2}, dtype), 0), {NAN, NAN}, 0);
    CHECK(native::softmax(gg::scalar_tensor(3.0, dtype), 0).item<double>() == 1.0);
    CHECK(native::softmax(gg::empty({2, 0}, dtype), 1).sizes() == gg::IntArrayRef{2, 0});
  }
  // Rows longer than a vector and columns of a ragged width, against a double loop.
  for (const gg::Dtype dtype : {gg::kFloat32, gg::kFloat64}) {
    for (const std::vector<std::int64_t>& sizes :
         std::vector<std::vector<std::int64_t>>{{7, 33}, {3, 5, 17}}) {
      const Tensor x = random(sizes, dtype, 9);
      for (std::int64_t d = 0; d < x.dim(); ++d) {
        INFO(gg::name(dtype) << " sizes " << gg::to_string(sizes) << " dim " << d);
        const double tol = dtype == gg::kFloat64 ? 1e-12 : 1e-6;
        check_values(native::softmax(x, d), reference_softmax(x, d, false), tol);
        check_values(native::log_softmax(x, d), reference_softmax(x, d, true), tol);
      }
    }
  }
  // exp keeps subnormals: torch.tensor([0., -100.]).softmax(0)[1] is 3.7835e-44 in float32;
  // 17 values reach the vector lanes, where xsimd::exp alone would flush it to 0.
  std::vector<double> tiny(17, -100.0);
  tiny[0] = 0;
  const std::vector<double> soft = values(native::softmax(make(tiny, {17}), 0));
  for (std::size_t i = 1; i < 17; ++i)
    CHECK(soft[i] == Approx(3.783505853677006e-44).epsilon(1e-2));
  // bfloat16 computes in float32 and rounds once:
  // torch.tensor([1.5, 2.25, 3.0, 0.1], dtype=torch.bfloat16).softmax(0)
  const Tensor b = native::softmax(make({1.5, 2.25, 3.0, 0.1}, {4}, gg::kBFloat16), 0);
  CHECK(b.dtype() == gg::kBFloat16);
  check_values(b, {0.1279296875, 0.26953125, 0.5703125, 0.031494140625}, 0);
  CHECK_THROWS_AS(native::softmax(gg::tensor({1, 2}), 0), std::invalid_argument);
  CHECK_THROWS_WITH(native::log_softmax(gg::tensor({1, 2}), 0),
                    Catch::Contains("log_softmax") && Catch::Contains("int64"));
  CHECK_THROWS_AS(native::softmax(gg::zeros({2, 3}), 2), std::out_of_range);
}

TEST_CASE("sum_to reduces what broadcasting added", "[core][reduction]") {
  for (const gg::Dtype dtype : {gg::kFloat32, gg::kFloat64}) {
    INFO(gg::name(dtype));
    const Tensor x = x234(dtype);
    // x.sum_to_size(1, 4) and (3, 1) in torch; a bias gradient first: (2, 3, 4) -> (4), (1, 4).
    check_values(native::sum_to(x, {4}), {12.0, 15.0, 18.0, 21.0}, 0);
    CHECK(native::sum_to(x, {1, 4}).sizes() == gg::IntArrayRef{1, 4});
    check_values(native::sum_to(x, {1, 4}), {12.0, 15.0, 18.0, 21.0}, 0);
    check_values(native::sum_to(x, {3, 1}), {6.0, 22.0, 38.0}, 0);
    CHECK(native::sum_to(x, {3, 1}).sizes() == gg::IntArrayRef{3, 1});
    check_values(native::sum_to(x, {2, 1, 4}), values(native::sum(x, {1}, true)), 0);
    check_values(native::sum_to(x, {}), {66.0}, 0);
    CHECK(native::sum_to(x, {}).dim() == 0);
    CHECK(native::sum_to(x, {2, 3, 4}).is_same(x));
    // (1, 3) -> (3): only a leading size-1 dim goes.
    const Tensor row = make({1, 2, 3}, {1, 3}, dtype);
    check_values(native::sum_to(row, {3}), {1, 2, 3}, 0);
    CHECK(native::sum_to(row, {3}).sizes() == gg::IntArrayRef{3});
  }
  CHECK_THROWS_AS(native::sum_to(x234(gg::kFloat32), {3}), gg::ShapeError);
  CHECK_THROWS_WITH(native::sum_to(x234(gg::kFloat32), {5, 2, 3, 4}),
                    Catch::Contains("sum_to: cannot reduce sizes [2, 3, 4] to [5, 2, 3, 4]"));
}

// --- matrix products (tensor/linalg.cpp) -----------------------------------------------------
// These belong in tests/test_core_linalg.cpp once that file is registered in
// gategrad_core_tests (tests/CMakeLists.txt).

namespace {

// a:(M,K) b:(K,N) by gg::gemm_reference on the row-major values.
std::vector<double> reference_mm(const Tensor& a, const Tensor& b) {
  const std::int64_t M = a.sizes()[0], K = a.sizes()[1], N = b.sizes()[1];
  std::vector<double> c(static_cast<std::size_t>(M * N));
  const std::vector<double> av = values(a), bv = values(b);
  const auto m = static_cast<std::size_t>(M), n = static_cast<std::size_t>(N),
             k = static_cast<std::size_t>(K);
  gg::gemm_reference<double>(gg::Trans::No, gg::Trans::No, m, n, k, 1.0, av.data(),
                             std::max<std::size_t>(k, 1), bv.data(), std::max<std::size_t>(n, 1),
                             0.0, c.data(), std::max<std::size_t>(n, 1));
  return c;
}

// A (rows, cols) operand in one of the layouts mm must accept, over a fresh random base.
enum class Layout { Contiguous, Transposed, Narrowed, NarrowedTransposed, Stepped };

Tensor operand(Layout layout, std::int64_t rows, std::int64_t cols, gg::Dtype dtype,
               std::uint64_t seed) {
  switch (layout) {
    case Layout::Contiguous:
      return random({rows, cols}, dtype, seed);
    case Layout::Transposed:  // base:(cols, rows), viewed as base.t()
      return native::as_strided(random({cols, rows}, dtype, seed), {rows, cols}, {1, rows}, 0);
    case Layout::Narrowed:  // base[:, 1:cols+1] of a (rows, cols + 3) base: lda > cols
      return native::as_strided(random({rows, cols + 3}, dtype, seed), {rows, cols}, {cols + 3, 1},
                                1);
    case Layout::NarrowedTransposed:  // base[:, 2:rows+2].t() of a (cols, rows + 2) base
      return native::as_strided(random({cols, rows + 2}, dtype, seed), {rows, cols}, {1, rows + 2},
                                2);
    case Layout::Stepped:  // base[:, ::2]: no unit stride either way, so mm copies it
      return native::as_strided(random({rows, 2 * cols}, dtype, seed), {rows, cols}, {2 * cols, 2},
                                0);
  }
  return {};
}

constexpr Layout kLayouts[] = {Layout::Contiguous, Layout::Transposed, Layout::Narrowed,
                               Layout::NarrowedTransposed, Layout::Stepped};

}  // namespace

TEST_CASE("mm of hand-computed matrices", "[core][linalg]") {
  for (const gg::Dtype dtype : {gg::kFloat32, gg::kFloat64}) {
    // By hand: [[1, 2, 3], [4, 5, 6]] x [[1, 0], [0, 1], [2, -1]] = [[7, -1], [16, -1]]
    const Tensor a = make({1, 2, 3, 4, 5, 6}, {2, 3}, dtype);
    const Tensor b = make({1, 0, 0, 1, 2, -1}, {3, 2}, dtype);
    const Tensor c = native::mm(a, b);
    CHECK(c.dtype() == dtype);
    CHECK(c.sizes() == gg::IntArrayRef{2, 2});
    check_values(c, {7, -1, 16, -1}, 0);
    check_values(native::matmul(a, b), {7, -1, 16, -1}, 0);
  }
}

TEST_CASE("mm takes every transposed and narrowed view as the GEMM's operand", "[core][linalg]") {
  for (const gg::Dtype dtype : {gg::kFloat32, gg::kFloat64}) {
    for (const auto [M, K, N] :
         {std::array<std::int64_t, 3>{5, 7, 3}, std::array<std::int64_t, 3>{37, 19, 41},
          std::array<std::int64_t, 3>{1, 9, 4}, std::array<std::int64_t, 3>{6, 1, 1}}) {
      for (const Layout la : kLayouts) {
        for (const Layout lb : kLayouts) {
          INFO(gg::name(dtype) << " M=" << M << " K=" << K << " N=" << N << " layouts "
                               << static_cast<int>(la) << ", " << static_cast<int>(lb));
          const Tensor a = operand(la, M, K, dtype, 1);
          const Tensor b = operand(lb, K, N, dtype, 2);
          // Sums of up to 37 products of values in [-4, 4): float32 rounding reaches 1e-5.
          check_values(native::mm(a, b), reference_mm(a, b), dtype == gg::kFloat64 ? 1e-12 : 1e-4);
        }
      }
    }
  }
}

TEST_CASE("a transposed view reaches the GEMM without a copy", "[core][linalg]") {
  // After release_cached_memory() and one warm-up product of the same shapes, a product that
  // copied an operand would hold one more tensor (its impl, storage and data blocks) than the
  // warm-up did, and the cache would have to ask the system for it. 32 x 32 runs on one
  // thread, so the GEMM's own scratch is the same in both calls.
  const Tensor a_base = random({32, 32}, gg::kFloat32, 4);
  const Tensor b = random({32, 32}, gg::kFloat32, 5);
  const Tensor a_t = native::as_strided(a_base, {32, 32}, {1, 32}, 0);
  const Tensor stepped_base = random({32, 64}, gg::kFloat32, 6);
  const Tensor a_stepped = native::as_strided(stepped_base, {32, 32}, {64, 2}, 0);
  const auto new_system_blocks = [&](const Tensor& a) {
    gg::release_cached_memory();
    { const Tensor warm = native::mm(a_base, b); }
    const std::size_t before = gg::cache_stats().system_allocations;
    { const Tensor c = native::mm(a, b); }
    return gg::cache_stats().system_allocations - before;
  };
  CHECK(new_system_blocks(a_t) == 0);
  CHECK(new_system_blocks(a_base) == 0);
  CHECK(new_system_blocks(a_stepped) > 0);  // the check can fail: a copy is seen
  check_values(native::mm(a_t, b), reference_mm(a_t, b), 1e-5);
}

TEST_CASE("matmul of vectors, as torch.matmul", "[core][linalg]") {
  for (const gg::Dtype dtype : {gg::kFloat32, gg::kFloat64}) {
    INFO(gg::name(dtype));
    const Tensor m = make({1, 2, 3, 4, 5, 6}, {2, 3}, dtype);
    const Tensor v3 = make({1, -1, 2}, {3}, dtype);
    const Tensor v2 = make({2, -3}, {2}, dtype);
    // By hand: m @ v3 = [5, 11]; v2 @ m = [-10, -11, -12]; v3 @ v3 = 6
    const Tensor mv = native::matmul(m, v3);
    CHECK(mv.sizes() == gg::IntArrayRef{2});
    check_values(mv, {5, 11}, 0);
    const Tensor vm = native::matmul(v2, m);
    CHECK(vm.sizes() == gg::IntArrayRef{3});
    check_values(vm, {-10, -11, -12}, 0);
    const Tensor dot = native::matmul(v3, v3);
    CHECK(dot.dim() == 0);
    CHECK(dot.item<double>() == 6.0);
    // A column of m (stride 3) and a broadcast vector (stride 0) as operands.
    const Tensor column = native::as_strided(m, {2}, {3}, 1);  // m[:, 1] = [2, 5]
    check_values(native::matmul(column, m), {22, 29, 36}, 0);
    check_values(
        native::matmul(native::as_strided(m, {3}, {1}, 3), native::as_strided(v3, {3}, {0}, 2)),
        {30}, 0);  // [4, 5, 6] @ [2, 2, 2]
    check_values(native::matmul(native::as_strided(m, {3, 2}, {1, 3}, 0), column), {22, 29, 36}, 0);
  }
}

TEST_CASE("matrix products name bad sizes and dtypes", "[core][linalg]") {
  const Tensor a = gg::zeros({2, 3}), b = gg::zeros({4, 5});
  CHECK_THROWS_AS(native::mm(a, b), gg::ShapeError);
  CHECK_THROWS_WITH(native::mm(a, b),
                    "mm: a is [2, 3] and b is [4, 5]: a's size 1 (3) must equal b's size 0 (4)");
  CHECK_THROWS_WITH(native::matmul(a, gg::zeros({4})),
                    "matmul: a is [2, 3] and b is [4]: a's size 1 (3) must equal b's size 0 (4)");
  CHECK_THROWS_WITH(native::matmul(gg::zeros({3}), gg::zeros({4})),
                    "matmul: a is [3] and b is [4]: a's size 0 (3) must equal b's size 0 (4)");
  CHECK_THROWS_WITH(native::mm(gg::zeros({3}), a), Catch::Contains("expected two matrices (2-D)"));
  CHECK_THROWS_WITH(native::matmul(gg::zeros({2, 2, 4}), a),
                    "matmul: a is [2, 2, 4] and b is [2, 3]: a's size 2 (4) must equal b's size 0 (2)");
  CHECK_THROWS_WITH(native::matmul(gg::zeros({2, 2, 3}), gg::zeros({3, 3, 1})),
                    "matmul: a is [2, 2, 3] and b is [3, 3, 1]: the batch dims (all but the last two) "
                    "must broadcast, and 2 and 3 do not");
  CHECK_THROWS_WITH(native::bmm(gg::zeros({2, 2, 3}), a), "bmm: a is [2, 2, 3] and b is [2, 3], expected two "
                                                            "batches of matrices (3-D)");
  CHECK_THROWS_WITH(native::bmm(gg::zeros({2, 2, 3}), gg::zeros({3, 3, 1})),
                    "bmm: a is [2, 2, 3] and b is [3, 3, 1]: a's size 0 (2) must equal b's size 0 (3)");
  CHECK_THROWS_WITH(native::bmm(gg::zeros({2, 2, 3}), gg::zeros({2, 2, 1})),
                    "bmm: a is [2, 2, 3] and b is [2, 2, 1]: a's size 2 (3) must equal b's size 1 (2)");
  CHECK_THROWS_WITH(native::baddbmm_(gg::zeros({2, 2, 2}), gg::zeros({2, 2, 3}), gg::zeros({2, 3, 1}), 1, 1),
                    Catch::StartsWith("baddbmm_: out is [2, 2, 2] but a [2, 2, 3] times b [2, 3, 1] is [2, 2, 1]"));
  CHECK_THROWS_AS(native::matmul(gg::scalar_tensor(1.0), a), gg::ShapeError);
  CHECK_THROWS_AS(native::mm(a, gg::zeros({3, 2}, gg::kFloat64)), std::invalid_argument);
  CHECK_THROWS_WITH(native::mm(a, gg::zeros({3, 2}, gg::kFloat64)),
                    Catch::Contains("a is float32 and b is float64"));
  CHECK_THROWS_WITH(native::mm(gg::zeros({2, 3}, gg::kInt64), gg::zeros({3, 2}, gg::kInt64)),
                    Catch::Contains("got int64 operands, expected float32 or float64"));
  CHECK_THROWS_WITH(native::mm(gg::zeros({2, 3}, gg::kBFloat16), gg::zeros({3, 2}, gg::kBFloat16)),
                    Catch::Contains("bfloat16"));
  // Empty products are zeros, as torch.
  check_values(native::mm(gg::zeros({2, 0}), gg::zeros({0, 3})), {0, 0, 0, 0, 0, 0}, 0);
  CHECK(native::mm(gg::zeros({0, 3}), gg::zeros({3, 2})).sizes() == gg::IntArrayRef{0, 2});
}

TEST_CASE("addmm_ scales and accumulates in place", "[core][linalg]") {
  for (const gg::Dtype dtype : {gg::kFloat32, gg::kFloat64}) {
    INFO(gg::name(dtype));
    const Tensor a = make({1, 2, 3, 4, 5, 6}, {2, 3}, dtype);
    const Tensor b = make({1, 0, 0, 1, 2, -1}, {3, 2}, dtype);
    Tensor out = gg::ones({2, 2}, dtype);
    const std::uint64_t version = out._version();
    native::addmm_(out, a, b, 0.5, 2);  // by hand: 2 * [[7, -1], [16, -1]] + 0.5
    check_values(out, {14.5, -1.5, 32.5, -1.5}, 0);
    CHECK(out._version() > version);
    // beta 0 never reads out, so NaN there does not leak (torch: beta=0 ignores out).
    Tensor stale = gg::full({2, 2}, NAN, dtype);
    native::addmm_(stale, a, b, 0, 1);
    check_values(stale, {7, -1, 16, -1}, 0);
    // Into a narrowed view (row stride 5): the rest of its base stays as it was.
    Tensor base = gg::zeros({2, 5}, dtype);
    native::addmm_(native::as_strided(base, {2, 2}, {5, 1}, 1), a, b, 1, 1);
    check_values(base, {0, 7, -1, 0, 0, 0, 16, -1, 0, 0}, 0);
    // An operand over out's own storage is read before it is overwritten: out := out @ [[1, 1], [0,
    // 1]].
    Tensor square = make({1, 2, 3, 4}, {2, 2}, dtype);
    native::addmm_(square, square, make({1, 1, 0, 1}, {2, 2}, dtype), 0, 1);
    check_values(square, {1, 3, 3, 7}, 0);
  }
  Tensor out = gg::zeros({3, 2});
  CHECK_THROWS_AS(native::addmm_(out, gg::zeros({2, 3}), gg::zeros({3, 2}), 1, 1), gg::ShapeError);
  const Tensor column_major = native::as_strided(gg::zeros({2, 2}), {2, 2}, {1, 2}, 0);
  CHECK_THROWS_WITH(native::addmm_(column_major, gg::zeros({2, 3}), gg::zeros({3, 2}), 1, 1),
                    Catch::Contains("addmm_") && Catch::Contains("strides [1, 2]"));
}
