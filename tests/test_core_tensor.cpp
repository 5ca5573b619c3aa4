// gg::Tensor's metadata, factories, element access and dtypes (issue 11).
#include <gategrad/tensor/factory.hpp>
#include <gategrad/tensor/native.hpp>
#include <gategrad/tensor/shape.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <vector>

using gg::Tensor;

TEST_CASE("factories give the asked-for sizes, contiguous strides and dtype", "[core]") {
  const Tensor z = gg::zeros({2, 3});
  CHECK(z.dtype() == gg::kFloat32);
  CHECK(z.sizes() == gg::IntArrayRef{2, 3});
  CHECK(z.strides() == gg::IntArrayRef{3, 1});
  CHECK(z.numel() == 6);
  CHECK(z.dim() == 2);
  CHECK(z.is_contiguous());
  for (int i = 0; i < 6; ++i) CHECK(z.data_ptr<float>()[i] == 0.0f);

  const Tensor o = gg::ones({4}, gg::kFloat64);
  CHECK(o.dtype() == gg::kDouble);
  for (int i = 0; i < 4; ++i) CHECK(o.data_ptr<double>()[i] == 1.0);

  // torch.full's dtype follows the value when the options name none.
  CHECK(gg::full({2}, 3).dtype() == gg::kInt64);
  CHECK(gg::full({2}, true).dtype() == gg::kBool);
  CHECK(gg::full({2}, 2.5).dtype() == gg::kFloat32);
  CHECK(gg::full({2}, 2.5).data_ptr<float>()[1] == 2.5f);
  CHECK(gg::full({2}, 7, gg::kFloat64).data_ptr<double>()[0] == 7.0);

  const Tensor s = gg::scalar_tensor(4.5);
  CHECK(s.dim() == 0);
  CHECK(s.numel() == 1);
  CHECK(s.item<double>() == 4.5);
  CHECK(gg::zeros({0, 3}).numel() == 0);
}

TEST_CASE("arange and tensor pick dtypes as torch does", "[core]") {
  const Tensor a = gg::arange(5);
  CHECK(a.dtype() == gg::kInt64);
  CHECK(a.numel() == 5);
  CHECK(a.data_ptr<std::int64_t>()[4] == 4);
  const Tensor b = gg::arange(0, 1, 0.25);
  CHECK(b.dtype() == gg::kFloat32);
  REQUIRE(b.numel() == 4);
  CHECK(b.data_ptr<float>()[3] == 0.75f);
  CHECK(gg::arange(10, 0, -3).numel() == 4);  // 10 7 4 1
  CHECK_THROWS_AS(gg::arange(0, 5, 0), std::invalid_argument);
  CHECK_THROWS_AS(gg::arange(0, 5, -1), std::invalid_argument);

  CHECK(gg::tensor({1.0, 2.0}).dtype() == gg::kFloat32);
  CHECK(gg::tensor({1, 2, 3}).dtype() == gg::kInt64);
  CHECK(gg::tensor({true, false}).dtype() == gg::kBool);
  CHECK(gg::tensor({1, 2}, gg::kFloat64).data_ptr<double>()[1] == 2.0);
  const std::vector<float> v{1, 2, 3, 4, 5, 6};
  const Tensor m = gg::from_values(std::span<const float>(v), {2, 3});
  CHECK(m.data_ptr<float>()[5] == 6.0f);
  CHECK_THROWS_AS(gg::from_values(std::span<const float>(v), {4, 2}), gg::ShapeError);
}

TEST_CASE("copies of a handle share the data, as torch::Tensor", "[core]") {
  Tensor a = gg::zeros({3});
  Tensor b = a;
  b.data_ptr<float>()[1] = 5.0f;
  CHECK(a.data_ptr<float>()[1] == 5.0f);
  CHECK(a.is_same(b));
  CHECK(a.storage() == b.storage());
}

TEST_CASE("data_ptr and item check the dtype and the element count", "[core]") {
  const Tensor t = gg::zeros({2, 2});
  CHECK_THROWS_WITH(t.data_ptr<double>(), Catch::Contains("holds float32, expected float64"));
  CHECK_THROWS_WITH(t.item(), Catch::Contains("sizes [2, 2] (4 elements), expected exactly one"));
  CHECK(gg::full({1, 1}, 3).item<float>() == 3.0f);
  CHECK(gg::full({}, true).item<bool>());
  const Tensor undefined;
  CHECK_FALSE(undefined.defined());
  CHECK_THROWS_WITH(undefined.sizes(), Catch::Contains("undefined"));
}

TEST_CASE("size and stride take negative dims and name a bad one", "[core]") {
  const Tensor t = gg::zeros({2, 3, 4});
  CHECK(t.size(-1) == 4);
  CHECK(t.stride(0) == 12);
  CHECK_THROWS_WITH(t.size(3), Catch::Contains("expected to be in range of [-3, 2], but got 3"));
}

TEST_CASE("dtype names, sizes and promotion follow torch", "[core]") {
  CHECK(gg::element_size(gg::kBool) == 1);
  CHECK(gg::element_size(gg::kInt64) == 8);
  CHECK(gg::element_size(gg::kBFloat16) == 2);
  CHECK(std::string(gg::name(gg::kBFloat16)) == "bfloat16");
  CHECK(std::string(gg::type_name(gg::kFloat32)) == "CPUFloatType");
  // torch.promote_types, torch 1.13.
  CHECK(gg::promote_types(gg::kBool, gg::kInt64) == gg::kInt64);
  CHECK(gg::promote_types(gg::kInt64, gg::kBFloat16) == gg::kBFloat16);
  CHECK(gg::promote_types(gg::kBFloat16, gg::kFloat32) == gg::kFloat32);
  CHECK(gg::promote_types(gg::kFloat64, gg::kFloat32) == gg::kFloat64);
  CHECK(gg::promote_types(gg::kBool, gg::kBool) == gg::kBool);
}

TEST_CASE("bfloat16 rounds to nearest even and keeps NaN", "[core]") {
  // 1 + 2^-8 is halfway between bf16 neighbours 1 and 1 + 2^-7: ties go to the even (1).
  CHECK(static_cast<float>(gg::BFloat16(1.0f + 1.0f / 256)) == 1.0f);
  CHECK(static_cast<float>(gg::BFloat16(1.0f + 3.0f / 256)) == 1.0f + 1.0f / 64);
  CHECK(static_cast<float>(gg::BFloat16(-2.5f)) == -2.5f);
  const float nan = static_cast<float>(gg::BFloat16(std::numeric_limits<float>::quiet_NaN()));
  CHECK(nan != nan);
  CHECK(gg::BFloat16(3.0f).bits == 0x4040);  // torch.tensor(3., dtype=torch.bfloat16).view(torch.int16)
}

TEST_CASE("from_blob views the caller's memory without copying or freeing it", "[core]") {
  std::vector<double> buffer{1, 2, 3, 4, 5, 6};
  const Tensor t = gg::from_blob(buffer.data(), {3, 2}, gg::kFloat64);
  CHECK(t.data_ptr<double>() == buffer.data());
  buffer[3] = 40;
  CHECK(t.data_ptr<double>()[3] == 40);
  const Tensor columns = gg::from_blob(buffer.data(), {2, 3}, {1, 2}, gg::kFloat64);
  CHECK_FALSE(columns.is_contiguous());
}

TEST_CASE("requires_grad in the options needs the autograd layer", "[core]") {
  // This executable links the tensor layer only.
  CHECK_THROWS_WITH(gg::zeros({2}, gg::requires_grad()), Catch::Contains("link gategrad::autograd"));
}

TEST_CASE("randn and rand draw the old core's streams", "[core]") {
  gg::Generator g1(7), g2(7);
  const Tensor a = gg::randn({5}, g1);
  for (int i = 0; i < 5; ++i) CHECK(a.data_ptr<float>()[i] == static_cast<float>(g2.normal()));
  CHECK_THROWS_AS(gg::randn({2}, g1, gg::kInt64), std::invalid_argument);
  const Tensor u = gg::rand({1000}, g1, gg::kFloat64);
  for (int i = 0; i < 1000; ++i) {
    CHECK(u.data_ptr<double>()[i] >= 0.0);
    CHECK(u.data_ptr<double>()[i] < 1.0);
  }
}
