#pragma once
// Scratch for packed panels, taken from the caching allocator (tensor/allocator.hpp) for the
// length of one call and given back at its end: steady-state GEMM calls allocate nothing from
// the system, whichever pool thread runs them, and no thread keeps megabytes it no longer uses.
#include <gategrad/tensor/allocator.hpp>

#include <cstddef>

namespace gg::gemm_detail {

template <class T>
class Workspace {
 public:
  // n elements, 64-byte aligned; the contents are unspecified.
  explicit Workspace(std::size_t n)
      : data_(static_cast<T*>(cached_allocate(n * sizeof(T)))), bytes_(n * sizeof(T)) {}
  ~Workspace() { cached_deallocate(data_, bytes_); }
  Workspace(const Workspace&) = delete;
  Workspace& operator=(const Workspace&) = delete;

  T* data() const { return data_; }

 private:
  T* data_;
  std::size_t bytes_;
};

}  // namespace gg::gemm_detail
