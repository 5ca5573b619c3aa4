// The tensor handle's metadata and element access; the operations are in the files
// tensor/native.hpp names, the differentiable methods in the autograd layer.
#include <gategrad/tensor/shape.hpp>
#include <gategrad/tensor/tensor.hpp>

#include <stdexcept>

namespace gg {

void Tensor::throw_undefined() {
  throw std::logic_error("gg::Tensor: the tensor is undefined (default-constructed); make one "
                         "with gg::empty, gg::zeros, gg::tensor, ... first");
}

void Tensor::throw_dtype(Dtype expected, const char* op) const {
  throw std::invalid_argument(std::string(op) + "<" + gg::name(expected) + ">: the tensor holds " +
                              gg::name(dtype()) + ", expected " + gg::name(expected) +
                              " (convert with .to(gg::k...) first)");
}

Scalar Tensor::item() const {
  if (numel() != 1) {
    throw ShapeError("item: got a tensor of sizes " + to_string(sizes()) + " (" +
                     std::to_string(numel()) +
                     " elements), expected exactly one element (index or reduce it first)");
  }
  return visit_dtype(dtype(), [&]<class T>() { return Scalar(*static_cast<const T*>(data_ptr())); });
}

}  // namespace gg
