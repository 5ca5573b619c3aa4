#pragma once
// Elementwise operations with NumPy broadcasting, vectorized with xsimd.
//
// Binary ops broadcast their operands (dimensions aligned from the right must match or be 1)
// and throw ShapeError naming the op and both shapes otherwise. Every op returns a new tensor,
// except the trailing-underscore forms, which update their first argument in place.
#include <gategrad/tensor/tensor.hpp>

namespace gg {

// --- unary -----------------------------------------------------------------------------
template <class T> Tensor<T> neg(const Tensor<T>& x);
template <class T> Tensor<T> exp(const Tensor<T>& x);
template <class T> Tensor<T> log(const Tensor<T>& x);
template <class T> Tensor<T> sqrt(const Tensor<T>& x);
template <class T> Tensor<T> square(const Tensor<T>& x);
template <class T> Tensor<T> relu(const Tensor<T>& x);
template <class T> Tensor<T> sigmoid(const Tensor<T>& x);
template <class T> Tensor<T> tanh(const Tensor<T>& x);

// --- binary, broadcasting ---------------------------------------------------------------
template <class T> Tensor<T> add(const Tensor<T>& a, const Tensor<T>& b);
template <class T> Tensor<T> sub(const Tensor<T>& a, const Tensor<T>& b);
template <class T> Tensor<T> mul(const Tensor<T>& a, const Tensor<T>& b);
template <class T> Tensor<T> div(const Tensor<T>& a, const Tensor<T>& b);
template <class T> Tensor<T> maximum(const Tensor<T>& a, const Tensor<T>& b);

// With a scalar on either side (no temporary tensor is made for the scalar).
template <class T> Tensor<T> add(const Tensor<T>& a, T b);
template <class T> Tensor<T> sub(const Tensor<T>& a, T b);
template <class T> Tensor<T> sub(T a, const Tensor<T>& b);
template <class T> Tensor<T> mul(const Tensor<T>& a, T b);
template <class T> Tensor<T> div(const Tensor<T>& a, T b);
template <class T> Tensor<T> div(T a, const Tensor<T>& b);
template <class T> Tensor<T> maximum(const Tensor<T>& a, T b);

// In place: a op= b, where b must broadcast to a's shape (a's shape never changes).
template <class T> Tensor<T>& add_(Tensor<T>& a, const Tensor<T>& b);
template <class T> Tensor<T>& sub_(Tensor<T>& a, const Tensor<T>& b);
template <class T> Tensor<T>& mul_(Tensor<T>& a, const Tensor<T>& b);
template <class T> Tensor<T>& div_(Tensor<T>& a, const Tensor<T>& b);
template <class T> Tensor<T>& mul_(Tensor<T>& a, T b);

// y += alpha * x (same shapes): the scaled add of optimizer updates.
template <class T> void axpy_(T alpha, const Tensor<T>& x, Tensor<T>& y);

// --- the pieces an MLP step uses ---------------------------------------------------------
// Softmax over the last axis, computed stably (the row maximum is subtracted first).
template <class T> Tensor<T> softmax(const Tensor<T>& x);
// log(softmax(x)) over the last axis, stably: x - max - log(sum(exp(x - max))).
template <class T> Tensor<T> log_softmax(const Tensor<T>& x);
// ReLU backward from its output: dx = dy where y > 0, else 0 (y and dy of the same shape).
template <class T> Tensor<T> relu_backward(const Tensor<T>& y, const Tensor<T>& dy);

// --- operators ------------------------------------------------------------------------
template <class T> Tensor<T> operator-(const Tensor<T>& x) { return neg(x); }
template <class T> Tensor<T> operator+(const Tensor<T>& a, const Tensor<T>& b) { return add(a, b); }
template <class T> Tensor<T> operator-(const Tensor<T>& a, const Tensor<T>& b) { return sub(a, b); }
template <class T> Tensor<T> operator*(const Tensor<T>& a, const Tensor<T>& b) { return mul(a, b); }
template <class T> Tensor<T> operator/(const Tensor<T>& a, const Tensor<T>& b) { return div(a, b); }
template <class T> Tensor<T> operator+(const Tensor<T>& a, std::type_identity_t<T> b) { return add(a, b); }
template <class T> Tensor<T> operator+(std::type_identity_t<T> a, const Tensor<T>& b) { return add(b, a); }
template <class T> Tensor<T> operator-(const Tensor<T>& a, std::type_identity_t<T> b) { return sub(a, b); }
template <class T> Tensor<T> operator-(std::type_identity_t<T> a, const Tensor<T>& b) { return sub(a, b); }
template <class T> Tensor<T> operator*(const Tensor<T>& a, std::type_identity_t<T> b) { return mul(a, b); }
template <class T> Tensor<T> operator*(std::type_identity_t<T> a, const Tensor<T>& b) { return mul(b, a); }
template <class T> Tensor<T> operator/(const Tensor<T>& a, std::type_identity_t<T> b) { return div(a, b); }
template <class T> Tensor<T> operator/(std::type_identity_t<T> a, const Tensor<T>& b) { return div(a, b); }
template <class T> Tensor<T>& operator+=(Tensor<T>& a, const Tensor<T>& b) { return add_(a, b); }
template <class T> Tensor<T>& operator-=(Tensor<T>& a, const Tensor<T>& b) { return sub_(a, b); }
template <class T> Tensor<T>& operator*=(Tensor<T>& a, const Tensor<T>& b) { return mul_(a, b); }
template <class T> Tensor<T>& operator/=(Tensor<T>& a, const Tensor<T>& b) { return div_(a, b); }
template <class T> Tensor<T>& operator*=(Tensor<T>& a, std::type_identity_t<T> b) { return mul_(a, b); }

}  // namespace gg
