#pragma once
// Operations on Variables. Each records one gate (autograd/gates/, forward beside backward)
// when an input requires a gradient and grad mode is on; `where` is filled in by the compiler
// and names the calling line in anomaly reports and graph dumps.
#include <gategrad/autograd/source_location.hpp>
#include <gategrad/autograd/variable.hpp>
#include <gategrad/tensor/gemm.hpp>
#include <gategrad/tensor/random.hpp>

#include <cstdint>
#include <span>
#include <vector>

namespace gg {

// MulGate: op(a):(M,K) x op(b):(K,N) -> (M,N).
template <class T>
Variable<T> matmul(const Variable<T>& a, const Variable<T>& b, Trans trans_a = Trans::No,
                   Trans trans_b = Trans::No, Where where = Where::current());

// Broadcasting arithmetic (NumPy rules); gradients are summed back to each input's shape.
template <class T> Variable<T> add(const Variable<T>& a, const Variable<T>& b, Where where = Where::current());
template <class T> Variable<T> sub(const Variable<T>& a, const Variable<T>& b, Where where = Where::current());
template <class T> Variable<T> mul(const Variable<T>& a, const Variable<T>& b, Where where = Where::current());
template <class T> Variable<T> div(const Variable<T>& a, const Variable<T>& b, Where where = Where::current());
template <class T> Variable<T> neg(const Variable<T>& x, Where where = Where::current());

template <class T> Variable<T> relu(const Variable<T>& x, Where where = Where::current());
template <class T> Variable<T> sigmoid(const Variable<T>& x, Where where = Where::current());
template <class T> Variable<T> tanh(const Variable<T>& x, Where where = Where::current());
template <class T> Variable<T> exp(const Variable<T>& x, Where where = Where::current());
template <class T> Variable<T> log(const Variable<T>& x, Where where = Where::current());

// Sum or mean of every element (rank-0 result), or over one axis.
template <class T> Variable<T> sum(const Variable<T>& x, Where where = Where::current());
template <class T> Variable<T> sum(const Variable<T>& x, std::ptrdiff_t axis, bool keepdims = false, Where where = Where::current());
template <class T> Variable<T> mean(const Variable<T>& x, Where where = Where::current());
template <class T> Variable<T> mean(const Variable<T>& x, std::ptrdiff_t axis, bool keepdims = false, Where where = Where::current());

template <class T> Variable<T> reshape(const Variable<T>& x, const Shape& shape, Where where = Where::current());
template <class T> Variable<T> transpose(const Variable<T>& x, Where where = Where::current());

// Inverted dropout: zeroes each element with probability p and scales the rest by 1/(1-p), so
// the expected value is unchanged; the identity when !training or p == 0. Throws
// std::invalid_argument unless 0 <= p <= 1.
template <class T>
Variable<T> dropout(const Variable<T>& x, double p, Generator& gen, bool training = true,
                    Where where = Where::current());

// lambda * sum(W^2): the L2 penalty of the homework's regularised loss.
template <class T> Variable<T> l2_penalty(const Variable<T>& w, double lambda, Where where = Where::current());

// Mean softmax cross-entropy of logits (N,C) against integer labels in [0, C), fused and stable:
// its gradient is (softmax(z) - onehot(y)) / N. Throws ShapeError / std::out_of_range naming the
// first bad label.
template <class T>
Variable<T> cross_entropy(const Variable<T>& logits, std::span<const std::int64_t> labels,
                          Where where = Where::current());

// Operators.
template <class T> Variable<T> operator+(const Variable<T>& a, const Variable<T>& b) { return add(a, b); }
template <class T> Variable<T> operator-(const Variable<T>& a, const Variable<T>& b) { return sub(a, b); }
template <class T> Variable<T> operator*(const Variable<T>& a, const Variable<T>& b) { return mul(a, b); }
template <class T> Variable<T> operator/(const Variable<T>& a, const Variable<T>& b) { return div(a, b); }
template <class T> Variable<T> operator-(const Variable<T>& x) { return neg(x); }
template <class T> Variable<T> operator+(const Variable<T>& a, std::type_identity_t<T> b) { return add(a, Variable<T>(Array<T>::scalar(b))); }
template <class T> Variable<T> operator+(std::type_identity_t<T> a, const Variable<T>& b) { return add(Variable<T>(Array<T>::scalar(a)), b); }
template <class T> Variable<T> operator-(const Variable<T>& a, std::type_identity_t<T> b) { return sub(a, Variable<T>(Array<T>::scalar(b))); }
template <class T> Variable<T> operator-(std::type_identity_t<T> a, const Variable<T>& b) { return sub(Variable<T>(Array<T>::scalar(a)), b); }
template <class T> Variable<T> operator*(const Variable<T>& a, std::type_identity_t<T> b) { return mul(a, Variable<T>(Array<T>::scalar(b))); }
template <class T> Variable<T> operator*(std::type_identity_t<T> a, const Variable<T>& b) { return mul(Variable<T>(Array<T>::scalar(a)), b); }
template <class T> Variable<T> operator/(const Variable<T>& a, std::type_identity_t<T> b) { return div(a, Variable<T>(Array<T>::scalar(b))); }
template <class T> Variable<T> operator/(std::type_identity_t<T> a, const Variable<T>& b) { return div(Variable<T>(Array<T>::scalar(a)), b); }

}  // namespace gg
