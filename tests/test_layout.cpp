// Layout changes on gg::Tensor: reshape keeps the elements in order, transposes and
// permutations move every element where it belongs (as views, and as the copies contiguous()
// makes of them), and bad requests name what they got.
#include "tensor_helpers.hpp"

#include <catch2/catch.hpp>

#include <vector>

using gg::Tensor;
using gg::test::uniform;
using gg::test::values;
using Sizes = std::vector<std::int64_t>;

TEST_CASE("reshape keeps the elements in order", "[layout]") {
  const Tensor x = gg::arange(0, 6, 1, gg::kFloat32);
  const Tensor y = x.reshape({2, 3});
  CHECK(y.sizes() == gg::IntArrayRef{2, 3});
  CHECK(y[1][0].item<float>() == 3);
  CHECK(y.storage() == x.storage());  // a view: the strides allow it
  const Tensor moved = gg::arange(0, 6, 1, gg::kFloat32).reshape({3, 2});
  CHECK(moved[2][1].item<float>() == 5);
  // Of a transposed view, reshape copies, keeping the view's (row-major) element order.
  const Tensor flat = y.t().reshape({6});
  CHECK(values<float>(flat) == std::vector<float>{0, 3, 1, 4, 2, 5});
  CHECK_THROWS_AS(x.reshape({4}), gg::ShapeError);
  CHECK_THROWS_WITH(x.reshape({4}), "reshape: sizes [4] are invalid for a tensor of 6 elements");
  CHECK_THROWS_AS(y.t().view({6}), gg::ShapeError);
  CHECK_THROWS_WITH(y.t().view({6}), Catch::Contains("use reshape"));
}

TEST_CASE("matrix transpose matches element by element", "[layout]") {
  for (const Sizes& s : {Sizes{1, 1}, Sizes{3, 5}, Sizes{33, 65}, Sizes{200, 1}}) {
    const Tensor x = uniform(s, 3);
    const Tensor y = x.t();
    REQUIRE(y.sizes() == gg::IntArrayRef{s[1], s[0]});
    CHECK(y.storage() == x.storage());
    // The copy contiguous() makes of the view holds the transposed matrix row by row.
    const std::vector<float> xv = values<float>(x);
    const Tensor yc = gg::native::contiguous(y);
    CHECK(yc.is_contiguous());
    const float* yp = yc.data_ptr<float>();
    for (std::int64_t i = 0; i < s[0]; ++i) {
      for (std::int64_t j = 0; j < s[1]; ++j) {
        CHECK(yp[j * s[0] + i] == xv[static_cast<std::size_t>(i * s[1] + j)]);
      }
    }
  }
  CHECK_THROWS_AS(gg::zeros({2, 3, 4}).t(), gg::ShapeError);
  CHECK_THROWS_WITH(gg::zeros({2, 3, 4}).t(),
                    Catch::StartsWith("t: expects a tensor with <= 2 dimensions, got sizes "
                                      "[2, 3, 4]"));
  CHECK_THROWS_AS(gg::zeros({2, 3}).transpose(0, 2), std::out_of_range);
}

TEST_CASE("general permutations move every dim", "[layout]") {
  const Tensor x = uniform({2, 3, 4}, 8);
  const Tensor y = x.permute({2, 0, 1});
  REQUIRE(y.sizes() == gg::IntArrayRef{4, 2, 3});
  const std::vector<float> xv = values<float>(x), yv = values<float>(y);
  for (std::size_t i = 0; i < 2; ++i)
    for (std::size_t j = 0; j < 3; ++j)
      for (std::size_t k = 0; k < 4; ++k) CHECK(yv[(k * 2 + i) * 3 + j] == xv[(i * 3 + j) * 4 + k]);
  // Negative dims name the same permutation.
  CHECK(values<float>(x.permute({-1, 0, 1})) == yv);
  CHECK_THROWS_AS(x.permute({0, 0, 1}), std::invalid_argument);
  CHECK_THROWS_WITH(x.permute({0, 0, 1}), Catch::StartsWith("permute: dims [0, 0, 1]"));
  CHECK_THROWS_AS(x.permute({0, 1}), gg::ShapeError);
  CHECK_THROWS_WITH(x.permute({0, 1}), Catch::StartsWith("permute: got 2 dims [0, 1]"));
}
