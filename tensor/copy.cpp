// Copies and dtype conversions (contiguous, clone, to, copy_, fill_), all on the strided loop.
//
// Each element converts by gg::convert (tensor/dtype.hpp): static_cast except where that is
// undefined (NaN or out-of-range float -> int64) or PyTorch differs.
#include <gategrad/tensor/detail/simd.hpp>
#include <gategrad/tensor/detail/strided_loop.hpp>
#include <gategrad/tensor/factory.hpp>
#include <gategrad/tensor/native.hpp>
#include <gategrad/tensor/shape.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <sstream>
#include <string>
#include <type_traits>

namespace gg::native {
namespace {

// The conversions xsimd 8 does in vector registers on this target: batch_cast needs the same
// lane count on both sides, and has a vector instruction (or a short exact emulation) only
// for these. float <-> double change the lane count; the plain loop below compiles to
// vcvtps2pd / vcvtpd2ps for those anyway. (double -> int64 with AVX-512DQ gives INT64_MIN for
// NaN and out-of-range values, as convert() does.)
template <class From, class To>
inline constexpr bool kVectorCast =
    (std::is_same_v<From, std::int64_t> && std::is_same_v<To, double>)
#if XSIMD_WITH_AVX512DQ
    || (std::is_same_v<From, double> && std::is_same_v<To, std::int64_t>)
#endif
    ;

// out[i * out_step] = convert(in[i * in_step]) for i < n: one run of the strided loop.
template <class To, class From>
void convert_run(const From* in, std::int64_t in_step, To* out, std::int64_t out_step,
                 std::int64_t n) {
  if (in_step == 1 && out_step == 1) {
    const auto count = static_cast<std::size_t>(n);
    if constexpr (std::is_same_v<To, From>) {
      std::memcpy(out, in, count * sizeof(To));
    } else if constexpr (kVectorCast<From, To>) {
      constexpr std::size_t L = detail::kLanes<From>;
      std::size_t i = 0;
      for (; i + L <= count; i += L) {
        xsimd::batch_cast<To>(detail::Batch<From>::load_unaligned(in + i)).store_unaligned(out + i);
      }
      for (; i < count; ++i) out[i] = convert<To>(in[i]);
    } else {
      for (std::size_t i = 0; i < count; ++i) out[i] = convert<To>(in[i]);
    }
    return;
  }
  if (in_step == 0) {
    const To value = convert<To>(*in);
    for (std::int64_t i = 0; i < n; ++i) out[i * out_step] = value;
    return;
  }
  for (std::int64_t i = 0; i < n; ++i) out[i * out_step] = convert<To>(in[i * in_step]);
}

// dst = src converted, src broadcast to dst's sizes; no checks, no version bump.
void copy_values(const Tensor& dst, const Tensor& src) {
  if (dst.numel() == 0) return;
  // x.copy_(x): nothing to move (and memcpy onto itself would be undefined).
  if (dst.data_ptr() == src.data_ptr() && dst.dtype() == src.dtype() &&
      dst.sizes() == src.sizes() && dst.strides() == src.strides()) {
    return;
  }
  if (dst.dtype() == src.dtype() && dst.sizes() == src.sizes() && dst.is_contiguous() &&
      src.is_contiguous()) {
    std::memcpy(dst.data_ptr(), src.data_ptr(), dst.nbytes());
    return;
  }
  const auto loop = detail::make_loop(dst, src);
  visit_dtype(dst.dtype(), [&]<class To>() {
    visit_dtype(src.dtype(), [&]<class From>() {
      loop.run([](const auto& data, const auto& steps, std::int64_t n) {
        convert_run(static_cast<const From*>(data[1]), steps[1], static_cast<To*>(data[0]),
                    steps[0], n);
      });
    });
  });
}

std::string format_value(double value) {
  std::ostringstream text;
  text << value;
  return text.str();
}

// torch's checked fill: a floating value must fit the destination dtype's range (infinity
// and NaN may go into a floating dtype, not into int64).
void check_fill_value(const Tensor& dst, Scalar value) {
  if (!value.is_floating_point()) return;
  const double v = value.to<double>();
  const double two63 = 9223372036854775808.0;
  double highest = 0;  // the range is [-highest, highest], or [-2^63, 2^63) for int64
  bool fits = true;
  switch (dst.dtype()) {
    case Dtype::Bool:
    case Dtype::Float64: break;
    case Dtype::Float32:
      highest = static_cast<double>(std::numeric_limits<float>::max());
      fits = !std::isfinite(v) || std::abs(v) <= highest;
      break;
    case Dtype::BFloat16:
      highest = static_cast<double>(static_cast<float>(BFloat16::from_bits(0x7f7f)));
      fits = !std::isfinite(v) || std::abs(v) <= highest;
      break;
    case Dtype::Int64:
      highest = two63;
      fits = v >= -two63 && v < two63;
      break;
  }
  if (!fits) {
    throw std::invalid_argument("fill_: value " + format_value(v) + " cannot be converted to " +
                                name(dst.dtype()) + " without overflow (expected a value within " +
                                format_value(highest) + " of 0)");
  }
}

void check_writable(const char* op, const Tensor& dst) {
  if (detail::has_internal_overlap(dst)) {
    throw std::invalid_argument(std::string(op) + ": the destination (sizes " +
                                to_string(dst.sizes()) + ", strides " + to_string(dst.strides()) +
                                ") has several elements in one memory location (an expanded "
                                "tensor); clone() it before writing to it");
  }
}

}  // namespace

Tensor contiguous(const Tensor& t) { return t.is_contiguous() ? t : clone(t); }

Tensor clone(const Tensor& t) {
  Tensor out = gg::empty(t.sizes(), t.dtype());
  copy_values(out, t);
  return out;
}

// The result keeps t's layout (a transposed tensor converts to a transposed one), as
// torch's to() with its default preserve_format.
Tensor to(const Tensor& t, Dtype dtype) {
  if (t.dtype() == dtype) return t;
  const SizeVector strides[] = {detail::broadcast_strides(t, t.sizes())};
  Tensor out = detail::empty_strided(t.sizes(), detail::output_strides(t.sizes(), strides), dtype);
  copy_values(out, t);
  return out;
}

void copy_(const Tensor& dst, const Tensor& src) {
  const SizeVector sizes = broadcast_sizes("copy_", dst.sizes(), src.sizes());
  if (IntArrayRef(sizes) != dst.sizes()) {
    throw ShapeError("copy_: src of sizes " + to_string(src.sizes()) + " broadcasts to " +
                     to_string(sizes) + ", expected the destination's sizes " +
                     to_string(dst.sizes()));
  }
  check_writable("copy_", dst);
  // A source that shares memory with the destination could be overwritten before it is read.
  copy_values(dst, detail::overlaps_partially(dst, src) ? clone(src) : src);
  dst.storage()->bump_version();
}

void fill_(const Tensor& dst, Scalar value) {
  check_fill_value(dst, value);
  visit_dtype(dst.dtype(), [&]<class T>() {
    const T v = value.to<T>();
    detail::make_loop(dst).run([v](const auto& data, const auto& steps, std::int64_t n) {
      T* out = static_cast<T*>(data[0]);
      if (steps[0] == 1) {
        std::fill_n(out, n, v);
      } else {
        for (std::int64_t i = 0; i < n; ++i) out[i * steps[0]] = v;
      }
    });
  });
  dst.storage()->bump_version();
}

}  // namespace gg::native

namespace gg {

namespace detail {
namespace {
InplaceHooks inplace_hooks;
}  // namespace
void set_inplace_hooks(InplaceHooks hooks) { inplace_hooks = hooks; }
}  // namespace detail

// A tensor with autograd state exists only when the autograd layer is linked, and then its
// hooks record the op (or refuse it).
const Tensor& Tensor::fill_(Scalar value) const {
  if (defined() && impl_->autograd_meta != nullptr && detail::inplace_hooks.fill != nullptr) {
    detail::inplace_hooks.fill(*this, value);
  } else {
    native::fill_(*this, value);
  }
  return *this;
}

const Tensor& Tensor::copy_(const Tensor& src) const {
  const bool tracked = (defined() && impl_->autograd_meta != nullptr) ||
                       (src.defined() && src.unsafe_impl()->autograd_meta != nullptr);
  if (tracked && detail::inplace_hooks.copy != nullptr) {
    detail::inplace_hooks.copy(*this, src);
  } else {
    native::copy_(*this, src);
  }
  return *this;
}

}  // namespace gg
