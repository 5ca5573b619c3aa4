// In-place ops on gg::Tensor (declared in tensor/tensor.hpp): add_, mul_, clamp_, fill_,
// copy_, ... recorded by autograd where PyTorch records them.
//
// With no gradient to record (grad mode off, or nothing involved requires grad) each runs the
// native kernel in place. Otherwise the op is recorded as PyTorch records it: the result is
// computed by the differentiable out-of-place op (its node's inputs are the tensor's history
// before the change), written into the tensor's memory, and the node becomes the tensor's
// grad_fn. A formula that reads the old value (mul_ for the other operand's gradient, clamp_,
// pow_, ...) gets a recorded clone of it, as PyTorch saves `original_self`.
//
// Refused, as PyTorch refuses or as gategrad cannot record yet (docs/PORTING.md):
//   - a leaf that requires grad, while grad mode is on (change it under gg::NoGradGuard);
//   - a view (narrow, select, transpose, ...) when a gradient would be recorded: PyTorch then
//     rebases the view's base (CopySlices), which gategrad does not do.
#include <gategrad/autograd/autograd_meta.hpp>
#include <gategrad/autograd/grad_mode.hpp>
#include <gategrad/autograd/graph.hpp>
#include <gategrad/autograd/ops.hpp>
#include <gategrad/autograd/recording.hpp>
#include <gategrad/tensor/factory.hpp>
#include <gategrad/tensor/native.hpp>
#include <gategrad/tensor/shape.hpp>

#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <stdexcept>
#include <string>

namespace gg {
namespace {

std::string sizes_of(const Tensor& t) { return to_string(t.sizes()); }

// Whether `op` on self must be recorded; throws for what cannot be.
bool must_record(const char* op, const Tensor& self, std::initializer_list<const Tensor*> operands) {
  if (!self.defined()) {
    throw std::logic_error(std::string(op) + ": the tensor is undefined (default-constructed)");
  }
  if (!is_grad_enabled()) return false;
  const bool self_requires = autograd::requires_grad(self);
  bool any = self_requires;
  for (const Tensor* t : operands) any = any || autograd::requires_grad(*t);
  if (!any) return false;
  if (self_requires && self.is_leaf()) {
    throw std::logic_error(std::string(op) + ": got a leaf tensor of sizes " + sizes_of(self) +
                           " that requires grad, changed in place while grad mode is on; "
                           "change it inside a gg::NoGradGuard (as an optimizer step does), "
                           "or change a clone() of it");
  }
  if (self.unsafe_impl()->is_view) {
    throw std::logic_error(std::string(op) + ": got a view (sizes " + sizes_of(self) +
                           ", strides " + to_string(self.strides()) +
                           ") of another tensor's memory, and the op would record a gradient; "
                           "gategrad records in-place ops on whole tensors only: compute the "
                           "result out of place, or write into the base with index_put_");
  }
  if (!self.is_floating_point()) {
    throw std::invalid_argument(std::string(op) + ": the result would require grad, expected a "
                                "floating tensor, got " + gg::name(self.dtype()));
  }
  return true;
}

// The value self held before the op, for a formula that reads it: a recorded clone when the
// op's node would save it, so that writing into self leaves the saved copy intact.
Tensor old_value(const Tensor& self, bool read, const Where& where) {
  return read ? gg::clone(self, where) : self;
}

// An operand that shares self's memory (x.mul_(x)) is saved as a copy, for the same reason.
Tensor operand(const Tensor& self, const Tensor& other, const Where& where) {
  return other.defined() && other.storage() == self.storage() ? gg::clone(other, where) : other;
}

// The recorded in-place op: self takes r's values and r's node as its history.
const Tensor& rebase(const char* op, const Tensor& self, Tensor r, const Where& where) {
  if (r.sizes() != self.sizes()) {
    throw ShapeError(std::string(op) + ": output with sizes " + sizes_of(self) +
                     " doesn't match the broadcast sizes " + sizes_of(r) +
                     " (an in-place op cannot grow its tensor)");
  }
  if (r.dtype() != self.dtype()) r = gg::to(r, self.dtype(), where);
  native::copy_(self, r);  // bumps the version: nodes that saved the old value refuse to run
  AutogradMeta& m = autograd::meta_of(self);
  std::shared_ptr<autograd::Node> old_fn = std::move(m.grad_fn);
  m.grad_fn = autograd::meta_if(r)->grad_fn;
  m.requires_grad = true;
  // retain_grad() keeps the gradient of the tensor's newest version, as PyTorch's.
  if (m.retains_grad && old_fn != nullptr && old_fn->retain) m.grad_fn->retain = std::move(old_fn->retain);
  return self;
}

// A number as a rank-0 operand of the native in-place kernels, which take a float64 number
// into a float32 tensor as float32 (a rank-0 operand does not promote within its category).
Tensor number(Scalar v) {
  return scalar_tensor(v, v.is_floating_point() ? Dtype::Float64 : v.dtype());
}

Scalar negated(Scalar v) {
  return v.is_floating_point() ? Scalar(-v.to<double>()) : Scalar(-v.to<std::int64_t>());
}

bool is_one(Scalar alpha) { return !alpha.is_bool() && alpha.to<double>() == 1.0; }

// Runs a unary op in place: natively (the kernel's result copied in) or recorded.
template <class Op>
const Tensor& unary(const char* op, const Tensor& self, bool reads_self, const Where& where, Op f) {
  if (!must_record(op, self, {})) {
    Tensor r = f(self);
    if (r.is_floating_point() && !self.is_floating_point()) {
      throw std::invalid_argument(std::string(op) + ": result type " + gg::name(r.dtype()) +
                                  " can't be cast to the tensor's " + gg::name(self.dtype()) +
                                  " (an in-place op keeps its tensor's dtype)");
    }
    native::copy_(self, r);
    return self;
  }
  return rebase(op, self, f(old_value(self, reads_self, where)), where);
}

// fill_ and copy_ over a tensor with history: the old value's gradient is zero.
struct FillGate final : autograd::Node {
  static constexpr const char* kName = "FillGate";
  void backward(const Tensor& dout, std::span<Tensor> din) override { din[0] = zeros_like(dout); }
  void release() override {}
};

// d(self) = 0; d(src) = the gradient summed to src's sizes (src broadcasts) in src's dtype.
struct CopyGate final : autograd::Node {
  static constexpr const char* kName = "CopyGate";
  void backward(const Tensor& dout, std::span<Tensor> din) override {
    if (needs_grad(0)) din[0] = zeros_like(dout);
    if (needs_grad(1)) din[1] = gg::sum_to_size(gg::to(dout, edges[1].dtype), IntArrayRef(edges[1].sizes));
  }
  void release() override {}
};

void record_fill(const Tensor& self, Scalar value) {
  if (!must_record("fill_", self, {})) return native::fill_(self, value);
  Tensor r = full_like(self, value);
  rebase("fill_", self, autograd::record<FillGate>(r, {&self}, Where::current()), Where::current());
}

void record_copy(const Tensor& self, const Tensor& src) {
  if (!must_record("copy_", self, {&src})) return native::copy_(self, src);
  Tensor r = empty_like(self);
  native::copy_(r, src);  // checks the sizes, broadcasts and converts
  rebase("copy_", self, autograd::record<CopyGate>(r, {&self, &src}, Where::current()), Where::current());
}

[[maybe_unused]] const bool hooks_installed = [] {
  detail::set_inplace_hooks({&record_fill, &record_copy});
  return true;
}();

}  // namespace

namespace autograd::detail {
// Referenced from tensor_autograd.cpp, so that this file (and its hooks) is always linked.
bool inplace_hooks_installed() { return hooks_installed; }
}  // namespace autograd::detail

const Tensor& Tensor::add_(const Tensor& other, Scalar alpha, Where where) const {
  if (!must_record("add_", *this, {&other})) {
    if (is_one(alpha)) native::add_(*this, other);
    else native::add_(*this, other, alpha);
    return *this;
  }
  const Tensor o = operand(*this, other, where);
  return rebase("add_", *this, gg::add(*this, is_one(alpha) ? o : gg::mul(o, alpha, where), where), where);
}

const Tensor& Tensor::add_(Scalar other, Scalar alpha, Where where) const {
  if (!is_one(alpha)) return add_(number(other).mul(alpha, where), 1, where);
  if (!must_record("add_", *this, {})) {
    native::add_(*this, number(other));
    return *this;
  }
  return rebase("add_", *this, gg::add(*this, other, where), where);
}

const Tensor& Tensor::sub_(const Tensor& other, Scalar alpha, Where where) const {
  if (!must_record("sub_", *this, {&other})) {
    if (is_one(alpha)) native::sub_(*this, other);
    else native::add_(*this, other, negated(alpha));
    return *this;
  }
  const Tensor o = operand(*this, other, where);
  return rebase("sub_", *this, gg::sub(*this, is_one(alpha) ? o : gg::mul(o, alpha, where), where), where);
}

const Tensor& Tensor::sub_(Scalar other, Scalar alpha, Where where) const {
  if (!is_one(alpha)) return sub_(number(other).mul(alpha, where), 1, where);
  if (!must_record("sub_", *this, {})) {
    native::sub_(*this, number(other));
    return *this;
  }
  return rebase("sub_", *this, gg::sub(*this, other, where), where);
}

const Tensor& Tensor::mul_(const Tensor& other, Where where) const {
  if (!must_record("mul_", *this, {&other})) {
    native::mul_(*this, other);
    return *this;
  }
  const Tensor a = old_value(*this, autograd::requires_grad(other), where);
  return rebase("mul_", *this, gg::mul(a, operand(*this, other, where), where), where);
}

const Tensor& Tensor::mul_(Scalar other, Where where) const {
  if (!must_record("mul_", *this, {})) {
    native::mul_(*this, other);
    return *this;
  }
  return rebase("mul_", *this, gg::mul(*this, other, where), where);
}

const Tensor& Tensor::div_(const Tensor& other, Where where) const {
  if (!must_record("div_", *this, {&other})) {
    native::div_(*this, other);
    return *this;
  }
  // DivGate saves the divisor and the quotient, never the dividend.
  return rebase("div_", *this, gg::div(*this, operand(*this, other, where), where), where);
}

const Tensor& Tensor::div_(Scalar other, Where where) const {
  if (!must_record("div_", *this, {})) {
    native::div_(*this, number(other));
    return *this;
  }
  return rebase("div_", *this, gg::div(*this, other, where), where);
}

const Tensor& Tensor::pow_(Scalar exponent, Where where) const {
  return unary("pow_", *this, true, where, [&](const Tensor& x) { return gg::pow(x, exponent, where); });
}

const Tensor& Tensor::clamp_(std::optional<Scalar> min, std::optional<Scalar> max, Where where) const {
  return unary("clamp_", *this, true, where, [&](const Tensor& x) { return gg::clamp(x, min, max, where); });
}

const Tensor& Tensor::clamp_min_(Scalar min, Where where) const { return clamp_(min, std::nullopt, where); }
const Tensor& Tensor::clamp_max_(Scalar max, Where where) const { return clamp_(std::nullopt, max, where); }

const Tensor& Tensor::masked_fill_(const Tensor& mask, Scalar value, Where where) const {
  return unary("masked_fill_", *this, false, where,
               [&](const Tensor& x) { return gg::masked_fill(x, mask, value, where); });
}

const Tensor& Tensor::neg_(Where where) const {
  return unary("neg_", *this, false, where, [&](const Tensor& x) { return gg::neg(x, where); });
}
const Tensor& Tensor::abs_(Where where) const {
  return unary("abs_", *this, true, where, [&](const Tensor& x) { return gg::abs(x, where); });
}
const Tensor& Tensor::log_(Where where) const {
  return unary("log_", *this, true, where, [&](const Tensor& x) { return gg::log(x, where); });
}
// exp, sqrt, relu, sigmoid and tanh save their output, not their input.
const Tensor& Tensor::exp_(Where where) const {
  return unary("exp_", *this, false, where, [&](const Tensor& x) { return gg::exp(x, where); });
}
const Tensor& Tensor::sqrt_(Where where) const {
  return unary("sqrt_", *this, false, where, [&](const Tensor& x) { return gg::sqrt(x, where); });
}
const Tensor& Tensor::relu_(Where where) const {
  return unary("relu_", *this, false, where, [&](const Tensor& x) { return gg::relu(x, where); });
}
const Tensor& Tensor::sigmoid_(Where where) const {
  return unary("sigmoid_", *this, false, where, [&](const Tensor& x) { return gg::sigmoid(x, where); });
}
const Tensor& Tensor::tanh_(Where where) const {
  return unary("tanh_", *this, false, where, [&](const Tensor& x) { return gg::tanh(x, where); });
}

const Tensor& Tensor::index_put_(std::span<const indexing::TensorIndex> indices, const Tensor& values,
                                 bool accumulate, Where where) const {
  if (!must_record("index_put_", *this, {&values})) {
    const bool basic = std::none_of(indices.begin(), indices.end(),
                                    [](const indexing::TensorIndex& i) { return i.is_tensor(); });
    if (basic && !accumulate) {  // the part is a view: write through it
      Tensor part;
      {
        NoGradGuard no_grad;
        part = gg::index(*this, indices, where);
      }
      native::copy_(part, values);
      return *this;
    }
    Tensor r;
    {
      NoGradGuard no_grad;
      r = gg::index_put(*this, indices, values, accumulate, where);
    }
    native::copy_(*this, r);
    return *this;
  }
  return rebase("index_put_", *this, gg::index_put(*this, indices, operand(*this, values, where), accumulate, where),
                where);
}

const Tensor& Tensor::index_put_(std::initializer_list<indexing::TensorIndex> indices, const Tensor& values,
                                 Where where) const {
  return index_put_(std::span<const indexing::TensorIndex>(indices.begin(), indices.size()), values, false, where);
}

const Tensor& Tensor::index_put_(std::initializer_list<indexing::TensorIndex> indices, const Tensor& values,
                                 bool accumulate, Where where) const {
  return index_put_(std::span<const indexing::TensorIndex>(indices.begin(), indices.size()), values, accumulate,
                    where);
}

const Tensor& Tensor::index_put_(std::initializer_list<indexing::TensorIndex> indices, Scalar value,
                                 Where where) const {
  return index_put_(indices, number(value).to(dtype()), where);
}

}  // namespace gg
