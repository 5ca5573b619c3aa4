// The view kernels (tensor/view.cpp): each result's sizes, strides and offset, that it shares
// its base's storage (a write through the view is read in the base), and the errors for bad
// input. Expected geometries marked "torch 1.13" were printed by python3-torch 1.13
// (t.shape, t.stride(), t.storage_offset()).
#include <gategrad/tensor/factory.hpp>
#include <gategrad/tensor/native.hpp>
#include <gategrad/tensor/shape.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <initializer_list>
#include <limits>
#include <optional>
#include <stdexcept>
#include <vector>

namespace native = gg::native;
using gg::IntArrayRef;
using gg::Tensor;
using Catch::Contains;

namespace {

// A float32 tensor of `sizes` whose elements are their row-major flat index: 0, 1, 2, ...
Tensor iota(IntArrayRef sizes) {
  const Tensor flat = gg::arange(gg::checked_numel("iota", sizes), gg::kFloat32);
  return native::view(flat, sizes);
}

// The element at `index`, found through the tensor's own strides and offset.
float& element(const Tensor& t, std::initializer_list<std::int64_t> index) {
  REQUIRE(static_cast<std::int64_t>(index.size()) == t.dim());
  std::int64_t offset = 0;
  std::int64_t d = 0;
  for (std::int64_t i : index) offset += i * t.stride(d++);
  return t.data_ptr<float>()[offset];
}

void check_geometry(const Tensor& t, std::vector<std::int64_t> sizes,
                    std::vector<std::int64_t> strides, std::int64_t offset) {
  CHECK(t.sizes() == IntArrayRef(sizes));
  CHECK(t.strides() == IntArrayRef(strides));
  CHECK(t.storage_offset() == offset);
}

bool shares_storage(const Tensor& a, const Tensor& b) { return a.storage() == b.storage(); }

}  // namespace

TEST_CASE("view geometries match torch 1.13", "[core][views]") {
  // Each row: an op on `a` (contiguous (2,3,4) unless it says otherwise) and the sizes,
  // strides and storage offset torch 1.13 gives for it.
  struct Row {
    const char* op;
    Tensor view;
    std::vector<std::int64_t> sizes, strides;
    std::int64_t offset;
  };
  const Tensor a = iota({2, 3, 4});
  const Tensor c = gg::zeros({3, 1});
  const Tensor s = gg::scalar_tensor(5.0);
  const std::vector<Row> rows{
      {"a.view(4,-1)", native::view(a, {4, -1}), {4, 6}, {6, 1}, 0},
      {"a.view(1,2,1,12,1)", native::view(a, {1, 2, 1, 12, 1}),
       {1, 2, 1, 12, 1}, {24, 12, 12, 1, 1}, 0},
      {"a.transpose(0,1).view(3,2,2,2)",
       native::view(native::transpose(a, 0, 1), {3, 2, 2, 2}),
       {3, 2, 2, 2}, {4, 12, 2, 1}, 0},
      {"a.permute(2,0,1).view(4,6)",
       native::view(native::permute(a, {2, 0, 1}), {4, 6}), {4, 6}, {1, 4}, 0},
      {"zeros(4,6)[:, 1:5].view(2,2,4)",
       native::view(native::slice(gg::zeros({4, 6}), 1, 1, 5, 1), {2, 2, 4}),
       {2, 2, 4}, {12, 6, 1}, 1},
      {"zeros(4,6)[:, ::2].view(12)",
       native::view(native::slice(gg::zeros({4, 6}), 1, {}, {}, 2), {12}),
       {12}, {2}, 0},
      {"zeros(3,4).t().view(1,4,3,1)",
       native::view(native::t(gg::zeros({3, 4})), {1, 4, 3, 1}),
       {1, 4, 3, 1}, {4, 1, 4, 4}, 0},
      {"zeros(4,1,6).transpose(0,2).view(6,4)",
       native::view(native::transpose(gg::zeros({4, 1, 6}), 0, 2), {6, 4}),
       {6, 4}, {1, 6}, 0},
      // A size-1 dim's stride does not break contiguity, whatever it is.
      {"zeros(200).as_strided((2,1,3),(3,100,1)).view(6)",
       native::view(native::as_strided(gg::zeros({200}), {2, 1, 3}, {3, 100, 1}, 0), {6}),
       {6}, {1}, 0},
      {"zeros(200).as_strided((2,1,3),(3,100,1)).view(1,6,1)",
       native::view(native::as_strided(gg::zeros({200}), {2, 1, 3}, {3, 100, 1}, 0), {1, 6, 1}),
       {1, 6, 1}, {6, 1, 1}, 0},
      {"a.narrow(2,-3,2)", native::narrow(a, 2, -3, 2), {2, 3, 2}, {12, 4, 1}, 1},
      {"a.narrow(2,3,2).narrow(1,1,2).select(0,1)",
       native::select(native::narrow(native::narrow(a, 2, 1, 3), 1, 1, 2), 0, 1),
       {2, 3}, {4, 1}, 17},
      {"a[:, :, 1::2]", native::slice(a, 2, 1, {}, 2), {2, 3, 2}, {12, 4, 2}, 1},
      {"a[:, :, 3:1]", native::slice(a, 2, 3, 1, 1), {2, 3, 0}, {12, 4, 1}, 3},
      {"a[:, :, -1:]", native::slice(a, 2, -1, {}, 1), {2, 3, 1}, {12, 4, 1}, 3},
      {"zeros(5)[1::10]", native::slice(gg::zeros({5}), 0, 1, {}, 10),
       {1}, {10}, 1},
      {"a.unsqueeze(1)", native::unsqueeze(a, 1), {2, 1, 3, 4}, {12, 12, 4, 1}, 0},
      {"a.unsqueeze(-1)", native::unsqueeze(a, -1), {2, 3, 4, 1}, {12, 4, 1, 1}, 0},
      {"zeros(1,3,1,2).squeeze()", native::squeeze(gg::zeros({1, 3, 1, 2})),
       {3, 2}, {2, 1}, 0},
      {"zeros(1,3,1,2).squeeze(-4)",
       native::squeeze(gg::zeros({1, 3, 1, 2}), -4), {3, 1, 2}, {2, 2, 1}, 0},
      {"c.expand(2,3,4)", native::expand(c, {2, 3, 4}), {2, 3, 4}, {0, 1, 0}, 0},
      {"c.expand(1,1,3,1)", native::expand(c, {1, 1, 3, 1}),
       {1, 1, 3, 1}, {3, 3, 1, 1}, 0},
      {"c.expand(3,4).view(3,2,2)",
       native::view(native::expand(c, {3, 4}), {3, 2, 2}), {3, 2, 2}, {1, 0, 0}, 0},
      {"c.expand(3,4).unsqueeze(2)",
       native::unsqueeze(native::expand(c, {3, 4}), 2), {3, 4, 1}, {1, 0, 1}, 0},
      {"scalar.expand(1,3)", native::expand(s, {1, 3}), {1, 3}, {0, 0}, 0},
      {"scalar.view(1,1)", native::view(s, {1, 1}), {1, 1}, {1, 1}, 0},
      {"zeros(2,0,3).view(3,0,2)", native::view(gg::zeros({2, 0, 3}), {3, 0, 2}),
       {3, 0, 2}, {2, 2, 1}, 0},
      {"zeros(2,0,3).transpose(0,2).view(3,0)",
       native::view(native::transpose(gg::zeros({2, 0, 3}), 0, 2), {3, 0}),
       {3, 0}, {1, 1}, 0},
      {"zeros(0,3).view(3,-1)", native::view(gg::zeros({0, 3}), {3, -1}),
       {3, 0}, {1, 1}, 0},
      {"zeros(2,0).unsqueeze(1)", native::unsqueeze(gg::zeros({2, 0}), 1),
       {2, 1, 0}, {1, 0, 1}, 0},
      {"zeros(1,3).expand(0,3)", native::expand(gg::zeros({1, 3}), {0, 3}),
       {0, 3}, {0, 1}, 0},
      {"a.flatten(1) of a.transpose(1,2)",
       native::flatten(native::transpose(a, 1, 2), 1, -1), {2, 12}, {12, 1}, 0},
  };
  for (const Row& row : rows) {
    INFO(row.op);
    check_geometry(row.view, row.sizes, row.strides, row.offset);
  }
}

TEST_CASE("view shares the storage and infers one -1", "[core][views]") {
  const Tensor a = iota({2, 3, 4});
  const Tensor v = native::view(a, {4, -1});
  check_geometry(v, {4, 6}, {6, 1}, 0);
  CHECK(shares_storage(v, a));
  CHECK(v.dtype() == gg::kFloat32);
  CHECK(element(v, {1, 2}) == 8.0f);
  element(v, {1, 2}) = -1.0f;
  CHECK(element(a, {0, 2, 0}) == -1.0f);

  check_geometry(native::view(a, {24}), {24}, {1}, 0);
  // A view keeps the dtype.
  const Tensor longs = native::view(gg::arange(6), {3, 2});
  CHECK(longs.dtype() == gg::kInt64);
  CHECK(longs.data_ptr<std::int64_t>()[5] == 5);
}

TEST_CASE("view refuses sizes that do not fit", "[core][views]") {
  const Tensor a = iota({2, 3, 4});
  CHECK_THROWS_AS(native::view(a, {5, -1}), gg::ShapeError);
  CHECK_THROWS_WITH(native::view(a, {5, -1}),
                    Contains("view") && Contains("[5, -1]") && Contains("24 elements"));
  CHECK_THROWS_WITH(native::view(a, {2, 13}), Contains("[2, 13]"));
  CHECK_THROWS_WITH(native::view(a, {-1, -1}), Contains("only one dimension can be inferred"));
  CHECK_THROWS_WITH(native::view(a, {-2, 12}), Contains("invalid size -2"));
  CHECK_THROWS_WITH(native::view(gg::zeros({0, 3}), {0, -1}),
                    Contains("0 elements") && Contains("[0, -1]"));
  CHECK_THROWS_WITH(native::view(gg::zeros({4}), {0, -1}), Contains("4 elements"));
  CHECK_THROWS_AS(native::view(Tensor(), {1}), std::logic_error);
}

TEST_CASE("view against reshape on a transposed tensor", "[core][views]") {
  const Tensor a = iota({2, 3});
  const Tensor at = native::transpose(a, 0, 1);  // (3,2) strides (1,3)
  CHECK_FALSE(native::view_strides(at, {6}).has_value());
  CHECK_THROWS_AS(native::view(at, {6}), gg::ShapeError);
  CHECK_THROWS_WITH(native::view(at, {6}),
                    Contains("view size is not compatible with input tensor's size and stride") &&
                        Contains("[3, 2]") && Contains("[1, 3]") && Contains("use reshape"));

  // reshape copies: a new contiguous tensor holding at's elements in row-major order.
  const Tensor r = native::reshape(at, {6});
  check_geometry(r, {6}, {1}, 0);
  CHECK_FALSE(shares_storage(r, a));
  const std::vector<float> expected{0, 3, 1, 4, 2, 5};
  for (std::int64_t i = 0; i < 6; ++i) {
    CHECK(element(r, {i}) == expected[static_cast<std::size_t>(i)]);
  }

  // Where the strides allow, reshape is a view.
  const Tensor rv = native::reshape(at, {3, 1, 2});
  check_geometry(rv, {3, 1, 2}, {1, 6, 3}, 0);  // torch 1.13
  CHECK(shares_storage(rv, a));
  CHECK_THROWS_WITH(native::reshape(a, {4, -1}), Contains("reshape") && Contains("[4, -1]"));
}

TEST_CASE("view of an expanded tensor", "[core][views]") {
  const Tensor c = iota({3, 1});
  const Tensor e = native::expand(c, {3, 4});
  check_geometry(e, {3, 4}, {1, 0}, 0);
  CHECK(shares_storage(e, c));
  // Split the expanded dim: still a view, its pieces have stride 0.
  const Tensor v = native::view(e, {3, 2, 2});
  check_geometry(v, {3, 2, 2}, {1, 0, 0}, 0);
  CHECK(element(v, {2, 1, 1}) == 2.0f);
  // Merging it with the row dim would need real strides: refused, and reshape copies.
  CHECK_THROWS_WITH(native::view(e, {12}), Contains("use reshape"));
  const Tensor r = native::reshape(e, {12});
  check_geometry(r, {12}, {1}, 0);
  CHECK_FALSE(shares_storage(r, c));
  CHECK(element(r, {7}) == 1.0f);
}

TEST_CASE("view_strides and infer_size", "[core][views]") {
  const Tensor a = iota({2, 3, 4});
  const std::optional<gg::SizeVector> strides = native::view_strides(a, {6, 4});
  REQUIRE(strides.has_value());
  CHECK(IntArrayRef(*strides) == IntArrayRef{4, 1});
  CHECK_FALSE(native::view_strides(a, {5, 5}).has_value());  // numel differs
  CHECK_FALSE(native::view_strides(a, {-1, 4}).has_value());  // not resolved
  CHECK_FALSE(native::view_strides(native::permute(a, {2, 0, 1}), {24}).has_value());

  CHECK(IntArrayRef(native::infer_size("test", {2, -1, 3}, 12)) == IntArrayRef{2, 2, 3});
  CHECK(IntArrayRef(native::infer_size("test", {}, 1)) == IntArrayRef{});
  CHECK(IntArrayRef(native::infer_size("test", {-1}, 0)) == IntArrayRef{0});
  CHECK_THROWS_WITH(native::infer_size("myop", {5, -1}, 12), Contains("myop"));
  const std::int64_t big = std::int64_t{1} << 40;
  CHECK_THROWS_AS(native::infer_size("myop", {big, big, -1}, 12), gg::ShapeError);
}

TEST_CASE("flatten merges a range of dims", "[core][views]") {
  const Tensor a = iota({2, 3, 4});
  check_geometry(native::flatten(a, 0, -1), {24}, {1}, 0);
  check_geometry(native::flatten(a, 0, 1), {6, 4}, {4, 1}, 0);
  check_geometry(native::flatten(a, -2, -1), {2, 12}, {12, 1}, 0);
  const Tensor same = native::flatten(a, 1, 1);
  check_geometry(same, {2, 3, 4}, {12, 4, 1}, 0);
  CHECK_FALSE(same.is_same(a));
  CHECK(shares_storage(same, a));
  check_geometry(native::flatten(gg::scalar_tensor(1.0), 0, -1), {1}, {1}, 0);
  CHECK_THROWS_WITH(native::flatten(a, 2, 1), Contains("flatten") && Contains("start_dim"));
  CHECK_THROWS_AS(native::flatten(a, 0, 3), std::out_of_range);
  // A transposed tensor flattens by copying, in its own element order.
  const Tensor f = native::flatten(native::transpose(iota({2, 3}), 0, 1), 0, -1);
  CHECK(element(f, {1}) == 3.0f);
}

TEST_CASE("permute, transpose and t reorder strides", "[core][views]") {
  const Tensor a = iota({2, 3, 4});
  const Tensor p = native::permute(a, {2, 0, 1});
  check_geometry(p, {4, 2, 3}, {1, 12, 4}, 0);  // torch 1.13
  CHECK(element(p, {3, 1, 2}) == element(a, {1, 2, 3}));
  element(p, {3, 1, 2}) = 100.0f;
  CHECK(a.data_ptr<float>()[23] == 100.0f);
  check_geometry(native::permute(a, {-1, 0, 1}), {4, 2, 3}, {1, 12, 4}, 0);
  CHECK_THROWS_AS(native::permute(a, {0, 1}), gg::ShapeError);
  CHECK_THROWS_WITH(native::permute(a, {0, 1}), Contains("permute") && Contains("[2, 3, 4]"));
  CHECK_THROWS_AS(native::permute(a, {0, 0, 1}), std::invalid_argument);
  CHECK_THROWS_WITH(native::permute(a, {0, 0, 1}), Contains("twice"));
  CHECK_THROWS_AS(native::permute(a, {0, 1, 3}), std::out_of_range);

  const Tensor tr = native::transpose(a, 0, 2);
  check_geometry(tr, {4, 3, 2}, {1, 4, 12}, 0);  // torch 1.13
  CHECK(element(tr, {3, 2, 0}) == 11.0f);
  check_geometry(native::transpose(a, -1, 0), {4, 3, 2}, {1, 4, 12}, 0);
  check_geometry(native::transpose(a, 1, 1), {2, 3, 4}, {12, 4, 1}, 0);
  CHECK_THROWS_AS(native::transpose(a, 0, 3), std::out_of_range);
  CHECK_THROWS_WITH(native::transpose(a, 0, 3), Contains("transpose") && Contains("3"));

  const Tensor m = iota({2, 3});
  check_geometry(native::t(m), {3, 2}, {1, 3}, 0);
  check_geometry(native::t(gg::zeros({3})), {3}, {1}, 0);
  CHECK_THROWS_AS(native::t(a), gg::ShapeError);
  CHECK_THROWS_WITH(native::t(a), Contains("<= 2 dimensions") && Contains("[2, 3, 4]"));
}

TEST_CASE("narrow, slice and select move the offset", "[core][views]") {
  const Tensor a = iota({2, 3, 4});
  const Tensor n = native::narrow(a, 1, 1, 2);
  check_geometry(n, {2, 2, 4}, {12, 4, 1}, 4);  // torch 1.13
  CHECK(element(n, {1, 0, 3}) == 19.0f);
  element(n, {0, 1, 2}) = -5.0f;
  CHECK(element(a, {0, 2, 2}) == -5.0f);
  check_geometry(native::narrow(a, 2, 4, 0), {2, 3, 0}, {12, 4, 1}, 4);
  CHECK_THROWS_AS(native::narrow(a, 2, 3, 2), std::out_of_range);
  CHECK_THROWS_WITH(
      native::narrow(a, 2, 3, 2),
      Contains("narrow: start 3 + length 2 exceeds size 4 of dim 2 in sizes [2, 3, 4]"));
  CHECK_THROWS_AS(native::narrow(a, 2, 5, 0), std::out_of_range);
  CHECK_THROWS_AS(native::narrow(a, 2, 0, -1), std::invalid_argument);
  CHECK_THROWS_AS(native::narrow(a, 3, 0, 1), std::out_of_range);

  const Tensor s = native::slice(a, 1, {}, {}, 2);
  check_geometry(s, {2, 2, 4}, {12, 8, 1}, 0);  // torch 1.13
  CHECK(element(s, {1, 1, 1}) == 21.0f);
  // Out-of-range bounds clamp, as Python slicing does.
  check_geometry(native::slice(a, 2, -10, 100, 1), {2, 3, 4}, {12, 4, 1}, 0);
  check_geometry(native::slice(a, 2, 5, {}, 1), {2, 3, 0}, {12, 4, 1}, 4);
  const std::int64_t huge = std::numeric_limits<std::int64_t>::max();
  check_geometry(native::slice(gg::zeros({5}), 0, 2, huge, 1), {3}, {1}, 2);
  check_geometry(native::slice(gg::zeros({5}), 0, std::numeric_limits<std::int64_t>::min(), 3, 1),
                 {3}, {1}, 0);
  check_geometry(native::slice(gg::zeros({5}), 0, 1, {}, huge), {1}, {huge}, 1);
  // stride 2 * huge overflows; the one element left keeps its stride.
  check_geometry(native::slice(gg::zeros({5, 2}), 0, 1, {}, huge), {1, 2}, {2, 1}, 2);
  CHECK_THROWS_AS(native::slice(a, 0, 0, 1, 0), std::invalid_argument);
  CHECK_THROWS_WITH(native::slice(a, 0, 0, 1, -1), Contains("slice") && Contains("step -1"));

  const Tensor sel = native::select(a, 1, -1);
  check_geometry(sel, {2, 4}, {12, 1}, 8);  // torch 1.13
  CHECK(element(sel, {1, 3}) == 23.0f);
  check_geometry(native::select(a, 2, 3), {2, 3}, {12, 4}, 3);
  CHECK_THROWS_AS(native::select(a, 1, 3), std::out_of_range);
  CHECK_THROWS_WITH(native::select(a, 1, 3),
                    Contains("select: index 3") && Contains("dim 1") && Contains("[2, 3, 4]"));
  CHECK_THROWS_AS(native::select(a, 1, -4), std::out_of_range);
  CHECK_THROWS_AS(native::select(gg::zeros({0, 3}), 0, 0), std::out_of_range);
}

TEST_CASE("views of views compose their offsets", "[core][views]") {
  const Tensor a = iota({4, 5, 6});
  // a[1:4:2, :, 2:].transpose(0,2).narrow(1, 1, 3).select(2, 1) is a[3, 1+j, 2+i] at (i, j).
  const Tensor sliced = native::slice(native::slice(a, 0, 1, 4, 2), 2, 2, {}, 1);
  const Tensor v = native::select(native::narrow(native::transpose(sliced, 0, 2), 1, 1, 3), 2, 1);
  check_geometry(v, {4, 3}, {1, 6}, 3 * 30 + 1 * 6 + 2);
  for (std::int64_t i = 0; i < 4; ++i) {
    for (std::int64_t j = 0; j < 3; ++j) CHECK(element(v, {i, j}) == element(a, {3, 1 + j, 2 + i}));
  }
  element(v, {2, 1}) = 1000.0f;
  CHECK(element(a, {3, 2, 4}) == 1000.0f);
  // as_strided takes an absolute offset into the storage, not one relative to the view.
  check_geometry(native::as_strided(native::narrow(a, 2, 1, 2), {2, 2}, {1, 2}, 3), {2, 2}, {1, 2},
                 3);
}

TEST_CASE("unsqueeze and squeeze add and drop size-1 dims", "[core][views]") {
  const Tensor a = iota({2, 3, 4});
  check_geometry(native::unsqueeze(a, 0), {1, 2, 3, 4}, {24, 12, 4, 1}, 0);
  check_geometry(native::unsqueeze(a, 3), {2, 3, 4, 1}, {12, 4, 1, 1}, 0);
  const Tensor u = native::unsqueeze(a, -3);
  check_geometry(u, {2, 1, 3, 4}, {12, 12, 4, 1}, 0);
  CHECK(element(u, {1, 0, 2, 3}) == 23.0f);
  CHECK_THROWS_AS(native::unsqueeze(a, 4), std::out_of_range);
  CHECK_THROWS_AS(native::unsqueeze(a, -5), std::out_of_range);

  const Tensor b = iota({1, 3, 1, 2});
  const Tensor sq = native::squeeze(b);
  check_geometry(sq, {3, 2}, {2, 1}, 0);
  CHECK(shares_storage(sq, b));
  element(sq, {2, 1}) = -7.0f;
  CHECK(b.data_ptr<float>()[5] == -7.0f);
  check_geometry(native::squeeze(b, 2), {1, 3, 2}, {6, 2, 1}, 0);
  check_geometry(native::squeeze(b, 1), {1, 3, 1, 2}, {6, 2, 2, 1}, 0);  // size 3: no-op
  CHECK_THROWS_AS(native::squeeze(b, 4), std::out_of_range);
  check_geometry(native::squeeze(gg::zeros({1, 0})), {0}, {1}, 0);
}

TEST_CASE("expand grows size-1 dims with stride 0", "[core][views]") {
  const Tensor c = iota({3, 1});
  const Tensor e = native::expand(c, {2, 3, 4});
  check_geometry(e, {2, 3, 4}, {0, 1, 0}, 0);  // torch 1.13
  CHECK(element(e, {1, 2, 3}) == 2.0f);
  element(e, {0, 1, 0}) = 9.0f;  // every (i, 1, k) is the one element c[1, 0]
  CHECK(element(c, {1, 0}) == 9.0f);
  CHECK(element(e, {1, 1, 3}) == 9.0f);
  check_geometry(native::expand(c, {-1, 4}), {3, 4}, {1, 0}, 0);
  check_geometry(native::expand(c, {1, 3, 4}), {1, 3, 4}, {3, 1, 0}, 0);  // torch 1.13
  check_geometry(native::expand(gg::zeros({1}), {1, 1}), {1, 1}, {1, 1}, 0);
  check_geometry(native::expand(gg::zeros({1}), {2, 1}), {2, 1}, {0, 1}, 0);

  CHECK_THROWS_AS(native::expand(c, {4, 4}), gg::ShapeError);
  CHECK_THROWS_WITH(native::expand(c, {4, 4}),
                    Contains("expand") && Contains("size 4 at dim 0") &&
                        Contains("existing size 3") && Contains("[3, 1]"));
  CHECK_THROWS_WITH(native::expand(c, {-1, 3, 4}), Contains("new leading dimension"));
  CHECK_THROWS_WITH(native::expand(c, {4}), Contains("got 1 sizes") && Contains("[3, 1]"));
  CHECK_THROWS_WITH(native::expand(c, {3, -2}), Contains("size -2"));
}

TEST_CASE("as_strided and alias", "[core][views]") {
  const Tensor a = iota({2, 3, 4});
  const Tensor s = native::as_strided(a, {2, 2}, {1, 2}, 3);
  check_geometry(s, {2, 2}, {1, 2}, 3);
  CHECK(element(s, {1, 1}) == 6.0f);
  CHECK(shares_storage(s, a));
  check_geometry(native::as_strided(a, {0}, {1}, 100), {0}, {1}, 100);  // reaches nothing
  CHECK_THROWS_AS(native::as_strided(a, {5, 5}, {5, 1}, 0), std::out_of_range);
  CHECK_THROWS_WITH(native::as_strided(a, {5, 5}, {5, 1}, 0),
                    Contains("as_strided") && Contains("100 bytes") && Contains("96 bytes"));
  CHECK_NOTHROW(native::as_strided(a, {4, 6}, {6, 1}, 0));
  CHECK_THROWS_AS(native::as_strided(a, {4, 6}, {6, 1}, 1), std::out_of_range);
  CHECK_THROWS_AS(native::as_strided(a, {2, 2}, {-1, 1}, 0), std::invalid_argument);
  CHECK_THROWS_AS(native::as_strided(a, {2}, {1, 1}, 0), std::invalid_argument);
  CHECK_THROWS_AS(native::as_strided(a, {2}, {1}, -1), std::invalid_argument);
  CHECK_THROWS_AS(native::as_strided(a, {-2}, {1}, 0), std::invalid_argument);
  const std::int64_t huge = std::numeric_limits<std::int64_t>::max() / 2;
  CHECK_THROWS_AS(native::as_strided(a, {3, 3}, {huge, huge}, 0), std::out_of_range);

  const Tensor n = native::narrow(a, 1, 1, 2);
  const Tensor al = native::alias(n);
  CHECK_FALSE(al.is_same(n));
  CHECK(shares_storage(al, a));
  check_geometry(al, {2, 2, 4}, {12, 4, 1}, 4);
  CHECK(al.dtype() == gg::kFloat32);
  CHECK(al.unsafe_impl()->autograd_meta == nullptr);
}

TEST_CASE("rank-0 tensors where torch allows them", "[core][views]") {
  const Tensor s = gg::scalar_tensor(5.0);
  check_geometry(native::view(s, {-1}), {1}, {1}, 0);
  check_geometry(native::view(s, {}), {}, {}, 0);
  check_geometry(native::view(native::view(s, {1, 1}), {}), {}, {}, 0);
  check_geometry(native::unsqueeze(s, 0), {1}, {1}, 0);
  check_geometry(native::unsqueeze(s, -1), {1}, {1}, 0);
  check_geometry(native::squeeze(s), {}, {}, 0);
  check_geometry(native::squeeze(s, -1), {}, {}, 0);
  check_geometry(native::transpose(s, 0, -1), {}, {}, 0);
  check_geometry(native::t(s), {}, {}, 0);
  check_geometry(native::permute(s, {}), {}, {}, 0);
  check_geometry(native::expand(s, {2, 3}), {2, 3}, {0, 0}, 0);  // torch 1.13
  check_geometry(native::expand(s, {3, 1}), {3, 1}, {0, 0}, 0);  // torch 1.13
  CHECK(native::expand(s, {2, 3}).data_ptr<float>()[0] == 5.0f);
  CHECK_THROWS_AS(native::squeeze(s, 1), std::out_of_range);
  CHECK_THROWS_AS(native::select(s, 0, 0), std::out_of_range);
  CHECK_THROWS_WITH(native::select(s, 0, 0), Contains("0-dim"));
  CHECK_THROWS_WITH(native::narrow(s, 0, 0, 1), Contains("narrow") && Contains("0-dim"));
  CHECK_THROWS_WITH(native::slice(s, 0, 0, 1, 1), Contains("slice") && Contains("0-dim"));
  CHECK_THROWS_AS(native::permute(s, {0}), gg::ShapeError);
}

TEST_CASE("zero-size dimensions", "[core][views]") {
  const Tensor z = gg::zeros({2, 0, 3});
  check_geometry(native::view(z, {0, 6}), {0, 6}, {6, 1}, 0);  // torch 1.13
  check_geometry(native::view(z, {-1}), {0}, {1}, 0);
  check_geometry(native::transpose(z, 0, 2), {3, 0, 2}, {1, 3, 3}, 0);
  check_geometry(native::narrow(z, 1, 0, 0), {2, 0, 3}, {3, 3, 1}, 0);
  check_geometry(native::flatten(z, 0, -1), {0}, {1}, 0);
  check_geometry(native::expand(gg::zeros({1, 0}), {3, 0}), {3, 0}, {0, 1}, 0);
  check_geometry(native::reshape(native::transpose(z, 0, 2), {0}), {0}, {1}, 0);
  CHECK_THROWS_WITH(native::view(z, {-1, 0}), Contains("0 elements"));
}
