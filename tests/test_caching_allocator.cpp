// The caching allocator behind tensor storage: reuse, size classes, alignment, limits.
#include <gategrad/tensor/allocator.hpp>
#include <gategrad/tensor/factory.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <cstring>

TEST_CASE("a freed block is handed out again for a request of its size class") {
  gg::release_cached_memory();
  void* a = gg::cached_allocate(100'000);
  std::memset(a, 1, 100'000);
  gg::cached_deallocate(a, 100'000);
  const auto before = gg::cache_stats();
  CHECK(before.cached_bytes >= 100'000);
  void* b = gg::cached_allocate(99'000);  // same class (rounding is at most 25%)
  CHECK(b == a);
  CHECK(gg::cache_stats().system_allocations == before.system_allocations);
  gg::cached_deallocate(b, 99'000);
}

TEST_CASE("every block is 64-byte aligned and rounded up by at most a quarter") {
  for (std::size_t bytes : {std::size_t{0}, std::size_t{1}, std::size_t{63}, std::size_t{1000},
                            std::size_t{1025}, std::size_t{4097}, std::size_t{614'400},
                            std::size_t{3'000'001}}) {
    INFO("bytes = " << bytes);
    const auto before = gg::cache_stats().in_use_bytes;
    void* p = gg::cached_allocate(bytes);
    const auto rounded = gg::cache_stats().in_use_bytes - before;
    CHECK(reinterpret_cast<std::uintptr_t>(p) % gg::kAlignment == 0);
    CHECK(rounded >= bytes);
    CHECK(rounded <= std::max<std::size_t>(64, bytes + bytes / 4 + 64));
    std::memset(p, 0, bytes);
    gg::cached_deallocate(p, bytes);
  }
}

TEST_CASE("release_cached_memory and the cache limit give blocks back to the system") {
  void* a = gg::cached_allocate(1 << 20);
  gg::cached_deallocate(a, 1 << 20);
  CHECK(gg::cache_stats().cached_bytes >= (1u << 20));
  gg::release_cached_memory();
  CHECK(gg::cache_stats().cached_bytes == 0);

  const std::size_t old_limit = gg::cache_limit();
  gg::set_cache_limit(1 << 16);
  void* big = gg::cached_allocate(1 << 20);
  gg::cached_deallocate(big, 1 << 20);  // larger than the limit: straight back to the system
  CHECK(gg::cache_stats().cached_bytes == 0);
  gg::set_cache_limit(old_limit);
}

TEST_CASE("tensors reuse the storage of tensors freed before them") {
  gg::release_cached_memory();
  const float* first = nullptr;
  {
    auto t = gg::zeros({300, 300});
    first = t.data_ptr<float>();
  }
  auto again = gg::zeros({300, 300});
  CHECK(again.data_ptr<float>() == first);
  CHECK(again.data_ptr<float>()[300 * 300 - 1] == 0.0f);
}
