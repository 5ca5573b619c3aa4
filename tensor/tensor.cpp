// The tensor handle's metadata and element access; the operations are in the files
// tensor/native.hpp names, the differentiable methods in the autograd layer.
#include <gategrad/tensor/shape.hpp>
#include <gategrad/tensor/tensor.hpp>

#include <stdexcept>

namespace gg {

const TensorImpl& Tensor::checked() const {
  if (impl_ == nullptr) {
    throw std::logic_error("gg::Tensor: the tensor is undefined (default-constructed); make one "
                           "with gg::empty, gg::zeros, gg::tensor, ... first");
  }
  return *impl_;
}

void Tensor::check_dtype(Dtype expected, const char* op) const {
  if (dtype() != expected) {
    throw std::invalid_argument(std::string(op) + "<" + gg::name(expected) + ">: the tensor holds " +
                                gg::name(dtype()) + ", expected " + gg::name(expected) +
                                " (convert with .to(gg::k...) first)");
  }
}

std::int64_t Tensor::size(std::int64_t dim) const {
  const TensorImpl& impl = checked();
  return impl.sizes[static_cast<std::size_t>(wrap_dim("size", dim, this->dim()))];
}

std::int64_t Tensor::stride(std::int64_t dim) const {
  const TensorImpl& impl = checked();
  return impl.strides[static_cast<std::size_t>(wrap_dim("stride", dim, this->dim()))];
}

bool Tensor::is_contiguous() const {
  const TensorImpl& impl = checked();
  std::int64_t expected = 1;
  for (std::size_t i = impl.sizes.size(); i-- > 0;) {
    const std::int64_t size = impl.sizes[i];
    if (size == 0) return true;
    if (size == 1) continue;
    if (impl.strides[i] != expected) return false;
    expected *= size;
  }
  return true;
}

void* Tensor::data_ptr() const {
  const TensorImpl& impl = checked();
  if (impl.storage == nullptr || impl.storage->data() == nullptr) return nullptr;
  return static_cast<char*>(impl.storage->data()) +
         impl.storage_offset * static_cast<std::int64_t>(gg::element_size(impl.dtype));
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
