// Matrix products on gg::Tensor: mm, matmul, addmm_, on gategrad's GEMM (tensor/gemm.hpp).
//
// The GEMM reads row-major matrices with a leading dimension, as they are or transposed, so a
// 2-D operand goes in without a copy when it is row-major with unit inner stride (lda =
// stride(0)) or the transpose of one (stride(0) == 1: Trans::Yes with lda = stride(1)), which
// covers x.t(), a narrowed matrix and a column slice. Any other layout (an expanded or stepped
// operand) is made contiguous first.
#include <gategrad/tensor/factory.hpp>
#include <gategrad/tensor/gemm.hpp>
#include <gategrad/tensor/native.hpp>
#include <gategrad/tensor/shape.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>

namespace gg::native {
namespace {

// How a (rows, cols) operand is laid out: what each GEMM operand needs, with the tensor that
// holds its data (a contiguous copy when the original layout did not fit).
struct GemmOperand {
  Tensor data;
  Trans trans = Trans::No;
  std::size_t ld = 1;
};

// Element (i, j) of the operand is at data_ptr + i * row_stride + j * col_stride. A size-1
// dim's stride is never used, so any stride fits it.
std::optional<GemmOperand> as_stored(const Tensor& t, std::int64_t rows, std::int64_t cols,
                                     std::int64_t row_stride, std::int64_t col_stride) {
  if ((cols <= 1 || col_stride == 1) &&
      (rows <= 1 || row_stride >= std::max<std::int64_t>(cols, 1))) {
    const std::int64_t ld = rows <= 1 ? std::max<std::int64_t>(cols, 1) : row_stride;
    return GemmOperand{t, Trans::No, static_cast<std::size_t>(ld)};
  }
  if ((rows <= 1 || row_stride == 1) &&
      (cols <= 1 || col_stride >= std::max<std::int64_t>(rows, 1))) {
    const std::int64_t ld = cols <= 1 ? std::max<std::int64_t>(rows, 1) : col_stride;
    return GemmOperand{t, Trans::Yes, static_cast<std::size_t>(ld)};
  }
  return std::nullopt;
}

// What a matmul operand is taken as: the matrix itself, or a vector as a (1, K) row or a
// (K, 1) column.
enum class Role { Matrix, Row, Column };

GemmOperand gemm_operand(const Tensor& t, Role role) {
  const auto fit = [role](const Tensor& m) {
    switch (role) {
      case Role::Matrix: return as_stored(m, m.size(0), m.size(1), m.stride(0), m.stride(1));
      case Role::Row: return as_stored(m, 1, m.size(0), 0, m.stride(0));
      case Role::Column: return as_stored(m, m.size(0), 1, m.stride(0), 0);
    }
    return std::optional<GemmOperand>();
  };
  if (auto stored = fit(t)) return *stored;
  return *fit(contiguous(t));  // row-major with unit inner stride: always fits
}

void require_gemm_dtypes(const char* op, const Tensor& a, const Tensor& b) {
  if (a.dtype() != b.dtype()) {
    throw std::invalid_argument(std::string(op) + ": a is " + name(a.dtype()) + " and b is " +
                                name(b.dtype()) +
                                ", expected the same dtype (convert one with .to(...) first)");
  }
  if (a.dtype() != Dtype::Float32 && a.dtype() != Dtype::Float64) {
    throw std::invalid_argument(std::string(op) + ": got " + name(a.dtype()) +
                                " operands, expected float32 or float64 (the GEMM has no " +
                                name(a.dtype()) + " kernel; convert with .to(gg::kFloat32))");
  }
}

[[noreturn]] void throw_inner_mismatch(const char* op, const Tensor& a, const Tensor& b,
                                       std::int64_t a_dim, std::int64_t b_dim) {
  throw ShapeError(std::string(op) + ": a is " + to_string(a.sizes()) + " and b is " +
                   to_string(b.sizes()) + ": a's size " + std::to_string(a_dim) + " (" +
                   std::to_string(a.size(a_dim)) + ") must equal b's size " +
                   std::to_string(b_dim) + " (" + std::to_string(b.size(b_dim)) + ")");
}

// c:(M,N) with row stride ldc := alpha * a:(M,K) b:(K,N) + beta * c.
void gemm_into(void* c, std::size_t ldc, const GemmOperand& a, const GemmOperand& b,
               std::int64_t M, std::int64_t N, std::int64_t K, Scalar alpha, Scalar beta) {
  visit_dtype(a.data.dtype(), [&]<class T>() {
    if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double>) {
      gemm<T>(a.trans, b.trans, static_cast<std::size_t>(M), static_cast<std::size_t>(N),
              static_cast<std::size_t>(K), alpha.to<T>(), a.data.data_ptr<T>(), a.ld,
              b.data.data_ptr<T>(), b.ld, beta.to<T>(), static_cast<T*>(c), ldc);
    } else {
      throw std::logic_error("gemm_into: dtype not checked");
    }
  });
}

void require_matrices(const char* op, const Tensor& a, const Tensor& b) {
  if (a.dim() != 2 || b.dim() != 2) {
    throw ShapeError(std::string(op) + ": a is " + to_string(a.sizes()) + " and b is " +
                     to_string(b.sizes()) + ", expected two matrices (2-D)");
  }
}

// (M,K) x (K,N) -> (M,N), both 2-D.
Tensor mm_impl(const char* op, const Tensor& a, const Tensor& b) {
  require_matrices(op, a, b);
  require_gemm_dtypes(op, a, b);
  if (a.size(1) != b.size(0)) throw_inner_mismatch(op, a, b, 1, 0);
  const std::int64_t M = a.size(0), K = a.size(1), N = b.size(1);
  Tensor out = empty({M, N}, a.dtype());
  gemm_into(out.data_ptr(), static_cast<std::size_t>(std::max<std::int64_t>(N, 1)),
            gemm_operand(a, Role::Matrix), gemm_operand(b, Role::Matrix), M, N, K, 1, 0);
  return out;
}

}  // namespace

Tensor mm(const Tensor& a, const Tensor& b) { return mm_impl("mm", a, b); }

Tensor matmul(const Tensor& a, const Tensor& b) {
  const std::int64_t da = a.dim(), db = b.dim();
  if (da == 0 || db == 0) {
    throw ShapeError("matmul: a is " + to_string(a.sizes()) + " and b is " +
                     to_string(b.sizes()) + ", expected both to be at least 1-D (use mul for a "
                     "scalar)");
  }
  if (da > 2 || db > 2) {
    throw std::invalid_argument("matmul: a is " + to_string(a.sizes()) + " and b is " +
                                to_string(b.sizes()) + ": batched (more than 2-D) operands are "
                                "not supported yet; reshape to 2-D or loop over the batch");
  }
  if (da == 2 && db == 2) return mm_impl("matmul", a, b);
  require_gemm_dtypes("matmul", a, b);
  // A vector is a (1, K) row on the left and a (K, 1) column on the right; the size-1 dims
  // of the result are dropped, as torch.matmul does.
  const std::int64_t a_inner = da - 1;
  if (a.size(a_inner) != b.size(0)) throw_inner_mismatch("matmul", a, b, a_inner, 0);
  const std::int64_t M = da == 2 ? a.size(0) : 1, K = b.size(0), N = db == 2 ? b.size(1) : 1;
  SizeVector out_sizes;
  if (da == 2) out_sizes.push_back(M);
  if (db == 2) out_sizes.push_back(N);
  Tensor out = empty(out_sizes, a.dtype());
  gemm_into(out.data_ptr(), static_cast<std::size_t>(std::max<std::int64_t>(N, 1)),
            gemm_operand(a, da == 2 ? Role::Matrix : Role::Row),
            gemm_operand(b, db == 2 ? Role::Matrix : Role::Column), M, N, K, 1, 0);
  return out;
}

void addmm_(const Tensor& out, const Tensor& a, const Tensor& b, Scalar beta, Scalar alpha) {
  require_matrices("addmm_", a, b);
  require_gemm_dtypes("addmm_", a, b);
  if (a.size(1) != b.size(0)) throw_inner_mismatch("addmm_", a, b, 1, 0);
  const std::int64_t M = a.size(0), K = a.size(1), N = b.size(1);
  if (out.dim() != 2 || out.size(0) != M || out.size(1) != N) {
    throw ShapeError("addmm_: out is " + to_string(out.sizes()) + " but a " +
                     to_string(a.sizes()) + " times b " + to_string(b.sizes()) + " is [" +
                     std::to_string(M) + ", " + std::to_string(N) + "]");
  }
  if (out.dtype() != a.dtype()) {
    throw std::invalid_argument(std::string("addmm_: out is ") + name(out.dtype()) +
                                " and a, b are " + name(a.dtype()) + ", expected the same dtype");
  }
  // C is written through its row stride, so a row-major view (a narrowed matrix) is fine.
  const bool row_major = (N <= 1 || out.stride(1) == 1) && (M <= 1 || out.stride(0) >= N);
  if (!row_major) {
    throw std::invalid_argument("addmm_: out has sizes " + to_string(out.sizes()) +
                                " and strides " + to_string(out.strides()) +
                                ", expected row-major rows with unit inner stride (write into a "
                                "contiguous tensor and copy_ it over)");
  }
  // The GEMM reads a and b while it writes C: an operand over out's storage is copied first.
  const auto separate = [&out](const Tensor& t) {
    return t.storage() == out.storage() ? clone(t) : t;
  };
  const std::size_t ldc =
      static_cast<std::size_t>(M <= 1 ? std::max<std::int64_t>(N, 1) : out.stride(0));
  gemm_into(out.data_ptr(), ldc, gemm_operand(separate(a), Role::Matrix),
            gemm_operand(separate(b), Role::Matrix), M, N, K, alpha, beta);
  out.storage()->bump_version();
}

}  // namespace gg::native
