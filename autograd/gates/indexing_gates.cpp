// The indexing gates, each the adjoint of another, so that every backward is a recorded op:
//   GatherGate        Y = gather(X, d, I)            dX = scatter_add(0, d, I, dY)
//   ScatterAddGate    Y = scatter_add(S, d, I, R)    dS = dY,  dR = gather(dY, d, I)
//   ScatterGate       Y = scatter(S, d, I, R)        dS = scatter(dY, d, I, 0),  dR = gather(dY, d, I)
//   IndexSelectGate   Y = index_select(X, d, I)      dX = index_add(0, d, I, dY)
//   IndexAddGate      Y = index_add(S, d, I, R, a)   dS = dY,  dR = a * index_select(dY, d, I)
// The index (int64) is never differentiated. sort, topk and max/min along a dim read their
// values with gather, so their gradients go back to the elements they picked.
#include <gategrad/autograd/ops.hpp>
#include <gategrad/autograd/recording.hpp>
#include <gategrad/tensor/factory.hpp>
#include <gategrad/tensor/native.hpp>
#include <gategrad/tensor/shape.hpp>

namespace gg {
namespace {

struct IndexedGate : autograd::Node {
  std::int64_t dim = 0;
  Tensor index;  // int64, constant
  void release() override { index = Tensor(); }
};

struct GatherGate final : IndexedGate {
  static constexpr const char* kName = "GatherGate";
  void backward(const Tensor& dout, std::span<Tensor> din) override {
    din[0] = scatter_add(zeros(IntArrayRef(edges[0].sizes), dout.dtype()), dim, index, dout, where);
  }
};

struct ScatterAddGate final : IndexedGate {
  static constexpr const char* kName = "ScatterAddGate";
  void backward(const Tensor& dout, std::span<Tensor> din) override {
    if (needs_grad(0)) din[0] = dout;
    if (needs_grad(1)) din[1] = gather_sized(dout);
  }
  // gather(dY) has the index's sizes; src may be larger: zero-padded back to src's sizes.
  Tensor gather_sized(const Tensor& dout) const {
    Tensor g = gather(dout, dim, index, where);
    const IntArrayRef src_sizes(edges[1].sizes);
    if (g.sizes() == src_sizes) return g;
    Tensor padded = zeros(src_sizes, dout.dtype());
    Tensor part = padded;
    for (std::int64_t d = 0; d < g.dim(); ++d) part = native::narrow(part, d, 0, g.size(d));
    native::copy_(part, g);
    return padded;  // (first order only when src is larger than its index)
  }
};

struct ScatterGate final : IndexedGate {
  static constexpr const char* kName = "ScatterGate";
  bool has_src = false;
  void backward(const Tensor& dout, std::span<Tensor> din) override {
    if (needs_grad(0)) din[0] = scatter(dout, dim, index, 0, where);
    if (has_src && needs_grad(1)) din[1] = gather(dout, dim, index, where);
  }
};

struct IndexSelectGate final : IndexedGate {
  static constexpr const char* kName = "IndexSelectGate";
  void backward(const Tensor& dout, std::span<Tensor> din) override {
    din[0] = index_add(zeros(IntArrayRef(edges[0].sizes), dout.dtype()), dim, index, dout, 1, where);
  }
};

struct IndexAddGate final : IndexedGate {
  static constexpr const char* kName = "IndexAddGate";
  Scalar alpha = 1;
  void backward(const Tensor& dout, std::span<Tensor> din) override {
    if (needs_grad(0)) din[0] = dout;
    if (needs_grad(1)) din[1] = mul(index_select(dout, dim, index, where), alpha, where);
  }
};

template <class Gate>
void keep_index(Gate& g, const char* op, std::int64_t dim, std::int64_t rank, const Tensor& index) {
  g.dim = wrap_dim(op, dim, std::max<std::int64_t>(rank, 1));
  g.index = native::clone(index);  // the caller may change its index afterwards
}

}  // namespace

Tensor gather(const Tensor& x, std::int64_t dim, const Tensor& index, Where where) {
  return autograd::record<GatherGate>(native::gather(x, dim, index), {&x}, where,
                                      [&](GatherGate& g) { keep_index(g, "gather", dim, x.dim(), index); });
}

Tensor scatter_add(const Tensor& self, std::int64_t dim, const Tensor& index, const Tensor& src, Where where) {
  return autograd::record<ScatterAddGate>(native::scatter_add(self, dim, index, src), {&self, &src}, where,
                                          [&](ScatterAddGate& g) { keep_index(g, "scatter_add", dim, self.dim(), index); });
}

Tensor scatter(const Tensor& self, std::int64_t dim, const Tensor& index, const Tensor& src, Where where) {
  return autograd::record<ScatterGate>(native::scatter(self, dim, index, src), {&self, &src}, where,
                                       [&](ScatterGate& g) {
                                         keep_index(g, "scatter", dim, self.dim(), index);
                                         g.has_src = true;
                                       });
}

Tensor scatter(const Tensor& self, std::int64_t dim, const Tensor& index, Scalar value, Where where) {
  return autograd::record<ScatterGate>(native::scatter(self, dim, index, value), {&self}, where,
                                       [&](ScatterGate& g) { keep_index(g, "scatter", dim, self.dim(), index); });
}

Tensor index_select(const Tensor& x, std::int64_t dim, const Tensor& index, Where where) {
  return autograd::record<IndexSelectGate>(native::index_select(x, dim, index), {&x}, where,
                                           [&](IndexSelectGate& g) { keep_index(g, "index_select", dim, x.dim(), index); });
}

Tensor index_add(const Tensor& self, std::int64_t dim, const Tensor& index, const Tensor& source,
                 Scalar alpha, Where where) {
  return autograd::record<IndexAddGate>(native::index_add(self, dim, index, source, alpha), {&self, &source}, where,
                                        [&](IndexAddGate& g) {
                                          keep_index(g, "index_add", dim, self.dim(), index);
                                          g.alpha = alpha;
                                        });
}

std::tuple<Tensor, Tensor> sort(const Tensor& x, std::int64_t dim, bool descending, Where where) {
  Tensor indices = native::argsort(x, dim, descending);
  return {gather(x, dim, indices, where), indices};
}

std::tuple<Tensor, Tensor> topk(const Tensor& x, std::int64_t k, std::int64_t dim, bool largest,
                                bool sorted, Where where) {
  Tensor indices = std::get<1>(native::topk(x, k, dim, largest, sorted));
  return {gather(x, dim, indices, where), indices};
}

// max / min along dim: the first extreme element's index (torch's choice on ties), its value by
// gather, so the gradient goes to that element alone.
std::tuple<Tensor, Tensor> max(const Tensor& x, std::int64_t dim, bool keepdim, Where where) {
  Tensor indices = native::argmax(x, dim, true);
  Tensor values = gather(x, dim, indices, where);
  if (!keepdim && x.dim() > 0) return {squeeze(values, dim, where), native::squeeze(indices, dim)};
  return {values, indices};
}
std::tuple<Tensor, Tensor> min(const Tensor& x, std::int64_t dim, bool keepdim, Where where) {
  Tensor indices = native::argmin(x, dim, true);
  Tensor values = gather(x, dim, indices, where);
  if (!keepdim && x.dim() > 0) return {squeeze(values, dim, where), native::squeeze(indices, dim)};
  return {values, indices};
}

}  // namespace gg
