#pragma once
// The argument handling shared by the convolution and pooling ops (autograd/gates/conv_gates.cpp
// defines it, autograd/pooling.cpp uses it too): LibTorch's one-or-two sizes and its unbatched
// (C, H, W) inputs.
#include <gategrad/tensor/source_location.hpp>
#include <gategrad/tensor/tensor.hpp>

#include <array>
#include <cstdint>

namespace gg::detail {

// One value for both spatial dims, or one per dim; std::invalid_argument naming `op` and
// `name` otherwise.
std::array<std::int64_t, 2> spatial_pair(const char* op, const char* name, IntArrayRef v);

// The batched form of a (C, H, W) or (N, C, H, W) input (a recorded unsqueeze); `batched` says
// which it was. ShapeError naming `op` for another rank.
Tensor batched_image(const char* op, const Tensor& input, bool& batched, Where where);

}  // namespace gg::detail
