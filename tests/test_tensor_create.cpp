// Making gg::Tensors: the factories' values, alignment, arange as torch.arange, and the errors
// of bad construction and access.
#include "tensor_helpers.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <vector>

using gg::Tensor;

TEMPLATE_TEST_CASE("factories fill their sizes with the asked-for values", "[tensor]", float, double) {
  using T = TestType;
  const gg::Dtype dt = gg::dtype_of<T>;
  const Tensor z = gg::zeros({2, 3}, dt);
  CHECK(z.sizes() == gg::IntArrayRef{2, 3});
  CHECK(z.dim() == 2);
  CHECK(z.numel() == 6);
  CHECK(z.dtype() == dt);
  for (T v : gg::test::values<T>(z)) CHECK(v == T(0));
  for (T v : gg::test::values<T>(gg::ones({4}, dt))) CHECK(v == T(1));
  const Tensor f = gg::full({2, 2, 2}, 2.5, dt);
  CHECK(f.numel() == 8);
  for (T v : gg::test::values<T>(f)) CHECK(v == T(2.5));

  const Tensor s = gg::scalar_tensor(3, dt);
  CHECK(s.dim() == 0);
  CHECK(s.numel() == 1);
  CHECK(s.item<T>() == T(3));

  const std::vector<T> v = {1, 2, 3, 4};
  const Tensor m = gg::from_values<T>(v, {2, 2});
  CHECK(m.dtype() == dt);
  CHECK(m[0][1].item<T>() == T(2));
  CHECK(m[1][0].item<T>() == T(3));
  CHECK(m.size(-1) == 2);
  // from_values copies: changing the source afterwards leaves the tensor alone.
  std::vector<T> source = {5, 6};
  const Tensor copied = gg::from_values<T>(source, {2});
  source[0] = 50;
  CHECK(copied[0].item<T>() == T(5));
}

TEST_CASE("storage is 64-byte aligned", "[tensor]") {
  for (std::int64_t n : {1, 3, 17, 1000}) {
    const Tensor t = gg::zeros({n});
    CHECK(reinterpret_cast<std::uintptr_t>(t.data_ptr()) % 64 == 0);
    const Tensor d = gg::ones({n, 3}, gg::kFloat64);
    CHECK(reinterpret_cast<std::uintptr_t>(d.data_ptr()) % 64 == 0);
  }
}

TEST_CASE("arange matches torch.arange", "[tensor]") {
  const Tensor a = gg::arange(0, 5, 1, gg::kFloat64);
  REQUIRE(a.sizes() == gg::IntArrayRef{5});
  const std::vector<double> av = gg::test::values<double>(a);
  for (std::size_t i = 0; i < 5; ++i) CHECK(av[i] == double(i));
  const Tensor b = gg::arange(1.0, 2.0, 0.25);
  REQUIRE(b.numel() == 4);
  CHECK(b.dtype() == gg::kFloat32);
  CHECK(b[3].item<float>() == 1.75f);
  CHECK(gg::arange(3, 3).numel() == 0);
  const Tensor down = gg::arange(3, 0, -1);
  CHECK(gg::test::values<std::int64_t>(down) == std::vector<std::int64_t>{3, 2, 1});
  CHECK_THROWS_AS(gg::arange(0, 1, 0), std::invalid_argument);
  // numpy.arange(3, 1) is empty; torch.arange refuses a step of the wrong sign, and so do we.
  CHECK_THROWS_AS(gg::arange(3, 1), std::invalid_argument);
}

TEST_CASE("bad construction and access name what was wrong", "[tensor][errors]") {
  const std::vector<float> three = {1, 2, 3};
  CHECK_THROWS_MATCHES(gg::from_values<float>(three, {2, 3}), gg::ShapeError,
                       Catch::Matchers::Message(
                           "from_values: got 3 values for sizes [2, 3], expected 6"));
  const Tensor t = gg::zeros({2, 3});
  CHECK_THROWS_AS(t[2], std::out_of_range);
  CHECK_THROWS_WITH(t[2], "select: index 2 is out of range for size 2 of dim 0 in sizes [2, 3] "
                          "(expected to be in [-2, 1])");
  CHECK_THROWS_AS(t[0][3], std::out_of_range);
  CHECK_THROWS_AS(t.item(), gg::ShapeError);
  CHECK_THROWS_WITH(t.item(), Catch::StartsWith("item: got a tensor of sizes [2, 3]"));
  CHECK_THROWS_AS(t.size(2), std::out_of_range);
  CHECK_THROWS_AS(gg::rand({2}, gg::kInt64), std::invalid_argument);
  // An undefined tensor (the default handle, as torch::Tensor()) says so instead of reading.
  CHECK_THROWS_WITH(Tensor().item(), Catch::Contains("undefined"));
}

TEST_CASE("clone copies deeply, to converts", "[tensor]") {
  const Tensor a = gg::tensor({1.0f, 2.0f, 3.0f});
  const Tensor b = a.clone();
  b.data_ptr<float>()[0] = 10;
  CHECK(a[0].item<float>() == 1.0f);
  CHECK_FALSE(b.storage() == a.storage());
  const Tensor d = a.to(gg::kFloat64);
  CHECK(d.dtype() == gg::kFloat64);
  CHECK(d[2].item<double>() == 3.0);
  CHECK(gg::native::to(gg::tensor({2.7, -2.7}), gg::kInt64)[1].item<std::int64_t>() == -2);
}
