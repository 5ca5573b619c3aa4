// Batched matrix products (issue 12, point 6): native::bmm and native::matmul over batches
// against one mm per matrix, in every batch layout and on either side of the batch-or-GEMM
// threading split; the differentiable ops' errors (bmm, baddbmm, addmm, dot, mv, outer,
// einsum), each naming the op, what it got and what it expected. Values and gradients against
// torch are op_oracle's rows; gradients against finite differences the gate table's.
#include "tensor_helpers.hpp"

#include <gategrad/autograd/backward.hpp>
#include <gategrad/autograd/ops.hpp>
#include <gategrad/tensor/parallel.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <vector>

using gg::Tensor;
namespace native = gg::native;

namespace {

// Restores the thread count when a test is done with it.
struct ThreadCount {
  explicit ThreadCount(int n) : saved(gg::num_threads()) { gg::set_num_threads(n); }
  ~ThreadCount() { gg::set_num_threads(saved); }
  ThreadCount(const ThreadCount&) = delete;
  ThreadCount& operator=(const ThreadCount&) = delete;
  int saved;
};

// out[i] == mm(a[i], b[i]) for every matrix of a 3-D product.
void check_per_matrix(const Tensor& out, const Tensor& a, const Tensor& b, double tol) {
  REQUIRE(out.dim() == 3);
  for (std::int64_t i = 0; i < out.size(0); ++i) {
    INFO("matrix " << i);
    CHECK(gg::test::allclose(native::select(out, 0, i),
                             native::mm(native::select(a, 0, i), native::select(b, 0, i)), tol, tol));
  }
}

}  // namespace

TEST_CASE("bmm is one GEMM per matrix, in every batch layout", "[linalg][bmm]") {
  struct Shape {
    std::int64_t B, M, K, N;
  };
  // Small matrices (shared across the pool, one run of the batch per task) and large ones
  // (each GEMM on the whole pool, the batch in turn).
  const std::vector<Shape> shapes = {{5, 3, 4, 2}, {7, 9, 17, 5}, {2, 128, 128, 128}};
  for (const int threads : {1, 2}) {
    const ThreadCount count(threads);
    for (const gg::Dtype dtype : {gg::kFloat64, gg::kFloat32}) {
      const double tol = dtype == gg::kFloat64 ? 1e-12 : 1e-5;
      for (const Shape& s : shapes) {
        INFO(threads << " threads, " << gg::name(dtype) << ", (" << s.B << ", " << s.M << ", " << s.K << ", " << s.N << ")");
        const Tensor a = gg::test::uniform({s.B, s.M, s.K}, 1, -2.0, 2.0, dtype);
        const Tensor b = gg::test::uniform({s.B, s.K, s.N}, 2, -2.0, 2.0, dtype);
        check_per_matrix(native::bmm(a, b), a, b, tol);
        // Transposed matrices (the GEMM's transposed operands, no copy).
        const Tensor at = native::transpose(gg::test::uniform({s.B, s.K, s.M}, 3, -2.0, 2.0, dtype), 1, 2);
        const Tensor bt = native::transpose(gg::test::uniform({s.B, s.N, s.K}, 4, -2.0, 2.0, dtype), 1, 2);
        check_per_matrix(native::bmm(at, bt), at, bt, tol);
        // The batch dim innermost but one (batch stride K, row stride B K), and an expanded
        // batch (stride 0): both read in place.
        const Tensor batch_inside = native::permute(gg::test::uniform({s.M, s.B, s.K}, 5, -2.0, 2.0, dtype), {1, 0, 2});
        const Tensor expanded = native::expand(gg::test::uniform({1, s.K, s.N}, 6, -2.0, 2.0, dtype), {s.B, s.K, s.N});
        check_per_matrix(native::bmm(batch_inside, expanded), batch_inside, expanded, tol);
        // A stepped inner dim does not fit the GEMM: copied first.
        const Tensor stepped = native::slice(gg::test::uniform({s.B, s.K, 2 * s.N}, 7, -2.0, 2.0, dtype), 2, 0, std::nullopt, 2);
        check_per_matrix(native::bmm(a, stepped), a, stepped, tol);
        // baddbmm_ into out's own values.
        Tensor out = gg::test::uniform({s.B, s.M, s.N}, 8, -2.0, 2.0, dtype);
        const Tensor expected = native::add(native::mul(native::clone(out), 0.5), native::mul(native::bmm(a, b), 2.0));
        native::baddbmm_(out, a, b, 0.5, 2.0);
        CHECK(gg::test::allclose(out, expected, tol, tol));
      }
    }
  }
  // Empty batches and empty matrices.
  CHECK(native::bmm(gg::zeros({0, 2, 3}), gg::zeros({0, 3, 4})).sizes() == gg::IntArrayRef{0, 2, 4});
  CHECK(gg::test::values<double>(native::bmm(gg::zeros({2, 2, 0}), gg::zeros({2, 0, 3}))) == std::vector<double>(12, 0.0));
}

TEST_CASE("matmul broadcasts batch dims as torch.matmul", "[linalg][matmul]") {
  const Tensor a = gg::test::uniform({2, 1, 3, 4}, 1, -2.0, 2.0, gg::kFloat64);
  const Tensor b = gg::test::uniform({5, 4, 2}, 2, -2.0, 2.0, gg::kFloat64);
  const Tensor out = native::matmul(a, b);
  REQUIRE(out.sizes() == gg::IntArrayRef{2, 5, 3, 2});
  for (std::int64_t i = 0; i < 2; ++i) {
    for (std::int64_t j = 0; j < 5; ++j) {
      const Tensor want = native::mm(native::select(native::select(a, 0, i), 0, 0), native::select(b, 0, j));
      CHECK(gg::test::allclose(native::select(native::select(out, 0, i), 0, j), want, 1e-12, 1e-12));
    }
  }
  // A vector on either side drops its dim; 3-D by a matrix folds into one GEMM.
  const Tensor v = gg::test::uniform({4}, 3, -2.0, 2.0, gg::kFloat64);
  CHECK(native::matmul(a, v).sizes() == gg::IntArrayRef{2, 1, 3});
  CHECK(native::matmul(gg::test::uniform({3}, 4, -2.0, 2.0, gg::kFloat64), a).sizes() == gg::IntArrayRef{2, 1, 4});
  const Tensor a3 = gg::test::uniform({2, 3, 4}, 5, -2.0, 2.0, gg::kFloat64);
  const Tensor m = gg::test::uniform({4, 2}, 6, -2.0, 2.0, gg::kFloat64);
  check_per_matrix(native::matmul(a3, m), a3, native::expand(m, {2, 4, 2}), 1e-12);
  // Non-contiguous a against a matrix: the batch loop over an expanded b, not a fold.
  const Tensor a3t = native::transpose(gg::test::uniform({2, 4, 3}, 7, -2.0, 2.0, gg::kFloat64), 1, 2);
  check_per_matrix(native::matmul(a3t, m), a3t, native::expand(m, {2, 4, 2}), 1e-12);
}

TEST_CASE("matrix products name what they got and what they expected", "[linalg][errors]") {
  const Tensor m23 = gg::zeros({2, 3}), m34 = gg::zeros({3, 4}), b234 = gg::zeros({2, 3, 4});
  CHECK_THROWS_AS(gg::matmul(gg::zeros({2, 2, 3}), gg::zeros({3, 3, 1})), gg::ShapeError);
  CHECK_THROWS_WITH(gg::matmul(gg::zeros({2, 2, 3}), gg::zeros({3, 3, 1})),
                    "matmul: a is [2, 2, 3] and b is [3, 3, 1]: the batch dims (all but the last two) "
                    "must broadcast, and 2 and 3 do not");
  CHECK_THROWS_WITH(gg::matmul(b234, gg::zeros({2, 3, 4})),
                    "matmul: a is [2, 3, 4] and b is [2, 3, 4]: a's size 2 (4) must equal b's size 1 (3)");
  CHECK_THROWS_WITH(gg::matmul(gg::zeros({4}), b234),
                    "matmul: a is [4] and b is [2, 3, 4]: a's size 0 (4) must equal b's size 1 (3)");
  CHECK_THROWS_WITH(gg::matmul(gg::scalar_tensor(1.0), b234), Catch::EndsWith("expected both to be at least 1-D (use mul for a scalar)"));
  CHECK_THROWS_WITH(gg::bmm(m23, m34), "bmm: a is [2, 3] and b is [3, 4], expected two batches of matrices (3-D)");
  CHECK_THROWS_WITH(gg::bmm(b234, gg::zeros({3, 4, 1})),
                    "bmm: a is [2, 3, 4] and b is [3, 4, 1]: a's size 0 (2) must equal b's size 0 (3)");
  CHECK_THROWS_WITH(gg::addmm(gg::zeros({2, 4}), m23, gg::zeros({2, 4})),
                    "addmm: mat1 is [2, 3] and mat2 is [2, 4]: mat1's size 1 (3) must equal mat2's size 0 (2)");
  CHECK_THROWS_WITH(gg::addmm(gg::zeros({3}), m23, m34),
                    "addmm: input is [3], expected sizes that broadcast to [2, 4] (mat1 [2, 3] times mat2 [3, 4])");
  CHECK_THROWS_WITH(gg::addmm(gg::zeros({2, 4}, gg::kFloat64), m23, m34),
                    Catch::StartsWith("addmm: input is float64, mat1 float32 and mat2 float32, expected one dtype"));
  CHECK_THROWS_WITH(gg::baddbmm(gg::zeros({2, 3, 1}), b234, gg::zeros({2, 3, 1})),
                    "baddbmm: batch1 is [2, 3, 4] and batch2 is [2, 3, 1]: batch1's size 2 (4) must equal "
                    "batch2's size 1 (3)");
  CHECK_THROWS_WITH(gg::baddbmm(gg::zeros({2, 3, 1}), b234, gg::zeros({3, 4, 1})),
                    "baddbmm: batch1 is [2, 3, 4] and batch2 is [3, 4, 1]: the batch sizes 2 and 3 must be equal");
  CHECK_THROWS_WITH(gg::baddbmm(gg::zeros({3, 3, 1}), b234, gg::zeros({2, 4, 1})),
                    "baddbmm: input is [3, 3, 1], expected sizes that broadcast to [2, 3, 1] (batch1 [2, 3, 4] "
                    "times batch2 [2, 4, 1])");
  CHECK_THROWS_WITH(gg::baddbmm(m23, m23, m34), Catch::EndsWith("expected two batches of matrices (3-D)"));
  CHECK_THROWS_WITH(gg::dot(gg::zeros({3}), gg::zeros({4})),
                    "dot: a is [3] and b is [4], expected two 1-D tensors of the same size");
  CHECK_THROWS_WITH(gg::dot(gg::zeros({3}), gg::zeros({3}, gg::kFloat64)),
                    "dot: a is float32 and b is float64, expected the same dtype");
  CHECK_THROWS_WITH(gg::mv(m23, m34), "mv: m is [2, 3] and v is [3, 4], expected a matrix (2-D) and a vector (1-D)");
  CHECK_THROWS_WITH(gg::mv(m23, gg::zeros({4})), Catch::StartsWith("matmul: a is [2, 3] and b is [4]"));
  CHECK_THROWS_WITH(gg::outer(m23, gg::zeros({4})), "outer: a is [2, 3] and b is [4], expected two 1-D tensors");
}

TEST_CASE("einsum names the equation and the subscript at fault", "[linalg][einsum][errors]") {
  const Tensor m23 = gg::zeros({2, 3}), m34 = gg::zeros({3, 4});
  CHECK_THROWS_AS(gg::einsum("ij,jk->ik", {m23}), gg::ShapeError);
  CHECK_THROWS_WITH(gg::einsum("ij,jk->ik", {m23}),
                    "einsum: \"ij,jk->ik\": it has subscripts for 2 operand(s) but 1 tensor(s) were given");
  CHECK_THROWS_WITH(gg::einsum("ijk,jk->ik", {m23, m34}),
                    "einsum: \"ijk,jk->ik\": operand 0 is [2, 3] (2 dims) but its subscripts name 3, expected one "
                    "subscript per dim");
  CHECK_THROWS_WITH(gg::einsum("ij,jk->ik", {m23, gg::zeros({2, 4})}),
                    "einsum: \"ij,jk->ik\": subscript j has size 3 in one operand and 2 in another, expected equal "
                    "sizes (or 1, which broadcasts)");
  CHECK_THROWS_WITH(gg::einsum("ij,jk->iz", {m23, m34}), "einsum: \"ij,jk->iz\": the output's subscript z is in no operand");
  CHECK_THROWS_WITH(gg::einsum("ij,jk->ii", {m23, m34}),
                    "einsum: \"ij,jk->ii\": the output names subscript i twice, expected each at most once");
  CHECK_THROWS_WITH(gg::einsum("i1,jk", {m23, m34}),
                    "einsum: \"i1,jk\": operand 0's subscripts has '1', expected letters a-z, A-Z or \"...\"");
  CHECK_THROWS_WITH(gg::einsum("ii->i", {m23}),
                    "einsum: \"ii->i\": subscript i is repeated in operand 0 over dims of sizes 2 and 3, expected "
                    "equal sizes");
  CHECK_THROWS_WITH(gg::einsum("i..j,jk", {m23, m34}), Catch::Contains("expected at most one \"...\""));
}

TEST_CASE("a batched product's gradient has a gradient: bmm under create_graph", "[linalg][higher-order]") {
  // y = sum((A B)^2) per batch; dA = 2 (A B) B^T records, so d/dB of sum(dA) is defined.
  const Tensor a = gg::test::uniform({2, 2, 3}, 1, -1.0, 1.0, gg::kFloat64).requires_grad_();
  const Tensor b = gg::test::uniform({2, 3, 2}, 2, -1.0, 1.0, gg::kFloat64).requires_grad_();
  const Tensor y = gg::sum(gg::bmm(a, b) * gg::bmm(a, b));
  const Tensor da = gg::autograd::grad({y}, {a}, {}, std::nullopt, true)[0];
  REQUIRE(da.requires_grad());
  const Tensor db = gg::autograd::grad({gg::sum(da)}, {b})[0];
  CHECK(db.sizes() == gg::IntArrayRef{2, 3, 2});
  CHECK(gg::test::values<double>(gg::sum(gg::mul(db, db))).at(0) > 0.0);
}
