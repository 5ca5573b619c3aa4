// Tensor's differentiable methods (declared in tensor/tensor.hpp): each is the free function of
// autograd/ops.hpp of the same name with this tensor first, so that x.sum(1) and gg::sum(x, 1)
// record the same node, naming the caller's line.
#include <gategrad/autograd/ops.hpp>

namespace gg {

Tensor Tensor::add(const Tensor& other, Where where) const { return gg::add(*this, other, where); }
Tensor Tensor::sub(const Tensor& other, Where where) const { return gg::sub(*this, other, where); }
Tensor Tensor::mul(const Tensor& other, Where where) const { return gg::mul(*this, other, where); }
Tensor Tensor::div(const Tensor& other, Where where) const { return gg::div(*this, other, where); }
Tensor Tensor::add(Scalar other, Where where) const { return gg::add(*this, other, where); }
Tensor Tensor::sub(Scalar other, Where where) const { return gg::sub(*this, other, where); }
Tensor Tensor::mul(Scalar other, Where where) const { return gg::mul(*this, other, where); }
Tensor Tensor::div(Scalar other, Where where) const { return gg::div(*this, other, where); }
Tensor Tensor::neg(Where where) const { return gg::neg(*this, where); }
Tensor Tensor::exp(Where where) const { return gg::exp(*this, where); }
Tensor Tensor::log(Where where) const { return gg::log(*this, where); }
Tensor Tensor::sqrt(Where where) const { return gg::sqrt(*this, where); }
Tensor Tensor::relu(Where where) const { return gg::relu(*this, where); }
Tensor Tensor::sigmoid(Where where) const { return gg::sigmoid(*this, where); }
Tensor Tensor::tanh(Where where) const { return gg::tanh(*this, where); }
Tensor Tensor::mm(const Tensor& other, Where where) const { return gg::mm(*this, other, where); }
Tensor Tensor::matmul(const Tensor& other, Where where) const { return gg::matmul(*this, other, where); }
Tensor Tensor::bmm(const Tensor& other, Where where) const { return gg::bmm(*this, other, where); }
Tensor Tensor::addmm(const Tensor& mat1, const Tensor& mat2, Scalar beta, Scalar alpha, Where where) const {
  return gg::addmm(*this, mat1, mat2, beta, alpha, where);
}
Tensor Tensor::baddbmm(const Tensor& batch1, const Tensor& batch2, Scalar beta, Scalar alpha, Where where) const {
  return gg::baddbmm(*this, batch1, batch2, beta, alpha, where);
}
Tensor Tensor::dot(const Tensor& other, Where where) const { return gg::dot(*this, other, where); }
Tensor Tensor::mv(const Tensor& vec, Where where) const { return gg::mv(*this, vec, where); }
Tensor Tensor::outer(const Tensor& other, Where where) const { return gg::outer(*this, other, where); }
Tensor Tensor::sum(Where where) const { return gg::sum(*this, where); }
Tensor Tensor::sum(IntArrayRef dims, bool keepdim, Where where) const { return gg::sum(*this, dims, keepdim, where); }
Tensor Tensor::mean(Where where) const { return gg::mean(*this, where); }
Tensor Tensor::mean(IntArrayRef dims, bool keepdim, Where where) const { return gg::mean(*this, dims, keepdim, where); }
Tensor Tensor::sum_to_size(IntArrayRef sizes, Where where) const { return gg::sum_to_size(*this, sizes, where); }
Tensor Tensor::prod(Where where) const { return gg::prod(*this, where); }
Tensor Tensor::prod(std::int64_t dim, bool keepdim, Where where) const { return gg::prod(*this, dim, keepdim, where); }
Tensor Tensor::cumsum(std::int64_t dim, Where where) const { return gg::cumsum(*this, dim, where); }
Tensor Tensor::max(Where where) const { return gg::max(*this, where); }
Tensor Tensor::min(Where where) const { return gg::min(*this, where); }
std::tuple<Tensor, Tensor> Tensor::max(std::int64_t dim, bool keepdim, Where where) const {
  return gg::max(*this, dim, keepdim, where);
}
std::tuple<Tensor, Tensor> Tensor::min(std::int64_t dim, bool keepdim, Where where) const {
  return gg::min(*this, dim, keepdim, where);
}
Tensor Tensor::amax(IntArrayRef dims, bool keepdim, Where where) const { return gg::amax(*this, dims, keepdim, where); }
Tensor Tensor::amin(IntArrayRef dims, bool keepdim, Where where) const { return gg::amin(*this, dims, keepdim, where); }
Tensor Tensor::argmax(std::optional<std::int64_t> dim, bool keepdim) const { return gg::argmax(*this, dim, keepdim); }
Tensor Tensor::argmin(std::optional<std::int64_t> dim, bool keepdim) const { return gg::argmin(*this, dim, keepdim); }
Tensor Tensor::var(bool unbiased, Where where) const { return gg::var(*this, unbiased, where); }
Tensor Tensor::var(IntArrayRef dims, bool unbiased, bool keepdim, Where where) const {
  return gg::var(*this, dims, unbiased, keepdim, where);
}
Tensor Tensor::std(bool unbiased, Where where) const { return gg::std(*this, unbiased, where); }
Tensor Tensor::std(IntArrayRef dims, bool unbiased, bool keepdim, Where where) const {
  return gg::std(*this, dims, unbiased, keepdim, where);
}
Tensor Tensor::logsumexp(IntArrayRef dims, bool keepdim, Where where) const {
  return gg::logsumexp(*this, dims, keepdim, where);
}
Tensor Tensor::softmax(std::int64_t dim, Where where) const { return gg::softmax(*this, dim, where); }
Tensor Tensor::log_softmax(std::int64_t dim, Where where) const { return gg::log_softmax(*this, dim, where); }
Tensor Tensor::gather(std::int64_t dim, const Tensor& index, Where where) const {
  return gg::gather(*this, dim, index, where);
}
Tensor Tensor::scatter(std::int64_t dim, const Tensor& index, const Tensor& src, Where where) const {
  return gg::scatter(*this, dim, index, src, where);
}
Tensor Tensor::scatter(std::int64_t dim, const Tensor& index, Scalar value, Where where) const {
  return gg::scatter(*this, dim, index, value, where);
}
Tensor Tensor::scatter_add(std::int64_t dim, const Tensor& index, const Tensor& src, Where where) const {
  return gg::scatter_add(*this, dim, index, src, where);
}
Tensor Tensor::index_select(std::int64_t dim, const Tensor& index, Where where) const {
  return gg::index_select(*this, dim, index, where);
}
Tensor Tensor::index_add(std::int64_t dim, const Tensor& index, const Tensor& source, Scalar alpha,
                         Where where) const {
  return gg::index_add(*this, dim, index, source, alpha, where);
}
std::tuple<Tensor, Tensor> Tensor::sort(std::int64_t dim, bool descending, Where where) const {
  return gg::sort(*this, dim, descending, where);
}
std::tuple<Tensor, Tensor> Tensor::topk(std::int64_t k, std::int64_t dim, bool largest, bool sorted,
                                        Where where) const {
  return gg::topk(*this, k, dim, largest, sorted, where);
}

Tensor Tensor::abs(Where where) const { return gg::abs(*this, where); }
Tensor Tensor::sign(Where where) const { return gg::sign(*this, where); }
Tensor Tensor::rsqrt(Where where) const { return gg::rsqrt(*this, where); }
Tensor Tensor::sin(Where where) const { return gg::sin(*this, where); }
Tensor Tensor::cos(Where where) const { return gg::cos(*this, where); }
Tensor Tensor::log1p(Where where) const { return gg::log1p(*this, where); }
Tensor Tensor::expm1(Where where) const { return gg::expm1(*this, where); }
Tensor Tensor::erf(Where where) const { return gg::erf(*this, where); }
Tensor Tensor::square(Where where) const { return gg::mul(*this, *this, where); }
Tensor Tensor::pow(Scalar exponent, Where where) const { return gg::pow(*this, exponent, where); }
Tensor Tensor::pow(const Tensor& exponent, Where where) const { return gg::pow(*this, exponent, where); }
Tensor Tensor::clamp(std::optional<Scalar> min, std::optional<Scalar> max, Where where) const {
  return gg::clamp(*this, min, max, where);
}
Tensor Tensor::clamp_min(Scalar min, Where where) const { return gg::clamp_min(*this, min, where); }
Tensor Tensor::clamp_max(Scalar max, Where where) const { return gg::clamp_max(*this, max, where); }
Tensor Tensor::maximum(const Tensor& other, Where where) const { return gg::maximum(*this, other, where); }
Tensor Tensor::minimum(const Tensor& other, Where where) const { return gg::minimum(*this, other, where); }
Tensor Tensor::masked_fill(const Tensor& mask, Scalar value, Where where) const {
  return gg::masked_fill(*this, mask, value, where);
}
Tensor Tensor::masked_fill(const Tensor& mask, const Tensor& value, Where where) const {
  return gg::masked_fill(*this, mask, value, where);
}
Tensor Tensor::where(const Tensor& condition, const Tensor& other, Where location) const {
  return gg::where(condition, *this, other, location);
}
Tensor Tensor::norm(Scalar p, Where where) const { return gg::norm(*this, p, where); }
Tensor Tensor::norm(std::optional<Scalar> p, IntArrayRef dims, bool keepdim, Where where) const {
  return gg::norm(*this, p, dims, keepdim, where);
}
Tensor Tensor::eq(const Tensor& other) const { return gg::eq(*this, other); }
Tensor Tensor::ne(const Tensor& other) const { return gg::ne(*this, other); }
Tensor Tensor::lt(const Tensor& other) const { return gg::lt(*this, other); }
Tensor Tensor::le(const Tensor& other) const { return gg::le(*this, other); }
Tensor Tensor::gt(const Tensor& other) const { return gg::gt(*this, other); }
Tensor Tensor::ge(const Tensor& other) const { return gg::ge(*this, other); }
Tensor Tensor::eq(Scalar other) const { return gg::eq(*this, other); }
Tensor Tensor::ne(Scalar other) const { return gg::ne(*this, other); }
Tensor Tensor::lt(Scalar other) const { return gg::lt(*this, other); }
Tensor Tensor::le(Scalar other) const { return gg::le(*this, other); }
Tensor Tensor::gt(Scalar other) const { return gg::gt(*this, other); }
Tensor Tensor::ge(Scalar other) const { return gg::ge(*this, other); }
Tensor Tensor::logical_and(const Tensor& other) const { return gg::logical_and(*this, other); }
Tensor Tensor::logical_or(const Tensor& other) const { return gg::logical_or(*this, other); }
Tensor Tensor::logical_xor(const Tensor& other) const { return gg::logical_xor(*this, other); }
Tensor Tensor::logical_not() const { return gg::logical_not(*this); }
Tensor Tensor::all() const { return gg::all(*this); }
Tensor Tensor::all(std::int64_t dim, bool keepdim) const { return gg::all(*this, dim, keepdim); }
Tensor Tensor::any() const { return gg::any(*this); }
Tensor Tensor::any(std::int64_t dim, bool keepdim) const { return gg::any(*this, dim, keepdim); }
Tensor Tensor::isnan() const { return gg::isnan(*this); }
Tensor Tensor::isinf() const { return gg::isinf(*this); }
Tensor Tensor::isfinite() const { return gg::isfinite(*this); }

}  // namespace gg
