// The shape ops: joining (cat, stack), splitting into views (split, chunk, unbind), and the
// copies that move elements (flip, roll, repeat, tril/triu, constant_pad_nd):
//   CatGate        Y = cat(X_0, ..., X_n-1; d)   dX_i = narrow(dY, d, offset_i, size_i)
//   FlipGate       Y = flip(X, dims)             dX = flip(dY, dims)
//   TrilGate       Y = tril(X, k)                dX = tril(dY, k)   (TriuGate the same, upper)
//   ConstantPadGate Y = pad(X, p, v)             dX = pad(dY, -p, 0): the crop of the padding
// Each backward is the op itself or a view, so the second derivatives record through them.
// stack, roll and repeat are compositions (of unsqueeze and cat; of narrow and cat; of
// reshape, expand and a copy), and the splits are views: they need no gate of their own.
#include <gategrad/autograd/ops.hpp>
#include <gategrad/autograd/recording.hpp>
#include <gategrad/tensor/factory.hpp>
#include <gategrad/tensor/native.hpp>

#include <algorithm>
#include <string>

namespace gg {
namespace {

using autograd::record;

struct CatGate final : autograd::Node {
  static constexpr const char* kName = "CatGate";
  std::int64_t dim = 0;
  SizeVector offsets;  // input i's first index along dim; -1 for a skipped 1-D empty tensor
  void backward(const Tensor& dout, std::span<Tensor> din) override {
    for (std::size_t i = 0; i < din.size(); ++i) {
      if (!needs_grad(i)) continue;
      if (offsets[i] < 0) {
        din[i] = zeros({0}, dout.dtype());
      } else {
        din[i] = narrow(dout, dim, offsets[i], edges[i].sizes[static_cast<std::size_t>(dim)], where);
      }
    }
  }
  void release() override {}
};

struct FlipGate final : autograd::Node {
  static constexpr const char* kName = "FlipGate";
  SizeVector dims;
  void backward(const Tensor& dout, std::span<Tensor> din) override { din[0] = flip(dout, dims, where); }
  void release() override {}
};

template <bool Upper>
struct TriangleGate final : autograd::Node {
  static constexpr const char* kName = Upper ? "TriuGate" : "TrilGate";
  std::int64_t diagonal = 0;
  void backward(const Tensor& dout, std::span<Tensor> din) override {
    din[0] = Upper ? triu(dout, diagonal, where) : tril(dout, diagonal, where);
  }
  void release() override {}
};

struct ConstantPadGate final : autograd::Node {
  static constexpr const char* kName = "ConstantPadGate";
  SizeVector crop;  // the pads negated
  void backward(const Tensor& dout, std::span<Tensor> din) override {
    din[0] = constant_pad_nd(dout, crop, 0, where);
  }
  void release() override {}
};

std::string list_text(IntArrayRef values) { return to_string(values); }

std::int64_t sliced_dim(const char* op, const Tensor& x, std::int64_t dim) {
  if (x.dim() == 0) {
    throw std::out_of_range(std::string(op) + ": expects at least a 1-dimensional tensor, got a 0-dim one (dim " +
                            std::to_string(dim) + ")");
  }
  return wrap_dim(op, dim, x.dim());
}

std::vector<Tensor> narrow_parts(const Tensor& x, std::int64_t dim, IntArrayRef sizes, const Where& where) {
  std::vector<Tensor> parts;
  parts.reserve(sizes.size());
  std::int64_t start = 0;
  for (const std::int64_t n : sizes) {
    parts.push_back(narrow(x, dim, start, n, where));
    start += n;
  }
  return parts;
}

}  // namespace

Tensor cat(TensorList tensors, std::int64_t dim, Where where) {
  Tensor y = native::cat(tensors, dim);  // checks sizes, ranks and dim
  return record<CatGate>(std::move(y), autograd::Inputs(tensors.span()), where, [&](CatGate& g) {
    auto skipped = [](const Tensor& t) { return t.dim() == 1 && t.size(0) == 0; };  // as native::cat
    const auto reference = std::find_if_not(tensors.begin(), tensors.end(), skipped);
    g.dim = reference != tensors.end() ? wrap_dim("cat", dim, reference->dim()) : 0;
    std::int64_t offset = 0;
    for (const Tensor& t : tensors) {
      g.offsets.push_back(skipped(t) ? -1 : offset);
      if (!skipped(t)) offset += t.size(g.dim);
    }
  });
}

Tensor stack(TensorList tensors, std::int64_t dim, Where where) {
  if (tensors.empty()) throw std::invalid_argument("stack: expected a non-empty list of tensors, got none");
  const IntArrayRef sizes = tensors[0].sizes();
  for (std::size_t i = 1; i < tensors.size(); ++i) {
    if (tensors[i].sizes() != sizes) {
      throw ShapeError("stack: expects each tensor to be equal size, but got " + list_text(sizes) + " at entry 0 and " +
                       list_text(tensors[i].sizes()) + " at entry " + std::to_string(i));
    }
  }
  const std::int64_t d = wrap_dim("stack", dim, static_cast<std::int64_t>(sizes.size()) + 1);
  std::vector<Tensor> unsqueezed;
  unsqueezed.reserve(tensors.size());
  for (const Tensor& t : tensors) unsqueezed.push_back(unsqueeze(t, d, where));
  return cat(unsqueezed, d, where);
}

std::vector<Tensor> split(const Tensor& x, std::int64_t split_size, std::int64_t dim, Where where) {
  const std::int64_t d = sliced_dim("split", x, dim);
  const std::int64_t n = x.size(d);
  if (split_size < 0) {
    throw std::invalid_argument("split: expects split_size be non-negative, but got split_size=" +
                                std::to_string(split_size));
  }
  if (split_size == 0 && n != 0) {
    throw std::invalid_argument("split: split_size can only be 0 if dimension size is 0, but got dimension size of " +
                                std::to_string(n) + " (dim " + std::to_string(d) + ")");
  }
  const std::int64_t parts = split_size == 0 ? 1 : std::max<std::int64_t>((n + split_size - 1) / split_size, 1);
  SizeVector sizes(static_cast<std::size_t>(parts), split_size);
  sizes.back() = n - split_size * (parts - 1);
  return narrow_parts(x, d, sizes, where);
}

std::vector<Tensor> split_with_sizes(const Tensor& x, IntArrayRef split_sizes, std::int64_t dim, Where where) {
  const std::int64_t d = sliced_dim("split_with_sizes", x, dim);
  std::int64_t total = 0;
  for (const std::int64_t s : split_sizes) {
    if (s < 0) {
      throw std::invalid_argument("split_with_sizes: expects split_sizes have only non-negative entries, but got "
                                  "split_sizes=" + list_text(split_sizes));
    }
    total += s;
  }
  if (total != x.size(d)) {
    throw ShapeError("split_with_sizes: expects split_sizes to sum exactly to " + std::to_string(x.size(d)) +
                     " (input tensor's size at dimension " + std::to_string(d) + ", sizes " + list_text(x.sizes()) +
                     "), but got split_sizes=" + list_text(split_sizes));
  }
  return narrow_parts(x, d, split_sizes, where);
}

std::vector<Tensor> split(const Tensor& x, IntArrayRef split_sizes, std::int64_t dim, Where where) {
  return split_with_sizes(x, split_sizes, dim, where);
}

std::vector<Tensor> chunk(const Tensor& x, std::int64_t chunks, std::int64_t dim, Where where) {
  if (x.dim() == 0) throw std::out_of_range("chunk: expects at least a 1-dimensional tensor, got a 0-dim one");
  if (chunks <= 0) {
    throw std::invalid_argument("chunk: expects `chunks` to be greater than 0, got: " + std::to_string(chunks));
  }
  const std::int64_t d = wrap_dim("chunk", dim, x.dim());
  const std::int64_t n = x.size(d);
  const std::int64_t split_size = (n + chunks - 1) / chunks;
  // An empty dim gives `chunks` empty parts, as torch's.
  if (split_size == 0 && n == 0) return narrow_parts(x, d, SizeVector(static_cast<std::size_t>(chunks), 0), where);
  return split(x, split_size, d, where);
}

std::vector<Tensor> unbind(const Tensor& x, std::int64_t dim, Where where) {
  const std::int64_t d = sliced_dim("unbind", x, dim);
  std::vector<Tensor> parts;
  parts.reserve(static_cast<std::size_t>(x.size(d)));
  for (std::int64_t i = 0; i < x.size(d); ++i) parts.push_back(select(x, d, i, where));
  return parts;
}

Tensor flip(const Tensor& x, IntArrayRef dims, Where where) {
  return record<FlipGate>(native::flip(x, dims), {&x}, where, [&](FlipGate& g) { g.dims = dims.vec(); });
}

Tensor roll(const Tensor& x, IntArrayRef shifts, IntArrayRef dims, Where where) {
  if (dims.empty() && shifts.size() == 1) {
    return view(roll(flatten(x, 0, -1, where), shifts, {0}, where), x.sizes(), where);
  }
  if (shifts.size() != dims.size()) {
    throw std::invalid_argument("roll: shifts and dims must align: got " + std::to_string(shifts.size()) + " shifts " +
                                list_text(shifts) + " and " + std::to_string(dims.size()) + " dims " + list_text(dims) +
                                " (empty dims take one shift, of the flattened tensor)");
  }
  Tensor y = x;
  for (std::size_t i = 0; i < dims.size(); ++i) {
    const std::int64_t d = sliced_dim("roll", x, dims[i]);
    const std::int64_t n = x.size(d);
    if (n == 0) continue;
    const std::int64_t s = ((shifts[i] % n) + n) % n;
    // The last s elements move to the front.
    if (s != 0) y = cat({narrow(y, d, n - s, s, where), narrow(y, d, 0, n - s, where)}, d, where);
  }
  return y.unsafe_impl() == x.unsafe_impl() ? clone(x, where) : y;  // always a new tensor, as torch's
}

Tensor repeat(const Tensor& x, IntArrayRef repeats, Where where) {
  const auto rank = static_cast<std::size_t>(x.dim());
  if (repeats.size() < rank) {
    throw ShapeError("repeat: got " + std::to_string(repeats.size()) + " repeats " + list_text(repeats) +
                     " for a tensor of sizes " + list_text(x.sizes()) +
                     "; expected at least one per dim (the number of repeat dims can not be smaller than the tensor's)");
  }
  for (const std::int64_t r : repeats) {
    if (r < 0) {
      throw std::invalid_argument("repeat: repeats " + list_text(repeats) + " has a negative entry; expected repeats >= 0");
    }
  }
  // x:(s_0, ..., s_k) viewed as (1, s_0, ..., 1, s_k) with leading (1, 1) pairs, expanded to
  // (r_0, s_0, ..., r_k, s_k) and copied as (r_0 s_0, ..., r_k s_k).
  const std::size_t lead = repeats.size() - rank;
  SizeVector pairs, expanded, result;
  for (std::size_t i = 0; i < repeats.size(); ++i) {
    const std::int64_t s = i < lead ? 1 : x.sizes()[i - lead];
    pairs.insert(pairs.end(), {1, s});
    expanded.insert(expanded.end(), {repeats[i], s});
    result.push_back(repeats[i] * s);
  }
  const Tensor grown = expand(reshape(x, pairs, where), expanded, where);
  const bool once = std::all_of(repeats.begin(), repeats.end(), [](std::int64_t r) { return r == 1; });
  return once ? clone(reshape(grown, result, where), where) : reshape(grown, result, where);
}

Tensor tril(const Tensor& x, std::int64_t diagonal, Where where) {
  return record<TriangleGate<false>>(native::tril(x, diagonal), {&x}, where,
                                     [&](TriangleGate<false>& g) { g.diagonal = diagonal; });
}
Tensor triu(const Tensor& x, std::int64_t diagonal, Where where) {
  return record<TriangleGate<true>>(native::triu(x, diagonal), {&x}, where,
                                    [&](TriangleGate<true>& g) { g.diagonal = diagonal; });
}

Tensor constant_pad_nd(const Tensor& x, IntArrayRef pad, Scalar value, Where where) {
  return record<ConstantPadGate>(native::constant_pad_nd(x, pad, value), {&x}, where, [&](ConstantPadGate& g) {
    for (const std::int64_t p : pad) g.crop.push_back(-p);
  });
}

// The Tensor methods (tensor/tensor.hpp) are these ops, with the caller's line.
std::vector<Tensor> Tensor::split(std::int64_t split_size, std::int64_t dim, Where where) const {
  return gg::split(*this, split_size, dim, where);
}
std::vector<Tensor> Tensor::split(IntArrayRef split_sizes, std::int64_t dim, Where where) const {
  return gg::split(*this, split_sizes, dim, where);
}
std::vector<Tensor> Tensor::split_with_sizes(IntArrayRef split_sizes, std::int64_t dim, Where where) const {
  return gg::split_with_sizes(*this, split_sizes, dim, where);
}
std::vector<Tensor> Tensor::chunk(std::int64_t chunks, std::int64_t dim, Where where) const {
  return gg::chunk(*this, chunks, dim, where);
}
std::vector<Tensor> Tensor::unbind(std::int64_t dim, Where where) const { return gg::unbind(*this, dim, where); }
Tensor Tensor::flip(IntArrayRef dims, Where where) const { return gg::flip(*this, dims, where); }
Tensor Tensor::roll(IntArrayRef shifts, IntArrayRef dims, Where where) const {
  return gg::roll(*this, shifts, dims, where);
}
Tensor Tensor::repeat(IntArrayRef repeats, Where where) const { return gg::repeat(*this, repeats, where); }
Tensor Tensor::tril(std::int64_t diagonal, Where where) const { return gg::tril(*this, diagonal, where); }
Tensor Tensor::triu(std::int64_t diagonal, Where where) const { return gg::triu(*this, diagonal, where); }

}  // namespace gg
