#include "alloc_counter.hpp"

#include <gategrad/tensor/detail/asan.hpp>

#include <atomic>
#include <cstdlib>
#include <new>

namespace {
std::atomic<bool> counting{false};
std::atomic<std::size_t> allocations{0};

void count() {
  if (counting.load(std::memory_order_relaxed)) allocations.fetch_add(1, std::memory_order_relaxed);
}

void* checked(void* p) {
  if (p == nullptr) throw std::bad_alloc();
  return p;
}
}  // namespace

namespace gg::test {
void start_counting_allocations() {
  allocations = 0;
  counting = true;
}
std::size_t stop_counting_allocations() {
  counting = false;
  return allocations.load();
}
}  // namespace gg::test

#if GG_ASAN

// operator new forwards to malloc, which AddressSanitizer intercepts.
namespace gg::test {
bool counts_malloc() { return false; }
}  // namespace gg::test

void* operator new(std::size_t n) {
  count();
  return checked(std::malloc(n == 0 ? 1 : n));
}
void* operator new(std::size_t n, std::align_val_t a) {
  count();
  const std::size_t align = static_cast<std::size_t>(a);
  return checked(std::aligned_alloc(align, (n + align - 1) / align * align));
}

#else

// glibc's allocator under its internal names: replacing malloc means defining every function
// of its family (glibc manual, "Replacing malloc").
extern "C" {
void* __libc_malloc(std::size_t);
void __libc_free(void*);
void* __libc_calloc(std::size_t, std::size_t);
void* __libc_realloc(void*, std::size_t);
void* __libc_memalign(std::size_t, std::size_t);
void* __libc_valloc(std::size_t);
void* __libc_pvalloc(std::size_t);

void* malloc(std::size_t n) noexcept {
  count();
  return __libc_malloc(n);
}
void free(void* p) noexcept { __libc_free(p); }
void* calloc(std::size_t count_, std::size_t n) noexcept {
  count();
  return __libc_calloc(count_, n);
}
void* realloc(void* p, std::size_t n) noexcept {
  count();
  return __libc_realloc(p, n);
}
void* memalign(std::size_t align, std::size_t n) noexcept {
  count();
  return __libc_memalign(align, n);
}
void* aligned_alloc(std::size_t align, std::size_t n) noexcept {
  count();
  return __libc_memalign(align, n);
}
int posix_memalign(void** out, std::size_t align, std::size_t n) noexcept {
  count();
  void* p = __libc_memalign(align, n);
  if (p == nullptr) return 12;  // ENOMEM
  *out = p;
  return 0;
}
void* valloc(std::size_t n) noexcept {
  count();
  return __libc_valloc(n);
}
void* pvalloc(std::size_t n) noexcept {
  count();
  return __libc_pvalloc(n);
}
}

namespace gg::test {
bool counts_malloc() { return true; }
}  // namespace gg::test

// operator new goes through malloc (counted there), so it is not counted twice.
void* operator new(std::size_t n) { return checked(malloc(n == 0 ? 1 : n)); }
void* operator new(std::size_t n, std::align_val_t a) {
  return checked(__libc_memalign(static_cast<std::size_t>(a), n == 0 ? 1 : n));
}

#endif

void* operator new[](std::size_t n) { return operator new(n); }
void* operator new[](std::size_t n, std::align_val_t a) { return operator new(n, a); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  try {
    return operator new(n);
  } catch (...) {
    return nullptr;
  }
}
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept {
  try {
    return operator new(n);
  } catch (...) {
    return nullptr;
  }
}
void* operator new(std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
  try {
    return operator new(n, a);
  } catch (...) {
    return nullptr;
  }
}
void* operator new[](std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
  try {
    return operator new(n, a);
  } catch (...) {
    return nullptr;
  }
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }
