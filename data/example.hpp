#pragma once
// gg::data::Example: one input and its target, as torch::data::Example.
//
//   Example<> e{image, label};      // e.data:(1,28,28) float32, e.target:() int64
#include <gategrad/tensor/tensor.hpp>

#include <utility>

namespace gg::data {

template <class Data = Tensor, class Target = Tensor>
struct Example {
  using DataType = Data;
  using TargetType = Target;

  Example() = default;
  Example(Data data_value, Target target_value)
      : data(std::move(data_value)), target(std::move(target_value)) {}

  Data data;
  Target target;
};

}  // namespace gg::data
