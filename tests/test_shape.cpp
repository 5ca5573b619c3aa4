#include <gategrad/tensor/shape.hpp>

#include <catch2/catch.hpp>

using gg::Shape;

TEST_CASE("shapes print as Python tuples", "[shape]") {
  CHECK(gg::to_string(Shape{}) == "()");
  CHECK(gg::to_string(Shape{5}) == "(5,)");
  CHECK(gg::to_string(Shape{2, 3, 4}) == "(2, 3, 4)");
  CHECK(gg::numel(Shape{}) == 1);
  CHECK(gg::numel(Shape{2, 0, 3}) == 0);
  CHECK(gg::numel(Shape{2, 3, 4}) == 24);
}

TEST_CASE("broadcast_shapes follows NumPy's rules", "[shape]") {
  CHECK(gg::broadcast_shapes("op", Shape{2, 3}, Shape{3}) == Shape{2, 3});
  CHECK(gg::broadcast_shapes("op", Shape{2, 1}, Shape{1, 3}) == Shape{2, 3});
  CHECK(gg::broadcast_shapes("op", Shape{4, 1, 3}, Shape{2, 1}) == Shape{4, 2, 3});
  CHECK(gg::broadcast_shapes("op", Shape{}, Shape{2, 2}) == Shape{2, 2});
  CHECK(gg::broadcast_shapes("op", Shape{0, 3}, Shape{1, 3}) == Shape{0, 3});
}

TEST_CASE("broadcast_shapes names the op and both shapes on a mismatch", "[shape][errors]") {
  CHECK_THROWS_MATCHES(gg::broadcast_shapes("add", Shape{2, 3}, Shape{4}), gg::ShapeError,
                       Catch::Matchers::Message(
                           "add: shapes (2, 3) and (4,) cannot be broadcast together "
                           "(dimension 1 of the result: 3 vs 4; expected equal sizes or 1)"));
}

TEST_CASE("normalize_axis resolves negative axes and rejects out-of-range ones", "[shape]") {
  CHECK(gg::normalize_axis("sum", -1, Shape{2, 3}) == 1);
  CHECK(gg::normalize_axis("sum", 0, Shape{2, 3}) == 0);
  CHECK_THROWS_WITH(gg::normalize_axis("sum", 2, Shape{2, 3}),
                    "sum: axis 2 is out of range for shape (2, 3) (expected -2 <= axis < 2)");
  CHECK_THROWS_AS(gg::normalize_axis("sum", -3, Shape{2, 3}), std::out_of_range);
}
