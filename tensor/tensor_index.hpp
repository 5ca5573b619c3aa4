#pragma once
// LibTorch's tensor-indexing syntax: the indices of x.index({...}) and x.index_put_({...}, v)
// (autograd/tensor_index.cpp), in gg::indexing as in torch::indexing:
//
//   using namespace gg::indexing;
//   x.index({Slice(), 0})             // x[:, 0]
//   x.index({"...", Slice(None, 2)})  // x[..., :2]
//   x.index({None, mask})             // x[None, mask]: a bool mask selects, an int64 tensor picks
//   x.index_put_({Slice(1, None), 0}, 5)
#include <gategrad/tensor/tensor.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>

namespace gg::indexing {

inline constexpr std::nullopt_t None = std::nullopt;

struct EllipsisIndexType {};
inline constexpr EllipsisIndexType Ellipsis;

// start:stop:step, each omitted as None (Python's defaults: 0, the end, 1).
class Slice {
 public:
  Slice(std::optional<std::int64_t> start = std::nullopt, std::optional<std::int64_t> stop = std::nullopt,
        std::optional<std::int64_t> step = std::nullopt)
      : start_(start), stop_(stop), step_(step.value_or(1)) {}
  std::optional<std::int64_t> start() const { return start_; }
  std::optional<std::int64_t> stop() const { return stop_; }
  std::int64_t step() const { return step_; }

 private:
  std::optional<std::int64_t> start_, stop_;
  std::int64_t step_ = 1;
};

// One index: None (a new dim of size 1), "..." (as many full slices as needed), an integer (the
// dim is dropped), a bool (True: a new dim; False: a new dim of size 0), a Slice, or a tensor
// (int64: picks along the dim; bool: a mask over as many dims as it has).
class TensorIndex {
 public:
  enum class Kind { kNone, kEllipsis, kInteger, kBoolean, kSlice, kTensor };

  TensorIndex(std::nullopt_t) : kind_(Kind::kNone) {}  // NOLINT: implicit, as LibTorch's
  TensorIndex(EllipsisIndexType) : kind_(Kind::kEllipsis) {}  // NOLINT
  // Only "..." is accepted (std::invalid_argument otherwise), as LibTorch's.
  TensorIndex(const char* text);  // NOLINT
  template <class I>
    requires(std::is_integral_v<I> && !std::is_same_v<I, bool>)
  TensorIndex(I integer) : kind_(Kind::kInteger), integer_(static_cast<std::int64_t>(integer)) {}  // NOLINT
  TensorIndex(bool boolean) : kind_(Kind::kBoolean), integer_(boolean ? 1 : 0) {}  // NOLINT
  TensorIndex(Slice slice) : kind_(Kind::kSlice), slice_(slice) {}  // NOLINT
  TensorIndex(Tensor tensor) : kind_(Kind::kTensor), tensor_(std::move(tensor)) {}  // NOLINT

  Kind kind() const { return kind_; }
  bool is_none() const { return kind_ == Kind::kNone; }
  bool is_ellipsis() const { return kind_ == Kind::kEllipsis; }
  bool is_integer() const { return kind_ == Kind::kInteger; }
  bool is_boolean() const { return kind_ == Kind::kBoolean; }
  bool is_slice() const { return kind_ == Kind::kSlice; }
  bool is_tensor() const { return kind_ == Kind::kTensor; }
  std::int64_t integer() const { return integer_; }
  bool boolean() const { return integer_ != 0; }
  const Slice& slice() const { return slice_; }
  const Tensor& tensor() const { return tensor_; }

 private:
  Kind kind_;
  std::int64_t integer_ = 0;
  Slice slice_;
  Tensor tensor_;
};

// "[:, 0, None, ...]" as Python writes the index, for error messages.
std::string to_string(std::span<const TensorIndex> indices);

}  // namespace gg::indexing
