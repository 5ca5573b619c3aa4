#pragma once
// The nesting behind gg::tensor({{1, 2}, {3, 4}}) (tensor/factory.hpp): which element types a
// braced list may hold, and the flattening that checks it is not ragged.
#include <gategrad/tensor/tensor.hpp>

#include <cstddef>
#include <initializer_list>
#include <type_traits>
#include <vector>

namespace gg::detail {
// What the braced list of gg::tensor may hold, and the dtype each gives (torch::tensor's rule):
// bool -> bool, a signed integer -> int64, float or double -> the default float dtype.
template <class V>
concept ListElement = std::is_same_v<V, bool> || std::is_same_v<V, float> ||
                      std::is_same_v<V, double> || (std::is_integral_v<V> && std::is_signed_v<V>);
template <class V>
inline constexpr Dtype kListDtype = std::is_same_v<V, bool>   ? Dtype::Bool
                                    : std::is_integral_v<V> ? Dtype::Int64
                                                            : kDefaultFloat;
// The `{}` of gg::tensor({}). Not an aggregate, so that no list of values converts to it.
struct EmptyList {
  EmptyList() = default;
};

// A nested list's values in row-major order and its sizes: the first list at each depth sets
// the size there, and every other list at that depth must have it.
struct FlatList {
  std::vector<Scalar> values;
  SizeVector sizes;
  SizeVector row;  // the indices of the list being read, for the ragged-list error
};
// Records the length of the list at `flat.row`; throws std::invalid_argument when it differs
// from the first list's at the same depth.
void check_list_length(FlatList& flat, std::size_t length);
template <class V>
void flatten_list(FlatList& flat, std::initializer_list<V> list) {
  check_list_length(flat, list.size());
  if constexpr (ListElement<V>) {
    for (V v : list) flat.values.emplace_back(v);
  } else {
    flat.row.push_back(0);
    for (const V& sub : list) {
      flatten_list(flat, sub);
      ++flat.row.back();
    }
    flat.row.pop_back();
  }
}
Tensor tensor_from_flat(const FlatList& flat, std::size_t rank, Dtype natural,
                        const TensorOptions& options);
template <class V, class List>
Tensor tensor_from_list(List list, std::size_t rank, const TensorOptions& options) {
  FlatList flat;
  flatten_list(flat, list);
  return tensor_from_flat(flat, rank, kListDtype<V>, options);
}
}  // namespace gg::detail
