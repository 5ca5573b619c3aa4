// gg::Tensor's strided elementwise engine, copies and pointwise ops (issue 11): values in every
// dtype, broadcasting, torch's type promotion, strided inputs, in-place rules, errors.
#include <gategrad/tensor/detail/strided_loop.hpp>
#include <gategrad/tensor/factory.hpp>
#include <gategrad/tensor/native.hpp>
#include <gategrad/tensor/shape.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace native = gg::native;
using gg::Dtype;
using gg::IntArrayRef;
using gg::Tensor;
using Values = std::vector<double>;
using Int64s = std::vector<std::int64_t>;

namespace {

// A tensor of `sizes` holding `values` (row-major), each static_cast to the dtype's type.
Tensor make(Values values, IntArrayRef sizes, Dtype dtype) {
  return gg::visit_dtype(dtype, [&]<class T>() {
    auto buffer = std::make_unique<T[]>(values.size());
    for (std::size_t i = 0; i < values.size(); ++i) {
      if constexpr (std::is_same_v<T, gg::BFloat16>) {
        buffer[i] = gg::BFloat16(static_cast<float>(values[i]));
      } else {
        buffer[i] = static_cast<T>(values[i]);
      }
    }
    return gg::from_values(std::span<const T>(buffer.get(), values.size()), sizes);
  });
}

// The same values laid out transposed in memory: a (cols, rows) tensor viewed as (rows, cols).
Tensor make_transposed(const Values& values, std::int64_t rows, std::int64_t cols,
                       Dtype dtype) {
  Values swapped(values.size());
  const auto r = static_cast<std::size_t>(rows), c = static_cast<std::size_t>(cols);
  for (std::size_t i = 0; i < r; ++i) {
    for (std::size_t j = 0; j < c; ++j) swapped[j * r + i] = values[i * c + j];
  }
  return native::transpose(make(swapped, {cols, rows}, dtype), 0, 1);
}

// The same values as every other column of a (rows, 2 cols) tensor.
Tensor make_sliced(const Values& values, std::int64_t rows, std::int64_t cols,
                   Dtype dtype) {
  Values wide(values.size() * 2, -1000.0);
  for (std::size_t k = 0; k < values.size(); ++k) {
    const auto i = static_cast<std::int64_t>(k) / cols, j = static_cast<std::int64_t>(k) % cols;
    wide[static_cast<std::size_t>(i * 2 * cols + 2 * j)] = values[k];
  }
  return native::slice(make(wide, {rows, 2 * cols}, dtype), 1, 0, std::nullopt, 2);
}

// t's elements in row-major index order, read through its own strides (not through copy.cpp).
Values values_of(const Tensor& t) {
  Values out;
  const std::size_t rank = t.sizes().size();
  Int64s index(rank, 0);
  gg::visit_dtype(t.dtype(), [&]<class T>() {
    const T* base = static_cast<const T*>(t.data_ptr());
    for (std::int64_t k = 0; k < t.numel(); ++k) {
      std::int64_t offset = 0;
      for (std::size_t d = 0; d < rank; ++d) offset += index[d] * t.strides()[d];
      if constexpr (std::is_same_v<T, gg::BFloat16>) {
        out.push_back(static_cast<double>(static_cast<float>(base[offset])));
      } else {
        out.push_back(static_cast<double>(base[offset]));
      }
      for (std::size_t d = rank; d-- > 0;) {
        if (++index[d] < t.sizes()[d]) break;
        index[d] = 0;
      }
    }
  });
  return out;
}

Values ramp(std::size_t n, double start, double step) {
  Values v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = start + step * static_cast<double>(i);
  return v;
}

template <class F>
Values each(const Values& a, const Values& b, F f) {
  Values out(a.size());
  for (std::size_t i = 0; i < a.size(); ++i) out[i] = f(a[i], b[i]);
  return out;
}

// The int64 values of an int64 tensor (exact, beyond double's 2^53).
Int64s int64s(const Tensor& t) {
  const Tensor c = native::contiguous(t);
  const std::int64_t* p = c.data_ptr<std::int64_t>();
  return Int64s(p, p + c.numel());
}

}  // namespace

// ---- the strided loop ------------------------------------------------------------------------

TEST_CASE("the strided loop merges contiguous dimensions and walks memory order", "[core]") {
  using gg::detail::make_loop;
  const auto same = make_loop(gg::empty({2, 3, 4}), gg::empty({2, 3, 4}), gg::empty({2, 3, 4}));
  CHECK(same.sizes() == IntArrayRef{24, 1});
  CHECK(!same.tiled());

  // A bias add: the rows merge into 4 runs of 5, the bias read with stride 0 across rows.
  const auto bias = make_loop(gg::empty({4, 5}), gg::empty({4, 5}), gg::empty({5}));
  CHECK(bias.sizes() == IntArrayRef{5, 4});
  CHECK(bias.strides(2) == IntArrayRef{1, 0});

  // Transposed output and input: one run along memory; size-1 dimensions vanish.
  const Tensor out_t = native::transpose(gg::empty({5, 1, 4}), 0, 2);
  const auto both_t = make_loop(out_t, native::transpose(gg::empty({5, 1, 4}), 0, 2));
  CHECK(both_t.sizes() == IntArrayRef{20, 1});

  // Row-major output, transposed input: the output's order leads, the input is strided, and
  // the long runs are tiled.
  const Tensor input_t = native::transpose(gg::empty({300, 200}), 0, 1);
  const auto mixed = make_loop(gg::empty({200, 300}), input_t);
  CHECK(mixed.sizes() == IntArrayRef{300, 200});
  CHECK(mixed.strides(0) == IntArrayRef{1, 300});
  CHECK(mixed.strides(1) == IntArrayRef{200, 1});
  CHECK(mixed.tiled());

  // A rank-0 output is one run of one element; an empty output has no runs.
  int runs = 0;
  make_loop(gg::empty({}), gg::empty({})).run([&](const auto&, const auto&, std::int64_t n) {
    ++runs;
    CHECK(n == 1);
  });
  CHECK(runs == 1);
  const auto none = make_loop(gg::empty({0, 3}), gg::empty({3}));
  none.run([&](const auto&, const auto&, std::int64_t) { ++runs; });
  CHECK(runs == 1);
}

TEST_CASE("the tiled strided loop visits every output element once", "[core]") {
  // 130 x 600 is not a multiple of the tile (256 x 16 for int64), so edge tiles are walked too.
  const Tensor counts = gg::zeros({130, 600}, gg::kInt64);
  const Tensor input_t = native::transpose(gg::zeros({600, 130}, gg::kInt64), 0, 1);
  const auto loop = gg::detail::make_loop(counts, input_t);
  REQUIRE(loop.tiled());
  loop.run([](const auto& data, const auto& steps, std::int64_t n) {
    auto* c = static_cast<std::int64_t*>(data[0]);
    for (std::int64_t i = 0; i < n; ++i) c[i * steps[0]] += 1;
  });
  for (const double c : values_of(counts)) REQUIRE(c == 1.0);
}

TEST_CASE("a new output is laid out as torch's TensorIterator lays it out", "[core]") {
  // Each expected stride is torch 1.13's for the same expression.
  const Tensor a_t = native::transpose(gg::zeros({4, 5}), 0, 1);  // (5, 4), strides (1, 5)
  const Tensor b = gg::zeros({5, 4});
  CHECK(native::add(a_t, a_t).strides() == IntArrayRef{1, 5});
  CHECK(native::add(a_t, b).strides() == IntArrayRef{1, 5});  // the first input decides
  CHECK(native::add(b, a_t).strides() == IntArrayRef{4, 1});
  const Tensor z_t = native::transpose(gg::zeros({5, 4}), 0, 1);  // (4, 5), strides (1, 4)
  CHECK(native::add(z_t, gg::zeros({5})).strides() == IntArrayRef{1, 4});
  CHECK(native::add(gg::zeros({5}), z_t).strides() == IntArrayRef{1, 4});  // broadcast: ambiguous
  const Tensor sliced = native::slice(gg::zeros({4, 6}), 1, 0, std::nullopt, 2);
  CHECK(native::exp(sliced).strides() == IntArrayRef{3, 1});
  const Tensor permuted = native::permute(gg::zeros({2, 3, 4}), {2, 0, 1});
  CHECK(native::exp(permuted).strides() == IntArrayRef{1, 12, 4});
  CHECK(native::to(a_t, gg::kFloat64).strides() == IntArrayRef{1, 5});
  CHECK(native::clone(a_t).strides() == IntArrayRef{4, 1});  // clone is contiguous here
}

// ---- type promotion ------------------------------------------------------------------------

TEST_CASE("result_type matches torch.result_type", "[core]") {
  struct Row {
    Dtype a;
    int a_rank;
    Dtype b;
    int b_rank;
    Dtype expected;
  };
  using gg::kBFloat16, gg::kBool, gg::kFloat32, gg::kFloat64, gg::kInt64;
  // Every pair of dtypes at ranks 0 and 1, from /usr/bin/python3 (torch 1.13):
  //   torch.result_type(torch.zeros([2] if ra else [], dtype=a), torch.zeros(..., dtype=b))
  const Row rows[] = {
      {kBool, 0, kBool, 0, kBool}, {kBool, 0, kBool, 1, kBool},
      {kBool, 0, kInt64, 0, kInt64}, {kBool, 0, kInt64, 1, kInt64},
      {kBool, 0, kBFloat16, 0, kBFloat16}, {kBool, 0, kBFloat16, 1, kBFloat16},
      {kBool, 0, kFloat32, 0, kFloat32}, {kBool, 0, kFloat32, 1, kFloat32},
      {kBool, 0, kFloat64, 0, kFloat64}, {kBool, 0, kFloat64, 1, kFloat64},
      {kBool, 1, kBool, 0, kBool}, {kBool, 1, kBool, 1, kBool},
      {kBool, 1, kInt64, 0, kInt64}, {kBool, 1, kInt64, 1, kInt64},
      {kBool, 1, kBFloat16, 0, kBFloat16}, {kBool, 1, kBFloat16, 1, kBFloat16},
      {kBool, 1, kFloat32, 0, kFloat32}, {kBool, 1, kFloat32, 1, kFloat32},
      {kBool, 1, kFloat64, 0, kFloat64}, {kBool, 1, kFloat64, 1, kFloat64},
      {kInt64, 0, kBool, 0, kInt64}, {kInt64, 0, kBool, 1, kInt64},
      {kInt64, 0, kInt64, 0, kInt64}, {kInt64, 0, kInt64, 1, kInt64},
      {kInt64, 0, kBFloat16, 0, kBFloat16}, {kInt64, 0, kBFloat16, 1, kBFloat16},
      {kInt64, 0, kFloat32, 0, kFloat32}, {kInt64, 0, kFloat32, 1, kFloat32},
      {kInt64, 0, kFloat64, 0, kFloat64}, {kInt64, 0, kFloat64, 1, kFloat64},
      {kInt64, 1, kBool, 0, kInt64}, {kInt64, 1, kBool, 1, kInt64},
      {kInt64, 1, kInt64, 0, kInt64}, {kInt64, 1, kInt64, 1, kInt64},
      {kInt64, 1, kBFloat16, 0, kBFloat16}, {kInt64, 1, kBFloat16, 1, kBFloat16},
      {kInt64, 1, kFloat32, 0, kFloat32}, {kInt64, 1, kFloat32, 1, kFloat32},
      {kInt64, 1, kFloat64, 0, kFloat64}, {kInt64, 1, kFloat64, 1, kFloat64},
      {kBFloat16, 0, kBool, 0, kBFloat16}, {kBFloat16, 0, kBool, 1, kBFloat16},
      {kBFloat16, 0, kInt64, 0, kBFloat16}, {kBFloat16, 0, kInt64, 1, kBFloat16},
      {kBFloat16, 0, kBFloat16, 0, kBFloat16}, {kBFloat16, 0, kBFloat16, 1, kBFloat16},
      {kBFloat16, 0, kFloat32, 0, kFloat32}, {kBFloat16, 0, kFloat32, 1, kFloat32},
      {kBFloat16, 0, kFloat64, 0, kFloat64}, {kBFloat16, 0, kFloat64, 1, kFloat64},
      {kBFloat16, 1, kBool, 0, kBFloat16}, {kBFloat16, 1, kBool, 1, kBFloat16},
      {kBFloat16, 1, kInt64, 0, kBFloat16}, {kBFloat16, 1, kInt64, 1, kBFloat16},
      {kBFloat16, 1, kBFloat16, 0, kBFloat16}, {kBFloat16, 1, kBFloat16, 1, kBFloat16},
      {kBFloat16, 1, kFloat32, 0, kBFloat16}, {kBFloat16, 1, kFloat32, 1, kFloat32},
      {kBFloat16, 1, kFloat64, 0, kBFloat16}, {kBFloat16, 1, kFloat64, 1, kFloat64},
      {kFloat32, 0, kBool, 0, kFloat32}, {kFloat32, 0, kBool, 1, kFloat32},
      {kFloat32, 0, kInt64, 0, kFloat32}, {kFloat32, 0, kInt64, 1, kFloat32},
      {kFloat32, 0, kBFloat16, 0, kFloat32}, {kFloat32, 0, kBFloat16, 1, kBFloat16},
      {kFloat32, 0, kFloat32, 0, kFloat32}, {kFloat32, 0, kFloat32, 1, kFloat32},
      {kFloat32, 0, kFloat64, 0, kFloat64}, {kFloat32, 0, kFloat64, 1, kFloat64},
      {kFloat32, 1, kBool, 0, kFloat32}, {kFloat32, 1, kBool, 1, kFloat32},
      {kFloat32, 1, kInt64, 0, kFloat32}, {kFloat32, 1, kInt64, 1, kFloat32},
      {kFloat32, 1, kBFloat16, 0, kFloat32}, {kFloat32, 1, kBFloat16, 1, kFloat32},
      {kFloat32, 1, kFloat32, 0, kFloat32}, {kFloat32, 1, kFloat32, 1, kFloat32},
      {kFloat32, 1, kFloat64, 0, kFloat32}, {kFloat32, 1, kFloat64, 1, kFloat64},
      {kFloat64, 0, kBool, 0, kFloat64}, {kFloat64, 0, kBool, 1, kFloat64},
      {kFloat64, 0, kInt64, 0, kFloat64}, {kFloat64, 0, kInt64, 1, kFloat64},
      {kFloat64, 0, kBFloat16, 0, kFloat64}, {kFloat64, 0, kBFloat16, 1, kBFloat16},
      {kFloat64, 0, kFloat32, 0, kFloat64}, {kFloat64, 0, kFloat32, 1, kFloat32},
      {kFloat64, 0, kFloat64, 0, kFloat64}, {kFloat64, 0, kFloat64, 1, kFloat64},
      {kFloat64, 1, kBool, 0, kFloat64}, {kFloat64, 1, kBool, 1, kFloat64},
      {kFloat64, 1, kInt64, 0, kFloat64}, {kFloat64, 1, kInt64, 1, kFloat64},
      {kFloat64, 1, kBFloat16, 0, kFloat64}, {kFloat64, 1, kBFloat16, 1, kFloat64},
      {kFloat64, 1, kFloat32, 0, kFloat64}, {kFloat64, 1, kFloat32, 1, kFloat64},
      {kFloat64, 1, kFloat64, 0, kFloat64}, {kFloat64, 1, kFloat64, 1, kFloat64},
  };
  const auto operand = [](Dtype dtype, int rank) {
    return rank == 0 ? gg::zeros({}, dtype) : gg::zeros({2}, dtype);
  };
  for (const Row& row : rows) {
    INFO(gg::name(row.a) << " rank " << row.a_rank << " with " << gg::name(row.b) << " rank "
                         << row.b_rank);
    const Tensor a = operand(row.a, row.a_rank), b = operand(row.b, row.b_rank);
    CHECK(native::result_type(a, b) == row.expected);
    CHECK(native::add(a, b).dtype() == row.expected);
    CHECK(native::mul(a, b).dtype() == row.expected);
  }

  struct NumberRow {
    Dtype a;
    int a_rank;
    gg::Scalar b;
    Dtype expected;
  };
  // torch.result_type(torch.zeros(..., dtype=a), number) for True, 2 and 2.5 (torch 1.13).
  const NumberRow number_rows[] = {
      {kBool, 0, true, kBool}, {kBool, 0, 2, kInt64}, {kBool, 0, 2.5, kFloat32},
      {kBool, 1, true, kBool}, {kBool, 1, 2, kInt64}, {kBool, 1, 2.5, kFloat32},
      {kInt64, 0, true, kInt64}, {kInt64, 0, 2, kInt64}, {kInt64, 0, 2.5, kFloat32},
      {kInt64, 1, true, kInt64}, {kInt64, 1, 2, kInt64}, {kInt64, 1, 2.5, kFloat32},
      {kBFloat16, 0, true, kBFloat16}, {kBFloat16, 0, 2, kBFloat16}, {kBFloat16, 0, 2.5, kBFloat16},
      {kBFloat16, 1, true, kBFloat16}, {kBFloat16, 1, 2, kBFloat16}, {kBFloat16, 1, 2.5, kBFloat16},
      {kFloat32, 0, true, kFloat32}, {kFloat32, 0, 2, kFloat32}, {kFloat32, 0, 2.5, kFloat32},
      {kFloat32, 1, true, kFloat32}, {kFloat32, 1, 2, kFloat32}, {kFloat32, 1, 2.5, kFloat32},
      {kFloat64, 0, true, kFloat64}, {kFloat64, 0, 2, kFloat64}, {kFloat64, 0, 2.5, kFloat64},
      {kFloat64, 1, true, kFloat64}, {kFloat64, 1, 2, kFloat64}, {kFloat64, 1, 2.5, kFloat64},
  };
  for (const NumberRow& row : number_rows) {
    INFO(gg::name(row.a) << " rank " << row.a_rank << " with a number of dtype "
                         << gg::name(row.b.dtype()));
    const Tensor a = operand(row.a, row.a_rank);
    CHECK(native::result_type(a, row.b) == row.expected);
    CHECK(native::add(a, row.b).dtype() == row.expected);
  }
}

TEST_CASE("mixed dtypes are converted to the result dtype before computing", "[core]") {
  const Tensor i = make({3, -7, 4}, {3}, gg::kInt64);
  const Tensor f = make({0.5, 0.25, -1}, {3}, gg::kFloat32);
  CHECK(values_of(native::add(i, f)) == Values{3.5, -6.75, 3});
  // div is true division: int64 / int64 is float32, with inf for a zero divisor.
  const Tensor q = native::div(i, make({2, 2, 0}, {3}, gg::kInt64));
  CHECK(q.dtype() == gg::kFloat32);
  CHECK(values_of(q) == Values{1.5, -3.5, INFINITY});
  CHECK(values_of(native::rdiv(i, 2)) == Values{2.0f / 3, 2.0f / -7, 0.5});
  CHECK(values_of(native::rsub(i, 1.5)) == Values{-1.5, 8.5, -2.5});
  // float32 + float64 computes in float64 (0.1f widened, then 0.2 added).
  const Tensor wide = native::add(make({0.1}, {1}, gg::kFloat32), make({0.2}, {1}, gg::kFloat64));
  CHECK(values_of(wide)[0] == static_cast<double>(0.1f) + 0.2);
  // bfloat16 computes in float32 and rounds once; a number is rounded to bfloat16 first, as
  // torch 1.13 does: bfloat16(3) * 1.0039 is 3, * 1.0041 is 3.03125.
  const Tensor three = make({3}, {1}, gg::kBFloat16);
  CHECK(native::mul(three, 1.0039).dtype() == gg::kBFloat16);
  CHECK(values_of(native::mul(three, 1.0039))[0] == 3.0);
  CHECK(values_of(native::mul(three, 1.0041))[0] == 3.03125);
  CHECK(values_of(native::div(three, 1.0041))[0] == 2.984375);
  const Tensor bf = make({1.5}, {1}, gg::kBFloat16);
  CHECK(values_of(native::add(bf, native::narrow(i, 0, 0, 1)))[0] == 4.5);
  // A 0-dim float64 tensor does not widen a float32 tensor, but does promote an int64 one.
  CHECK(native::add(f, gg::scalar_tensor(1.5, gg::kFloat64)).dtype() == gg::kFloat32);
  CHECK(native::add(i, gg::scalar_tensor(1.5, gg::kFloat64)).dtype() == gg::kFloat64);
  CHECK(values_of(native::add(i, gg::scalar_tensor(1.5, gg::kFloat64))) ==
        Values{4.5, -5.5, 5.5});
}

// ---- values -----------------------------------------------------------------------------------

TEST_CASE("binary arithmetic gives exact values in float32 and float64", "[core]") {
  // 37 elements: vector bodies and a scalar tail for every lane count.
  const Values x = ramp(37, -5.25, 0.375), y = ramp(37, 3.375, -0.25);  // y != 0
  for (const Dtype dtype : {gg::kFloat32, gg::kFloat64}) {
    INFO(gg::name(dtype));
    const Tensor a = make(x, {37}, dtype), b = make(y, {37}, dtype);
    // Every value here is exact in float32, so the double reference is the exact answer.
    CHECK(values_of(native::add(a, b)) == each(x, y, [](double p, double q) { return p + q; }));
    CHECK(values_of(native::sub(a, b)) == each(x, y, [](double p, double q) { return p - q; }));
    CHECK(values_of(native::mul(a, b)) == each(x, y, [](double p, double q) { return p * q; }));
    const auto larger = [](double p, double q) { return p > q ? p : q; };
    const auto smaller = [](double p, double q) { return p < q ? p : q; };
    CHECK(values_of(native::maximum(a, b)) == each(x, y, larger));
    CHECK(values_of(native::minimum(a, b)) == each(x, y, smaller));
    const Values quotient = values_of(native::div(a, b));
    for (std::size_t k = 0; k < x.size(); ++k) {
      const float single = static_cast<float>(x[k]) / static_cast<float>(y[k]);
      const double expected = dtype == gg::kFloat32 ? static_cast<double>(single) : x[k] / y[k];
      CHECK(quotient[k] == expected);
    }
    CHECK(values_of(native::add(a, 2)) == each(x, x, [](double p, double) { return p + 2; }));
    CHECK(values_of(native::sub(a, 0.5)) == each(x, x, [](double p, double) { return p - 0.5; }));
    CHECK(values_of(native::mul(a, -4)) == each(x, x, [](double p, double) { return p * -4; }));
    CHECK(values_of(native::div(a, 4)) == each(x, x, [](double p, double) { return p / 4; }));
  }
}

TEST_CASE("maximum and minimum propagate NaN in vector lanes and the tail", "[core]") {
  Values x = ramp(19, 0, 1), y = ramp(19, 18, -1);
  x[2] = NAN;
  y[17] = NAN;
  const Tensor a = make(x, {19}, gg::kFloat32), b = make(y, {19}, gg::kFloat32);
  for (const Tensor& r : {native::maximum(a, b), native::minimum(a, b), native::maximum(b, a)}) {
    const Values v = values_of(r);
    CHECK(std::isnan(v[2]));
    CHECK(std::isnan(v[17]));
    CHECK(!std::isnan(v[0]));
  }
}

TEST_CASE("int64 arithmetic wraps on overflow as torch's does", "[core]") {
  constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();
  const Tensor a = make({3, -7, 4, 9}, {4}, gg::kInt64), b = make({2, 2, -5, 9}, {4}, gg::kInt64);
  CHECK(int64s(native::add(a, b)) == Int64s{5, -5, -1, 18});
  CHECK(int64s(native::sub(a, b)) == Int64s{1, -9, 9, 0});
  CHECK(int64s(native::mul(a, b)) == Int64s{6, -14, -20, 81});
  CHECK(int64s(native::maximum(a, b)) == Int64s{3, 2, 4, 9});
  CHECK(int64s(native::minimum(a, b)) == Int64s{2, -7, -5, 9});
  CHECK(int64s(native::neg(a)) == Int64s{-3, 7, -4, -9});
  CHECK(int64s(native::abs(a)) == Int64s{3, 7, 4, 9});
  CHECK(int64s(native::square(a)) == Int64s{9, 49, 16, 81});
  CHECK(int64s(native::relu(a)) == Int64s{3, 0, 4, 9});
  // torch: tensor([2**62]) * 4 == 0, -tensor([-2**63]) and its abs stay -2**63.
  CHECK(int64s(native::mul(gg::full({1}, std::int64_t{1} << 62), 4)) == Int64s{0});
  CHECK(int64s(native::neg(gg::full({1}, kMin))) == Int64s{kMin});
  CHECK(int64s(native::abs(gg::full({1}, kMin))) == Int64s{kMin});
}

TEST_CASE("bool arithmetic follows torch: add is or, mul is and, sub and neg refused", "[core]") {
  const Tensor p = make({1, 0, 1, 0}, {4}, gg::kBool), q = make({1, 1, 0, 0}, {4}, gg::kBool);
  CHECK(native::add(p, q).dtype() == gg::kBool);
  CHECK(values_of(native::add(p, q)) == Values{1, 1, 1, 0});
  CHECK(values_of(native::mul(p, q)) == Values{1, 0, 0, 0});
  CHECK(values_of(native::maximum(p, q)) == Values{1, 1, 1, 0});
  CHECK(values_of(native::minimum(p, q)) == Values{1, 0, 0, 0});
  CHECK(values_of(native::add(p, true)) == Values{1, 1, 1, 1});
  CHECK(native::mul(p, 2).dtype() == gg::kInt64);
  CHECK(values_of(native::mul(p, 2)) == Values{2, 0, 2, 0});
  CHECK(native::div(p, q).dtype() == gg::kFloat32);
  const Values quotient = values_of(native::div(p, q));  // torch: 1, 0, inf, nan
  CHECK(quotient[0] == 1.0);
  CHECK(quotient[1] == 0.0);
  CHECK(quotient[2] == INFINITY);
  CHECK(std::isnan(quotient[3]));
  CHECK(native::square(p).dtype() == gg::kInt64);
  CHECK(values_of(native::exp(p))[1] == 1.0);

  CHECK_THROWS_AS(native::sub(p, q), std::invalid_argument);
  CHECK_THROWS_WITH(native::sub(p, q), Catch::Contains("sub: got two bool operands"));
  CHECK_THROWS_WITH(native::sub(p, true), Catch::Contains("two bool operands"));
  CHECK_THROWS_WITH(native::rsub(p, 1), Catch::Contains("rsub: got int64 and bool"));
  CHECK_THROWS_WITH(native::sub(make({1}, {1}, gg::kInt64), true),
                    Catch::Contains("subtraction with a bool operand"));
  CHECK_THROWS_WITH(native::neg(p), Catch::Contains("neg: got a bool tensor"));
  CHECK_THROWS_AS(native::abs(p), std::invalid_argument);
  CHECK_THROWS_AS(native::relu(p), std::invalid_argument);
  CHECK_THROWS_AS(native::sub_(p, q), std::invalid_argument);
}

TEST_CASE("unary ops match the standard library in float32 and float64", "[core]") {
  const Values x = ramp(37, -4.5, 0.25);
  const Values positive = ramp(37, 0.125, 0.5);
  for (const Dtype dtype : {gg::kFloat32, gg::kFloat64}) {
    INFO(gg::name(dtype));
    const bool single = dtype == gg::kFloat32;
    const double tolerance = single ? 2e-6 : 1e-14;
    const auto check = [&](const Tensor& result, const Values& in, auto f) {
      CHECK(result.dtype() == dtype);
      const Values got = values_of(result);
      for (std::size_t k = 0; k < in.size(); ++k) {
        const double expected = f(in[k]);
        CHECK(got[k] == Approx(expected).epsilon(tolerance).margin(tolerance));
      }
    };
    const Tensor a = make(x, {37}, dtype), p = make(positive, {37}, dtype);
    check(native::neg(a), x, [](double v) { return -v; });
    check(native::abs(a), x, [](double v) { return std::abs(v); });
    check(native::square(a), x, [](double v) { return v * v; });
    check(native::relu(a), x, [](double v) { return v < 0 ? 0.0 : v; });
    check(native::exp(a), x, [](double v) { return std::exp(v); });
    check(native::log(p), positive, [](double v) { return std::log(v); });
    check(native::sqrt(p), positive, [](double v) { return std::sqrt(v); });
    check(native::tanh(a), x, [](double v) { return std::tanh(v); });
    check(native::sigmoid(a), x, [](double v) { return 1 / (1 + std::exp(-v)); });
  }
}

TEST_CASE("unary edge values follow torch", "[core]") {
  // exp keeps subnormal results in the vector lanes (torch: exp(-100.) == 3.7835e-44).
  const Values e = values_of(native::exp(gg::full({17}, -100.0)));
  for (const double v : e) CHECK(v == Approx(3.783505853677006e-44).epsilon(1e-6));
  const Values r = values_of(native::relu(make({NAN, -0.0, -1, 2}, {4}, gg::kFloat32)));
  CHECK(std::isnan(r[0]));
  CHECK(std::signbit(r[1]));  // torch.relu(-0.) is -0.
  CHECK(r[2] == 0.0);
  const Tensor ints = make({-4, 4}, {2}, gg::kInt64);
  CHECK(native::sqrt(ints).dtype() == gg::kFloat32);
  CHECK(std::isnan(values_of(native::sqrt(ints))[0]));
  CHECK(values_of(native::sqrt(ints))[1] == 2.0);
  CHECK(values_of(native::log(make({0}, {1}, gg::kFloat32)))[0] == -INFINITY);
  const Tensor big = make({100, -100}, {2}, gg::kFloat32);
  CHECK(values_of(native::sigmoid(big)) == Values{1, 0});
  CHECK(values_of(native::tanh(big)) == Values{1, -1});
  const Tensor bf = native::exp(make({1.5}, {1}, gg::kBFloat16));
  CHECK(bf.dtype() == gg::kBFloat16);
  CHECK(values_of(bf)[0] == 4.46875);  // torch: tensor([4.4688], dtype=torch.bfloat16)
}

TEST_CASE("comparisons give bool in the common dtype, where selects and promotes", "[core]") {
  const Tensor a = make({1, 2, 3, NAN}, {4}, gg::kFloat32), b = make({2, 2, 2, 2}, {4}, gg::kInt64);
  CHECK(native::eq(a, b).dtype() == gg::kBool);
  CHECK(values_of(native::eq(a, b)) == Values{0, 1, 0, 0});
  CHECK(values_of(native::ne(a, b)) == Values{1, 0, 1, 1});
  CHECK(values_of(native::lt(a, b)) == Values{1, 0, 0, 0});
  CHECK(values_of(native::le(a, b)) == Values{1, 1, 0, 0});
  CHECK(values_of(native::gt(a, b)) == Values{0, 0, 1, 0});
  CHECK(values_of(native::ge(a, b)) == Values{0, 1, 1, 0});
  // int64 against 3.5 compares in float32 (torch: tensor([3]) == 3.5 is False).
  CHECK(values_of(native::eq(make({3, 4}, {2}, gg::kInt64), 3.5)) == Values{0, 0});
  CHECK(values_of(native::gt(make({3, 4}, {2}, gg::kInt64), 3.5)) == Values{0, 1});
  CHECK(values_of(native::lt(make({1}, {1}, gg::kBFloat16), 1.001)) == Values{0});

  // where broadcasts all three: (2,1) condition, (1,3) and (3) values -> (2,3).
  const Tensor condition = make({1, 0}, {2, 1}, gg::kBool);
  const Tensor yes = make({10, 20, 30}, {1, 3}, gg::kInt64);
  const Tensor no = make({0.5, 1.5, 2.5}, {3}, gg::kFloat32);
  const Tensor w = native::where(condition, yes, no);
  CHECK(w.sizes() == IntArrayRef{2, 3});
  CHECK(w.dtype() == gg::kFloat32);
  CHECK(values_of(w) == Values{10, 20, 30, 0.5, 1.5, 2.5});
  CHECK(native::where(condition, gg::scalar_tensor(1.0), gg::scalar_tensor(2.0, gg::kFloat64))
            .dtype() == gg::kFloat64);
  CHECK(native::where(condition, make({1}, {1}, gg::kBFloat16), yes).dtype() == gg::kBFloat16);
  CHECK_THROWS_WITH(native::where(yes, yes, no),
                    Catch::Contains("where: expected condition to be a bool tensor, got int64"));
  CHECK_THROWS_AS(native::where(condition, yes, gg::zeros({4})), gg::ShapeError);
}

// ---- broadcasting and strides -----------------------------------------------------------------

TEST_CASE("binary ops broadcast as NumPy", "[core]") {
  // (2,1,3) + (4,1) -> (2,4,3): out[i][j][k] = a[i][0][k] + b[j][0].
  const Values x = ramp(6, 1, 1), y = ramp(4, 100, 100);
  const Tensor out = native::add(make(x, {2, 1, 3}, gg::kFloat32), make(y, {4, 1}, gg::kFloat32));
  REQUIRE(out.sizes() == IntArrayRef{2, 4, 3});
  CHECK(out.is_contiguous());
  Values expected;
  for (std::size_t i = 0; i < 2; ++i) {
    for (std::size_t j = 0; j < 4; ++j) {
      for (std::size_t k = 0; k < 3; ++k) expected.push_back(x[i * 3 + k] + y[j]);
    }
  }
  CHECK(values_of(out) == expected);
  // An expanded (stride-0) operand reads one element for many.
  const Tensor row = native::expand(make({1, 2, 3}, {3}, gg::kFloat64), {2, 3});
  CHECK(values_of(native::mul(row, row)) == Values{1, 4, 9, 1, 4, 9});
  CHECK(values_of(native::exp(native::expand(gg::scalar_tensor(0.0), {3}))) == Values{1, 1, 1});
  CHECK(native::add(gg::zeros({0, 3}), gg::zeros({3})).sizes() == IntArrayRef{0, 3});
  CHECK(native::add(gg::scalar_tensor(1.0), gg::scalar_tensor(2.0)).dim() == 0);

  CHECK_THROWS_AS(native::add(gg::zeros({2, 3}), gg::zeros({4})), gg::ShapeError);
  CHECK_THROWS_WITH(native::mul(gg::zeros({2, 3}), gg::zeros({4})),
                    Catch::Contains("mul") && Catch::Contains("[2, 3]") && Catch::Contains("[4]"));
}

TEST_CASE("transposed and sliced inputs give the values of their contiguous copies", "[core]") {
  // 70 x 300: runs longer than a tile's (256), tiles of one cache line of rows (8 to 64 by
  // dtype) with edges, so the packed walk is used for the mixed layouts.
  constexpr std::int64_t R = 70, C = 300;
  const Values x = ramp(R * C, -20, 0.0078125), y = ramp(R * C, 13, -0.00390625);
  for (const Dtype dtype : {gg::kFloat32, gg::kFloat64, gg::kInt64, gg::kBFloat16}) {
    INFO(gg::name(dtype));
    const Tensor a = make(x, {R, C}, dtype), b = make(y, {R, C}, dtype);
    const Tensor a_t = make_transposed(x, R, C, dtype), b_t = make_transposed(y, R, C, dtype);
    const Tensor a_s = make_sliced(x, R, C, dtype), b_s = make_sliced(y, R, C, dtype);
    REQUIRE(!a_t.is_contiguous());
    REQUIRE(!a_s.is_contiguous());
    REQUIRE(values_of(a_t) == values_of(a));
    REQUIRE(values_of(a_s) == values_of(a));
    const Values sum = values_of(native::add(a, b));
    CHECK(values_of(native::add(a_t, b_t)) == sum);
    CHECK(values_of(native::add(a_t, b)) == sum);
    CHECK(values_of(native::add(a, b_t)) == sum);
    CHECK(values_of(native::add(a_s, b_t)) == sum);
    CHECK(values_of(native::add(a_s, b_s)) == sum);
    const Values product = values_of(native::mul(a, b));
    CHECK(values_of(native::mul(a_t, b)) == product);
    CHECK(values_of(native::mul(a_s, b_t)) == product);
    CHECK(values_of(native::maximum(a_t, b_s)) == values_of(native::maximum(a, b)));
    CHECK(values_of(native::lt(a_t, b_s)) == values_of(native::lt(a, b)));
    CHECK(values_of(native::exp(a_t)) == values_of(native::exp(a)));
    CHECK(values_of(native::relu(a_s)) == values_of(native::relu(a)));
    CHECK(values_of(native::contiguous(a_t)) == values_of(a));
    CHECK(values_of(native::clone(a_s)) == values_of(a));
    CHECK(values_of(native::to(a_t, gg::kFloat64)) == values_of(native::to(a, gg::kFloat64)));
    const Tensor condition = native::gt(a_t, 0);
    CHECK(values_of(native::where(condition, a_s, b_t)) ==
          values_of(native::where(native::gt(a, 0), a, b)));
  }
  // The output of transposed inputs is transposed too.
  const Tensor a_t = make_transposed(x, R, C, gg::kFloat32);
  CHECK(native::add(a_t, a_t).strides() == IntArrayRef{1, R});
}

namespace {

// Element k of a test pattern in T: distinct over long stretches in every dtype (int64 uses
// all 64 bits, which a transpose through double lanes must keep), exact in bfloat16.
template <class T>
T pattern(std::int64_t k) {
  if constexpr (std::is_same_v<T, bool>) {
    return k % 3 == 1;
  } else if constexpr (std::is_same_v<T, std::int64_t>) {
    return static_cast<std::int64_t>(static_cast<std::uint64_t>(k) * 0x9E3779B97F4A7C15u);
  } else if constexpr (std::is_same_v<T, gg::BFloat16>) {
    return gg::BFloat16(static_cast<float>(k % 251) - 125.0f);
  } else {
    return static_cast<T>(k) * T(0.5) - T(1000);
  }
}

// A (rows, cols) view of dtype laid out transposed, inside a larger storage: a (cols + 2,
// rows + 3) matrix of pattern(k) narrowed to rows [2, cols + 2) and columns [1, rows + 1),
// then transposed. Its storage offset and odd row stride leave the blocks unaligned. Also
// returns the same values in a contiguous (rows, cols) tensor, made from the values directly.
std::pair<Tensor, Tensor> transposed_and_contiguous(std::int64_t rows, std::int64_t cols,
                                                    Dtype dtype) {
  return gg::visit_dtype(dtype, [&]<class T>() {
    const std::int64_t ld = rows + 3;
    const auto size = static_cast<std::size_t>((cols + 2) * ld);
    const auto storage = std::make_unique<T[]>(size);  // not std::vector: bool is T too
    for (std::size_t k = 0; k < size; ++k) storage[k] = pattern<T>(static_cast<std::int64_t>(k));
    const auto row_major = std::make_unique<T[]>(static_cast<std::size_t>(rows * cols));
    for (std::int64_t i = 0; i < rows; ++i) {
      for (std::int64_t j = 0; j < cols; ++j) {
        row_major[static_cast<std::size_t>(i * cols + j)] =
            storage[static_cast<std::size_t>((j + 2) * ld + i + 1)];
      }
    }
    const Tensor base = gg::from_values(std::span<const T>(storage.get(), size), {cols + 2, ld});
    const Tensor view = native::narrow(native::narrow(base, 0, 2, cols), 1, 1, rows);
    const Tensor contiguous = gg::from_values(
        std::span<const T>(row_major.get(), static_cast<std::size_t>(rows * cols)), {rows, cols});
    return std::pair{native::transpose(view, 0, 1), contiguous};
  });
}

// Exact element values: int64 as itself, the others through double (exact for each dtype).
std::vector<std::int64_t> exact(const Tensor& t) {
  if (t.dtype() == gg::kInt64) return int64s(t);
  std::vector<std::int64_t> bits;
  for (const double v : values_of(t)) {
    std::int64_t b = 0;
    std::memcpy(&b, &v, sizeof b);
    bits.push_back(b);
  }
  return bits;
}

}  // namespace

TEST_CASE("a transposed operand is packed exactly at every size and offset", "[core]") {
  // Sizes below, at and above the register block (4 to 16 elements a side) and the tile (256
  // x 32 floats, 16 doubles, 128 bools): every edge of the packed walk, for every dtype.
  const std::pair<std::int64_t, std::int64_t> shapes[] = {
      {1, 9},  {9, 1},  {2, 2},   {3, 5},   {8, 8},   {16, 16},  {17, 33},
      {31, 7}, {64, 64}, {65, 300}, {300, 65}, {129, 40}, {40, 129}, {257, 520}};
  for (const Dtype dtype : {gg::kFloat32, gg::kFloat64, gg::kInt64, gg::kBool, gg::kBFloat16}) {
    for (const auto& [rows, cols] : shapes) {
      INFO(gg::name(dtype) << " " << rows << " x " << cols);
      const auto [a_t, a] = transposed_and_contiguous(rows, cols, dtype);
      const auto [b_t, b] = transposed_and_contiguous(rows, cols, dtype);
      if (rows > 1 && cols > 1) REQUIRE(!a_t.is_contiguous());
      REQUIRE(exact(a_t) == exact(a));
      if (rows >= 64 && cols >= 2) {
        REQUIRE(gg::detail::make_loop(gg::empty({rows, cols}, dtype), a_t).tiled());
      }
      // Against the contiguous kernel on the same values: a row-major output with a_t packed,
      // an output laid out as a_t with b packed, the copy alone, and both transposed.
      CHECK(exact(native::add(b, a_t)) == exact(native::add(b, a)));
      CHECK(exact(native::add(a_t, b)) == exact(native::add(a, b)));
      CHECK(exact(native::mul(a_t, b)) == exact(native::mul(a, b)));
      CHECK(exact(native::contiguous(a_t)) == exact(a));
      CHECK(exact(native::add(a_t, b_t)) == exact(native::add(a, b)));
    }
  }
}

// ---- in place -----------------------------------------------------------------------------------

TEST_CASE("in-place ops bump the version, keep the dtype and refuse what torch refuses", "[core]") {
  Tensor a = make({1, 2, 3, 4, 5, 6}, {2, 3}, gg::kFloat32);
  const Tensor alias_of_a = native::transpose(a, 0, 1);
  const std::uint64_t v0 = a._version();
  native::add_(a, make({10, 20, 30}, {3}, gg::kInt64));  // float += int64 is allowed
  CHECK(a.dtype() == gg::kFloat32);
  CHECK(values_of(a) == Values{11, 22, 33, 14, 25, 36});
  CHECK(a._version() == v0 + 1);
  CHECK(alias_of_a._version() == v0 + 1);  // one counter per storage
  native::sub_(a, gg::ones({2, 1}));
  native::mul_(a, 2);
  native::div_(a, gg::full({}, 4.0));
  CHECK(values_of(a) == Values{5, 10.5, 16, 6.5, 12, 17.5});
  native::mul_(a, make({1, 0, 1, 0, 1, 0}, {2, 3}, gg::kBool));
  CHECK(values_of(a) == Values{5, 0, 16, 0, 12, 0});
  CHECK(a._version() == v0 + 5);

  // float32 += float64 computes in float64 and rounds into float32 (torch: 0.30000001192092896).
  Tensor tenth = gg::full({2}, 0.1);
  native::add_(tenth, gg::full({2}, 0.2, gg::kFloat64));
  CHECK(values_of(tenth)[0] == 0.30000001192092896);
  Tensor bf = make({3}, {1}, gg::kBFloat16);
  native::mul_(bf, 1.0041);
  CHECK(values_of(bf)[0] == 3.03125);
  Tensor flags = make({1, 0}, {2}, gg::kBool);
  native::add_(flags, make({0, 1}, {2}, gg::kBool));
  CHECK(values_of(flags) == Values{1, 1});

  // Into a strided (transposed) tensor; and from an input overlapping it, as if copied first.
  Tensor m = make({1, 2, 3, 4, 5, 6, 7, 8, 9}, {3, 3}, gg::kFloat64);
  native::add_(m, native::transpose(m, 0, 1));
  CHECK(values_of(m) == Values{2, 6, 10, 6, 10, 14, 10, 14, 18});
  native::mul_(alias_of_a, 2);
  CHECK(values_of(a) == Values{10, 0, 32, 0, 24, 0});

  Tensor ints = make({3, -7}, {2}, gg::kInt64);
  CHECK_THROWS_WITH(native::add_(ints, gg::ones({2})),
                    "add_: result type float32 can't be cast to the desired output type int64 (an "
                    "in-place op keeps its tensor's dtype)");
  CHECK_THROWS_AS(native::div_(ints, ints), std::invalid_argument);
  CHECK_THROWS_AS(native::mul_(ints, 1.5), std::invalid_argument);
  CHECK_THROWS_AS(native::add_(flags, ints), std::invalid_argument);
  CHECK_THROWS_WITH(native::add_(gg::zeros({3}), gg::ones({2, 3})),
                    Catch::Contains("add_: output with sizes [3] doesn't match the broadcast "
                                    "sizes [2, 3]"));
  CHECK_THROWS_AS(native::add_(native::expand(gg::zeros({3}), {2, 3}), gg::ones({2, 3})),
                  std::invalid_argument);
  CHECK(int64s(ints) == Int64s{3, -7});  // a refused op changes nothing
}

TEST_CASE("a bias row (trailing sizes) is broadcast over contiguous rows in both orders", "[core]") {
  // (2, 3, 20) against (3, 20) and (20,): the row path, with a tail of 4 after two vector
  // lanes; each element checked against the formula, operands in both orders (sub and div
  // are not symmetric), out of place and in place, float32 and float64. Every value is exact
  // in float32, so one double formula serves both.
  const std::int64_t rows = 6, n = 20;
  Values big, row, plane;
  for (std::int64_t i = 0; i < rows * n; ++i) big.push_back(static_cast<double>(i % 97) + 1);
  for (std::int64_t j = 0; j < n; ++j) row.push_back(static_cast<double>(j) * 0.5 + 2);
  for (std::int64_t i = 0; i < 3 * n; ++i) plane.push_back(static_cast<double>(i % 8) * 2);
  for (const Dtype dtype : {gg::kFloat32, gg::kFloat64}) {
    const Tensor a = make(big, {2, 3, n}, dtype);
    const Tensor r = make(row, {n}, dtype), p = make(plane, {3, n}, dtype);
    const Values sub_ar = values_of(native::sub(a, r)), sub_ra = values_of(native::sub(r, a));
    const Values mul_pa = values_of(native::mul(p, a));
    Tensor in_place = native::clone(a);
    native::add_(in_place, p);
    const Values added = values_of(in_place);
    REQUIRE(sub_ar.size() == static_cast<std::size_t>(rows * n));
    for (std::size_t k = 0; k < big.size(); ++k) {
      const double x = big[k], y = row[k % n], z = plane[k % (3 * n)];
      CHECK(sub_ar[k] == x - y);
      CHECK(sub_ra[k] == y - x);
      CHECK(mul_pa[k] == z * x);
      CHECK(added[k] == x + z);
    }
    CHECK(native::sub(r, a).sizes() == a.sizes());
  }
}

TEST_CASE("add_ with alpha is a + alpha * b in one pass, as torch's add_(other, alpha)", "[core]") {
  // 37 elements: vector lanes and a scalar tail. a + (-0.5) * (2i + 1) with a = i is -0.5.
  Values ramp, odd;
  for (int i = 0; i < 37; ++i) {
    ramp.push_back(i);
    odd.push_back(2 * i + 1);
  }
  for (const Dtype dtype : {gg::kFloat32, gg::kFloat64}) {
    Tensor a = make(ramp, {37}, dtype);
    const std::uint64_t v0 = a._version();
    native::add_(a, make(odd, {37}, dtype), -0.5);
    CHECK(values_of(a) == Values(37, -0.5));
    CHECK(a._version() == v0 + 1);
  }
  Tensor w = make({1, 2, 3, 4, 5, 6}, {2, 3}, gg::kFloat32);
  native::add_(w, make({1, 10, 100}, {3}, gg::kFloat32), 2);  // b broadcast over rows
  CHECK(values_of(w) == Values{3, 22, 203, 6, 25, 206});
  Tensor ints = make({3, -7}, {2}, gg::kInt64);
  native::add_(ints, make({1, 2}, {2}, gg::kInt64), 3);
  CHECK(int64s(ints) == Int64s{6, -1});
  CHECK_THROWS_WITH(native::add_(ints, ints, 0.5),
                    Catch::Contains("add_: alpha is a floating-point number and the operands are "
                                    "int64"));
  CHECK_THROWS_AS(native::add_(make({1, 0}, {2}, gg::kBool), make({0, 1}, {2}, gg::kBool), 1),
                  std::invalid_argument);
  CHECK(int64s(ints) == Int64s{6, -1});  // a refused op changes nothing
}

// ---- copies ------------------------------------------------------------------------------------

TEST_CASE("to converts dtypes as torch does", "[core]") {
  // float -> int64 truncates; NaN and out-of-range give INT64_MIN (torch on x86).
  constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();
  const Tensor f = make({-2.7, 2.7, NAN, 1e30, -0.5, 1e19}, {6}, gg::kFloat32);
  CHECK(int64s(native::to(f, gg::kInt64)) == Int64s{-2, 2, kMin, kMin, 0, kMin});
  CHECK(int64s(native::to(native::to(f, gg::kFloat64), gg::kInt64)) ==
        Int64s{-2, 2, kMin, kMin, 0, kMin});
  CHECK(int64s(native::to(make({-2.9}, {1}, gg::kBFloat16), gg::kInt64)) == Int64s{-2});
  // -> bool is x != 0 (NaN is true, -0 false).
  CHECK(values_of(native::to(make({0, NAN, -0.0, 3}, {4}, gg::kFloat32), gg::kBool)) ==
        Values{0, 1, 0, 1});
  CHECK(values_of(native::to(make({0, 2, -1}, {3}, gg::kInt64), gg::kBool)) == Values{0, 1, 1});
  CHECK(values_of(native::to(make({1, 0}, {2}, gg::kBool), gg::kFloat64)) == Values{1, 0});
  // bfloat16 rounds to nearest, ties to even; a double goes through float32 first, so
  // 1.00390625 + 1e-9 becomes 1.00390625, then the tie 1.0 (torch gives 1.0 too).
  CHECK(values_of(native::to(make({1.00390625 + 1e-9, 1.01171875, 3.4e38}, {3}, gg::kFloat64),
                             gg::kBFloat16)) == Values{1.0, 1.015625, INFINITY});
  CHECK(values_of(native::to(make({1e300}, {1}, gg::kFloat64), gg::kFloat32))[0] == INFINITY);

  // int64 -> double in the xsimd lanes rounds as static_cast does, over the whole range.
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max(), kOne = 1;
  const Int64s big = {(kOne << 53) + 1, kMin, kMax, -((kOne << 60) + 12345), 7, -1, 0,
                      (kOne << 62) + 1, 123456789012345678};
  const Tensor ints = gg::from_values(std::span<const std::int64_t>(big), {9});
  const Values doubles = values_of(native::to(ints, gg::kFloat64));
  for (std::size_t k = 0; k < big.size(); ++k) CHECK(doubles[k] == static_cast<double>(big[k]));
  const Values floats = values_of(native::to(ints, gg::kFloat32));
  for (std::size_t k = 0; k < big.size(); ++k) {
    CHECK(floats[k] == static_cast<double>(static_cast<float>(big[k])));
  }

  const Tensor same = make({1}, {1}, gg::kFloat32);
  CHECK(native::to(same, gg::kFloat32).is_same(same));
}

TEST_CASE("contiguous and clone copy only when asked to", "[core]") {
  const Tensor a = make({1, 2, 3, 4, 5, 6}, {2, 3}, gg::kFloat32);
  CHECK(native::contiguous(a).is_same(a));
  const Tensor c = native::clone(a);
  CHECK(!c.is_same(a));
  CHECK(c.storage() != a.storage());
  CHECK(values_of(c) == values_of(a));
  const Tensor a_t = native::transpose(a, 0, 1);
  const Tensor made = native::contiguous(a_t);
  CHECK(made.is_contiguous());
  CHECK(made.storage() != a.storage());
  CHECK(values_of(made) == Values{1, 4, 2, 5, 3, 6});
}

TEST_CASE("copy_ broadcasts, converts and bumps the version", "[core]") {
  Tensor dst = gg::zeros({2, 3});
  const std::uint64_t v0 = dst._version();
  native::copy_(dst, make({1, 2, 3}, {3}, gg::kInt64));
  CHECK(values_of(dst) == Values{1, 2, 3, 1, 2, 3});
  CHECK(dst._version() == v0 + 1);
  dst.copy_(make({7.9, -7.9}, {2, 1}, gg::kFloat64));  // the Tensor member forwards to native
  CHECK(values_of(dst) == Values{7.9f, 7.9f, 7.9f, -7.9f, -7.9f, -7.9f});
  CHECK(dst._version() == v0 + 2);
  // Into a transposed view: only its elements, in its index order.
  Tensor base = gg::zeros({3, 2}, gg::kInt64);
  native::copy_(native::transpose(base, 0, 1), make({1, 2, 3, 4, 5, 6}, {2, 3}, gg::kFloat32));
  CHECK(int64s(base) == Int64s{1, 4, 2, 5, 3, 6});
  // Overlapping source and destination: as if the source were copied first (torch's answer).
  Tensor rows = make({0, 1, 2, 3, 4, 5}, {2, 3}, gg::kFloat32);
  native::copy_(native::narrow(rows, 1, 0, 2), native::narrow(rows, 1, 1, 2));
  CHECK(values_of(rows) == Values{1, 2, 2, 4, 5, 5});
  native::copy_(rows, rows);  // onto itself: unchanged, but it counts as a write
  CHECK(values_of(rows) == Values{1, 2, 2, 4, 5, 5});
  CHECK(rows._version() == 2);

  CHECK_THROWS_AS(native::copy_(gg::zeros({3}), gg::ones({2, 3})), gg::ShapeError);
  CHECK_THROWS_WITH(native::copy_(gg::zeros({3}), gg::ones({2, 3})),
                    Catch::Contains("copy_: src of sizes [2, 3]") && Catch::Contains("[3]"));
  CHECK_THROWS_AS(native::copy_(gg::zeros({3}), gg::ones({4})), gg::ShapeError);
  CHECK_THROWS_WITH(native::copy_(native::expand(gg::zeros({3}), {2, 3}), gg::ones({2, 3})),
                    Catch::Contains("copy_: the destination (sizes [2, 3], strides [0, 1])"));
}

TEST_CASE("fill_ writes every element of strided tensors and checks the value's range", "[core]") {
  Tensor base = gg::zeros({4, 6}, gg::kFloat64);
  const std::uint64_t v0 = base._version();
  native::fill_(native::slice(native::transpose(base, 0, 1), 0, 1, std::nullopt, 2), 7);
  const Values v = values_of(base);
  for (std::size_t k = 0; k < v.size(); ++k) CHECK(v[k] == (k % 2 == 1 ? 7.0 : 0.0));
  CHECK(base._version() == v0 + 1);
  base.zero_();
  CHECK(values_of(base) == Values(24, 0.0));
  CHECK(base._version() == v0 + 2);

  Tensor ints = gg::zeros({3}, gg::kInt64);
  native::fill_(ints, 2.7);  // truncates, as torch
  CHECK(int64s(ints) == Int64s{2, 2, 2});
  CHECK(values_of(gg::zeros({2}, gg::kBFloat16).fill_(1.00390625 + 1e-3)) ==
        Values{1.0078125, 1.0078125});
  CHECK(values_of(gg::zeros({2}, gg::kBool).fill_(0.5)) == Values{1, 1});
  CHECK(values_of(gg::zeros({2}).fill_(INFINITY))[1] == INFINITY);
  // torch: "value cannot be converted to type int64_t without overflow"
  CHECK_THROWS_WITH(native::fill_(ints, INFINITY),
                    Catch::Contains("fill_: value inf cannot be converted to int64 without "
                                    "overflow"));
  CHECK_THROWS_AS(native::fill_(ints, NAN), std::invalid_argument);
  CHECK_THROWS_AS(native::fill_(ints, 1e19), std::invalid_argument);
  CHECK_THROWS_AS(native::fill_(gg::zeros({1}), 1e300), std::invalid_argument);
  CHECK_THROWS_AS(native::fill_(gg::zeros({1}, gg::kBFloat16), 3.39e38), std::invalid_argument);
  CHECK(int64s(ints) == Int64s{2, 2, 2});
}
