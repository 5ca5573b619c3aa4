#include <gategrad/tensor/dtype.hpp>

namespace gg {

std::size_t element_size(Dtype dtype) {
  return visit_dtype(dtype, []<class T>() { return sizeof(T); });
}

const char* name(Dtype dtype) {
  switch (dtype) {
    case Dtype::Bool: return "bool";
    case Dtype::Int64: return "int64";
    case Dtype::BFloat16: return "bfloat16";
    case Dtype::Float32: return "float32";
    case Dtype::Float64: return "float64";
  }
  return "unknown dtype";
}

const char* type_name(Dtype dtype) {
  switch (dtype) {
    case Dtype::Bool: return "CPUBoolType";
    case Dtype::Int64: return "CPULongType";
    case Dtype::BFloat16: return "CPUBFloat16Type";
    case Dtype::Float32: return "CPUFloatType";
    case Dtype::Float64: return "CPUDoubleType";
  }
  return "CPUUnknownType";
}

std::string to_string(Dtype dtype) { return name(dtype); }

}  // namespace gg
