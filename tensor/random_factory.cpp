// Seeded draws (tensor/factory.hpp): rand, randn, normal, randint, randperm, bernoulli and their
// *_like forms, each from a Generator (tensor/random.hpp) or the default one, with LibTorch's
// names, arguments and checks. The streams are gategrad's own, not PyTorch's.
#include <gategrad/tensor/detail/make_tensor.hpp>
#include <gategrad/tensor/factory.hpp>
#include <gategrad/tensor/native.hpp>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>

namespace gg {

using detail::dtype_or;
using detail::finish;
using detail::make_empty;
using detail::require_floating;

namespace {

template <class T, class Draw>
void draw_into(const Tensor& t, Draw draw) {
  T* p = t.data_ptr<T>();
  for (std::int64_t i = 0, n = t.numel(); i < n; ++i) p[i] = draw();
}

// The same streams as the old core's Array<T>::randn / uniform (float from uniform01f), so a
// model initialised through either gives the same numbers.
Tensor draw_normal(const char* op, double mean, double stddev, IntArrayRef sizes,
                   Generator& gen, const TensorOptions& options) {
  require_floating(op, options.dtype());
  Tensor t = make_empty(op, sizes, options.dtype());
  // randn's mean 0 and std 1 leave each draw exactly as it was.
  visit_dtype(t.dtype(), [&]<class T>() {
    if constexpr (std::is_same_v<T, double>) {
      draw_into<T>(t, [&] { return mean + stddev * gen.normal(); });
    } else if constexpr (std::is_same_v<T, float> || std::is_same_v<T, BFloat16>) {
      draw_into<T>(t, [&] { return T(static_cast<float>(mean + stddev * gen.normal())); });
    }
  });
  return finish(std::move(t), options);
}

Tensor draw_uniform(const char* op, IntArrayRef sizes, Generator& gen,
                    const TensorOptions& options) {
  require_floating(op, options.dtype());
  Tensor t = make_empty(op, sizes, options.dtype());
  visit_dtype(t.dtype(), [&]<class T>() {
    if constexpr (std::is_same_v<T, double>) {
      draw_into<T>(t, [&] { return gen.uniform01(); });
    } else if constexpr (std::is_same_v<T, float> || std::is_same_v<T, BFloat16>) {
      draw_into<T>(t, [&] { return T(gen.uniform01f()); });
    }
  });
  return finish(std::move(t), options);
}

// Every integer of [low, high) must be exact in `dtype`, as torch checks for bool (and warns
// for a floating dtype; gategrad refuses, since the draws would not be uniform).
void check_integer_range(const char* op, std::int64_t low, std::int64_t high, Dtype dtype) {
  const std::string range = "[" + std::to_string(low) + ", " + std::to_string(high) + ")";
  if (low >= high) {
    throw std::invalid_argument(std::string(op) + ": got low = " + std::to_string(low) +
                                " and high = " + std::to_string(high) + ", expected low < high");
  }
  if (dtype == Dtype::Bool && (low < 0 || high > 2)) {
    throw std::invalid_argument(std::string(op) + ": got the range " + range +
                                " for dtype bool, expected one within [0, 2)");
  }
  if (is_floating_point(dtype)) {
    const int digits = dtype == Dtype::BFloat16 ? 8 : dtype == Dtype::Float32 ? 24 : 53;
    const std::int64_t bound = std::int64_t{1} << digits;
    if (low < -bound || high - 1 > bound) {
      throw std::invalid_argument(std::string(op) + ": got the range " + range + " for dtype " +
                                  name(dtype) + ", whose integers are exact only within [-2^" +
                                  std::to_string(digits) + ", 2^" + std::to_string(digits) +
                                  "]; expected a range within it (int64 holds every one)");
    }
  }
}

Tensor draw_integers(const char* op, std::int64_t low, std::int64_t high, IntArrayRef sizes,
                     Generator& gen, const TensorOptions& options, Dtype fallback) {
  const Dtype dtype = dtype_or(options, fallback);
  check_integer_range(op, low, high, dtype);
  Tensor t = make_empty(op, sizes, dtype);
  // In uint64, so that the widest range, [INT64_MIN, INT64_MAX), does not overflow.
  const std::uint64_t span = static_cast<std::uint64_t>(high) - static_cast<std::uint64_t>(low);
  visit_dtype(dtype, [&]<class T>() {
    draw_into<T>(t, [&] {
      const auto v = static_cast<std::int64_t>(static_cast<std::uint64_t>(low) + gen.below(span));
      return Scalar(v).to<T>();
    });
  });
  return finish(std::move(t), options);
}

}  // namespace

Tensor randn(IntArrayRef sizes, Generator& gen, TensorOptions options) {
  return draw_normal("randn", 0.0, 1.0, sizes, gen, options);
}
Tensor randn(IntArrayRef sizes, TensorOptions options) {
  return randn(sizes, default_generator(), options);
}

Tensor rand(IntArrayRef sizes, Generator& gen, TensorOptions options) {
  return draw_uniform("rand", sizes, gen, options);
}
Tensor rand(IntArrayRef sizes, TensorOptions options) {
  return rand(sizes, default_generator(), options);
}

Tensor normal(double mean, double stddev, IntArrayRef sizes, Generator& gen,
              TensorOptions options) {
  if (!(stddev >= 0.0)) {  // NaN too
    throw std::invalid_argument("normal: got std = " + std::to_string(stddev) +
                                ", expected std >= 0");
  }
  return draw_normal("normal", mean, stddev, sizes, gen, options);
}
Tensor normal(double mean, double stddev, IntArrayRef sizes, TensorOptions options) {
  return normal(mean, stddev, sizes, default_generator(), options);
}

Tensor randint(std::int64_t high, IntArrayRef sizes, Generator& gen, TensorOptions options) {
  return draw_integers("randint", 0, high, sizes, gen, options, Dtype::Int64);
}
Tensor randint(std::int64_t high, IntArrayRef sizes, TensorOptions options) {
  return randint(high, sizes, default_generator(), options);
}
Tensor randint(std::int64_t low, std::int64_t high, IntArrayRef sizes, Generator& gen,
               TensorOptions options) {
  return draw_integers("randint", low, high, sizes, gen, options, Dtype::Int64);
}
Tensor randint(std::int64_t low, std::int64_t high, IntArrayRef sizes, TensorOptions options) {
  return randint(low, high, sizes, default_generator(), options);
}

Tensor randperm(std::int64_t n, Generator& gen, TensorOptions options) {
  const Dtype dtype = dtype_or(options, Dtype::Int64);
  if (n < 0) {
    throw std::invalid_argument("randperm: got n = " + std::to_string(n) + ", expected n >= 0");
  }
  if (dtype == Dtype::Bool) {
    throw std::invalid_argument("randperm: got dtype bool, expected a number dtype (int64, "
                                "bfloat16, float32, float64), as torch.randperm");
  }
  if (is_floating_point(dtype)) {
    const int digits = dtype == Dtype::BFloat16 ? 8 : dtype == Dtype::Float32 ? 24 : 53;
    if (n - 1 > (std::int64_t{1} << digits)) {
      throw std::invalid_argument("randperm: got n = " + std::to_string(n) + " for dtype " +
                                  name(dtype) + ", whose integers are exact only up to 2^" +
                                  std::to_string(digits) + "; expected n <= 2^" +
                                  std::to_string(digits) + " + 1");
    }
  }
  Tensor perm = make_empty("randperm", {n}, Dtype::Int64);
  std::int64_t* p = perm.data_ptr<std::int64_t>();
  for (std::int64_t i = 0; i < n; ++i) p[i] = i;
  // Fisher-Yates: p[i] swaps with a uniform one of p[0..i].
  for (std::int64_t i = n - 1; i > 0; --i) {
    std::swap(p[i], p[gen.below(static_cast<std::uint64_t>(i) + 1)]);
  }
  return finish(native::to(perm, dtype), options);
}
Tensor randperm(std::int64_t n, TensorOptions options) {
  return randperm(n, default_generator(), options);
}

Tensor bernoulli(const Tensor& p, Generator& gen) {
  require_floating("bernoulli", p.dtype());
  const Tensor probabilities = native::contiguous(p);
  Tensor out = make_empty("bernoulli", p.sizes(), p.dtype());
  visit_dtype(p.dtype(), [&]<class T>() {
    const T* in = probabilities.data_ptr<T>();
    const std::int64_t n = out.numel();
    // All checked before any is drawn: a refused p leaves the generator where it was.
    for (std::int64_t i = 0; i < n; ++i) {
      const auto pi = static_cast<double>(in[i]);
      if (!(pi >= 0.0 && pi <= 1.0)) {
        throw std::invalid_argument("bernoulli: got the probability " + std::to_string(pi) +
                                    " at element " + std::to_string(i) +
                                    " (row-major), expected values in [0, 1]");
      }
    }
    T* o = out.data_ptr<T>();
    for (std::int64_t i = 0; i < n; ++i) {
      o[i] = Scalar(gen.uniform01() < static_cast<double>(in[i])).to<T>();
    }
  });
  return out;
}
Tensor bernoulli(const Tensor& p) { return bernoulli(p, default_generator()); }

Tensor bernoulli(const Tensor& x, double p, Generator& gen) {
  if (!(p >= 0.0 && p <= 1.0)) {
    throw std::invalid_argument("bernoulli: got p = " + std::to_string(p) +
                                ", expected a probability in [0, 1]");
  }
  Tensor out = make_empty("bernoulli", x.sizes(), x.dtype());
  visit_dtype(out.dtype(), [&]<class T>() {
    draw_into<T>(out, [&] { return Scalar(gen.uniform01() < p).to<T>(); });
  });
  return out;
}
Tensor bernoulli(const Tensor& x, double p) { return bernoulli(x, p, default_generator()); }

// *_like: like's sizes, and its dtype unless the options name one.
Tensor rand_like(const Tensor& like, Generator& gen, TensorOptions options) {
  return draw_uniform("rand_like", like.sizes(), gen,
                      options.dtype(dtype_or(options, like.dtype())));
}
Tensor rand_like(const Tensor& like, TensorOptions options) {
  return rand_like(like, default_generator(), options);
}
Tensor randn_like(const Tensor& like, Generator& gen, TensorOptions options) {
  return draw_normal("randn_like", 0.0, 1.0, like.sizes(), gen,
                     options.dtype(dtype_or(options, like.dtype())));
}
Tensor randn_like(const Tensor& like, TensorOptions options) {
  return randn_like(like, default_generator(), options);
}
Tensor randint_like(const Tensor& like, std::int64_t high, Generator& gen, TensorOptions options) {
  return draw_integers("randint_like", 0, high, like.sizes(), gen, options, like.dtype());
}
Tensor randint_like(const Tensor& like, std::int64_t high, TensorOptions options) {
  return randint_like(like, high, default_generator(), options);
}
Tensor randint_like(const Tensor& like, std::int64_t low, std::int64_t high, Generator& gen,
                    TensorOptions options) {
  return draw_integers("randint_like", low, high, like.sizes(), gen, options, like.dtype());
}
Tensor randint_like(const Tensor& like, std::int64_t low, std::int64_t high,
                    TensorOptions options) {
  return randint_like(like, low, high, default_generator(), options);
}

}  // namespace gg
