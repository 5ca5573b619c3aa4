#pragma once
// Storage: the refcounted block of bytes that tensors view, as PyTorch's StorageImpl.
//
// Every view of a storage (view, transpose, narrow, ...) shares it and its version counter:
// an in-place change through any of them bumps the one counter, and a recorded node that saved
// one of them sees at backward that its saved data changed.
#include <gategrad/tensor/allocator.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>

namespace gg {

class StorageImpl {
 public:
  // `nbytes` bytes from the caching allocator, uninitialized.
  explicit StorageImpl(std::size_t nbytes)
      : data_(nbytes == 0 ? nullptr : cached_allocate(nbytes)), nbytes_(nbytes) {}
  // Memory the caller keeps alive and frees (from_blob): never freed here.
  StorageImpl(void* borrowed, std::size_t nbytes) : data_(borrowed), nbytes_(nbytes), owned_(false) {}
  StorageImpl(const StorageImpl&) = delete;
  StorageImpl& operator=(const StorageImpl&) = delete;
  ~StorageImpl() {
    if (owned_ && data_ != nullptr) cached_deallocate(data_, nbytes_);
  }

  void* data() const { return data_; }
  std::size_t nbytes() const { return nbytes_; }

  // Bumped by every in-place write through any tensor over this storage.
  std::uint64_t version() const { return version_; }
  void bump_version() { ++version_; }

 private:
  void* data_;
  std::size_t nbytes_;
  bool owned_ = true;
  std::uint64_t version_ = 0;
};

using Storage = std::shared_ptr<StorageImpl>;

// A new storage, its control block and bookkeeping from the cache too.
inline Storage make_storage(std::size_t nbytes) { return make_cached_shared<StorageImpl>(nbytes); }

}  // namespace gg
