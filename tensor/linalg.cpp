// Matrix products on gg::Tensor: mm, matmul (torch.matmul's broadcasting), bmm, addmm_ and
// baddbmm_, on gategrad's GEMM (tensor/gemm.hpp).
//
// The GEMM reads row-major matrices with a leading dimension, as they are or transposed, so a
// 2-D operand goes in without a copy when it is row-major with unit inner stride (lda =
// stride(0)) or the transpose of one (stride(0) == 1: Trans::Yes with lda = stride(1)), which
// covers x.t(), a narrowed matrix and a column slice. Any other layout (an expanded or stepped
// operand) is made contiguous first. A batch of matrices is one GEMM call per matrix at its own
// offset (batch strides may be 0: an expanded operand is read in place), on the thread pool
// either across the batch (small matrices) or within each GEMM (large ones), never both.
#include <gategrad/tensor/factory.hpp>
#include <gategrad/tensor/gemm.hpp>
#include <gategrad/tensor/native.hpp>
#include <gategrad/tensor/parallel.hpp>
#include <gategrad/tensor/shape.hpp>
#include <gategrad/tensor/thread_pool.hpp>

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


// Below this many flops a GEMM runs on one thread (gemm.cpp's min_flops_per_thread): a batch of
// such products is shared out across the pool instead, a run of matrices per task. The GEMM
// calls inside a task run inline (thread_pool.hpp), so the pool is never oversubscribed.
constexpr double kFlopsPerThread = 1.0e6;

// out:(*, M, N) := alpha * a:(*, M, K) b:(*, K, N) + beta * out, matrix by matrix over the batch
// dims (*), which the three share (a's and b's may have stride 0). Each matrix of out is
// row-major with unit inner stride; a's and b's go in as the GEMM's operands when their last
// two strides fit (as_stored), else the operand is made contiguous once.
void batched_gemm_into(const Tensor& out, const Tensor& a, const Tensor& b, Scalar alpha,
                       Scalar beta) {
  if (out.numel() == 0) return;  // nothing to write (and an empty tensor may have no memory)
  const std::int64_t rank = out.dim();
  const std::int64_t M = out.size(rank - 2), N = out.size(rank - 1), K = a.size(rank - 1);
  const auto matrix = [](const Tensor& t, std::int64_t rows, std::int64_t cols) {
    const std::int64_t r = t.dim();
    if (auto stored = as_stored(t, rows, cols, t.stride(r - 2), t.stride(r - 1))) return *stored;
    const Tensor c = contiguous(t);
    if (auto stored = as_stored(c, rows, cols, c.stride(r - 2), c.stride(r - 1))) return *stored;
    // Only an empty operand's strides can still not fit: the GEMM reads none of it.
    return GemmOperand{c, Trans::No, static_cast<std::size_t>(std::max<std::int64_t>(cols, 1))};
  };
  const GemmOperand ga = matrix(a, M, K), gb = matrix(b, K, N);
  const std::size_t ldc =
      static_cast<std::size_t>(M <= 1 ? std::max<std::int64_t>(N, 1) : out.stride(rank - 2));
  std::int64_t batch = 1;
  for (std::int64_t d = 0; d + 2 < rank; ++d) batch *= out.size(d);
  // The element offset of matrix `index` (row-major over the batch dims) in a tensor.
  const auto offset = [&out, rank](const Tensor& t, std::int64_t index) {
    std::int64_t at = 0;
    for (std::int64_t d = rank - 3; d >= 0; --d) {
      at += (index % out.size(d)) * t.stride(d);
      index /= out.size(d);
    }
    return at;
  };
  const double flops = 2.0 * static_cast<double>(M) * static_cast<double>(N) * static_cast<double>(K);
  const double pool = static_cast<double>(num_threads());
  const int tasks = flops >= pool * kFlopsPerThread
                        ? 1
                        : static_cast<int>(std::max(1.0, std::min({pool, static_cast<double>(batch),
                                                                   flops * static_cast<double>(batch) / kFlopsPerThread})));
  visit_dtype(a.dtype(), [&]<class T>() {
    if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double>) {
      const T* pa = ga.data.data_ptr<T>();
      const T* pb = gb.data.data_ptr<T>();
      T* pc = out.data_ptr<T>();
      // An empty operand (K = 0) may have no memory at all: its pointer stays null, unmoved
      // (the GEMM reads none of it).
      const auto at = [&offset](const T* p, const Tensor& t, std::int64_t i) {
        return p == nullptr ? p : p + offset(t, i);
      };
      const auto multiply = [&](std::int64_t i) {
        gemm<T>(ga.trans, gb.trans, static_cast<std::size_t>(M), static_cast<std::size_t>(N),
                static_cast<std::size_t>(K), alpha.to<T>(), at(pa, ga.data, i), ga.ld,
                at(pb, gb.data, i), gb.ld, beta.to<T>(), pc + offset(out, i), ldc);
      };
      parallel_run(tasks, [&](int task) {
        const std::int64_t begin = batch * task / tasks, end = batch * (task + 1) / tasks;
        for (std::int64_t i = begin; i < end; ++i) multiply(i);
      });
    } else {
      throw std::logic_error("batched_gemm_into: dtype not checked");
    }
  });
}

// (B,M,K) x (B,K,N): both 3-D with the same B and K.
void require_batches(const char* op, const Tensor& a, const Tensor& b) {
  if (a.dim() != 3 || b.dim() != 3) {
    throw ShapeError(std::string(op) + ": a is " + to_string(a.sizes()) + " and b is " +
                     to_string(b.sizes()) + ", expected two batches of matrices (3-D)");
  }
  require_gemm_dtypes(op, a, b);
  if (a.size(0) != b.size(0)) throw_inner_mismatch(op, a, b, 0, 0);
  if (a.size(2) != b.size(1)) throw_inner_mismatch(op, a, b, 2, 1);
}

// The broadcast of a2's and b2's batch dims (all but the last two), or matmul's ShapeError
// naming a and b, the operands as given.
SizeVector broadcast_batch(const Tensor& a, const Tensor& b, const Tensor& a2, const Tensor& b2) {
  const std::int64_t ra = a2.dim() - 2, rb = b2.dim() - 2, rank = std::max(ra, rb);
  SizeVector batch(static_cast<std::size_t>(rank), 1);
  for (std::int64_t d = 0; d < rank; ++d) {
    const std::int64_t da = d - (rank - ra), db = d - (rank - rb);
    const std::int64_t sa = da >= 0 ? a2.size(da) : 1, sb = db >= 0 ? b2.size(db) : 1;
    if (sa != sb && sa != 1 && sb != 1) {
      throw ShapeError("matmul: a is " + to_string(a.sizes()) + " and b is " +
                       to_string(b.sizes()) + ": the batch dims (all but the last two) must "
                       "broadcast, and " + std::to_string(sa) + " and " + std::to_string(sb) +
                       " do not");
    }
    batch[static_cast<std::size_t>(d)] = sa == 1 ? sb : sa;
  }
  return batch;
}

// torch.matmul when either operand has batch dims: a 1-D a is a (1,K) row and a 1-D b a (K,1)
// column, that dim dropped from the result; the batch dims broadcast. A contiguous a:(*, M, K)
// against a matrix is one (* M, K) x (K, N) GEMM, as torch folds it; otherwise b is expanded
// over the batch (stride 0, no copy) and each matrix multiplied in place.
Tensor batched_matmul(const Tensor& a, const Tensor& b) {
  SizeVector out_sizes = matmul_batch_sizes(a, b);
  const std::int64_t da = a.dim(), db = b.dim();
  const Tensor a2 = da == 1 ? unsqueeze(a, 0) : a, b2 = db == 1 ? unsqueeze(b, 1) : b;
  const std::int64_t M = a2.size(-2), K = a2.size(-1), N = b2.size(-1);
  const std::int64_t batch_rank = static_cast<std::int64_t>(out_sizes.size());
  out_sizes.push_back(M);
  out_sizes.push_back(N);
  Tensor out;
  if (db <= 2 && a.is_contiguous()) {
    std::int64_t rows = 1;
    for (std::int64_t d = 0; d + 1 < da; ++d) rows *= a.size(d);
    out = view(mm_impl("matmul", view(a, {rows, K}), b2), out_sizes);
  } else {
    SizeVector a_sizes(out_sizes.begin(), out_sizes.begin() + batch_rank), b_sizes = a_sizes;
    a_sizes.push_back(M);
    a_sizes.push_back(K);
    b_sizes.push_back(K);
    b_sizes.push_back(N);
    out = empty(out_sizes, a.dtype());
    batched_gemm_into(out, expand(a2, a_sizes), expand(b2, b_sizes), 1, 0);
  }
  if (db == 1) out = squeeze(out, -1);
  if (da == 1) out = squeeze(out, -2);
  return out;
}

}  // namespace

Tensor mm(const Tensor& a, const Tensor& b) { return mm_impl("mm", a, b); }

SizeVector matmul_batch_sizes(const Tensor& a, const Tensor& b) {
  const std::int64_t da = a.dim(), db = b.dim();
  if (da == 0 || db == 0) {
    throw ShapeError("matmul: a is " + to_string(a.sizes()) + " and b is " +
                     to_string(b.sizes()) + ", expected both to be at least 1-D (use mul for a "
                     "scalar)");
  }
  require_gemm_dtypes("matmul", a, b);
  const std::int64_t b_inner = db == 1 ? 0 : db - 2;
  if (a.size(da - 1) != b.size(b_inner)) throw_inner_mismatch("matmul", a, b, da - 1, b_inner);
  return broadcast_batch(a, b, da == 1 ? unsqueeze(a, 0) : a, db == 1 ? unsqueeze(b, 1) : b);
}

Tensor matmul(const Tensor& a, const Tensor& b) {
  const std::int64_t da = a.dim(), db = b.dim();
  if (da > 2 || db > 2 || da == 0 || db == 0) return batched_matmul(a, b);
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

Tensor bmm(const Tensor& a, const Tensor& b) {
  require_batches("bmm", a, b);
  Tensor out = empty({a.size(0), a.size(1), b.size(2)}, a.dtype());
  batched_gemm_into(out, a, b, 1, 0);
  return out;
}

void baddbmm_(const Tensor& out, const Tensor& a, const Tensor& b, Scalar beta, Scalar alpha) {
  require_batches("baddbmm_", a, b);
  const std::int64_t B = a.size(0), M = a.size(1), N = b.size(2);
  if (out.dim() != 3 || out.size(0) != B || out.size(1) != M || out.size(2) != N) {
    throw ShapeError("baddbmm_: out is " + to_string(out.sizes()) + " but a " +
                     to_string(a.sizes()) + " times b " + to_string(b.sizes()) + " is [" +
                     std::to_string(B) + ", " + std::to_string(M) + ", " + std::to_string(N) + "]");
  }
  if (out.dtype() != a.dtype()) {
    throw std::invalid_argument(std::string("baddbmm_: out is ") + name(out.dtype()) +
                                " and a, b are " + name(a.dtype()) + ", expected the same dtype");
  }
  const bool row_major = (N <= 1 || out.stride(2) == 1) && (M <= 1 || out.stride(1) >= N) &&
                         (B <= 1 || out.stride(0) >= M * std::max<std::int64_t>(N, 1));
  if (!row_major) {
    throw std::invalid_argument("baddbmm_: out has sizes " + to_string(out.sizes()) +
                                " and strides " + to_string(out.strides()) +
                                ", expected separate row-major matrices with unit inner stride "
                                "(write into a contiguous tensor and copy_ it over)");
  }
  const auto separate = [&out](const Tensor& t) {
    return t.storage() == out.storage() ? clone(t) : t;
  };
  batched_gemm_into(out, separate(a), separate(b), alpha, beta);
  out.storage()->bump_version();
}

}  // namespace gg::native
