// Tensor's differentiable methods are the free functions of autograd/ops.hpp: one table, a row
// per method, comparing the value and the gradient of x.method(...) with gg::function(x, ...),
// and checking that the recorded node names this file (the caller's line, not the library's).
#include "tensor_helpers.hpp"

#include <gategrad/autograd/gradcheck.hpp>
#include <gategrad/autograd/graph.hpp>
#include <gategrad/autograd/ops.hpp>

#include <catch2/catch.hpp>

#include <functional>
#include <string>
#include <tuple>
#include <vector>

using gg::Tensor;

namespace {

struct MethodRow {
  const char* name;
  std::function<Tensor(const Tensor&)> method, function;
};

Tensor ints(std::initializer_list<std::int64_t> v) { return gg::tensor(v); }

std::vector<MethodRow> rows() {
  const Tensor other = gg::test::uniform({3, 4}, 9, 0.5, 2.0, gg::kFloat64);
  const Tensor index = gg::from_values<std::int64_t>(std::vector<std::int64_t>{3, 0, 1, 1, 2, 2}, {3, 2});
  return {
      {"add", [=](const Tensor& x) { return x.add(other); }, [=](const Tensor& x) { return gg::add(x, other); }},
      {"sub number", [](const Tensor& x) { return x.sub(2.0); }, [](const Tensor& x) { return gg::sub(x, 2.0); }},
      {"mul", [=](const Tensor& x) { return x.mul(other); }, [=](const Tensor& x) { return gg::mul(x, other); }},
      {"div", [=](const Tensor& x) { return x.div(other); }, [=](const Tensor& x) { return gg::div(x, other); }},
      {"neg exp", [](const Tensor& x) { return x.neg().exp(); }, [](const Tensor& x) { return gg::exp(gg::neg(x)); }},
      {"log sqrt", [](const Tensor& x) { return x.exp().log().sqrt(); }, [](const Tensor& x) { return gg::sqrt(gg::log(gg::exp(x))); }},
      {"relu sigmoid tanh", [](const Tensor& x) { return x.relu().sigmoid().tanh(); },
       [](const Tensor& x) { return gg::tanh(gg::sigmoid(gg::relu(x))); }},
      {"mm", [=](const Tensor& x) { return x.mm(other.t()); }, [=](const Tensor& x) { return gg::mm(x, other.t()); }},
      {"matmul", [=](const Tensor& x) { return x.matmul(other.t()); }, [=](const Tensor& x) { return gg::matmul(x, other.t()); }},
      {"sum", [](const Tensor& x) { return x.sum(); }, [](const Tensor& x) { return gg::sum(x); }},
      {"sum(1, true)", [](const Tensor& x) { return x.sum(1, true); }, [](const Tensor& x) { return gg::sum(x, {1}, true); }},
      {"mean(0)", [](const Tensor& x) { return x.mean(0); }, [](const Tensor& x) { return gg::mean(x, {0}); }},
      {"sum_to_size", [](const Tensor& x) { return x.sum_to_size({1, 4}); }, [](const Tensor& x) { return gg::sum_to_size(x, {1, 4}); }},
      {"prod(1)", [](const Tensor& x) { return x.prod(1); }, [](const Tensor& x) { return gg::prod(x, 1); }},
      {"cumsum", [](const Tensor& x) { return x.cumsum(0); }, [](const Tensor& x) { return gg::cumsum(x, 0); }},
      {"max", [](const Tensor& x) { return x.max(); }, [](const Tensor& x) { return gg::max(x); }},
      {"max(1)", [](const Tensor& x) { return std::get<0>(x.max(1)); }, [](const Tensor& x) { return std::get<0>(gg::max(x, 1)); }},
      {"min(0, true)", [](const Tensor& x) { return std::get<0>(x.min(0, true)); },
       [](const Tensor& x) { return std::get<0>(gg::min(x, 0, true)); }},
      {"amax", [](const Tensor& x) { return x.amax({1}); }, [](const Tensor& x) { return gg::amax(x, {1}); }},
      {"var", [](const Tensor& x) { return x.var(); }, [](const Tensor& x) { return gg::var(x); }},
      {"std(1)", [](const Tensor& x) { return x.std({1}); }, [](const Tensor& x) { return gg::std(x, {1}); }},
      {"logsumexp", [](const Tensor& x) { return x.logsumexp({1}); }, [](const Tensor& x) { return gg::logsumexp(x, {1}); }},
      {"softmax", [](const Tensor& x) { return x.softmax(1); }, [](const Tensor& x) { return gg::softmax(x, 1); }},
      {"log_softmax", [](const Tensor& x) { return x.log_softmax(0); }, [](const Tensor& x) { return gg::log_softmax(x, 0); }},
      {"gather", [=](const Tensor& x) { return x.gather(1, index); }, [=](const Tensor& x) { return gg::gather(x, 1, index); }},
      {"index_select", [](const Tensor& x) { return x.index_select(1, ints({3, 0})); },
       [](const Tensor& x) { return gg::index_select(x, 1, ints({3, 0})); }},
      {"sort", [](const Tensor& x) { return std::get<0>(x.sort(1, true)); }, [](const Tensor& x) { return std::get<0>(gg::sort(x, 1, true)); }},
      {"topk", [](const Tensor& x) { return std::get<0>(x.topk(2)); }, [](const Tensor& x) { return std::get<0>(gg::topk(x, 2)); }},
      // shape ops (autograd/gates/shape_gates.cpp)
      {"split", [](const Tensor& x) { return x.split(3, 1)[1]; }, [](const Tensor& x) { return gg::split(x, 3, 1)[1]; }},
      {"split sizes", [](const Tensor& x) { return x.split({1, 3}, 1)[1]; }, [](const Tensor& x) { return gg::split(x, {1, 3}, 1)[1]; }},
      {"split_with_sizes", [](const Tensor& x) { return x.split_with_sizes({2, 1})[0]; },
       [](const Tensor& x) { return gg::split_with_sizes(x, {2, 1})[0]; }},
      {"chunk", [](const Tensor& x) { return x.chunk(2, 1)[1]; }, [](const Tensor& x) { return gg::chunk(x, 2, 1)[1]; }},
      {"unbind", [](const Tensor& x) { return x.unbind(1)[2]; }, [](const Tensor& x) { return gg::unbind(x, 1)[2]; }},
      {"flip", [](const Tensor& x) { return x.flip({0, 1}); }, [](const Tensor& x) { return gg::flip(x, {0, 1}); }},
      {"roll", [](const Tensor& x) { return x.roll(1, 0); }, [](const Tensor& x) { return gg::roll(x, 1, 0); }},
      {"roll flattened", [](const Tensor& x) { return x.roll(-5); }, [](const Tensor& x) { return gg::roll(x, -5); }},
      {"repeat", [](const Tensor& x) { return x.repeat({2, 1}); }, [](const Tensor& x) { return gg::repeat(x, {2, 1}); }},
      {"tril", [](const Tensor& x) { return x.tril(1); }, [](const Tensor& x) { return gg::tril(x, 1); }},
      {"triu", [](const Tensor& x) { return x.triu(-1); }, [](const Tensor& x) { return gg::triu(x, -1); }},
  };
}

// Value and gradient of f at x (a fresh leaf each time).
std::pair<Tensor, Tensor> value_and_grad(const std::function<Tensor(const Tensor&)>& f, const Tensor& x) {
  const Tensor leaf = gg::native::clone(x).requires_grad_();
  const Tensor y = f(leaf);
  gg::sum(y * y).backward();
  return {y.detach(), leaf.grad()};
}

}  // namespace

TEST_CASE("each Tensor method gives its free function's value and gradient", "[autograd][methods]") {
  const Tensor x = gg::test::uniform({3, 4}, 4, 0.25, 2.0, gg::kFloat64);
  for (const MethodRow& row : rows()) {
    INFO(row.name);
    const auto [v1, g1] = value_and_grad(row.method, x);
    const auto [v2, g2] = value_and_grad(row.function, x);
    CHECK(gg::test::values<double>(v1) == gg::test::values<double>(v2));
    CHECK(gg::test::values<double>(g1) == gg::test::values<double>(g2));
  }
  // Indices without gradients, and the ones a method returns beside its values.
  CHECK(gg::test::values<double>(x.argmax(1)) == gg::test::values<double>(gg::argmax(x, 1)));
  CHECK(gg::test::values<double>(x.argmin()) == gg::test::values<double>(gg::argmin(x)));
  CHECK(gg::test::values<double>(std::get<1>(x.max(0))) == gg::test::values<double>(gg::argmax(x, 0)));
  // var(0) and std({1}) name dims; var(false) is the biased variance over all elements.
  CHECK(x.var(0).sizes() == gg::IntArrayRef{4});
  CHECK(gg::std(x, {1}).sizes() == gg::IntArrayRef{3});
  CHECK(gg::var(x, 1).sizes() == gg::IntArrayRef{3});
  CHECK(x.var(false).dim() == 0);
  CHECK(gg::test::values<double>(x.var(false))[0] < gg::test::values<double>(x.var(true))[0]);
}

TEST_CASE("a method's node names the caller's line", "[autograd][methods]") {
  const Tensor x = gg::ones({2, 3}, gg::requires_grad());
  const int line = __LINE__ + 1;
  const Tensor y = x.exp().sum(1);
  REQUIRE(y.grad_fn() != nullptr);
  const std::string where = gg::autograd::describe(*y.grad_fn());
  CHECK_THAT(where, Catch::Contains("test_tensor_methods.cpp:" + std::to_string(line)));
}

// torch: x = torch.tensor([3., -4.]); x.eq(3), x.gt(0).all(), (x > 0).any(), x.isfinite()
TEST_CASE("comparison and test methods, and the comparison operators", "[methods]") {
  const Tensor x = gg::tensor({3.0, -4.0}, gg::kFloat64);
  CHECK(gg::test::values<double>(x.eq(3)) == std::vector<double>{1, 0});
  CHECK(gg::test::values<double>(x.ne(x)) == std::vector<double>{0, 0});
  CHECK_FALSE(x.gt(0).all().item<bool>());
  CHECK((x > 0).any().item<bool>());
  CHECK((0 > x).any().item<bool>());
  CHECK(gg::test::values<double>((x >= 3) | (x < -3)) == std::vector<double>{1, 1});
  CHECK(gg::test::values<double>(~(x == 3) & x.isfinite()) == std::vector<double>{0, 1});
  CHECK((x > 0).dtype() == gg::kBool);
  // A Scalar operand: t + s.item(), as LibTorch's
  CHECK(gg::test::values<double>(x + x.sum().item()) == std::vector<double>{2, -5});
}

// torch: x = torch.zeros(3, requires_grad=True); x.norm().backward(); x.grad -> [0, 0, 0]
TEST_CASE("the 2-norm's gradient is 0 where the norm is 0, as torch's", "[methods][norm]") {
  const Tensor x = gg::zeros({3}, gg::kFloat64).requires_grad_();
  x.norm().backward();
  CHECK(gg::test::values<double>(x.grad()) == std::vector<double>{0, 0, 0});
  // x = torch.tensor([[3., 4.], [0., 0.]]); x.norm(dim=1) -> [5, 0]; p = 0 counts
  const Tensor y = gg::tensor({{3.0, 4.0}, {0.0, 0.0}}, gg::kFloat64);
  CHECK(gg::test::values<double>(y.norm(2, {1})) == std::vector<double>{5, 0});
  CHECK(gg::test::values<double>(y.norm(0, {1})) == std::vector<double>{2, 0});
  CHECK_THROWS_WITH(gg::tensor({1, 2}).norm(), Catch::Matchers::Contains("norm") && Catch::Matchers::Contains("int64"));
  const gg::GradcheckFunction f = [](const std::vector<Tensor>& in) { return in[0].norm(2, {0}, true) * in[0]; };
  CHECK(gg::gradgradcheck(f, {gg::tensor({{0.3, -1.2}, {0.8, 2.0}}, gg::kFloat64)}).passed);
}

TEST_CASE("compound assignment is the in-place op", "[methods][inplace]") {
  Tensor x = gg::tensor({1.0, 2.0}, gg::kFloat64);
  const void* data = x.data_ptr();
  x += gg::tensor({1.0, 1.0}, gg::kFloat64);
  x *= 3;
  x -= 1;
  x /= gg::tensor({2.0}, gg::kFloat64);
  CHECK(x.data_ptr() == data);
  CHECK(gg::test::values<double>(x) == std::vector<double>{2.5, 4});
  const Tensor w = gg::ones({2}, gg::kFloat64).requires_grad_();
  CHECK_THROWS_WITH(w += 1, Catch::Matchers::Contains("add_") && Catch::Matchers::Contains("leaf"));
}
