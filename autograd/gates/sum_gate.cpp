// SumGate: Y = sum of X over all elements or one axis, times `scale` (1 for sum, 1/n for mean).
// dX = scale * dY broadcast back over the summed axes (every summed element has derivative 1).
#include <gategrad/autograd/ops.hpp>
#include <gategrad/autograd/record.hpp>
#include <gategrad/tensor/elementwise.hpp>
#include <gategrad/tensor/layout.hpp>
#include <gategrad/tensor/reduce.hpp>

#include <optional>
#include <gategrad/autograd/recording.hpp>
#include <gategrad/autograd/tensor_ops.hpp>
#include <gategrad/tensor/native.hpp>

#include <algorithm>

namespace gg {
namespace {

template <class T>
struct SumGate final : Node<T> {
  Shape kept_shape;  // the output's shape with the summed axes kept as size 1
  T scale = T(1);
  const char* gate_name = "SumGate";
  const char* name() const override { return gate_name; }
  void backward(const Array<T>& dy, std::array<Array<T>, kMaxGateInputs>& din) override {
    Array<T> g = Array<T>::full(this->edges[0].shape, scale);
    din[0] = mul_(g, reshape(dy, kept_shape));
  }
  void release() override {}
};

template <class T>
Variable<T> reduce(const char* name, const Variable<T>& x, std::optional<std::ptrdiff_t> axis,
                   bool keepdims, bool is_mean, Where where) {
  const char* op = is_mean ? "mean" : "sum";
  const Array<T>& xd = x.data();
  Array<T> out;
  Shape kept;
  T n = T(xd.size());
  if (axis) {
    const std::size_t a = normalize_axis(op, *axis, xd.shape());
    out = sum(xd, *axis, keepdims);
    n = T(xd.shape()[a]);
    kept = xd.shape();
    kept[a] = 1;
  } else {
    out = sum(xd);
    kept = Shape(xd.dim(), 1);
  }
  const T scale = is_mean ? T(1) / n : T(1);
  if (is_mean) mul_(out, scale);
  auto y = make_cached_shared<Array<T>>(std::move(out));
  if (!detail::should_record<T>({&x})) return detail::make_result<T>(name, y, nullptr, {&x}, where);
  auto node = make_cached_shared<SumGate<T>>();
  node->kept_shape = kept;
  node->scale = scale;
  node->gate_name = name;
  return detail::make_result<T>(name, y, node, {&x}, where);
}

}  // namespace

template <class T>
Variable<T> sum(const Variable<T>& x, Where where) {
  return reduce<T>("SumGate", x, std::nullopt, false, false, where);
}
template <class T>
Variable<T> sum(const Variable<T>& x, std::ptrdiff_t axis, bool keepdims, Where where) {
  return reduce<T>("SumGate", x, axis, keepdims, false, where);
}
template <class T>
Variable<T> mean(const Variable<T>& x, Where where) {
  return reduce<T>("MeanGate", x, std::nullopt, false, true, where);
}
template <class T>
Variable<T> mean(const Variable<T>& x, std::ptrdiff_t axis, bool keepdims, Where where) {
  return reduce<T>("MeanGate", x, axis, keepdims, true, where);
}

template Variable<float> sum(const Variable<float>&, Where);
template Variable<double> sum(const Variable<double>&, Where);
template Variable<float> sum(const Variable<float>&, std::ptrdiff_t, bool, Where);
template Variable<double> sum(const Variable<double>&, std::ptrdiff_t, bool, Where);
template Variable<float> mean(const Variable<float>&, Where);
template Variable<double> mean(const Variable<double>&, Where);
template Variable<float> mean(const Variable<float>&, std::ptrdiff_t, bool, Where);
template Variable<double> mean(const Variable<double>&, std::ptrdiff_t, bool, Where);

}  // namespace gg

// --- gg::Tensor -----------------------------------------------------------------------------
// SumGate: Y = sum of X over dims.  dX = dY (with the summed dims put back as size 1) expanded
// to X's sizes, times 1/count for the mean: a broadcast view, no copy.
namespace gg {
namespace {
struct TensorSumGate final : autograd::Node {
  static constexpr const char* kName = "SumGate";
  SizeVector dims;       // the reduced dims, sorted; empty with all_dims
  bool all_dims = false;
  bool keepdim = false;
  double scale = 1.0;    // 1/count for the mean
  void backward(const Tensor& dout, std::span<Tensor> din) override {
    Tensor g = scale == 1.0 ? dout : native::mul(dout, scale);
    const IntArrayRef x_sizes(edges[0].sizes);
    if (all_dims) {
      g = native::reshape(g, SizeVector(x_sizes.size(), 1));
    } else if (!keepdim) {
      for (std::int64_t d : dims) g = native::unsqueeze(g, d);
    }
    din[0] = native::expand(g, x_sizes);
  }
  void release() override {}
};

Tensor record_sum(const Tensor& x, Tensor y, IntArrayRef dims, bool all, bool keepdim, bool mean,
                  const Where& where) {
  return autograd::record<TensorSumGate>(std::move(y), {&x}, where, [&](TensorSumGate& g) {
    g.all_dims = all;
    g.keepdim = keepdim;
    std::int64_t count = 1;
    if (all) {
      count = x.numel();
    } else {
      for (std::int64_t d : dims) g.dims.push_back(wrap_dim("sum", d, x.dim()));
      std::sort(g.dims.begin(), g.dims.end());
      for (std::int64_t d : g.dims) count *= x.size(d);
    }
    if (mean) g.scale = 1.0 / static_cast<double>(count);
  });
}
}  // namespace

Tensor sum(const Tensor& x, Where where) { return record_sum(x, native::sum(x), {}, true, false, false, where); }
Tensor sum(const Tensor& x, IntArrayRef dims, bool keepdim, Where where) {
  return record_sum(x, native::sum(x, dims, keepdim), dims, false, keepdim, false, where);
}
Tensor mean(const Tensor& x, Where where) { return record_sum(x, native::mean(x), {}, true, false, true, where); }
Tensor mean(const Tensor& x, IntArrayRef dims, bool keepdim, Where where) {
  return record_sum(x, native::mean(x, dims, keepdim), dims, false, keepdim, true, where);
}
}  // namespace gg
