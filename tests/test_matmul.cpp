#include "helpers.hpp"

#include <catch2/catch.hpp>

using gg::Shape;
using gg::Trans;
using gg::ArrayD;
using gg::test::random_tensor;

TEST_CASE("matmul multiplies matrices, transposing operands in place", "[matmul]") {
  const auto a = random_tensor<double>({5, 7}, 1);
  const auto b = random_tensor<double>({7, 3}, 2);
  const auto c = gg::matmul(a, b);
  REQUIRE(c.shape() == Shape{5, 3});
  for (std::size_t i = 0; i < 5; ++i)
    for (std::size_t j = 0; j < 3; ++j) {
      double want = 0;
      for (std::size_t k = 0; k < 7; ++k) want += a.at({i, k}) * b.at({k, j});
      CHECK(c.at({i, j}) == Approx(want).epsilon(1e-12));
    }
  // (A^T)^T B and A (B^T)^T give the same product without materialising the transposes.
  CHECK(gg::allclose(gg::matmul(gg::transpose(a), b, Trans::Yes, Trans::No), c, 1e-12));
  CHECK(gg::allclose(gg::matmul(a, gg::transpose(b), Trans::No, Trans::Yes), c, 1e-12));
  CHECK(gg::allclose(gg::matmul(gg::transpose(a), gg::transpose(b), Trans::Yes, Trans::Yes), c,
                     1e-12));
}

TEST_CASE("matmul shape errors name both shapes", "[matmul][errors]") {
  const auto a = ArrayD::ones({2, 3});
  CHECK_THROWS_MATCHES(gg::matmul(a, ArrayD::ones({4, 5})), gg::ShapeError,
                       Catch::Matchers::Message(
                           "matmul: shapes (2, 3) and (4, 5) are not aligned: (M, K) x (K, N) "
                           "needs equal inner sizes, got K = 3 and 4"));
  CHECK_THROWS_WITH(gg::matmul(a, ArrayD::ones({3, 5}), Trans::Yes),
                    Catch::Contains("(2, 3) transposed and (3, 5) are not aligned"));
  CHECK_THROWS_WITH(gg::matmul(a, ArrayD::ones({3})),
                    "matmul: got shapes (2, 3) and (3,), expected two matrices (rank 2)");
}
