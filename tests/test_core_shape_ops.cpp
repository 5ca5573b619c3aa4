// The shape ops of issue 12 against torch 1.13's values: cat, stack, split, split_with_sizes,
// chunk, unbind, flip, roll, repeat, tril, triu, constant_pad_nd and nn::functional::pad. Each
// expected value is what torch 1.13 gives for the same input (the torch expression beside it),
// including the dtypes, the views that share storage, and the errors' wording where torch has it.
#include "tensor_helpers.hpp"

#include <gategrad/autograd/ops.hpp>
#include <gategrad/nn/functional.hpp>
#include <gategrad/tensor/native.hpp>

#include <catch2/catch.hpp>

#include <vector>

using gg::Tensor;
using Catch::Contains;

namespace {

using Values = std::vector<double>;
Values values(const Tensor& t) { return gg::test::values<double>(t); }
Tensor floats(std::vector<double> v, gg::IntArrayRef sizes) {
  return gg::native::to(gg::from_values<double>(v, sizes), gg::kFloat32);
}
// x = torch.tensor([[1., 2., 3.], [4., 5., 6.]])
Tensor x23() { return floats({1, 2, 3, 4, 5, 6}, {2, 3}); }
gg::SizeVector sizes(const Tensor& t) { return t.sizes().vec(); }

}  // namespace

TEST_CASE("cat joins along a dim, with torch's promotion and its legacy empty tensors", "[core][shape]") {
  const Tensor x = x23();
  // torch.cat([x, torch.tensor([[7., 8., 9.]])])
  CHECK(values(gg::cat({x, floats({7, 8, 9}, {1, 3})})) == Values{1, 2, 3, 4, 5, 6, 7, 8, 9});
  // torch.cat([x, torch.tensor([[7.], [8.]])], 1): one block per row
  const Tensor wide = gg::cat({x, floats({7, 8}, {2, 1})}, 1);
  CHECK(sizes(wide) == gg::SizeVector{2, 4});
  CHECK(values(wide) == Values{1, 2, 3, 7, 4, 5, 6, 8});
  // Strided inputs: torch.cat([x.t(), torch.tensor([[7., 8.]])]); an expanded one, dim -2
  CHECK(values(gg::cat({x.t(), floats({7, 8}, {1, 2})})) == Values{1, 4, 2, 5, 3, 6, 7, 8});
  CHECK(values(gg::cat({floats({9, 8, 7}, {1, 3}).expand({2, 3}), x}, -2)) ==
        Values{9, 8, 7, 9, 8, 7, 1, 2, 3, 4, 5, 6});
  // torch.cat([x.double(), x], 1).dtype == torch.float64; int64 with bool gives int64
  const Tensor mixed = gg::cat({gg::native::to(x, gg::kFloat64), x}, 1);
  CHECK(mixed.dtype() == gg::kFloat64);
  CHECK(values(mixed) == Values{1, 2, 3, 1, 2, 3, 4, 5, 6, 4, 5, 6});
  const Tensor ints = gg::cat({gg::tensor({1, 2}), gg::native::gt(floats({1, -1}, {2}), 0.0)});
  CHECK(ints.dtype() == gg::kInt64);
  CHECK(values(ints) == Values{1, 2, 1, 0});
  // torch.cat([x, torch.empty(0, dtype=torch.float64)], 1): skipped, but its dtype promotes
  const Tensor none = gg::empty({0}, gg::kFloat64);
  const Tensor skipped = gg::cat({none, x, none}, 1);
  CHECK(sizes(skipped) == gg::SizeVector{2, 3});
  CHECK(skipped.dtype() == gg::kFloat64);
  CHECK(sizes(gg::cat({none, none})) == gg::SizeVector{0});
  // A size-0 dim that is not the legacy case takes part: torch.cat([x, torch.ones(2, 0)], 1)
  CHECK(sizes(gg::cat({x, gg::ones({2, 0})}, 1)) == gg::SizeVector{2, 3});
  // A copy, not a view.
  const Tensor copied = gg::cat({x});
  CHECK(copied.storage() != x.storage());
}

TEST_CASE("cat's gradient is each input's part, zeros for a skipped empty tensor", "[core][shape]") {
  const Tensor a = gg::ones({2, 2}, gg::requires_grad());
  const Tensor b = gg::ones({2, 1}, gg::requires_grad());
  const Tensor none = gg::empty({0}, gg::requires_grad());
  const Tensor y = gg::cat({a, none, b}, 1);
  gg::sum(y * floats({1, 2, 3, 4, 5, 6}, {2, 3})).backward();
  CHECK(values(a.grad()) == Values{1, 2, 4, 5});
  CHECK(values(b.grad()) == Values{3, 6});
  CHECK(sizes(none.grad()) == gg::SizeVector{0});
}

TEST_CASE("cat and stack name the tensor, the dim and the sizes they refuse", "[core][shape]") {
  const Tensor x = x23();
  CHECK_THROWS_AS(gg::cat({x, gg::ones({2, 4})}), gg::ShapeError);
  // torch: "Sizes of tensors must match except in dimension 0. Expected size 3 but got size 4
  // for tensor number 1 in the list."
  CHECK_THROWS_WITH(gg::cat({x, gg::ones({2, 4})}),
                    Contains("cat: sizes of tensors must match except in dimension 0: expected size 3 but got "
                             "size 4 at dim 1 for tensor 1 in the list"));
  CHECK_THROWS_WITH(gg::cat({x, gg::ones({2, 3, 1})}),
                    Contains("cat: tensors must have the same number of dimensions: got 2"));
  CHECK_THROWS_WITH(gg::cat({x, gg::ones({3})}), Contains("and 1 (sizes [3], tensor 1)"));
  CHECK_THROWS_WITH(gg::cat(std::vector<Tensor>{}), Contains("cat: expected a non-empty list of tensors"));
  CHECK_THROWS_WITH(gg::cat({gg::ones({})}), Contains("cat: zero-dimensional tensor (at position 0) cannot be concatenated"));
  CHECK_THROWS_AS(gg::cat({x, x}, 2), std::out_of_range);
  CHECK_THROWS_WITH(gg::stack({x, gg::ones({2, 4})}),
                    Contains("stack: expects each tensor to be equal size, but got [2, 3] at entry 0 and [2, 4] at entry 1"));
  CHECK_THROWS_WITH(gg::stack(std::vector<Tensor>{}), Contains("stack: expected a non-empty list"));
  CHECK_THROWS_AS(gg::stack({x, x}, 3), std::out_of_range);
}

TEST_CASE("stack adds a dim", "[core][shape]") {
  const Tensor a = floats({1, 2}, {2}), b = floats({3, 4}, {2});
  CHECK(values(gg::stack({a, b})) == Values{1, 2, 3, 4});                   // torch.stack([a, b])
  const Tensor last = gg::stack({a, b}, -1);                                // torch.stack([a, b], -1)
  CHECK(sizes(last) == gg::SizeVector{2, 2});
  CHECK(values(last) == Values{1, 3, 2, 4});
  CHECK(sizes(gg::stack({gg::ones({}), gg::zeros({})})) == gg::SizeVector{2});  // of rank-0 tensors
}

TEST_CASE("split, chunk and unbind return views that share the storage", "[core][shape]") {
  const Tensor x = x23();
  // x.split(2, 1)
  const std::vector<Tensor> parts = gg::split(x, 2, 1);
  REQUIRE(parts.size() == 2);
  CHECK(values(parts[0]) == Values{1, 2, 4, 5});
  CHECK(values(parts[1]) == Values{3, 6});
  CHECK(parts[1].storage() == x.storage());
  CHECK(parts[1].storage_offset() == 2);
  parts[1].fill_(0);  // a write through a view is a write to x
  CHECK(values(x) == Values{1, 2, 0, 4, 5, 0});
  // x.split([1, 2], 1), x.split_with_sizes([2, 0]) (an empty part)
  const std::vector<Tensor> sized = x.split({1, 2}, 1);
  CHECK(sizes(sized[1]) == gg::SizeVector{2, 2});
  CHECK(values(sized[1]) == Values{2, 0, 5, 0});
  CHECK(sizes(x.split_with_sizes({2, 0})[1]) == gg::SizeVector{0, 3});
  // torch.ones(0, 3).split(0) is one empty part; torch.arange(5.).split(2): 2, 2, 1
  CHECK(gg::split(gg::ones({0, 3}), 0).size() == 1);
  const Tensor five = floats({0, 1, 2, 3, 4}, {5});
  CHECK(values(gg::split(five, 2)[2]) == Values{4});
  // chunk: torch.arange(5.).chunk(3) -> 2, 2, 1; torch.ones(6).chunk(4) -> 3 parts of 2;
  // torch.empty(0, 3).chunk(2) -> 2 empty parts
  const std::vector<Tensor> chunks = five.chunk(3);
  REQUIRE(chunks.size() == 3);
  CHECK(values(chunks[1]) == Values{2, 3});
  CHECK(chunks[2].storage() == five.storage());
  CHECK(gg::chunk(gg::ones({6}), 4).size() == 3);
  CHECK(gg::chunk(gg::ones({0, 3}), 2).size() == 2);
  // unbind: x.unbind(1)
  const std::vector<Tensor> columns = gg::unbind(x23(), 1);
  REQUIRE(columns.size() == 3);
  CHECK(values(columns[2]) == Values{3, 6});
  CHECK(sizes(columns[0]) == gg::SizeVector{2});
  CHECK(x23().unbind().size() == 2);
  // The gradient of the parts goes back to the parts of x: x.split(2, 1)[0].sum().backward()
  const Tensor leaf = x23().requires_grad_();
  gg::sum(gg::split(leaf, 2, 1)[0]).backward();
  CHECK(values(leaf.grad()) == Values{1, 1, 0, 1, 1, 0});
}

TEST_CASE("split, chunk and unbind refuse what torch refuses", "[core][shape]") {
  const Tensor x = x23();
  CHECK_THROWS_WITH(gg::split(x, 0), Contains("split: split_size can only be 0 if dimension size is 0, but got dimension size of 2"));
  CHECK_THROWS_WITH(gg::split(x, -1), Contains("split: expects split_size be non-negative, but got split_size=-1"));
  CHECK_THROWS_WITH(gg::split(x, {1, 1}, 1),
                    Contains("split_with_sizes: expects split_sizes to sum exactly to 3 (input tensor's size at dimension 1"));
  CHECK_THROWS_WITH(gg::split(x, {-1, 4}, 1), Contains("only non-negative entries, but got split_sizes=[-1, 4]"));
  CHECK_THROWS_WITH(gg::split(gg::ones({}), 1), Contains("split: expects at least a 1-dimensional tensor"));
  CHECK_THROWS_WITH(gg::chunk(x, 0), Contains("chunk: expects `chunks` to be greater than 0, got: 0"));
  CHECK_THROWS_WITH(gg::chunk(gg::ones({}), 2), Contains("chunk: expects at least a 1-dimensional tensor"));
  CHECK_THROWS_WITH(gg::unbind(gg::ones({})), Contains("unbind: expects at least a 1-dimensional tensor"));
  CHECK_THROWS_AS(gg::unbind(x, 2), std::out_of_range);
}

TEST_CASE("flip and roll move elements, of any layout and dtype", "[core][shape]") {
  const Tensor x = x23();
  CHECK(values(gg::flip(x, {0})) == Values{4, 5, 6, 1, 2, 3});      // x.flip(0)
  CHECK(values(x.flip(1)) == Values{3, 2, 1, 6, 5, 4});             // x.flip(1)
  CHECK(values(x.flip({0, -1})) == Values{6, 5, 4, 3, 2, 1});       // x.flip(0, -1)
  CHECK(values(x.t().flip(-1)) == Values{4, 1, 5, 2, 6, 3});        // x.t().flip(-1)
  CHECK(values(x.flip({})) == Values{1, 2, 3, 4, 5, 6});
  const Tensor i = gg::tensor({1, 2, 3});
  CHECK(gg::flip(i, {0}).dtype() == gg::kInt64);
  CHECK(values(gg::flip(i, {0})) == Values{3, 2, 1});
  CHECK(values(gg::flip(floats({7, 8}, {1, 2}).expand({3, 2}), {1})) == Values{8, 7, 8, 7, 8, 7});
  CHECK(gg::flip(gg::ones({}), {0}).dim() == 0);  // torch.tensor(1.).flip(0)
  CHECK_THROWS_WITH(x.flip({0, 0}), Contains("flip: dim 0 appears multiple times in the list of dims [0, 0]"));
  CHECK_THROWS_AS(x.flip(2), std::out_of_range);

  CHECK(values(x.roll(1)) == Values{6, 1, 2, 3, 4, 5});                 // x.roll(1)
  CHECK(sizes(x.roll(1)) == gg::SizeVector{2, 3});
  CHECK(values(gg::roll(x, 1, 1)) == Values{3, 1, 2, 6, 4, 5});         // x.roll(1, 1)
  CHECK(values(gg::roll(x, -1, 0)) == Values{4, 5, 6, 1, 2, 3});        // x.roll(-1, 0)
  CHECK(values(gg::roll(x, {1, 4}, {0, 1})) == Values{6, 4, 5, 3, 1, 2});  // x.roll((1, 4), (0, 1))
  CHECK(values(x.t().roll(1, 0)) == Values{3, 6, 1, 4, 2, 5});          // x.t().roll(1, 0)
  const Tensor same = gg::roll(x, 3, 1);
  CHECK(values(same) == values(x));
  CHECK(same.storage() != x.storage());  // always a new tensor
  CHECK(sizes(gg::roll(gg::ones({0}), 1)) == gg::SizeVector{0});
  CHECK_THROWS_WITH(x.roll({1, 2}), Contains("roll: shifts and dims must align: got 2 shifts [1, 2] and 0 dims"));
  CHECK_THROWS_WITH(x.roll(1, {0, 1}), Contains("got 1 shifts [1] and 2 dims [0, 1]"));
}

TEST_CASE("repeat tiles the tensor", "[core][shape]") {
  const Tensor x = x23();
  CHECK(values(x.repeat({2, 1})) == Values{1, 2, 3, 4, 5, 6, 1, 2, 3, 4, 5, 6});  // x.repeat(2, 1)
  const Tensor twice = gg::repeat(x, {1, 2});                                  // x.repeat(1, 2)
  CHECK(sizes(twice) == gg::SizeVector{2, 6});
  CHECK(values(twice) == Values{1, 2, 3, 1, 2, 3, 4, 5, 6, 4, 5, 6});
  CHECK(sizes(x.repeat({2, 1, 1})) == gg::SizeVector{2, 2, 3});
  CHECK(values(x.t().repeat({1, 2})) == Values{1, 4, 1, 4, 2, 5, 2, 5, 3, 6, 3, 6});  // x.t().repeat(1, 2)
  CHECK(sizes(gg::repeat(floats({1, 2}, {2}), {0, 2})) == gg::SizeVector{0, 4});  // torch.ones(2).repeat(0, 2)
  const Tensor once = x.repeat({1, 1});
  CHECK(once.storage() != x.storage());  // a copy, as torch's
  CHECK(gg::repeat(gg::tensor({1, 2}), {2}).dtype() == gg::kInt64);
  CHECK_THROWS_WITH(x.repeat({2}), Contains("repeat: got 1 repeats [2] for a tensor of sizes [2, 3]"));
  CHECK_THROWS_WITH(x.repeat({2, -1}), Contains("repeat: repeats [2, -1] has a negative entry"));
}

TEST_CASE("tril and triu keep a triangle of each matrix", "[core][shape]") {
  const Tensor m = floats({1, 2, 3, 4, 5, 6, 7, 8, 9}, {3, 3});
  CHECK(values(gg::tril(m)) == Values{1, 0, 0, 4, 5, 0, 7, 8, 9});
  CHECK(values(m.tril(-1)) == Values{0, 0, 0, 4, 0, 0, 7, 8, 0});
  CHECK(values(gg::triu(m)) == Values{1, 2, 3, 0, 5, 6, 0, 0, 9});
  CHECK(values(m.triu(1)) == Values{0, 2, 3, 0, 0, 6, 0, 0, 0});
  const Tensor x = x23();
  CHECK(values(x.tril(1)) == Values{1, 2, 0, 4, 5, 6});
  CHECK(values(x.triu(-1)) == Values{1, 2, 3, 4, 5, 6});
  CHECK(values(x.tril(-5)) == Values{0, 0, 0, 0, 0, 0});
  CHECK(values(x.t().triu()) == Values{1, 4, 0, 5, 0, 0});  // x.t().triu()
  // A batch: torch.stack([m, m + 9]).tril()[1]
  CHECK(values(gg::tril(gg::stack({m, m + 9.0}))[1]) == Values{10, 0, 0, 13, 14, 0, 16, 17, 18});
  CHECK(values(gg::triu(gg::from_values<std::int64_t>(std::vector<std::int64_t>{1, 2, 3, 4}, {2, 2}))) ==
        Values{1, 2, 0, 4});
  CHECK_THROWS_WITH(gg::tril(floats({1, 2, 3}, {3})),
                    Contains("tril: expected a tensor of at least 2 dimensions (a matrix or a batch of them), got sizes [3]"));
}

TEST_CASE("constant_pad_nd and F::pad pad the last dims, negative pads crop", "[core][shape]") {
  const Tensor r = floats({0, 1, 2}, {3});
  CHECK(values(gg::constant_pad_nd(r, {-1, 2})) == Values{1, 2, 0, 0});          // F.pad(r, [-1, 2])
  CHECK(values(gg::constant_pad_nd(r, {-3, 2})) == Values{0, 0});                // all cropped
  CHECK_THROWS_WITH(gg::constant_pad_nd(r, {-4, 2}), Contains("pads -4 and 2 crop 4 elements of dim 0 of size 3"));
  CHECK(values(gg::constant_pad_nd(gg::tensor({0, 1, 2}), {1, 1}, 2.5)) == Values{2, 0, 1, 2, 2});  // int64 truncates
  const Tensor x = x23();
  const Tensor padded = gg::constant_pad_nd(x, {1, 0, 0, 1});  // F.pad(x, [1, 0, 0, 1])
  CHECK(sizes(padded) == gg::SizeVector{3, 4});
  CHECK(values(padded) == Values{0, 1, 2, 3, 0, 4, 5, 6, 0, 0, 0, 0});
  namespace F = gg::nn::functional;
  // F.pad(x.t(), [0, 1, -1, 0], value=-1.0)
  const Tensor cropped = F::pad(x.t(), F::PadFuncOptions({0, 1, -1, 0}).mode(gg::kConstant).value(-1.0));
  CHECK(values(cropped) == Values{2, 5, -1, 3, 6, -1});
  CHECK(F::PadFuncOptions({1, 1}).value() == 0.0);
  CHECK(values(F::pad(r, F::PadFuncOptions({1, 0}))) == Values{0, 0, 1, 2});
  CHECK_THROWS_WITH(gg::constant_pad_nd(x, {1, 2, 3}), Contains("constant_pad_nd: pad [1, 2, 3] has 3 values; expected an even number"));
  CHECK_THROWS_WITH(gg::constant_pad_nd(x, {1, 1, 1, 1, 1, 1}),
                    Contains("constant_pad_nd: pad [1, 1, 1, 1, 1, 1] pads 3 dims of a tensor of sizes [2, 3]"));
  CHECK_THROWS_WITH(gg::constant_pad_nd(x, {-2, -2}), Contains("dim 1 of size 3 padded by -2 and -2 would have size -1"));
}
