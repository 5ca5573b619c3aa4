#include "helpers.hpp"

#include <catch2/catch.hpp>

using gg::Shape;
using gg::ArrayF;
using gg::test::random_tensor;

TEST_CASE("reshape keeps the elements in order", "[layout]") {
  const auto x = ArrayF::arange(0, 6);
  const auto y = gg::reshape(x, {2, 3});
  CHECK(y.shape() == Shape{2, 3});
  CHECK(y.at({1, 0}) == 3);
  auto moved = gg::reshape(ArrayF::arange(0, 6), {3, 2});
  CHECK(moved.at({2, 1}) == 5);
  CHECK_THROWS_MATCHES(gg::reshape(x, {4}), gg::ShapeError,
                       Catch::Matchers::Message(
                           "reshape: cannot reshape (6,) (6 elements) into (4,) (4 elements); "
                           "expected equal element counts"));
}

TEST_CASE("matrix transpose matches element by element", "[layout]") {
  for (const Shape& s : {Shape{1, 1}, Shape{3, 5}, Shape{33, 65}, Shape{200, 1}}) {
    const auto x = random_tensor<float>(s, 3);
    const auto y = gg::transpose(x);
    REQUIRE(y.shape() == Shape{s[1], s[0]});
    for (std::size_t i = 0; i < s[0]; ++i)
      for (std::size_t j = 0; j < s[1]; ++j) CHECK(y.at({j, i}) == x.at({i, j}));
  }
  CHECK_THROWS_WITH(gg::transpose(ArrayF::zeros({2, 3, 4})),
                    "transpose: got shape (2, 3, 4), expected a matrix (rank 2); use "
                    "transpose(x, perm) for other ranks");
}

TEST_CASE("general permutations move every axis", "[layout]") {
  const auto x = random_tensor<float>({2, 3, 4}, 8);
  const auto y = gg::transpose(x, {2, 0, 1});
  REQUIRE(y.shape() == Shape{4, 2, 3});
  for (std::size_t i = 0; i < 2; ++i)
    for (std::size_t j = 0; j < 3; ++j)
      for (std::size_t k = 0; k < 4; ++k) CHECK(y.at({k, i, j}) == x.at({i, j, k}));
  CHECK_THROWS_WITH(gg::transpose(x, {0, 0, 1}),
                    "transpose: got permutation (0, 0, 1) for shape (2, 3, 4), expected a "
                    "permutation of 0..3-1");
}
