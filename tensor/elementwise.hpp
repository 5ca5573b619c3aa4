#pragma once
// Elementwise operations with NumPy broadcasting, vectorized with xsimd.
//
// Binary ops broadcast their operands (dimensions aligned from the right must match or be 1)
// and throw ShapeError naming the op and both shapes otherwise. Every op returns a new tensor,
// except the trailing-underscore forms, which update their first argument in place.
#include <gategrad/tensor/array.hpp>

namespace gg {

// --- unary -----------------------------------------------------------------------------
template <class T> Array<T> neg(const Array<T>& x);
template <class T> Array<T> exp(const Array<T>& x);
template <class T> Array<T> log(const Array<T>& x);
template <class T> Array<T> sqrt(const Array<T>& x);
template <class T> Array<T> square(const Array<T>& x);
template <class T> Array<T> relu(const Array<T>& x);
template <class T> Array<T> sigmoid(const Array<T>& x);
template <class T> Array<T> tanh(const Array<T>& x);

// --- binary, broadcasting ---------------------------------------------------------------
template <class T> Array<T> add(const Array<T>& a, const Array<T>& b);
template <class T> Array<T> sub(const Array<T>& a, const Array<T>& b);
template <class T> Array<T> mul(const Array<T>& a, const Array<T>& b);
template <class T> Array<T> div(const Array<T>& a, const Array<T>& b);
template <class T> Array<T> maximum(const Array<T>& a, const Array<T>& b);

// With a scalar on either side (no temporary tensor is made for the scalar).
template <class T> Array<T> add(const Array<T>& a, T b);
template <class T> Array<T> sub(const Array<T>& a, T b);
template <class T> Array<T> sub(T a, const Array<T>& b);
template <class T> Array<T> mul(const Array<T>& a, T b);
template <class T> Array<T> div(const Array<T>& a, T b);
template <class T> Array<T> div(T a, const Array<T>& b);
template <class T> Array<T> maximum(const Array<T>& a, T b);

// In place: a op= b, where b must broadcast to a's shape (a's shape never changes).
template <class T> Array<T>& add_(Array<T>& a, const Array<T>& b);
template <class T> Array<T>& sub_(Array<T>& a, const Array<T>& b);
template <class T> Array<T>& mul_(Array<T>& a, const Array<T>& b);
template <class T> Array<T>& div_(Array<T>& a, const Array<T>& b);
template <class T> Array<T>& mul_(Array<T>& a, T b);

// y += alpha * x (same shapes): the scaled add of optimizer updates.
template <class T> void axpy_(T alpha, const Array<T>& x, Array<T>& y);

// --- the pieces an MLP step uses ---------------------------------------------------------
// Softmax over the last axis, computed stably (the row maximum is subtracted first).
template <class T> Array<T> softmax(const Array<T>& x);
// log(softmax(x)) over the last axis, stably: x - max - log(sum(exp(x - max))).
template <class T> Array<T> log_softmax(const Array<T>& x);
// ReLU backward from its output: dx = dy where y > 0, else 0 (y and dy of the same shape).
template <class T> Array<T> relu_backward(const Array<T>& y, const Array<T>& dy);

// --- operators ------------------------------------------------------------------------
template <class T> Array<T> operator-(const Array<T>& x) { return neg(x); }
template <class T> Array<T> operator+(const Array<T>& a, const Array<T>& b) { return add(a, b); }
template <class T> Array<T> operator-(const Array<T>& a, const Array<T>& b) { return sub(a, b); }
template <class T> Array<T> operator*(const Array<T>& a, const Array<T>& b) { return mul(a, b); }
template <class T> Array<T> operator/(const Array<T>& a, const Array<T>& b) { return div(a, b); }
template <class T> Array<T> operator+(const Array<T>& a, std::type_identity_t<T> b) { return add(a, b); }
template <class T> Array<T> operator+(std::type_identity_t<T> a, const Array<T>& b) { return add(b, a); }
template <class T> Array<T> operator-(const Array<T>& a, std::type_identity_t<T> b) { return sub(a, b); }
template <class T> Array<T> operator-(std::type_identity_t<T> a, const Array<T>& b) { return sub(a, b); }
template <class T> Array<T> operator*(const Array<T>& a, std::type_identity_t<T> b) { return mul(a, b); }
template <class T> Array<T> operator*(std::type_identity_t<T> a, const Array<T>& b) { return mul(b, a); }
template <class T> Array<T> operator/(const Array<T>& a, std::type_identity_t<T> b) { return div(a, b); }
template <class T> Array<T> operator/(std::type_identity_t<T> a, const Array<T>& b) { return div(a, b); }
template <class T> Array<T>& operator+=(Array<T>& a, const Array<T>& b) { return add_(a, b); }
template <class T> Array<T>& operator-=(Array<T>& a, const Array<T>& b) { return sub_(a, b); }
template <class T> Array<T>& operator*=(Array<T>& a, const Array<T>& b) { return mul_(a, b); }
template <class T> Array<T>& operator/=(Array<T>& a, const Array<T>& b) { return div_(a, b); }
template <class T> Array<T>& operator*=(Array<T>& a, std::type_identity_t<T> b) { return mul_(a, b); }

}  // namespace gg
