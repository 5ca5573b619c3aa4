// The view and copy gates on gg::Tensor. Each view's backward is another view (or its
// adjoint), as tinygrad's movement ops:
//   view / reshape / flatten / squeeze / unsqueeze:  dX = dY reshaped to X's sizes
//   permute(dims):                                   dX = permute(dY, inverse(dims))
//   transpose(d0, d1):                               dX = transpose(dY, d0, d1)
//   expand:                                          dX = dY summed back to X's sizes
//   narrow / slice / select:                         dX = zeros, with dY copied into that view
// Each backward is written in these differentiable ops (slice's in SliceBackwardGate), so a
// second derivative under create_graph records through them.
//   contiguous / clone:                              dX = dY;   to(dtype): dX = dY in X's dtype
#include <gategrad/autograd/recording.hpp>
#include <gategrad/autograd/ops.hpp>
#include <gategrad/tensor/factory.hpp>
#include <gategrad/tensor/native.hpp>

#include <algorithm>

namespace gg {
namespace {

using autograd::record;

// dX = dY with X's sizes: for every op that only regroups dimensions.
struct ReshapeGate final : autograd::Node {
  static constexpr const char* kName = "ReshapeGate";
  void backward(const Tensor& dout, std::span<Tensor> din) override {
    din[0] = reshape(dout, IntArrayRef(edges[0].sizes));
  }
  void release() override {}
};

struct PermuteGate final : autograd::Node {
  static constexpr const char* kName = "PermuteGate";
  SizeVector inverse;  // inverse[dims[i]] = i
  void backward(const Tensor& dout, std::span<Tensor> din) override {
    din[0] = permute(dout, inverse);
  }
  void release() override {}
};

struct TransposeGate final : autograd::Node {
  static constexpr const char* kName = "TransposeGate";
  std::int64_t dim0 = 0, dim1 = 0;
  void backward(const Tensor& dout, std::span<Tensor> din) override {
    din[0] = transpose(dout, dim0, dim1);
  }
  void release() override {}
};

struct ExpandGate final : autograd::Node {
  static constexpr const char* kName = "ExpandGate";
  void backward(const Tensor& dout, std::span<Tensor> din) override {
    din[0] = sum_to_size(dout, IntArrayRef(edges[0].sizes));
  }
  void release() override {}
};

// The part of a tensor that narrow, slice or select took.
struct Part {
  std::int64_t dim = 0, start = 0, end = 0, step = 1;
  bool select = false;  // select(dim, start) drops the dimension
};

Tensor slice_backward(const Tensor& dout, IntArrayRef sizes, const Part& part, const Where& where);

// narrow, slice and select: the gradient is zero outside the part that was taken.
struct SliceGate final : autograd::Node {
  static constexpr const char* kName = "SliceGate";
  Part part;
  void backward(const Tensor& dout, std::span<Tensor> din) override {
    din[0] = slice_backward(dout, IntArrayRef(edges[0].sizes), part, where);
  }
  void release() override {}
};

// SliceBackwardGate: G = zeros of the input's sizes with dY in the part (SliceGate's
// backward, recorded under create_graph).  d(dY) = the same part of dG.
struct SliceBackwardGate final : autograd::Node {
  static constexpr const char* kName = "SliceBackwardGate";
  Part part;
  void backward(const Tensor& dout, std::span<Tensor> din) override {
    din[0] = part.select ? gg::select(dout, part.dim, part.start, where)
                         : gg::slice(dout, part.dim, part.start, part.end, part.step, where);
  }
  void release() override {}
};

Tensor slice_backward(const Tensor& dout, IntArrayRef sizes, const Part& part, const Where& where) {
  Tensor dx = zeros(sizes, dout.dtype());
  const Tensor taken = part.select ? native::select(dx, part.dim, part.start)
                                   : native::slice(dx, part.dim, part.start, part.end, part.step);
  native::copy_(taken, dout);
  return autograd::record<SliceBackwardGate>(std::move(dx), {&dout}, where,
                                             [&](SliceBackwardGate& g) { g.part = part; });
}

struct IdentityGate final : autograd::Node {
  static constexpr const char* kName = "CloneGate";
  void backward(const Tensor& dout, std::span<Tensor> din) override { din[0] = dout; }
  void release() override {}
};

struct ToGate final : autograd::Node {
  static constexpr const char* kName = "ToGate";
  void backward(const Tensor& dout, std::span<Tensor> din) override {
    din[0] = gg::to(dout, edges[0].dtype);
  }
  void release() override {}
};

}  // namespace

Tensor view(const Tensor& x, IntArrayRef sizes, Where where) {
  return record<ReshapeGate>(native::view(x, sizes), {&x}, where);
}
Tensor reshape(const Tensor& x, IntArrayRef sizes, Where where) {
  return record<ReshapeGate>(native::reshape(x, sizes), {&x}, where);
}
Tensor flatten(const Tensor& x, std::int64_t start_dim, std::int64_t end_dim, Where where) {
  return record<ReshapeGate>(native::flatten(x, start_dim, end_dim), {&x}, where);
}
Tensor unsqueeze(const Tensor& x, std::int64_t dim, Where where) {
  return record<ReshapeGate>(native::unsqueeze(x, dim), {&x}, where);
}
Tensor squeeze(const Tensor& x, Where where) {
  return record<ReshapeGate>(native::squeeze(x), {&x}, where);
}
Tensor squeeze(const Tensor& x, std::int64_t dim, Where where) {
  return record<ReshapeGate>(native::squeeze(x, dim), {&x}, where);
}

Tensor permute(const Tensor& x, IntArrayRef dims, Where where) {
  Tensor y = native::permute(x, dims);  // checks that dims is a permutation
  return record<PermuteGate>(std::move(y), {&x}, where, [&](PermuteGate& g) {
    g.inverse.resize(dims.size());
    for (std::size_t i = 0; i < dims.size(); ++i) {
      const std::int64_t d = wrap_dim("permute", dims[i], x.dim());
      g.inverse[static_cast<std::size_t>(d)] = static_cast<std::int64_t>(i);
    }
  });
}

Tensor transpose(const Tensor& x, std::int64_t dim0, std::int64_t dim1, Where where) {
  return record<TransposeGate>(native::transpose(x, dim0, dim1), {&x}, where,
                               [&](TransposeGate& g) {
                                 g.dim0 = dim0;
                                 g.dim1 = dim1;
                               });
}

Tensor expand(const Tensor& x, IntArrayRef sizes, Where where) {
  return record<ExpandGate>(native::expand(x, sizes), {&x}, where);
}

Tensor narrow(const Tensor& x, std::int64_t dim, std::int64_t start, std::int64_t length,
              Where where) {
  Tensor y = native::narrow(x, dim, start, length);
  return record<SliceGate>(std::move(y), {&x}, where, [&](SliceGate& g) {
    g.part.dim = wrap_dim("narrow", dim, x.dim());
    g.part.start = start < 0 ? start + x.size(dim) : start;
    g.part.end = g.part.start + length;
  });
}

Tensor slice(const Tensor& x, std::int64_t dim, std::optional<std::int64_t> start,
             std::optional<std::int64_t> end, std::int64_t step, Where where) {
  Tensor y = native::slice(x, dim, start, end, step);
  return record<SliceGate>(std::move(y), {&x}, where, [&](SliceGate& g) {
    Part& p = g.part;
    p.dim = wrap_dim("slice", dim, x.dim());
    const std::int64_t n = x.size(p.dim);
    auto bound = [n](std::optional<std::int64_t> v, std::int64_t fallback) {  // Python's clamping
      std::int64_t b = v.value_or(fallback);
      if (b < 0) b += n;
      return std::clamp<std::int64_t>(b, 0, n);
    };
    p.start = bound(start, 0);
    p.end = std::max(p.start, bound(end, n));
    p.step = step;
  });
}

Tensor select(const Tensor& x, std::int64_t dim, std::int64_t index, Where where) {
  Tensor y = native::select(x, dim, index);
  return record<SliceGate>(std::move(y), {&x}, where, [&](SliceGate& g) {
    g.part.dim = wrap_dim("select", dim, x.dim());
    g.part.start = index < 0 ? index + x.size(g.part.dim) : index;
    g.part.select = true;
  });
}

Tensor contiguous(const Tensor& x, Where where) {
  if (x.is_contiguous()) return x;
  return record<IdentityGate>(native::clone(x), {&x}, where);
}
Tensor clone(const Tensor& x, Where where) {
  return record<IdentityGate>(native::clone(x), {&x}, where);
}
Tensor to(const Tensor& x, Dtype dtype, Where where) {
  if (x.dtype() == dtype) return x;
  return record<ToGate>(native::to(x, dtype), {&x}, where);
}

// The Tensor methods (tensor/tensor.hpp) are these ops, with the caller's line.
Tensor Tensor::contiguous(Where where) const { return gg::contiguous(*this, where); }
Tensor Tensor::clone(Where where) const { return gg::clone(*this, where); }
Tensor Tensor::to(Dtype dtype, Where where) const { return gg::to(*this, dtype, where); }
Tensor Tensor::view(IntArrayRef sizes, Where where) const { return gg::view(*this, sizes, where); }
Tensor Tensor::reshape(IntArrayRef sizes, Where where) const {
  return gg::reshape(*this, sizes, where);
}
Tensor Tensor::flatten(std::int64_t start_dim, std::int64_t end_dim, Where where) const {
  return gg::flatten(*this, start_dim, end_dim, where);
}
Tensor Tensor::permute(IntArrayRef dims, Where where) const {
  return gg::permute(*this, dims, where);
}
Tensor Tensor::transpose(std::int64_t dim0, std::int64_t dim1, Where where) const {
  return gg::transpose(*this, dim0, dim1, where);
}
Tensor Tensor::t(Where where) const {
  if (dim() < 2) return gg::view(*this, sizes(), where);
  native::t(*this);  // refuses rank > 2 with torch's message
  return gg::transpose(*this, 0, 1, where);
}
Tensor Tensor::narrow(std::int64_t dim, std::int64_t start, std::int64_t length,
                      Where where) const {
  return gg::narrow(*this, dim, start, length, where);
}
Tensor Tensor::slice(std::int64_t dim, std::optional<std::int64_t> start,
                     std::optional<std::int64_t> end, std::int64_t step, Where where) const {
  return gg::slice(*this, dim, start, end, step, where);
}
Tensor Tensor::select(std::int64_t dim, std::int64_t index, Where where) const {
  return gg::select(*this, dim, index, where);
}
Tensor Tensor::unsqueeze(std::int64_t dim, Where where) const {
  return gg::unsqueeze(*this, dim, where);
}
Tensor Tensor::squeeze(Where where) const { return gg::squeeze(*this, where); }
Tensor Tensor::squeeze(std::int64_t dim, Where where) const {
  return gg::squeeze(*this, dim, where);
}
Tensor Tensor::expand(IntArrayRef sizes, Where where) const {
  return gg::expand(*this, sizes, where);
}

}  // namespace gg
