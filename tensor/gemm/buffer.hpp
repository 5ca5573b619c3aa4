#pragma once
// Reusable 64-byte aligned scratch for packed panels: one per thread and element type, grown
// on demand and never shrunk, so steady-state GEMM calls allocate nothing.
#include <cstddef>
#include <cstdlib>
#include <memory>
#include <new>

namespace gg::gemm_detail {

template <class T>
class AlignedBuffer {
 public:
  // At least n elements, 64-byte aligned; the contents are unspecified.
  T* get(std::size_t n) {
    if (n > capacity_) {
      const std::size_t bytes = (n * sizeof(T) + 63) / 64 * 64;
      data_.reset(static_cast<T*>(std::aligned_alloc(64, bytes)));
      if (!data_) throw std::bad_alloc();
      capacity_ = bytes / sizeof(T);
    }
    return data_.get();
  }

 private:
  struct Free {
    void operator()(T* p) const { std::free(p); }
  };
  std::unique_ptr<T, Free> data_;
  std::size_t capacity_ = 0;
};

// Packed A block of the calling thread.
template <class T>
AlignedBuffer<T>& packed_a_buffer() {
  thread_local AlignedBuffer<T> buffer;
  return buffer;
}

// Packed B block of the calling thread.
template <class T>
AlignedBuffer<T>& packed_b_buffer() {
  thread_local AlignedBuffer<T> buffer;
  return buffer;
}

}  // namespace gg::gemm_detail
