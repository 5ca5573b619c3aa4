// LibTorch's creation functions on gg::Tensor: tensor from nested lists, linspace, eye, full's
// dtype, from_blob with a deleter, and the seeded draws (randint, randperm, bernoulli, normal,
// *_like). Deterministic values are torch 1.13's (the command beside each); random ones are
// checked by properties a wrong draw breaks (range, counts, permutation, seeds).
#include "tensor_helpers.hpp"

#include <gategrad/tensor/factory.hpp>
#include <gategrad/tensor/native.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <map>
#include <numeric>
#include <vector>

using gg::Tensor;
using gg::test::values;
using Catch::Contains;

namespace {

// A list of mixed types is refused at compile time, as torch::tensor refuses it at run time.
template <class V>
concept TakesList = requires { gg::tensor({{V(1.5), V(2)}}); };
template <class V>
concept TakesMixedList = requires { gg::tensor({{V(1.5), 2}}); };
static_assert(TakesList<double> && TakesList<float> && TakesList<bool>);
static_assert(!TakesMixedList<double>);

// t[i][j]...: Tensor::operator[] is the autograd layer's, which this executable does not link.
template <class T>
T at(const Tensor& t, std::initializer_list<std::int64_t> index) {
  Tensor element = t;
  for (std::int64_t i : index) element = gg::native::select(element, 0, i);
  return element.item<T>();
}

std::vector<std::int64_t> counts_of(const std::vector<std::int64_t>& xs, std::int64_t low,
                                    std::int64_t high) {
  std::vector<std::int64_t> counts(static_cast<std::size_t>(high - low), 0);
  for (std::int64_t x : xs) ++counts.at(static_cast<std::size_t>(x - low));
  return counts;
}

}  // namespace

TEST_CASE("tensor of nested lists has torch's sizes and values and dtype", "[create]") {
  const Tensor a = gg::tensor({{1, 2}, {3, 4}});  // torch.tensor([[1, 2], [3, 4]])
  CHECK(a.dtype() == gg::kInt64);
  CHECK(a.sizes() == gg::IntArrayRef{2, 2});
  CHECK(values<std::int64_t>(a) == std::vector<std::int64_t>{1, 2, 3, 4});

  const Tensor b = gg::tensor({{{1, 2}, {3, 4}}, {{5, 6}, {7, 8}}});
  CHECK(b.sizes() == gg::IntArrayRef{2, 2, 2});
  // torch.tensor([[[1, 2], [3, 4]], [[5, 6], [7, 8]]]).stride()
  CHECK(b.strides() == gg::IntArrayRef{4, 2, 1});
  CHECK(at<std::int64_t>(b, {1, 0, 1}) == 6);

  // A single value at each depth: the rank is the nesting, not 1.
  const Tensor c = gg::tensor({{{1.5}}});  // torch.tensor([[[1.5]]]): float32, sizes [1, 1, 1]
  CHECK(c.dtype() == gg::kFloat32);
  CHECK(c.sizes() == gg::IntArrayRef{1, 1, 1});
  CHECK(c.item<float>() == 1.5f);
  CHECK(gg::tensor({{1.5}}).sizes() == gg::IntArrayRef{1, 1});
  CHECK(gg::tensor({1.5}).sizes() == gg::IntArrayRef{1});
  CHECK(gg::tensor({{{{7}}}}).sizes() == gg::IntArrayRef{1, 1, 1, 1});

  CHECK(gg::tensor({{true}, {false}}).dtype() == gg::kBool);  // torch.tensor([[True], [False]])
  CHECK(values<bool>(gg::tensor({{true}, {false}})) == std::vector<bool>{true, false});
  // Doubles round to float32: torch.tensor([[0.1, 0.2]])[0, 1].item() = 0.20000000298023224
  CHECK(at<double>(gg::tensor({{0.1, 0.2}}), {0, 1}) == 0.20000000298023224);
  CHECK(gg::tensor({{std::int64_t{1} << 40}}).item<std::int64_t>() == std::int64_t{1} << 40);

  // The options' dtype converts: torch.tensor([[1, 2], [3, 4]], dtype=torch.float64)
  const Tensor d = gg::tensor({{1, 2}, {3, 4}}, gg::kFloat64);
  CHECK(d.dtype() == gg::kFloat64);
  CHECK(values<double>(d) == std::vector<double>{1, 2, 3, 4});
  CHECK(at<std::int64_t>(gg::tensor({{1.7, -0.5}}, gg::kInt64), {0, 0}) == 1);

  // torch.tensor([]): float32, sizes [0]
  const Tensor empty = gg::tensor({});
  CHECK(empty.dtype() == gg::kFloat32);
  CHECK(empty.sizes() == gg::IntArrayRef{0});
  CHECK(gg::tensor({}, gg::kInt64).dtype() == gg::kInt64);
}

TEST_CASE("tensor names the row of a ragged list", "[create][errors]") {
  // torch.tensor([[1, 2], [3]]): "expected sequence of length 2 at dim 1 (got 1)"
  CHECK_THROWS_AS(gg::tensor({{1, 2}, {3}}), std::invalid_argument);
  CHECK_THROWS_WITH(gg::tensor({{1, 2}, {3}}),
                    "tensor: got a ragged list: row [1] has length 1, expected length 2 (that "
                    "of row [0]) at dim 1");
  CHECK_THROWS_WITH(gg::tensor({{{1, 2}, {3, 4}}, {{5, 6}, {7}}}),
                    Contains("row [1][1] has length 1, expected length 2 (that of row [0][0]) "
                             "at dim 2"));
  CHECK_THROWS_WITH(gg::tensor({{{1.0}}, {{2.0}, {3.0}}}),
                    Contains("row [1] has length 2, expected length 1 (that of row [0]) at dim 1"));
}

TEST_CASE("linspace gives torch's values", "[create]") {
  // torch.linspace(-1, 1, 7).tolist(): the middle value is computed from the end, fused.
  const Tensor a = gg::linspace(-1, 1, 7);
  CHECK(a.dtype() == gg::kFloat32);
  CHECK(values<float>(a) == std::vector<float>{-1.0f, -0.6666666269302368f, -0.3333333134651184f,
                                               -2.9802322387695312e-08f, 0.3333333134651184f,
                                               0.6666666269302368f, 1.0f});
  // torch.linspace(0.1, 3.7, 13).tolist()
  CHECK(values<float>(gg::linspace(0.1, 3.7, 13)) ==
        std::vector<float>{0.10000000149011612f, 0.4000000059604645f, 0.7000000476837158f, 1.0f,
                           1.3000000715255737f, 1.600000023841858f, 1.899999976158142f,
                           2.200000047683716f, 2.5f, 2.799999952316284f, 3.0999999046325684f,
                           3.4000000953674316f, 3.700000047683716f});
  // torch.linspace(0.5, -2.25, 15).tolist()
  CHECK(values<float>(gg::linspace(0.5, -2.25, 15)) ==
        std::vector<float>{0.5f, 0.3035714328289032f, 0.1071428656578064f, -0.0892857015132904f,
                           -0.2857142686843872f, -0.482142835855484f, -0.6785714030265808f,
                           -0.875f, -1.0714285373687744f, -1.2678571939468384f,
                           -1.4642857313156128f, -1.6607142686843872f, -1.8571429252624512f,
                           -2.0535714626312256f, -2.25f});
  // torch.linspace(-1, 1, 7, dtype=torch.float64).tolist()
  CHECK(values<double>(gg::linspace(-1, 1, 7, gg::kFloat64)) ==
        std::vector<double>{-1.0, -0.6666666666666667, -0.33333333333333337, 5.551115123125783e-17,
                            0.33333333333333337, 0.6666666666666667, 1.0});
  // torch.linspace(0.1, 3.7, 7, dtype=torch.float64).tolist()
  CHECK(values<double>(gg::linspace(0.1, 3.7, 7, gg::kFloat64)) ==
        std::vector<double>{0.1, 0.7, 1.3, 1.9000000000000004, 2.5, 3.1, 3.7});
  // torch.linspace(0.1, 3.7, 13, dtype=torch.bfloat16).float().tolist()
  CHECK(values<float>(gg::linspace(0.1, 3.7, 13, gg::kBFloat16)) ==
        std::vector<float>{0.10009765625f, 0.400390625f, 0.703125f, 1.0f, 1.3046875f, 1.6015625f,
                           1.8984375f, 2.203125f, 2.5f, 2.796875f, 3.09375f, 3.40625f, 3.703125f});
  // torch.linspace(0.5, 10.7, 5, dtype=torch.int64), (-7, 10, 6), (10, -7, 6): truncated
  CHECK(values<std::int64_t>(gg::linspace(0.5, 10.7, 5, gg::kInt64)) ==
        std::vector<std::int64_t>{0, 2, 5, 7, 10});
  CHECK(values<std::int64_t>(gg::linspace(-7, 10, 6, gg::kInt64)) ==
        std::vector<std::int64_t>{-7, -3, 0, 3, 6, 10});
  CHECK(values<std::int64_t>(gg::linspace(10, -7, 6, gg::kInt64)) ==
        std::vector<std::int64_t>{10, 6, 3, 0, -3, -7});
  // torch.linspace(2.5, 7, 1) is [2.5]; torch.linspace(0, 1, 0) is empty; integers give float32.
  CHECK(values<float>(gg::linspace(2.5, 7, 1)) == std::vector<float>{2.5f});
  CHECK(gg::linspace(0, 1, 0).sizes() == gg::IntArrayRef{0});
  CHECK(gg::linspace(0, 10, 5).dtype() == gg::kFloat32);  // torch.linspace(0, 10, 5).dtype
  // Both ends exactly, in order, over many steps (where torch's AVX2 blocks may differ by an ulp).
  const std::vector<float> many = values<float>(gg::linspace(0, 1, 1000));
  CHECK(many.front() == 0.0f);
  CHECK(many.back() == 1.0f);
  CHECK(std::is_sorted(many.begin(), many.end()));
  CHECK(many[500] == 0.500500500202179f);  // torch.linspace(0, 1, 1000)[500].item()
}

TEST_CASE("linspace and eye refuse what torch refuses", "[create][errors]") {
  // torch.linspace(0, 1, -1): "number of steps must be non-negative"
  CHECK_THROWS_WITH(gg::linspace(0, 1, -1),
                    "linspace: got steps = -1, expected a number of steps >= 0");
  // torch.linspace(0, 1, 3, dtype=torch.bool): "linspace_cpu" not implemented for 'Bool'
  CHECK_THROWS_WITH(gg::linspace(0, 1, 3, gg::kBool), Contains("got dtype bool"));
  CHECK_THROWS_WITH(gg::linspace(0, 1e30, 3, gg::kInt64), Contains("expected a value int64 holds"));
  // torch.eye(-1): "n must be greater or equal to 0, got -1"
  CHECK_THROWS_WITH(gg::eye(-1), "eye: got n = -1, expected n >= 0");
  CHECK_THROWS_WITH(gg::eye(2, -3), "eye: got m = -3, expected m >= 0");
}

TEST_CASE("eye is the identity of the asked-for sizes and dtype", "[create]") {
  // torch.eye(3)
  CHECK(values<float>(gg::eye(3)) == std::vector<float>{1, 0, 0, 0, 1, 0, 0, 0, 1});
  CHECK(gg::eye(3).dtype() == gg::kFloat32);
  // torch.eye(2, 3, dtype=torch.int64)
  const Tensor wide = gg::eye(2, 3, gg::kInt64);
  CHECK(wide.sizes() == gg::IntArrayRef{2, 3});
  CHECK(values<std::int64_t>(wide) == std::vector<std::int64_t>{1, 0, 0, 0, 1, 0});
  // torch.eye(3, 2)
  CHECK(values<double>(gg::eye(3, 2, gg::kFloat64)) == std::vector<double>{1, 0, 0, 1, 0, 0});
  // torch.eye(2, dtype=torch.bool)
  CHECK(values<bool>(gg::eye(2, gg::kBool)) == std::vector<bool>{true, false, false, true});
  // torch.eye(0).shape = [0, 0]; torch.eye(2, 0).shape = [2, 0]
  CHECK(gg::eye(0).sizes() == gg::IntArrayRef{0, 0});
  CHECK(gg::eye(2, 0).sizes() == gg::IntArrayRef{2, 0});
}

TEST_CASE("full takes its dtype from the value as torch 1.13", "[create]") {
  // torch.full((2,), 3).dtype, torch.full((2,), True).dtype, torch.full((2,), 2.5).dtype
  CHECK(gg::full({2}, 3).dtype() == gg::kInt64);
  CHECK(gg::full({2}, true).dtype() == gg::kBool);
  CHECK(gg::full({2}, 2.5).dtype() == gg::kFloat32);
  CHECK(values<std::int64_t>(gg::full({2, 2}, std::int64_t{1} << 40)) ==
        std::vector<std::int64_t>(4, std::int64_t{1} << 40));
  CHECK(gg::full({2}, 3, gg::kFloat64).dtype() == gg::kFloat64);
  CHECK(gg::full_like(gg::zeros({2}, gg::kFloat64), 3).dtype() == gg::kFloat64);
}

TEST_CASE("from_blob with a deleter shares the memory and frees it once after the last view",
          "[create]") {
  int calls = 0;
  std::vector<float> buffer{1, 2, 3, 4, 5, 6};
  void* seen = nullptr;
  const gg::Deleter deleter = [&](void* p) {
    ++calls;
    seen = p;
  };
  {
    Tensor t = gg::from_blob(buffer.data(), {2, 3}, deleter);
    CHECK(t.data_ptr<float>() == buffer.data());  // zero-copy
    buffer[4] = 50;
    CHECK(at<float>(t, {1, 1}) == 50);
    Tensor view = gg::native::transpose(t, 0, 1);
    Tensor copy = t;
    t = Tensor();
    CHECK(calls == 0);
    copy = Tensor();
    CHECK(calls == 0);  // the view still holds it
    CHECK(at<float>(view, {1, 1}) == 50);
    const Tensor cloned = gg::native::clone(view);
    view = Tensor();
    CHECK(calls == 1);
    CHECK(seen == buffer.data());
    CHECK(at<float>(cloned, {2, 1}) == 6);  // a clone owns its own copy
  }
  CHECK(calls == 1);

  // With strides, and memory the deleter really frees (a double free shows under ASan).
  int frees = 0;
  {
    auto* heap = new double[6]{1, 2, 3, 4, 5, 6};
    const Tensor columns = gg::from_blob(
        heap, {2, 3}, {1, 2},
        [&](void* p) {
          ++frees;
          delete[] static_cast<double*>(p);
        },
        gg::kFloat64);
    CHECK_FALSE(columns.is_contiguous());
    CHECK(values<double>(columns) == std::vector<double>{1, 3, 5, 2, 4, 6});
  }
  CHECK(frees == 1);
}

TEST_CASE("from_blob with a deleter takes the memory only once the tensor exists", "[create][errors]") {
  int calls = 0;
  float x[4] = {};
  const gg::Deleter count = [&](void*) { ++calls; };
  CHECK_THROWS_WITH(gg::from_blob(x, {2, 2}, gg::Deleter{}),
                    Contains("from_blob: got an empty deleter"));
  CHECK_THROWS_AS(gg::from_blob(x, {2, 2}, {1}, count), gg::ShapeError);
  CHECK_THROWS_WITH(gg::from_blob(x, {2, 2}, {-1, 1}, count), Contains("negative stride"));
  CHECK_THROWS_AS(gg::from_blob(x, {-2}, count), std::length_error);
  CHECK(calls == 0);  // refused before the memory was taken: still the caller's
  // requires_grad is refused after the tensor exists (this executable has no autograd layer),
  // as LibTorch's make_variable: the tensor goes, and the deleter runs.
  CHECK_THROWS_WITH(gg::from_blob(x, {2, 2}, count, gg::requires_grad()),
                    Contains("link gategrad::autograd"));
  CHECK(calls == 1);
}

TEST_CASE("every new factory honours the options' requires_grad", "[create][errors]") {
  // This executable links the tensor layer only: asking for a gradient must reach the hook.
  const auto grad = gg::requires_grad();
  gg::Generator gen(1);
  const Tensor like = gg::zeros({2});
  CHECK_THROWS_WITH(gg::tensor({{1.0, 2.0}}, grad), Contains("link gategrad::autograd"));
  CHECK_THROWS_WITH(gg::tensor({}, grad), Contains("link gategrad::autograd"));
  CHECK_THROWS_WITH(gg::linspace(0, 1, 3, grad), Contains("link gategrad::autograd"));
  CHECK_THROWS_WITH(gg::eye(2, grad), Contains("link gategrad::autograd"));
  CHECK_THROWS_WITH(gg::normal(0, 1, {2}, gen, grad), Contains("link gategrad::autograd"));
  CHECK_THROWS_WITH(gg::randint(5, {2}, gen, grad), Contains("link gategrad::autograd"));
  CHECK_THROWS_WITH(gg::randperm(3, gen, grad), Contains("link gategrad::autograd"));
  CHECK_THROWS_WITH(gg::rand_like(like, gen, grad), Contains("link gategrad::autograd"));
  CHECK_THROWS_WITH(gg::randn_like(like, grad), Contains("link gategrad::autograd"));
  CHECK_THROWS_WITH(gg::randint_like(like, 4, grad), Contains("link gategrad::autograd"));
}

TEST_CASE("randint draws every integer from low to high - 1 about equally often", "[create][random]") {
  gg::Generator gen(11);
  const Tensor x = gg::randint(3, 10, {7000}, gen);
  CHECK(x.dtype() == gg::kInt64);  // torch.randint(3, 10, (7000,)).dtype
  const std::vector<std::int64_t> xs = values<std::int64_t>(x);
  CHECK(*std::min_element(xs.begin(), xs.end()) >= 3);
  CHECK(*std::max_element(xs.begin(), xs.end()) <= 9);
  // 1000 expected each; one standard deviation is sqrt(7000 (1/7)(6/7)) = 29.
  for (std::int64_t count : counts_of(xs, 3, 10)) CHECK(std::abs(count - 1000) < 150);

  const Tensor sized = gg::randint(5, {2, 3}, gen);
  CHECK(sized.sizes() == gg::IntArrayRef{2, 3});
  for (std::int64_t v : values<std::int64_t>(sized)) CHECK((v >= 0 && v < 5));

  // Other dtypes hold the same integers: torch.randint(0, 10, (3,), dtype=torch.float32)
  const Tensor f = gg::randint(-4, 4, {500}, gen, gg::kFloat32);
  CHECK(f.dtype() == gg::kFloat32);
  for (float v : values<float>(f)) CHECK((v == std::floor(v) && v >= -4 && v < 4));
  const std::vector<bool> bits = values<bool>(gg::randint(0, 2, {2000}, gen, gg::kBool));
  const auto ones = std::count(bits.begin(), bits.end(), true);
  CHECK(std::abs(ones - 1000) < 150);  // sd 22

  // The widest range neither overflows nor sticks to one sign.
  const std::vector<std::int64_t> wide = values<std::int64_t>(
      gg::randint(std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::int64_t>::max(),
                  {200}, gen));
  CHECK(std::count_if(wide.begin(), wide.end(), [](std::int64_t v) { return v < 0; }) > 50);
  CHECK(std::count_if(wide.begin(), wide.end(), [](std::int64_t v) { return v > 0; }) > 50);
}

TEST_CASE("the seeded draws repeat with the seed and differ between seeds", "[create][random]") {
  using Draw = Tensor (*)(gg::Generator&);
  const std::vector<std::pair<const char*, Draw>> draws = {
      {"randint", [](gg::Generator& g) { return gg::randint(0, 1000, {64}, g); }},
      {"randperm", [](gg::Generator& g) { return gg::randperm(64, g); }},
      {"normal", [](gg::Generator& g) { return gg::normal(1.0, 2.0, {64}, g); }},
      {"bernoulli", [](gg::Generator& g) { return gg::bernoulli(gg::full({64}, 0.5), g); }},
      {"bernoulli_p", [](gg::Generator& g) { return gg::bernoulli(gg::zeros({64}), 0.5, g); }},
      {"rand_like", [](gg::Generator& g) { return gg::rand_like(gg::zeros({64}), g); }},
      {"randn_like", [](gg::Generator& g) { return gg::randn_like(gg::zeros({64}), g); }},
      {"randint_like", [](gg::Generator& g) { return gg::randint_like(gg::zeros({64}), 1000, g); }},
  };
  for (const auto& [name, draw] : draws) {
    INFO(name);
    gg::Generator a(42), b(42), c(43);
    const std::vector<double> first = values<double>(draw(a));
    CHECK(first == values<double>(draw(b)));
    CHECK(first != values<double>(draw(c)));
    CHECK(first != values<double>(draw(a)));  // the stream moves on
  }
  // Without a generator: the default one, which manual_seed reseeds.
  gg::manual_seed(5);
  const std::vector<std::int64_t> seeded = values<std::int64_t>(gg::randint(0, 1000, {32}));
  gg::Generator five(5);
  CHECK(seeded == values<std::int64_t>(gg::randint(0, 1000, {32}, five)));
  gg::manual_seed(6);
  gg::Generator six(6);
  CHECK(values<std::int64_t>(gg::randperm(32)) == values<std::int64_t>(gg::randperm(32, six)));
  CHECK(values<double>(gg::normal(0, 1, {8}, gg::kFloat64)) ==
        values<double>(gg::normal(0, 1, {8}, six, gg::kFloat64)));
  CHECK(values<float>(gg::bernoulli(gg::full({16}, 0.5))) ==
        values<float>(gg::bernoulli(gg::full({16}, 0.5), six)));
  CHECK(values<float>(gg::bernoulli(gg::zeros({16}), 0.5)) ==
        values<float>(gg::bernoulli(gg::zeros({16}), 0.5, six)));
  CHECK(values<float>(gg::rand_like(gg::zeros({8}))) ==
        values<float>(gg::rand_like(gg::zeros({8}), six)));
  CHECK(values<float>(gg::randn_like(gg::zeros({8}))) ==
        values<float>(gg::randn_like(gg::zeros({8}), six)));
  CHECK(values<float>(gg::randint_like(gg::zeros({8}), 2, 9)) ==
        values<float>(gg::randint_like(gg::zeros({8}), 2, 9, six)));
  CHECK(values<std::int64_t>(gg::randint(7, {8})) == values<std::int64_t>(gg::randint(7, {8}, six)));
}

TEST_CASE("randperm is a uniform permutation", "[create][random]") {
  gg::Generator gen(3);
  const Tensor p = gg::randperm(1000, gen);
  CHECK(p.dtype() == gg::kInt64);  // torch.randperm(4).dtype
  std::vector<std::int64_t> sorted = values<std::int64_t>(p);
  CHECK_FALSE(std::is_sorted(sorted.begin(), sorted.end()));
  std::sort(sorted.begin(), sorted.end());
  std::vector<std::int64_t> identity(1000);
  std::iota(identity.begin(), identity.end(), 0);
  CHECK(sorted == identity);
  // Each of the 6 orders of 3 about equally often (a biased shuffle is not): sd 29.
  std::map<std::vector<std::int64_t>, int> orders;
  for (int i = 0; i < 6000; ++i) ++orders[values<std::int64_t>(gg::randperm(3, gen))];
  CHECK(orders.size() == 6);
  for (const auto& [order, count] : orders) CHECK(std::abs(count - 1000) < 150);

  CHECK(gg::randperm(0, gen).sizes() == gg::IntArrayRef{0});  // torch.randperm(0)
  CHECK(values<std::int64_t>(gg::randperm(1, gen)) == std::vector<std::int64_t>{0});
  std::vector<float> floats = values<float>(gg::randperm(5, gen, gg::kFloat32));
  std::sort(floats.begin(), floats.end());
  CHECK(floats == std::vector<float>{0, 1, 2, 3, 4});
  CHECK(gg::randperm(257, gen, gg::kBFloat16).numel() == 257);
}

TEST_CASE("bernoulli draws 1 with each probability", "[create][random]") {
  gg::Generator gen(9);
  // Rows of probability 0, 1 and 0.3, read through a transposed (non-contiguous) view.
  std::vector<double> probabilities;
  for (double p : {0.0, 1.0, 0.3}) probabilities.insert(probabilities.end(), 4000, p);
  const Tensor rows = gg::from_values<double>(probabilities, {3, 4000});
  const Tensor p = gg::native::transpose(rows, 0, 1);  // (4000, 3)
  const Tensor draws = gg::bernoulli(p, gen);
  CHECK(draws.dtype() == gg::kFloat64);  // torch.bernoulli(torch.tensor([1., 0.], dtype=torch.float64))
  CHECK(draws.sizes() == gg::IntArrayRef{4000, 3});
  const std::vector<double> d = values<double>(gg::native::transpose(draws, 0, 1));
  CHECK(std::all_of(d.begin(), d.begin() + 4000, [](double v) { return v == 0.0; }));
  CHECK(std::all_of(d.begin() + 4000, d.begin() + 8000, [](double v) { return v == 1.0; }));
  const double mean = std::accumulate(d.begin() + 8000, d.end(), 0.0) / 4000;
  CHECK(std::abs(mean - 0.3) < 0.03);  // sd 0.0072
  for (double v : d) CHECK((v == 0.0 || v == 1.0));

  // bernoulli(x, p): x's sizes and dtype, any dtype:
  // torch.bernoulli(torch.zeros(3, dtype=torch.int64), 0.5).dtype
  const Tensor ints = gg::bernoulli(gg::zeros({2000}, gg::kInt64), 0.25, gen);
  CHECK(ints.dtype() == gg::kInt64);
  const std::vector<std::int64_t> iv = values<std::int64_t>(ints);
  CHECK(std::abs(std::count(iv.begin(), iv.end(), 1) - 500) < 100);  // sd 19
  CHECK(std::count(iv.begin(), iv.end(), 0) + std::count(iv.begin(), iv.end(), 1) == 2000);
  CHECK(values<bool>(gg::bernoulli(gg::zeros({50}, gg::kBool), 1.0, gen)) ==
        std::vector<bool>(50, true));
  CHECK(values<float>(gg::bernoulli(gg::ones({50}), 0.0, gen)) == std::vector<float>(50, 0.0f));
}

TEST_CASE("normal and rand_like and randn_like and randint_like have their sizes and dtype and moments",
          "[create][random]") {
  gg::Generator gen(21);
  const std::vector<double> x = values<double>(gg::normal(2.0, 3.0, {20000}, gen, gg::kFloat64));
  const double mean = std::accumulate(x.begin(), x.end(), 0.0) / 20000;
  double square = 0;
  for (double v : x) square += (v - mean) * (v - mean);
  CHECK(std::abs(mean - 2.0) < 0.11);  // sd of the mean 3 / sqrt(20000) = 0.021
  CHECK(std::abs(std::sqrt(square / 20000) - 3.0) < 0.08);  // sd of the sd 0.015
  CHECK(gg::normal(0, 1, {3}, gen).dtype() == gg::kFloat32);  // torch.normal(0., 1., (3,)).dtype

  const Tensor like = gg::zeros({3, 5}, gg::kFloat64);
  const Tensor u = gg::rand_like(like, gen);
  CHECK(u.sizes() == like.sizes());
  CHECK(u.dtype() == gg::kFloat64);
  for (double v : values<double>(u)) CHECK((v >= 0.0 && v < 1.0));
  CHECK(gg::rand_like(like, gen, gg::kFloat32).dtype() == gg::kFloat32);
  // torch.randn_like(torch.zeros(2, dtype=torch.float64)).dtype
  CHECK(gg::randn_like(like).dtype() == gg::kFloat64);
  CHECK(gg::randn_like(like).sizes() == like.sizes());
  // torch.randint_like(torch.zeros(2), 10): like's float dtype, integer values
  const Tensor ri = gg::randint_like(gg::zeros({400}), 10, gen);
  CHECK(ri.dtype() == gg::kFloat32);
  for (float v : values<float>(ri)) CHECK((v == std::floor(v) && v >= 0 && v < 10));
  const Tensor ri2 = gg::randint_like(gg::zeros({400}, gg::kInt64), 3, 10, gen);
  CHECK(ri2.dtype() == gg::kInt64);
  const std::vector<std::int64_t> r2 = values<std::int64_t>(ri2);
  CHECK(*std::min_element(r2.begin(), r2.end()) == 3);
  CHECK(*std::max_element(r2.begin(), r2.end()) == 9);
  CHECK(gg::randint_like(like, 4, gg::kInt64).dtype() == gg::kInt64);
}

TEST_CASE("the seeded draws name what they refuse as torch refuses it", "[create][random][errors]") {
  gg::Generator gen(1);
  // torch.randint(5, 5, (2,)): "random_ expects 'from' to be less than 'to', but got from=5 >= to=5"
  CHECK_THROWS_WITH(gg::randint(5, 5, {2}, gen), "randint: got low = 5 and high = 5, expected low < high");
  CHECK_THROWS_WITH(gg::randint(0, {2}), Contains("got low = 0 and high = 0"));
  // torch.randint(0, 3, (4,), dtype=torch.bool): "to - 1 is out of bounds for bool"
  CHECK_THROWS_WITH(gg::randint(0, 3, {4}, gen, gg::kBool),
                    "randint: got the range [0, 3) for dtype bool, expected one within [0, 2)");
  // torch.randint(0, 2**25, (3,), dtype=torch.float32) warns "to - 1 is out of bounds [-(2^24), 2^24]"
  CHECK_THROWS_WITH(gg::randint(0, 1 << 25, {3}, gen, gg::kFloat32),
                    Contains("whose integers are exact only within [-2^24, 2^24]"));
  CHECK_NOTHROW(gg::randint(0, (1 << 24) + 1, {3}, gen, gg::kFloat32));
  CHECK_THROWS_WITH(gg::randint_like(gg::zeros({2}, gg::kBFloat16), 300, gen),
                    Contains("randint_like: got the range [0, 300)"));
  // torch.randperm(-1), torch.randperm(5, dtype=torch.bool), torch.randperm(2**25, dtype=torch.float32)
  CHECK_THROWS_WITH(gg::randperm(-1, gen), "randperm: got n = -1, expected n >= 0");
  CHECK_THROWS_WITH(gg::randperm(5, gen, gg::kBool), Contains("randperm: got dtype bool"));
  CHECK_THROWS_WITH(gg::randperm((1 << 24) + 2, gen, gg::kFloat32), Contains("expected n <= 2^24 + 1"));
  CHECK_THROWS_WITH(gg::randperm(258, gen, gg::kBFloat16), Contains("expected n <= 2^8 + 1"));
  // torch.bernoulli(torch.tensor([0.5, 1.5])): "Expected p_in >= 0 && p_in <= 1"
  const gg::Generator::State before = gen.state();
  CHECK_THROWS_WITH(gg::bernoulli(gg::tensor({0.5, 1.5}), gen),
                    "bernoulli: got the probability 1.500000 at element 1 (row-major), expected "
                    "values in [0, 1]");
  CHECK(gen.state() == before);  // refused before any draw
  CHECK_THROWS_WITH(gg::bernoulli(gg::tensor({NAN})), Contains("got the probability nan"));
  // torch.bernoulli(torch.tensor([1, 0])): "bernoulli_tensor_cpu_p_" not implemented for 'Long'
  CHECK_THROWS_WITH(gg::bernoulli(gg::tensor({1, 0})),
                    "bernoulli: got dtype int64, expected a floating dtype (float32, float64, "
                    "bfloat16)");
  // torch.bernoulli(torch.zeros(3), 1.5): "bernoulli_ expects p to be in [0, 1], but got p=1.5"
  CHECK_THROWS_WITH(gg::bernoulli(gg::zeros({3}), 1.5),
                    "bernoulli: got p = 1.500000, expected a probability in [0, 1]");
  CHECK_THROWS_WITH(gg::bernoulli(gg::zeros({3}), NAN, gen), Contains("got p = nan"));
  // torch.normal(0., -1., (3,)): "normal expects std >= 0.0, but found std -1"
  CHECK_THROWS_WITH(gg::normal(0, -1, {3}, gen), "normal: got std = -1.000000, expected std >= 0");
  CHECK_THROWS_WITH(gg::normal(0, 1, {3}, gen, gg::kInt64), Contains("normal: got dtype int64"));
  // torch.rand_like(torch.zeros(2, dtype=torch.int64)): "check_uniform_bounds" not implemented for 'Long'
  CHECK_THROWS_WITH(gg::rand_like(gg::zeros({2}, gg::kInt64)), Contains("rand_like: got dtype int64"));
  CHECK_THROWS_WITH(gg::randn_like(gg::zeros({2}, gg::kBool), gen),
                    Contains("randn_like: got dtype bool"));
}
