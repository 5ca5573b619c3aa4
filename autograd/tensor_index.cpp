// LibTorch's tensor indexing (tensor/tensor_index.hpp): x.index({...}) and gg::index_put.
//
// index() is written in differentiable ops, so its gradient (and its second derivative) come
// from theirs: integers select, slices slice, None and True unsqueeze, "..." skips, and the
// tensor indices (int64, or bool masks turned into int64 by nonzero) are advanced indexing as
// numpy's: broadcast together, they pick elements of the dims they index, which are moved to
// the front, flattened into one and read with index_select at the flat positions. The result's
// picked dims go where the first indexed dim was when the indexed dims are adjacent, and in
// front otherwise.
//
// index_put writes through the same rule: the flat positions of the chosen elements are found
// by indexing a tensor of positions (arange) with the same indices, and put() writes there.
#include <gategrad/autograd/ops.hpp>
#include <gategrad/autograd/recording.hpp>
#include <gategrad/tensor/factory.hpp>
#include <gategrad/tensor/native.hpp>
#include <gategrad/tensor/shape.hpp>
#include <gategrad/tensor/tensor_index.hpp>

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace gg {
namespace indexing {

TensorIndex::TensorIndex(const char* text) : kind_(Kind::kEllipsis) {
  if (text == nullptr || std::string(text) != "...") {
    throw std::invalid_argument(std::string("TensorIndex: got the string \"") + (text ? text : "") +
                                "\", expected \"...\" (the only string an index may be)");
  }
}

std::string to_string(std::span<const TensorIndex> indices) {
  std::string out = "[";
  const auto bound = [](const std::optional<std::int64_t>& v) { return v ? std::to_string(*v) : std::string(); };
  for (std::size_t i = 0; i < indices.size(); ++i) {
    if (i > 0) out += ", ";
    const TensorIndex& x = indices[i];
    switch (x.kind()) {
      case TensorIndex::Kind::kNone: out += "None"; break;
      case TensorIndex::Kind::kEllipsis: out += "..."; break;
      case TensorIndex::Kind::kInteger: out += std::to_string(x.integer()); break;
      case TensorIndex::Kind::kBoolean: out += x.boolean() ? "True" : "False"; break;
      case TensorIndex::Kind::kSlice:
        out += bound(x.slice().start()) + ":" + bound(x.slice().stop());
        if (x.slice().step() != 1) out += ":" + std::to_string(x.slice().step());
        break;
      case TensorIndex::Kind::kTensor:
        out += std::string("tensor of sizes ") + gg::to_string(x.tensor().sizes()) + " (" +
               gg::name(x.tensor().dtype()) + ")";
        break;
    }
  }
  return out + "]";
}

}  // namespace indexing

namespace {

using indexing::TensorIndex;

std::string context(const Tensor& x, std::span<const TensorIndex> indices) {
  return "index: indexing a tensor of sizes " + to_string(x.sizes()) + " with " + indexing::to_string(indices);
}

// How many dims of x an index consumes.
std::int64_t consumed(const TensorIndex& i) {
  if (i.is_integer() || i.is_slice()) return 1;
  if (i.is_tensor()) return i.tensor().dtype() == Dtype::Bool ? std::max<std::int64_t>(i.tensor().dim(), 1) : 1;
  return 0;  // None, "...", a bool
}

}  // namespace

Tensor index(const Tensor& x, std::span<const TensorIndex> indices, Where where) {
  std::int64_t wanted = 0, ellipses = 0;
  for (const TensorIndex& i : indices) {
    wanted += consumed(i);
    if (i.is_ellipsis()) ++ellipses;
  }
  if (ellipses > 1) throw std::invalid_argument(context(x, indices) + ": an index can only have a single ellipsis (\"...\")");
  if (wanted > x.dim()) {
    throw std::out_of_range(context(x, indices) + ": too many indices, " + std::to_string(wanted) +
                            " for a tensor of dimension " + std::to_string(x.dim()));
  }
  // The basic indices, applied left to right; the tensor indices are kept with the dim of the
  // result they index.
  Tensor y = x;
  std::int64_t dim = 0;  // the dim of y the next index applies to
  std::vector<std::pair<std::int64_t, Tensor>> picks;
  for (const TensorIndex& i : indices) {
    switch (i.kind()) {
      case TensorIndex::Kind::kNone: y = gg::unsqueeze(y, dim++, where); break;
      case TensorIndex::Kind::kEllipsis: dim += x.dim() - wanted; break;
      case TensorIndex::Kind::kInteger: {
        const std::int64_t size = y.size(dim);
        if (i.integer() < -size || i.integer() >= size) {
          throw std::out_of_range(context(x, indices) + ": index " + std::to_string(i.integer()) +
                                  " is out of bounds for dimension " + std::to_string(dim) + " with size " +
                                  std::to_string(size));
        }
        y = gg::select(y, dim, i.integer(), where);
        break;
      }
      case TensorIndex::Kind::kBoolean:
        y = gg::unsqueeze(y, dim, where);
        if (!i.boolean()) y = gg::slice(y, dim, 0, 0, 1, where);
        ++dim;
        break;
      case TensorIndex::Kind::kSlice:
        if (i.slice().step() <= 0) {
          throw std::invalid_argument(context(x, indices) + ": slice step must be positive, got " +
                                      std::to_string(i.slice().step()));
        }
        y = gg::slice(y, dim++, i.slice().start(), i.slice().stop(), i.slice().step(), where);
        break;
      case TensorIndex::Kind::kTensor: {
        const Tensor& t = i.tensor();
        if (t.dtype() == Dtype::Bool) {
          const std::int64_t k = std::max<std::int64_t>(t.dim(), 1);
          for (std::int64_t j = 0; j < t.dim(); ++j) {
            if (t.size(j) != y.size(dim + j)) {
              throw ShapeError(context(x, indices) + ": the mask of sizes " + to_string(t.sizes()) +
                               " does not match the indexed tensor's dim " + std::to_string(dim + j) +
                               " of size " + std::to_string(y.size(dim + j)));
            }
          }
          if (t.dim() == 0) {  // a rank-0 mask: a new dim of size 1 or 0, as a bool
            y = gg::unsqueeze(y, dim, where);
            if (!t.item<bool>()) y = gg::slice(y, dim, 0, 0, 1, where);
            ++dim;
            break;
          }
          const Tensor where_true = native::nonzero(t);  // (count, k)
          for (std::int64_t j = 0; j < k; ++j) picks.emplace_back(dim + j, native::select(where_true, 1, j));
          dim += k;
        } else if (t.dtype() == Dtype::Int64) {
          picks.emplace_back(dim++, t);
        } else {
          throw std::invalid_argument(context(x, indices) + ": tensors used as indices must be int64 or bool, got " +
                                      gg::name(t.dtype()));
        }
        break;
      }
    }
  }
  if (picks.empty()) return y;

  // Advanced indexing over the picked dims.
  std::vector<Tensor> index_tensors;
  SizeVector shape;  // the indices' broadcast sizes
  for (const auto& [d, t] : picks) {
    shape = broadcast_sizes("index", shape, t.sizes());
    (void)d;
  }
  bool adjacent = true;
  for (std::size_t j = 1; j < picks.size(); ++j) adjacent = adjacent && picks[j].first == picks[j - 1].first + 1;
  SizeVector order, rest;
  for (const auto& [d, t] : picks) order.push_back(d);
  for (std::int64_t d = 0; d < y.dim(); ++d) {
    if (std::find(order.begin(), order.end(), d) == order.end()) rest.push_back(d);
  }
  // The flat position within the picked dims, from the last picked dim to the first.
  Tensor flat;
  std::int64_t span = 1;
  for (std::size_t j = picks.size(); j-- > 0;) {
    const std::int64_t d = picks[j].first, size = y.size(d);
    const Tensor& t = picks[j].second;
    if (t.numel() > 0) {
      const Tensor lo = native::min(t), hi = native::max(t);
      if (lo.item<std::int64_t>() < -size || hi.item<std::int64_t>() >= size) {
        const std::int64_t bad = lo.item<std::int64_t>() < -size ? lo.item<std::int64_t>() : hi.item<std::int64_t>();
        throw std::out_of_range(context(x, indices) + ": index " + std::to_string(bad) +
                                " is out of bounds for dimension " + std::to_string(d) + " with size " +
                                std::to_string(size));
      }
    }
    // Negative indices count from the end.
    const Tensor wrapped = native::where(native::lt(t, 0), native::add(t, size), t);
    const Tensor term = native::mul(wrapped, span);
    flat = flat.defined() ? native::add(flat, term) : term;
    span *= size;
  }
  flat = native::contiguous(native::expand(flat, shape));
  SizeVector perm(order.begin(), order.end());
  perm.insert(perm.end(), rest.begin(), rest.end());
  SizeVector merged{span};
  for (std::int64_t d : rest) merged.push_back(y.size(d));
  const Tensor moved = gg::reshape(gg::permute(y, perm, where), merged, where);
  Tensor picked = gg::index_select(moved, 0, native::reshape(flat, {-1}), where);
  SizeVector out_sizes(shape.begin(), shape.end());
  for (std::int64_t d : rest) out_sizes.push_back(y.size(d));
  picked = gg::reshape(picked, out_sizes, where);
  const auto before = static_cast<std::int64_t>(std::count_if(rest.begin(), rest.end(), [&](std::int64_t d) {
    return d < picks.front().first;
  }));
  if (!adjacent || before == 0) return picked;
  // Adjacent picked dims: their result dims go where the first one was.
  const auto b = static_cast<std::int64_t>(shape.size());
  SizeVector back;
  for (std::int64_t j = 0; j < before; ++j) back.push_back(b + j);
  for (std::int64_t j = 0; j < b; ++j) back.push_back(j);
  for (std::int64_t j = b + before; j < picked.dim(); ++j) back.push_back(j);
  return gg::permute(picked, back, where);
}

namespace {

// The flat (row-major) positions in x of the elements `indices` choose, in the index result's
// sizes.
Tensor positions(const Tensor& x, std::span<const TensorIndex> indices) {
  NoGradGuard no_grad;
  return index(arange(x.numel(), Dtype::Int64).view(x.sizes()), indices);
}

// put with a gradient: dX = dOut with the positions zeroed (kept when accumulating), dSource =
// dOut at the positions. Its backward is put and index_select again, so it differentiates.
struct PutGate final : autograd::Node {
  static constexpr const char* kName = "PutGate";
  Tensor at;  // the flat positions (int64, no gradient)
  bool accumulate = false;
  void backward(const Tensor& dout, std::span<Tensor> din) override {
    if (needs_grad(0)) din[0] = accumulate ? dout : put(dout, at, zeros(at.sizes(), dout.dtype()), false);
    if (needs_grad(1)) {
      din[1] = to(index_select(reshape(dout, {-1}), 0, reshape(at, {-1})), edges[1].dtype).view(IntArrayRef(edges[1].sizes));
    }
  }
  void release() override { at = Tensor(); }
};

}  // namespace

Tensor put(const Tensor& x, const Tensor& index, const Tensor& source, bool accumulate, Where where) {
  Tensor out = native::put(x, index, source, accumulate);
  return autograd::record<PutGate>(out, {&x, &source}, where, [&](PutGate& g) {
    g.at = index;
    g.accumulate = accumulate;
  });
}

Tensor index_put(const Tensor& x, std::span<const TensorIndex> indices, const Tensor& values, bool accumulate,
                 Where where) {
  const Tensor at = positions(x, indices);
  const SizeVector sizes = broadcast_sizes("index_put", at.sizes(), values.sizes());
  if (IntArrayRef(sizes) != at.sizes()) {
    throw ShapeError("index_put: values of sizes " + to_string(values.sizes()) + " cannot be broadcast to " +
                     to_string(at.sizes()) + ", the sizes of the part " + indexing::to_string(indices) +
                     " of a tensor of sizes " + to_string(x.sizes()));
  }
  return put(x, at, gg::expand(values, at.sizes(), where), accumulate, where);
}

Tensor Tensor::index(std::initializer_list<TensorIndex> indices, Where where) const {
  return gg::index(*this, std::span<const TensorIndex>(indices.begin(), indices.size()), where);
}
Tensor Tensor::index(std::span<const TensorIndex> indices, Where where) const {
  return gg::index(*this, indices, where);
}
Tensor Tensor::nonzero() const { return native::nonzero(*this); }

}  // namespace gg
