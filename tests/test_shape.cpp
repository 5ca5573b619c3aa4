// Sizes as gg::Tensor keeps them (tensor/int_array_ref.hpp): printing, element counts,
// broadcasting and dim wrapping, with the errors that name the op, what it got and what it
// expected.
#include <gategrad/tensor/int_array_ref.hpp>
#include <gategrad/tensor/shape.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <limits>
#include <stdexcept>

using gg::IntArrayRef;
using gg::SizeVector;

TEST_CASE("sizes print as LibTorch prints them, and count their elements", "[shape]") {
  CHECK(gg::to_string(IntArrayRef{}) == "[]");
  CHECK(gg::to_string(IntArrayRef{5}) == "[5]");
  CHECK(gg::to_string(IntArrayRef{2, 3, 4}) == "[2, 3, 4]");
  CHECK(gg::checked_numel("op", {}) == 1);
  CHECK(gg::checked_numel("op", {2, 0, 3}) == 0);
  CHECK(gg::checked_numel("op", {2, 3, 4}) == 24);
  CHECK_THROWS_MATCHES(gg::checked_numel("zeros", {2, -1}), std::length_error,
                       Catch::Matchers::Message(
                           "zeros: got a negative size in [2, -1], expected sizes >= 0"));
  const std::int64_t big = std::int64_t{1} << 32;
  CHECK_THROWS_WITH(gg::checked_numel("empty", {big, big}),
                    "empty: sizes [4294967296, 4294967296] hold more than 2^63 elements");
  // A leading 0 makes the count 0 before the other sizes can overflow it (torch.empty too).
  CHECK(gg::checked_numel("op", {0, big, big}) == 0);
}

TEST_CASE("contiguous strides are row-major, size-1 dims taking the next stride", "[shape]") {
  CHECK(gg::contiguous_strides({2, 3, 4}) == IntArrayRef{12, 4, 1});
  CHECK(gg::contiguous_strides({}) == IntArrayRef{});
  CHECK(gg::contiguous_strides({3, 1, 5}) == IntArrayRef{5, 5, 1});
  CHECK(gg::contiguous_strides({2, 0, 3}) == IntArrayRef{3, 3, 1});
}

TEST_CASE("broadcast_sizes follows NumPy's rules", "[shape]") {
  CHECK(gg::broadcast_sizes("op", {2, 3}, {3}) == IntArrayRef{2, 3});
  CHECK(gg::broadcast_sizes("op", {2, 1}, {1, 3}) == IntArrayRef{2, 3});
  CHECK(gg::broadcast_sizes("op", {4, 1, 3}, {2, 1}) == IntArrayRef{4, 2, 3});
  CHECK(gg::broadcast_sizes("op", {}, {2, 2}) == IntArrayRef{2, 2});
  CHECK(gg::broadcast_sizes("op", {0, 3}, {1, 3}) == IntArrayRef{0, 3});
  CHECK(gg::broadcast_sizes("op", {1}, {0}) == IntArrayRef{0});
}

TEST_CASE("broadcast_sizes names the op and both sizes on a mismatch", "[shape][errors]") {
  CHECK_THROWS_MATCHES(gg::broadcast_sizes("add", {2, 3}, {4}), gg::ShapeError,
                       Catch::Matchers::Message(
                           "add: sizes [2, 3] and [4] do not broadcast: dimension 1 is 3 against "
                           "4 (sizes aligned from the right must be equal or 1)"));
  CHECK_THROWS_AS(gg::broadcast_sizes("mul", {0}, {2}), gg::ShapeError);
}

TEST_CASE("wrap_dim resolves negative dims and rejects out-of-range ones", "[shape]") {
  CHECK(gg::wrap_dim("sum", -1, 2) == 1);
  CHECK(gg::wrap_dim("sum", 0, 2) == 0);
  CHECK(gg::wrap_dim("sum", -2, 2) == 0);
  // A rank-0 tensor takes dim 0 and -1, as torch's does.
  CHECK(gg::wrap_dim("sum", 0, 0) == 0);
  CHECK(gg::wrap_dim("sum", -1, 0) == 0);
  CHECK_THROWS_MATCHES(gg::wrap_dim("sum", 2, 2), std::out_of_range,
                       Catch::Matchers::Message(
                           "sum: dimension out of range (expected to be in range of [-2, 1], but "
                           "got 2)"));
  CHECK_THROWS_AS(gg::wrap_dim("sum", -3, 2), std::out_of_range);
  CHECK_THROWS_AS(gg::wrap_dim("sum", 1, 0), std::out_of_range);
}
