// Comparisons, logical ops and tests in gg::, as torch:: has them: bool results, no gradient
// (they record nothing), on the kernels of tensor/pointwise.cpp and tensor/reduction.cpp.
#include <gategrad/autograd/ops.hpp>
#include <gategrad/tensor/native.hpp>

namespace gg {
Tensor eq(const Tensor& a, const Tensor& b) { return native::eq(a, b); }
Tensor ne(const Tensor& a, const Tensor& b) { return native::ne(a, b); }
Tensor lt(const Tensor& a, const Tensor& b) { return native::lt(a, b); }
Tensor le(const Tensor& a, const Tensor& b) { return native::le(a, b); }
Tensor gt(const Tensor& a, const Tensor& b) { return native::gt(a, b); }
Tensor ge(const Tensor& a, const Tensor& b) { return native::ge(a, b); }
Tensor eq(const Tensor& a, Scalar b) { return native::eq(a, b); }
Tensor ne(const Tensor& a, Scalar b) { return native::ne(a, b); }
Tensor lt(const Tensor& a, Scalar b) { return native::lt(a, b); }
Tensor le(const Tensor& a, Scalar b) { return native::le(a, b); }
Tensor gt(const Tensor& a, Scalar b) { return native::gt(a, b); }
Tensor ge(const Tensor& a, Scalar b) { return native::ge(a, b); }
Tensor logical_and(const Tensor& a, const Tensor& b) { return native::logical_and(a, b); }
Tensor logical_or(const Tensor& a, const Tensor& b) { return native::logical_or(a, b); }
Tensor logical_xor(const Tensor& a, const Tensor& b) { return native::logical_xor(a, b); }
Tensor logical_not(const Tensor& x) { return native::logical_not(x); }
Tensor all(const Tensor& x) { return native::all(x); }
Tensor all(const Tensor& x, std::int64_t dim, bool keepdim) { return native::all(x, dim, keepdim); }
Tensor any(const Tensor& x) { return native::any(x); }
Tensor any(const Tensor& x, std::int64_t dim, bool keepdim) { return native::any(x, dim, keepdim); }
Tensor isnan(const Tensor& x) { return native::isnan(x); }
Tensor isinf(const Tensor& x) { return native::isinf(x); }
Tensor isfinite(const Tensor& x) { return native::isfinite(x); }
}  // namespace gg
