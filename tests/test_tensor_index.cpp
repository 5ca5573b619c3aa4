// LibTorch's tensor indexing (autograd/tensor_index.cpp): x.index({...}) and index_put_. The
// sizes and values below were read off torch 1.13 (/usr/bin/python3) with x = torch.arange(24.)
// .view(2, 3, 4), the Python expression in the comment above each check; the gradients are rows
// of tests/op_oracle.cpp.
#include "tensor_values.hpp"

#include <gategrad/autograd/gradcheck.hpp>
#include <gategrad/autograd/grad_mode.hpp>
#include <gategrad/autograd/ops.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <stdexcept>
#include <vector>

using Catch::Matchers::Contains;
using gg::Tensor;
using namespace gg::indexing;
using Sizes = std::vector<std::int64_t>;
using Values = std::vector<double>;

namespace {
Tensor x24() { return gg::arange(24, gg::kFloat32).view({2, 3, 4}); }
Sizes sizes(const Tensor& t) { return Sizes(t.sizes().begin(), t.sizes().end()); }
Values values_of(const Tensor& t) { return gg::test::values(t); }
Tensor ints(std::initializer_list<std::int64_t> v) { return gg::tensor(v, gg::kInt64); }
}  // namespace

TEST_CASE("index: integers, slices, None, ellipsis and bools as torch's", "[index]") {
  const Tensor x = x24();
  CHECK(sizes(x.index({Slice(1, None), 0})) == Sizes{1, 4});   // x[1:, 0]
  CHECK(sizes(x.index({None, "...", Slice(1, 3)})) == Sizes{1, 2, 3, 2});  // x[None, ..., 1:3]
  CHECK(sizes(x.index({Ellipsis, 0})) == Sizes{2, 3});          // x[..., 0]
  CHECK(sizes(x.index({true})) == Sizes{1, 2, 3, 4});           // x[True]
  CHECK(sizes(x.index({false})) == Sizes{0, 2, 3, 4});          // x[False]
  CHECK(x.index({-1, -1, -2}).item<double>() == 22);            // x[-1, -1, -2]
  CHECK(values_of(x.index({Slice(), -1, Slice(None, None, 2)})) == Values{8, 10, 20, 22});  // x[:, -1, ::2]
  // A slice is a view: no copy.
  CHECK(x.index({Slice(), 1}).data_ptr() == static_cast<const float*>(x.data_ptr()) + 4);
}

TEST_CASE("index: int64 tensors and bool masks as torch's advanced indexing", "[index]") {
  const Tensor x = x24();
  const Tensor i = ints({0, 2, 1}), j = ints({3, 0, 1}), k = ints({1, 0});
  CHECK(sizes(x.index({Slice(), i, j})) == Sizes{2, 3});  // x[:, i, j]
  CHECK(values_of(x.index({0, i, j})) == Values{3, 8, 5});  // x[0, i, j]
  CHECK(sizes(x.index({Slice(), i})) == Sizes{2, 3, 4});  // x[:, i]
  // Non-adjacent indexed dims put the picked dim first: x[k, :, j[:2]] -> [2, 3]
  CHECK(sizes(x.index({k, Slice(), ints({3, 0})})) == Sizes{2, 3});
  CHECK(values_of(x.index({k, Slice(), ints({3, 0})})) == Values{15, 19, 23, 0, 4, 8});
  // Integers select before the tensors pick: x[0, :, k] -> [3, 2]; x[k, 1:, j[:2]] -> [2, 2]
  CHECK(sizes(x.index({0, Slice(), k})) == Sizes{3, 2});
  CHECK(sizes(x.index({k, Slice(1, None), ints({3, 0})})) == Sizes{2, 2});
  // Broadcast index tensors: x[:, [[0], [2]], j] -> [2, 2, 3]
  CHECK(sizes(x.index({Slice(), gg::tensor({{0}, {2}}, gg::kInt64), j})) == Sizes{2, 2, 3});
  // Negative indices count from the end: x[:, torch.tensor([-1])]
  CHECK(values_of(x.index({1, ints({-1}), 0})) == Values{20});
  // Masks: x[:, x[0] > 5] -> [2, 6]; x[1, x[0] > 5]; x[x > 20]
  const Tensor m = x.index({0}) > 5;
  CHECK(sizes(x.index({Slice(), m})) == Sizes{2, 6});
  CHECK(values_of(x.index({1, m})) == Values{18, 19, 20, 21, 22, 23});
  CHECK(values_of(x.index({x > 20})) == Values{21, 22, 23});
  CHECK(sizes(x.index({x > 100})) == Sizes{0});
}

TEST_CASE("index: bad indices name the op, the tensor and the index", "[index]") {
  const Tensor x = x24();
  // x[0, 0, 0, 0]: IndexError: too many indices for tensor of dimension 3
  CHECK_THROWS_AS(x.index({0, 0, 0, 0}), std::out_of_range);
  CHECK_THROWS_WITH(x.index({0, 0, 0, 0}), Contains("too many indices") && Contains("[2, 3, 4]"));
  // x[5]: index 5 is out of bounds for dimension 0 with size 2
  CHECK_THROWS_WITH(x.index({5}), Contains("index 5 is out of bounds for dimension 0 with size 2"));
  CHECK_THROWS_WITH(x.index({Slice(), ints({3})}), Contains("index 3 is out of bounds for dimension 1"));
  CHECK_THROWS_WITH(x.index({Slice(), ints({-4})}), Contains("index -4 is out of bounds"));
  // x[torch.ones(3, dtype=torch.bool)]: the shape of the mask [3] ... does not match
  CHECK_THROWS_WITH(x.index({gg::ones({3}, gg::kBool)}), Contains("mask of sizes [3]"));
  // x[::-1]: step must be greater than zero
  CHECK_THROWS_WITH(x.index({Slice(None, None, -1)}), Contains("step must be positive"));
  // x[torch.tensor([0.5])]: tensors used as indices must be long, byte or bool tensors
  CHECK_THROWS_WITH(x.index({gg::tensor({0.5})}), Contains("int64 or bool"));
  CHECK_THROWS_WITH(x.index({"...", "..."}), Contains("single ellipsis"));
  CHECK_THROWS_WITH(x.index({"..x"}), Contains("\"...\""));
}

TEST_CASE("index_put_ writes the part the indices choose, in place", "[index]") {
  // h = x.clone(); h[:, 0] = torch.tensor([7., 8, 9, 10]): a row broadcast over dim 0
  Tensor h = x24().clone();
  const void* data = h.data_ptr();
  h.index_put_({Slice(), 0}, gg::tensor({7.0, 8.0, 9.0, 10.0}));
  CHECK(h.data_ptr() == data);
  CHECK(values_of(h.index({1, 0})) == Values{7, 8, 9, 10});
  CHECK(values_of(h.index({0, 1})) == Values{4, 5, 6, 7});
  // h[h > 20] = 0 (a Scalar)
  h.index_put_({h > 20}, 0);
  CHECK(values_of(h.index({1, 2})) == Values{20, 0, 0, 0});
  // h = torch.zeros(5); h.index_put_((torch.tensor([0, 0, 3]),), torch.tensor([1., 2, 3]), accumulate=True)
  const Tensor z = gg::zeros({5});
  z.index_put_({ints({0, 0, 3})}, gg::tensor({1.0, 2.0, 3.0}), true);
  CHECK(values_of(z) == Values{3, 0, 0, 3, 0});
  // A non-contiguous tensor is written through its own strides.
  const Tensor t = gg::zeros({3, 2}).t();
  t.index_put_({1, ints({0, 2})}, gg::tensor({5.0, 6.0}));
  CHECK(values_of(t) == Values{0, 0, 0, 5, 0, 6});
  CHECK_THROWS_WITH(z.index_put_({ints({0, 1})}, gg::tensor({1.0, 2.0, 3.0})),
                    Contains("index_put") && Contains("[3]") && Contains("[2]"));
  CHECK(values_of(z) == Values{3, 0, 0, 3, 0});
}

TEST_CASE("index and index_put_ carry gradients, twice", "[index][gradgradcheck]") {
  const Tensor x = gg::test::uniform({3, 4}, 7, -2, 2, gg::kFloat64);
  const Tensor v = gg::test::uniform({2}, 8, -2, 2, gg::kFloat64);
  const gg::GradcheckFunction read = [](const std::vector<Tensor>& in) {
    return in[0].index({Slice(1, None), ints({3, 0})}) * in[0].index({0, ints({1, 1})});
  };
  CHECK(gg::gradcheck(read, {x}).passed);
  CHECK(gg::gradgradcheck(read, {x}).passed);
  const gg::GradcheckFunction write = [](const std::vector<Tensor>& in) {
    Tensor h = in[0] * 1;
    h.index_put_({ints({0, 2}), ints({1, 1})}, in[1] * in[1], true);
    h.index_put_({1}, in[1].sum());
    return h * h;
  };
  CHECK(gg::gradcheck(write, {x, v}).passed);
  CHECK(gg::gradgradcheck(write, {x, v}).passed);
}
