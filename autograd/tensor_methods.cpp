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

}  // namespace gg
