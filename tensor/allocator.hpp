#pragma once
// The caching allocator behind every tensor's storage and every autograd node.
//
// A training step of a fixed-shape model frees and requests the same sizes every step. glibc
// hands large blocks back to the kernel on free (mmap/munmap, or a heap trim) and faults them
// in again on the next step, page by page: on this machine's VM that cost more than the
// arithmetic of a batch-1 step. So freed blocks go into per-size-class free lists instead, and
// the next request of that class takes one back: after the first step, a step does no heap
// allocation at all (tests/test_allocation.cpp counts them).
//
// Size classes: multiples of 64 bytes up to 1 KiB, then four classes per power of two (at most
// 25% rounding). Every block is 64-byte aligned (a cache line, a full AVX-512 register).
// Cached blocks are returned to the system by release_cached_memory(), and a free that would
// push the cache past its limit (default 1 GiB, GG_CACHE_LIMIT_MB, set_cache_limit) returns
// the block at once. Thread-safe: one spin lock, uncontended in a training step.
#include <cstddef>
#include <memory>
#include <new>
#include <utility>

namespace gg {

// All gategrad storage is aligned to a cache line (and to a full AVX-512 register).
inline constexpr std::size_t kAlignment = 64;

// A 64-byte-aligned block of at least `bytes` bytes (bytes == 0 gives a minimal block).
// Throws std::bad_alloc when the system has no memory left, after releasing the cache.
void* cached_allocate(std::size_t bytes);
// Returns a block from cached_allocate (with the same `bytes`) to the cache.
void cached_deallocate(void* block, std::size_t bytes) noexcept;

struct CacheStats {
  std::size_t in_use_bytes = 0;        // handed out and not yet returned (rounded to classes)
  std::size_t peak_in_use_bytes = 0;   // the highest in_use_bytes so far
  std::size_t cached_bytes = 0;        // free blocks kept for reuse
  std::size_t system_allocations = 0;  // blocks requested from the system so far
};
CacheStats cache_stats();

// Returns every cached (free) block to the system.
void release_cached_memory();
// Caps the bytes kept in free lists; lowering it releases blocks until the cache fits.
void set_cache_limit(std::size_t bytes);
std::size_t cache_limit();

// A standard allocator over the cache, for containers and std::allocate_shared.
template <class T>
struct CachingAllocator {
  using value_type = T;
  CachingAllocator() = default;
  template <class U>
  CachingAllocator(const CachingAllocator<U>&) noexcept {}  // NOLINT: converting, as allocators do

  // Zero elements take no block (the standard leaves allocate(0)'s result unspecified): an
  // empty tensor, such as a gate's unfilled gradient slot, costs nothing.
  T* allocate(std::size_t n) {
    if (n == 0) return nullptr;
    if (n > static_cast<std::size_t>(-1) / sizeof(T)) throw std::bad_array_new_length();
    return static_cast<T*>(cached_allocate(n * sizeof(T)));
  }
  void deallocate(T* p, std::size_t n) noexcept { cached_deallocate(p, n * sizeof(T)); }

  template <class U>
  bool operator==(const CachingAllocator<U>&) const noexcept { return true; }
};

}  // namespace gg

namespace gg {

// std::make_shared with the object and its control block from the cache: graph nodes and
// values are created and freed every step, and must not reach the system allocator either.
template <class U, class... Args>
std::shared_ptr<U> make_cached_shared(Args&&... args) {
  return std::allocate_shared<U>(CachingAllocator<U>{}, std::forward<Args>(args)...);
}

}  // namespace gg
