#include <gategrad/tensor/array.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>

using gg::Shape;
using gg::ArrayD;
using gg::ArrayF;

TEMPLATE_TEST_CASE("constructors fill shapes with the asked-for values", "[tensor]", float,
                   double) {
  using T = TestType;
  const auto z = gg::Array<T>::zeros({2, 3});
  CHECK(z.shape() == Shape{2, 3});
  CHECK(z.dim() == 2);
  CHECK(z.size() == 6);
  for (T v : z.values()) CHECK(v == T(0));
  const auto o = gg::Array<T>::ones({4});
  for (T v : o.values()) CHECK(v == T(1));
  const auto f = gg::Array<T>::full({2, 2, 2}, T(2.5));
  CHECK(f.size() == 8);
  for (T v : f.values()) CHECK(v == T(2.5));

  const auto s = gg::Array<T>::scalar(T(3));
  CHECK(s.dim() == 0);
  CHECK(s.item() == T(3));
  CHECK(gg::Array<T>().item() == T(0));

  const auto m = gg::Array<T>::from({2, 2}, {1, 2, 3, 4});
  CHECK(m.at({0, 1}) == T(2));
  CHECK(m.at({1, 0}) == T(3));
  CHECK(m.size(-1) == 2);
}

TEST_CASE("storage is 64-byte aligned", "[tensor]") {
  for (std::size_t n : {1u, 3u, 17u, 1000u}) {
    const auto t = ArrayF::zeros({n});
    CHECK(reinterpret_cast<std::uintptr_t>(t.data()) % 64 == 0);
    const auto d = ArrayD::ones({n, 3});
    CHECK(reinterpret_cast<std::uintptr_t>(d.data()) % 64 == 0);
  }
}

TEST_CASE("arange matches numpy.arange", "[tensor]") {
  const auto a = ArrayD::arange(0, 5);
  REQUIRE(a.shape() == Shape{5});
  for (std::size_t i = 0; i < 5; ++i) CHECK(a.data()[i] == double(i));
  const auto b = ArrayF::arange(1.0f, 2.0f, 0.25f);
  REQUIRE(b.size() == 4);
  CHECK(b.data()[3] == 1.75f);
  CHECK(ArrayD::arange(3, 1).size() == 0);
  CHECK(ArrayD::arange(3, 0, -1).size() == 3);
  CHECK_THROWS_AS(ArrayD::arange(0, 1, 0), std::invalid_argument);
}

TEST_CASE("bad construction and access name what was wrong", "[tensor][errors]") {
  CHECK_THROWS_MATCHES(ArrayF::from({2, 3}, {1, 2, 3}), gg::ShapeError,
                       Catch::Matchers::Message(
                           "Array::from: got 3 values for shape (2, 3), expected 6"));
  const auto t = ArrayF::zeros({2, 3});
  CHECK_THROWS_WITH(t.at({2, 0}), "Array::at: index (2, 0) is out of range for shape (2, 3)");
  CHECK_THROWS_WITH(t.at({0}), "Array::at: index (0) is out of range for shape (2, 3)");
  CHECK_THROWS_WITH(t.item(), "Array::item: got shape (2, 3), expected a tensor with exactly "
                              "one element");
  CHECK_THROWS_AS(t.size(2), std::out_of_range);
  gg::Generator gen(1);
  CHECK_THROWS_AS(ArrayF::uniform({2}, gen, 1.0f, 0.0f), std::invalid_argument);
}

TEST_CASE("copies are deep, casts convert, allclose compares", "[tensor]") {
  auto a = ArrayF::from({3}, {1, 2, 3});
  auto b = a;
  b.at({0}) = 10;
  CHECK(a.at({0}) == 1);
  const ArrayD d = a.cast<double>();
  CHECK(d.at({2}) == 3.0);
  CHECK(gg::allclose(a, ArrayF::from({3}, {1, 2, 3.00001f})));
  CHECK_FALSE(gg::allclose(a, ArrayF::from({3}, {1, 2, 3.1f})));
  CHECK_FALSE(gg::allclose(a, ArrayF::from({1, 3}, {1, 2, 3})));
  const float inf = INFINITY;
  CHECK(gg::allclose(ArrayF::from({1}, {inf}), ArrayF::from({1}, {inf})));
  CHECK_FALSE(gg::allclose(ArrayF::from({1}, {NAN}), ArrayF::from({1}, {NAN})));
}
