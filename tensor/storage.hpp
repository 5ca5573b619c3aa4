#pragma once
// Storage: the refcounted block of bytes that tensors view, as PyTorch's StorageImpl.
//
// Every view of a storage (view, transpose, narrow, ...) shares it and its version counter:
// an in-place change through any of them bumps the one counter, and a recorded node that saved
// one of them sees at backward that its saved data changed.
//
// A small storage (up to kInlineBytes) lives in one block from the caching allocator, its
// bookkeeping in the first cache line and its bytes after it: a small op's result then costs
// one block, not two (small tensors are where per-op overhead shows). Larger storages keep
// their bytes in a block of their own, so that a power-of-two tensor stays in its size class.
#include <gategrad/tensor/allocator.hpp>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <new>
#include <utility>

namespace gg {

class StorageImpl {
 public:
  static constexpr std::size_t kInlineBytes = 960;  // with the header: at most 1 KiB

  // `nbytes` uninitialized bytes from the caching allocator.
  static StorageImpl* create(std::size_t nbytes) {
    if (nbytes <= kInlineBytes) {
      void* block = cached_allocate(kHeader + nbytes);
      void* data = nbytes == 0 ? nullptr : static_cast<char*>(block) + kHeader;
      return new (block) StorageImpl(data, nbytes, kHeader + nbytes, Owner::Inline);
    }
    void* data = cached_allocate(nbytes);
    try {
      void* block = cached_allocate(kHeader);
      return new (block) StorageImpl(data, nbytes, kHeader, Owner::Separate);
    } catch (...) {
      cached_deallocate(data, nbytes);
      throw;
    }
  }
  // Memory the caller keeps alive and frees (from_blob): never freed here.
  static StorageImpl* borrow(void* data, std::size_t nbytes) {
    void* block = cached_allocate(kHeader);
    return new (block) StorageImpl(data, nbytes, kHeader, Owner::Caller);
  }
  // Memory the caller hands over with the function that frees it (from_blob with a deleter):
  // deleter(data) runs once, when the last reference goes. The deleter lives after the header,
  // so storages without one do not pay for it.
  using Deleter = std::function<void(void*)>;
  static StorageImpl* adopt(void* data, std::size_t nbytes, const Deleter& deleter) {
    constexpr std::size_t block_bytes = kHeader + sizeof(Deleter);
    void* block = cached_allocate(block_bytes);
    try {
      new (static_cast<char*>(block) + kHeader) Deleter(deleter);
    } catch (...) {
      cached_deallocate(block, block_bytes);
      throw;
    }
    return new (block) StorageImpl(data, nbytes, block_bytes, Owner::Adopted);
  }

  StorageImpl(const StorageImpl&) = delete;
  StorageImpl& operator=(const StorageImpl&) = delete;

  void* data() const { return data_; }
  std::size_t nbytes() const { return nbytes_; }

  // Bumped by every in-place write through any tensor over this storage.
  std::uint64_t version() const { return version_; }
  void bump_version() { ++version_; }

  long use_count() const { return refs_.load(std::memory_order_relaxed); }
  void retain() { refs_.fetch_add(1, std::memory_order_relaxed); }
  void release() {
    if (refs_.fetch_sub(1, std::memory_order_acq_rel) != 1) return;
    void* data = data_;
    const std::size_t nbytes = nbytes_, block_bytes = block_bytes_;
    const Owner owner = owner_;
    if (owner == Owner::Adopted) {
      auto* deleter =
          std::launder(reinterpret_cast<Deleter*>(reinterpret_cast<char*>(this) + kHeader));
      (*deleter)(data);  // a throw here terminates: release() runs in ~Storage
      deleter->~Deleter();
    }
    this->~StorageImpl();
    if (owner == Owner::Separate && data != nullptr) cached_deallocate(data, nbytes);
    cached_deallocate(this, block_bytes);
  }

 private:
  enum class Owner : std::uint8_t { Inline, Separate, Caller, Adopted };
  static constexpr std::size_t kHeader = kAlignment;  // the bytes after it stay 64-byte aligned

  StorageImpl(void* data, std::size_t nbytes, std::size_t block_bytes, Owner owner)
      : data_(data), nbytes_(nbytes), block_bytes_(block_bytes), owner_(owner) {}
  ~StorageImpl() = default;

  void* data_;
  std::size_t nbytes_;
  std::size_t block_bytes_;
  std::uint64_t version_ = 0;
  std::atomic<long> refs_{1};
  Owner owner_;
};
static_assert(sizeof(StorageImpl) <= kAlignment, "StorageImpl's header must fit one cache line");

// A counted handle to a StorageImpl, used as std::shared_ptr<StorageImpl> would be.
class Storage {
 public:
  Storage() = default;
  Storage(std::nullptr_t) {}  // NOLINT: as a null shared_ptr
  // Adopts a new impl (its count starts at 1).
  explicit Storage(StorageImpl* adopted) : impl_(adopted) {}
  Storage(const Storage& other) : impl_(other.impl_) {
    if (impl_ != nullptr) impl_->retain();
  }
  Storage(Storage&& other) noexcept : impl_(std::exchange(other.impl_, nullptr)) {}
  Storage& operator=(Storage other) noexcept {
    std::swap(impl_, other.impl_);
    return *this;
  }
  ~Storage() {
    if (impl_ != nullptr) impl_->release();
  }

  StorageImpl* get() const { return impl_; }
  StorageImpl* operator->() const { return impl_; }
  StorageImpl& operator*() const { return *impl_; }
  explicit operator bool() const { return impl_ != nullptr; }
  long use_count() const { return impl_ != nullptr ? impl_->use_count() : 0; }
  friend bool operator==(const Storage& a, const Storage& b) { return a.impl_ == b.impl_; }
  friend bool operator==(const Storage& a, std::nullptr_t) { return a.impl_ == nullptr; }

 private:
  StorageImpl* impl_ = nullptr;
};

// A new storage of `nbytes` uninitialized bytes.
inline Storage make_storage(std::size_t nbytes) { return Storage(StorageImpl::create(nbytes)); }

}  // namespace gg
