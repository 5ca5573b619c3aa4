// The indexing kernels and the reductions of issue 12 against torch 1.13's values: gather,
// scatter, scatter_add, index_select, index_add, sort, topk, argmin, amin, min, cumsum, prod.
// Each expected value was printed by torch 1.13 for the same input (the command beside it).
#include "tensor_helpers.hpp"

#include <gategrad/tensor/factory.hpp>
#include <gategrad/tensor/native.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <vector>

using gg::Tensor;
namespace native = gg::native;
using Catch::Contains;

namespace {

using Values = std::vector<double>;
Values values(const Tensor& t) { return gg::test::values<double>(t); }

// x = torch.tensor([[1., 5., 3.], [4., 2., 6.]])
Tensor floats(std::vector<double> v, gg::IntArrayRef sizes) {
  return native::to(gg::from_values<double>(v, sizes), gg::kFloat32);
}
Tensor x23() { return floats({1, 5, 3, 4, 2, 6}, {2, 3}); }
Tensor ints(std::vector<std::int64_t> v, gg::IntArrayRef sizes) { return gg::from_values<std::int64_t>(v, sizes); }

}  // namespace

TEST_CASE("gather, scatter and scatter_add match torch", "[core][indexing]") {
  const Tensor i = ints({2, 0, 1, 1}, {2, 2});
  // torch.gather(x, 1, torch.tensor([[2, 0], [1, 1]]))
  CHECK(values(native::gather(x23(), 1, i)) == Values{3, 1, 2, 2});
  // torch.zeros(2,3).scatter_add(1, i, torch.tensor([[10.,20.],[30.,40.]]))
  const Tensor src = floats({10, 20, 30, 40}, {2, 2});
  CHECK(values(native::scatter_add(gg::zeros({2, 3}), 1, i, src)) == Values{20, 0, 10, 0, 70, 0});
  // torch.zeros(2,3).scatter(1, torch.tensor([[2,0],[1,2]]), src)
  CHECK(values(native::scatter(gg::zeros({2, 3}), 1, ints({2, 0, 1, 2}, {2, 2}), src)) ==
        Values{20, 0, 10, 0, 30, 40});
  // torch.zeros(2,3).scatter(1, torch.tensor([[2],[0]]), 7.)
  CHECK(values(native::scatter(gg::zeros({2, 3}), 1, ints({2, 0}, {2, 1}), 7.0)) == Values{0, 0, 7, 7, 0, 0});
  // A transposed input reads the same as its contiguous copy; negative indices wrap.
  CHECK(values(native::gather(native::t(native::t(x23())), 1, ints({-1, 0, -2, -2}, {2, 2}))) == Values{3, 1, 2, 2});
  CHECK_THROWS_WITH(native::gather(x23(), 1, ints({3, 0}, {2, 1})),
                    "gather: index 3 is out of bounds for dimension 1 with size 3");
  CHECK_THROWS_WITH(native::gather(x23(), 1, gg::zeros({2, 1})), Contains("expected int64 indices"));
  CHECK_THROWS_AS(native::gather(x23(), 1, ints({0, 0, 0}, {3, 1})), gg::ShapeError);  // 3 rows > 2
  // A failed scatter changes nothing: the bad index is found before any element moves.
  const Tensor self = gg::zeros({2, 3});
  CHECK_THROWS_AS(native::scatter_add(self, 1, ints({0, 9, 0, 0}, {2, 2}), src), std::out_of_range);
  CHECK(values(self) == Values{0, 0, 0, 0, 0, 0});
}

TEST_CASE("index_select and index_add match torch", "[core][indexing]") {
  // torch.index_select(x, 1, torch.tensor([2, 0, 2]))
  CHECK(values(native::index_select(x23(), 1, ints({2, 0, 2}, {3}))) == Values{3, 1, 3, 6, 4, 6});
  CHECK(native::index_select(x23(), 0, ints({1}, {1})).sizes() == gg::IntArrayRef{1, 3});
  // torch.ones(3,2).index_add(0, torch.tensor([0,2,0]), torch.tensor([[1.,2.],[3.,4.],[5.,6.]]), alpha=2)
  const Tensor source = floats({1, 2, 3, 4, 5, 6}, {3, 2});
  CHECK(values(native::index_add(gg::ones({3, 2}), 0, ints({0, 2, 0}, {3}), source, 2)) ==
        Values{13, 17, 1, 1, 7, 9});
  CHECK_THROWS_WITH(native::index_select(x23(), 0, ints({2}, {1})),
                    "index_select: index 2 is out of bounds for dimension 0 with size 2");
  CHECK_THROWS_AS(native::index_add(gg::ones({3, 2}), 0, ints({0}, {1}), source), gg::ShapeError);
  // More rows than the kernel prefetches ahead, from a table of 20 rows of 3 (row r holds
  // 3r, 3r + 1, 3r + 2), with repeats and a negative index, which gategrad wraps (torch 1.13
  // refuses it); along dim 1 of the same table too, outer 20.
  std::vector<double> table(60);
  for (std::size_t k = 0; k < table.size(); ++k) table[k] = static_cast<double>(k);
  const std::vector<std::int64_t> rows = {19, 0, 7, 7, 3, -1, 12, 5, 18, 1, 0, 11};
  Values want;
  for (std::int64_t r : rows) {
    if (r < 0) r += 20;
    for (std::int64_t c = 0; c < 3; ++c) want.push_back(static_cast<double>(3 * r + c));
  }
  CHECK(values(native::index_select(floats(table, {20, 3}), 0, ints(rows, {12}))) == want);
  Values want_cols;
  for (std::int64_t r = 0; r < 20; ++r) {
    for (const std::int64_t c : {2, 0, 2, 1, 1, 0, 2, 2, 0, 1}) want_cols.push_back(static_cast<double>(3 * r + c));
  }
  CHECK(values(native::index_select(floats(table, {20, 3}), 1, ints({2, 0, 2, 1, 1, 0, 2, 2, 0, 1}, {10}))) ==
        want_cols);
  CHECK_THROWS_WITH(native::index_select(floats(table, {20, 3}), 0, ints({3, 4, 5, 6, 7, 8, 9, 10, 11, -21}, {10})),
                    "index_select: index -21 is out of bounds for dimension 0 with size 20");
}

TEST_CASE("sort and topk match torch, NaN sorting as the largest", "[core][indexing]") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const Tensor y = floats({3, nan, 1, 3, -2}, {5});
  // torch.sort(y): [-2, 1, 3, 3, nan] at [4, 2, 0, 3, 1]
  const auto [v, i] = native::sort(y);
  CHECK(values(i) == Values{4, 2, 0, 3, 1});
  CHECK(values(native::narrow(v, 0, 0, 4)) == Values{-2, 1, 3, 3});
  CHECK(std::isnan(values(v)[4]));
  // torch.sort(y, descending=True): [nan, 3, 3, 1, -2] at [1, 0, 3, 2, 4]
  CHECK(values(std::get<1>(native::sort(y, 0, true))) == Values{1, 0, 3, 2, 4});
  const Tensor z = floats({3, 1, 4, 1, 5}, {5});
  // torch.topk(z, 2) -> [5, 4] at [4, 2]; largest=False -> [1, 1] at [1, 3]
  const auto [tv, ti] = native::topk(z, 2);
  CHECK(values(tv) == Values{5, 4});
  CHECK(values(ti) == Values{4, 2});
  CHECK(values(std::get<1>(native::topk(z, 2, 0, false))) == Values{1, 3});
  // Along dim 0 of a matrix: columns sorted independently.
  CHECK(values(std::get<1>(native::sort(x23(), 0))) == Values{0, 1, 0, 1, 0, 1});
  CHECK_THROWS_WITH(native::topk(z, 6), "topk: got k = 6 for dim 0 of size 5, expected 0 <= k <= 5");
}

TEST_CASE("argmin, amin, min, cumsum and prod match torch", "[core][reduction]") {
  // torch.amin(x, 0), torch.argmin(x), torch.argmin(x, 1)
  CHECK(values(native::amin(x23(), {0})) == Values{1, 2, 3});
  CHECK(values(native::argmin(x23())) == Values{0});
  CHECK(values(native::argmin(x23(), 1)) == Values{0, 1});
  CHECK(values(native::min(x23())) == Values{1});
  const double nan = std::numeric_limits<double>::quiet_NaN();
  CHECK(std::isnan(values(native::amin(gg::from_values<double>(std::vector<double>{1, nan, -3}, {3}), {0}))[0]));
  // torch.cumsum(x, 1); cumsum of bool is int64
  CHECK(values(native::cumsum(x23(), 1)) == Values{1, 6, 9, 4, 6, 12});
  CHECK(values(native::cumsum(x23(), 1, /*reverse=*/true)) == Values{9, 8, 3, 12, 8, 6});
  CHECK(native::cumsum(gg::tensor({true, false, true}), 0).dtype() == gg::kInt64);
  // torch.prod(x) = 720, torch.prod(x, 0) = [4, 10, 18]; prod of int64 is int64
  CHECK(values(native::prod(x23())) == Values{720});
  CHECK(values(native::prod(x23(), 0)) == Values{4, 10, 18});
  CHECK(native::prod(gg::tensor({2, 3})).dtype() == gg::kInt64);
  CHECK(native::prod(x23(), 1, true).sizes() == gg::IntArrayRef{2, 1});
}
