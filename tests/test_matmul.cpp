// gg::native::mm against a plain loop, with transposed views as the GEMM's transposed
// operands (no copy), and the errors that name both operands' sizes.
#include "tensor_helpers.hpp"

#include <catch2/catch.hpp>

#include <vector>

using gg::Tensor;
using gg::test::allclose;
using gg::test::uniform;
using gg::test::values;

TEST_CASE("mm multiplies matrices, reading transposed views in place", "[matmul]") {
  const Tensor a = uniform({5, 7}, 1, -2, 2, gg::kFloat64);
  const Tensor b = uniform({7, 3}, 2, -2, 2, gg::kFloat64);
  const Tensor c = gg::native::mm(a, b);
  REQUIRE(c.sizes() == gg::IntArrayRef{5, 3});
  const std::vector<double> av = values<double>(a), bv = values<double>(b), cv = values<double>(c);
  for (std::size_t i = 0; i < 5; ++i)
    for (std::size_t j = 0; j < 3; ++j) {
      double want = 0;
      for (std::size_t k = 0; k < 7; ++k) want += av[i * 7 + k] * bv[k * 3 + j];
      CHECK(cv[i * 3 + j] == Approx(want).epsilon(1e-12));
    }
  // (A^T)^T B and A (B^T)^T give the same product: the transposed views of the stored
  // transposes go to the GEMM as its transposed operands.
  const Tensor at = gg::native::contiguous(a.t());
  const Tensor bt = gg::native::contiguous(b.t());
  REQUIRE(at.is_contiguous());
  CHECK_FALSE(at.t().is_contiguous());
  CHECK(allclose(gg::native::mm(at.t(), b), c, 1e-12, 1e-12));
  CHECK(allclose(gg::native::mm(a, bt.t()), c, 1e-12, 1e-12));
  CHECK(allclose(gg::native::mm(at.t(), bt.t()), c, 1e-12, 1e-12));
  // matmul is mm for matrices.
  CHECK(allclose(gg::native::matmul(a, b), c, 0, 0));
}

TEST_CASE("mm shape errors name both sizes", "[matmul][errors]") {
  const Tensor a = gg::ones({2, 3}, gg::kFloat64);
  CHECK_THROWS_AS(gg::native::mm(a, gg::ones({4, 5}, gg::kFloat64)), gg::ShapeError);
  CHECK_THROWS_WITH(gg::native::mm(a, gg::ones({4, 5}, gg::kFloat64)),
                    "mm: a is [2, 3] and b is [4, 5]: a's size 1 (3) must equal b's size 0 (4)");
  // A transposed view is (3, 2): its inner size 2 does not meet (3, 5)'s 3.
  CHECK_THROWS_WITH(gg::native::mm(a.t(), gg::ones({3, 5}, gg::kFloat64)),
                    Catch::StartsWith("mm: a is [3, 2] and b is [3, 5]"));
  CHECK_THROWS_AS(gg::native::mm(a, gg::ones({3}, gg::kFloat64)), gg::ShapeError);
  CHECK_THROWS_WITH(gg::native::mm(a, gg::ones({3}, gg::kFloat64)),
                    "mm: a is [2, 3] and b is [3], expected two matrices (2-D)");
  CHECK_THROWS_AS(gg::native::mm(a, gg::ones({3, 2}, gg::kInt64)), std::invalid_argument);
}
