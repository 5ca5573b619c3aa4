// SumGate: Y = sum of X over dims.  dX = dY (with the summed dims put back as size 1) expanded
// to X's sizes, times 1/count for the mean: a broadcast view, no copy.
#include <gategrad/autograd/ops.hpp>
#include <gategrad/autograd/recording.hpp>
#include <gategrad/tensor/native.hpp>

#include <algorithm>
#include <optional>

namespace gg {
namespace {
struct SumGate final : autograd::Node {
  static constexpr const char* kName = "SumGate";
  SizeVector dims;       // the reduced dims, sorted; empty with all_dims
  bool all_dims = false;
  bool keepdim = false;
  double scale = 1.0;    // 1/count for the mean
  void backward(const Tensor& dout, std::span<Tensor> din) override {
    Tensor g = scale == 1.0 ? dout : mul(dout, scale);
    const IntArrayRef x_sizes(edges[0].sizes);
    if (all_dims) {
      g = reshape(g, SizeVector(x_sizes.size(), 1));
    } else if (!keepdim) {
      for (std::int64_t d : dims) g = unsqueeze(g, d);
    }
    din[0] = expand(g, x_sizes);
  }
  void release() override {}
};

Tensor record_sum(const Tensor& x, Tensor y, IntArrayRef dims, bool all, bool keepdim, bool mean,
                  const Where& where) {
  return autograd::record<SumGate>(std::move(y), {&x}, where, [&](SumGate& g) {
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
// SumToSizeGate: Y = X summed down to sizes it was broadcast from.  dX = dY expanded back.
struct SumToSizeGate final : autograd::Node {
  static constexpr const char* kName = "SumToSizeGate";
  void backward(const Tensor& dout, std::span<Tensor> din) override {
    din[0] = expand(dout, IntArrayRef(edges[0].sizes));
  }
  void release() override {}
};
}  // namespace

Tensor sum_to_size(const Tensor& x, IntArrayRef sizes, Where where) {
  if (x.sizes() == sizes) return x;
  return autograd::record<SumToSizeGate>(native::sum_to(x, sizes), {&x}, where);
}

Tensor sum(const Tensor& x, Where where) { return record_sum(x, native::sum(x), {}, true, false, false, where); }
Tensor sum(const Tensor& x, IntArrayRef dims, bool keepdim, Where where) {
  return record_sum(x, native::sum(x, dims, keepdim), dims, false, keepdim, false, where);
}
Tensor mean(const Tensor& x, Where where) { return record_sum(x, native::mean(x), {}, true, false, true, where); }
Tensor mean(const Tensor& x, IntArrayRef dims, bool keepdim, Where where) {
  return record_sum(x, native::mean(x, dims, keepdim), dims, false, keepdim, true, where);
}
}  // namespace gg
