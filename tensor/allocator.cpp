#include <gategrad/tensor/allocator.hpp>
#include <gategrad/tensor/detail/asan.hpp>

#include <array>
#include <atomic>
#include <bit>
#include <cstdlib>
#include <mutex>
#include <thread>

#if GG_ASAN
#include <sanitizer/asan_interface.h>
#endif

namespace gg {
namespace {

constexpr std::size_t kSmallStep = 64;     // small classes: 64, 128, ..., 1024 bytes
constexpr std::size_t kSmallLimit = 1024;
constexpr std::size_t kSmallClasses = kSmallLimit / kSmallStep;  // 16
constexpr std::size_t kPerPowerOfTwo = 4;
constexpr std::size_t kClasses = kSmallClasses + kPerPowerOfTwo * 64;

struct SizeClass {
  std::size_t index;
  std::size_t bytes;  // the block size every request of the class gets
};

// 64-byte steps up to 1 KiB; above, [2^e, 2^(e+1)) splits into four equal classes.
SizeClass size_class(std::size_t bytes) {
  if (bytes <= kSmallLimit) {
    const std::size_t steps = bytes == 0 ? 1 : (bytes + kSmallStep - 1) / kSmallStep;
    return {steps - 1, steps * kSmallStep};
  }
  const auto exponent = static_cast<std::size_t>(std::bit_width(bytes - 1) - 1);  // 2^e < bytes
  const std::size_t quarter = std::size_t{1} << (exponent - 2);
  const std::size_t quarters = (bytes + quarter - 1) / quarter;  // in (4, 8]
  return {kSmallClasses + (exponent - 10) * kPerPowerOfTwo + (quarters - 5), quarters * quarter};
}

struct FreeBlock {
  FreeBlock* next;
};

// Under AddressSanitizer a cached block is poisoned, so a use after free is still reported
// (as use-after-poison) although the block never went back to malloc. Its first word, the
// free-list link, stays readable: LeakSanitizer does not scan poisoned memory and would report
// every block behind the head of a list as leaked.
void poison(void* block, std::size_t bytes) {
#if GG_ASAN
  ASAN_POISON_MEMORY_REGION(static_cast<char*>(block) + sizeof(FreeBlock), bytes - sizeof(FreeBlock));
#else
  (void)block, (void)bytes;
#endif
}
void unpoison(void* block, std::size_t bytes) {
#if GG_ASAN
  ASAN_UNPOISON_MEMORY_REGION(block, bytes);
#else
  (void)block, (void)bytes;
#endif
}

std::size_t limit_from_environment() {
  constexpr std::size_t kDefault = std::size_t{1} << 30;
  const char* text = std::getenv("GG_CACHE_LIMIT_MB");
  if (text == nullptr || *text == '\0') return kDefault;
  char* end = nullptr;
  const unsigned long long mb = std::strtoull(text, &end, 10);
  if (*end != '\0') return kDefault;  // not a number: keep the default rather than guess
  return static_cast<std::size_t>(mb) << 20;
}

// The cache's lock. Its critical sections are a few loads and stores, and in a training step
// only one thread allocates at a time, so a test-and-set flag is enough, and cheaper than a
// pthread mutex: a batch-1 step of net (e) allocates ~65 blocks, and pthread_mutex_lock and
// unlock took 5.1k of its 300k instructions (callgrind); the flag takes about a tenth of that.
// A waiter spins on a plain load (no cache-line ping-pong), then yields the core.
class SpinLock {
 public:
  void lock() noexcept {
    while (locked_.exchange(true, std::memory_order_acquire)) {
      for (int spins = 0; locked_.load(std::memory_order_relaxed); ++spins) {
        if (spins >= 64) std::this_thread::yield();
      }
    }
  }
  void unlock() noexcept { locked_.store(false, std::memory_order_release); }

 private:
  std::atomic<bool> locked_{false};
};

class Cache {
 public:
  void* allocate(std::size_t bytes) {
    const SizeClass c = size_class(bytes);
    {
      std::lock_guard lock(lock_);
      stats_.in_use_bytes += c.bytes;
      if (stats_.in_use_bytes > stats_.peak_in_use_bytes) {
        stats_.peak_in_use_bytes = stats_.in_use_bytes;
      }
      if (FreeBlock* block = free_[c.index]) {
        unpoison(block, c.bytes);
        free_[c.index] = block->next;
        stats_.cached_bytes -= c.bytes;
        return block;
      }
      ++stats_.system_allocations;
    }
    try {
      return ::operator new(c.bytes, std::align_val_t{kAlignment});
    } catch (const std::bad_alloc&) {
      release_all();  // the cache may hold what the system is missing
      try {
        return ::operator new(c.bytes, std::align_val_t{kAlignment});
      } catch (...) {
        std::lock_guard lock(lock_);
        stats_.in_use_bytes -= c.bytes;
        throw;
      }
    }
  }

  void deallocate(void* p, std::size_t bytes) noexcept {
    if (p == nullptr) return;
    const SizeClass c = size_class(bytes);
    {
      std::lock_guard lock(lock_);
      stats_.in_use_bytes -= c.bytes;
      if (stats_.cached_bytes + c.bytes <= limit_) {
        auto* block = static_cast<FreeBlock*>(p);
        block->next = free_[c.index];
        free_[c.index] = block;
        stats_.cached_bytes += c.bytes;
        poison(block, c.bytes);
        return;
      }
    }
    ::operator delete(p, std::align_val_t{kAlignment});
  }

  // Frees blocks, largest classes first, until at most `keep` bytes stay cached.
  void trim_to(std::size_t keep) {
    std::lock_guard lock(lock_);
    for (std::size_t i = kClasses; i-- > 0 && stats_.cached_bytes > keep;) {
      while (free_[i] != nullptr && stats_.cached_bytes > keep) {
        FreeBlock* block = free_[i];
        unpoison(block, class_bytes(i));
        free_[i] = block->next;
        stats_.cached_bytes -= class_bytes(i);
        ::operator delete(block, std::align_val_t{kAlignment});
      }
    }
  }
  void release_all() { trim_to(0); }

  void set_limit(std::size_t bytes) {
    {
      std::lock_guard lock(lock_);
      limit_ = bytes;
    }
    trim_to(bytes);
  }
  std::size_t limit() {
    std::lock_guard lock(lock_);
    return limit_;
  }
  CacheStats stats() {
    std::lock_guard lock(lock_);
    return stats_;
  }

 private:
  static std::size_t class_bytes(std::size_t index) {
    if (index < kSmallClasses) return (index + 1) * kSmallStep;
    const std::size_t exponent = (index - kSmallClasses) / kPerPowerOfTwo + 10;
    const std::size_t quarters = (index - kSmallClasses) % kPerPowerOfTwo + 5;
    return quarters << (exponent - 2);
  }

  SpinLock lock_;
  std::array<FreeBlock*, kClasses> free_{};
  CacheStats stats_;
  std::size_t limit_ = limit_from_environment();
};

// Never destroyed: tensors in static storage may be freed after every other static object.
// The free lists stay reachable from here, so leak checkers do not report cached blocks.
Cache& cache() {
  static Cache* instance = new Cache;
  return *instance;
}

}  // namespace

void* cached_allocate(std::size_t bytes) { return cache().allocate(bytes); }
void cached_deallocate(void* block, std::size_t bytes) noexcept {
  cache().deallocate(block, bytes);
}
CacheStats cache_stats() { return cache().stats(); }
void release_cached_memory() { cache().release_all(); }
void set_cache_limit(std::size_t bytes) { cache().set_limit(bytes); }
std::size_t cache_limit() { return cache().limit(); }

}  // namespace gg
