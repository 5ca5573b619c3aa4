#pragma once
// What every fuzz target shares: the input as a scratch file (the readers take paths), and the
// strict mode, which traps (__builtin_trap: libFuzzer saves the input as a crash) when a load
// that succeeded returned something inconsistent, or when a load failed with anything but the
// error its header documents.
//
// Strict checks of a tensor: the product of its sizes does not overflow and is its numel, its
// strides reach no byte beyond its storage, the data pointer is non-null when there are
// elements, and every element is read as its own type (AddressSanitizer reports storage
// shorter than claimed; UndefinedBehaviorSanitizer a bool byte other than 0 or 1).
#include <gategrad/nn/module.hpp>
#include <gategrad/tensor/allocator.hpp>
#include <gategrad/tensor/native.hpp>
#include <gategrad/tensor/parallel.hpp>
#include <gategrad/tensor/tensor.hpp>

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <span>
#include <sstream>
#include <string>
#include <system_error>
#include <type_traits>

namespace gg::fuzz {

// Prints why, then traps.
[[noreturn]] inline void fail(const std::string& why) {
  std::fprintf(stderr, "strict mode: %s\n", why.c_str());
  std::fflush(stderr);
  __builtin_trap();
}

// An exception the entry point does not document (std::bad_alloc, std::length_error, an
// out_of_range from inside the library...) is a bug: the caller cannot tell a bad file from a
// broken program.
[[noreturn]] inline void undocumented(const char* entry, const std::exception& e) {
  fail(std::string(entry) + " threw an undocumented exception: " + e.what());
}

// Reads every element of `values`; the sum goes to a volatile so the reads are not optimized
// out. bfloat16 and bool add up as float and as a count, int64 as uint64 (wrapping: a file's
// values are arbitrary, and a signed sum of them overflows, which is undefined).
template <class T>
void touch(std::span<const T> values) {
  using Acc = std::conditional_t<
      std::is_same_v<T, BFloat16>, float,
      std::conditional_t<std::is_same_v<T, bool>, std::size_t,
                         std::conditional_t<std::is_same_v<T, std::int64_t>, std::uint64_t, T>>>;
  Acc acc{};
  for (const T& v : values) acc = static_cast<Acc>(acc + static_cast<Acc>(v));
  volatile Acc sink = acc;
  (void)sink;
}

// Product of `dims`, trapping on overflow (or on a negative size).
inline std::size_t checked_numel(IntArrayRef dims, const std::string& what) {
  std::size_t n = 1;
  for (const std::int64_t d : dims) {
    if (d < 0) fail(what + ": a negative size");
    if (__builtin_mul_overflow(n, static_cast<std::size_t>(d), &n)) {
      fail(what + ": the product of its dimensions overflows");
    }
  }
  return n;
}

inline void check_tensor(const Tensor& t, const std::string& what) {
  if (!t.defined()) fail(what + ": undefined");
  const std::string described = what + " " + to_string(t.sizes());
  const std::size_t n = checked_numel(t.sizes(), described);
  if (static_cast<std::size_t>(t.numel()) != n) {
    fail(described + ": numel() " + std::to_string(t.numel()) + " != " + std::to_string(n));
  }
  if (t.strides().size() != t.sizes().size()) fail(described + ": strides of another rank");
  if (n > 0) {
    // The last element a stride reaches, in elements from the storage's start.
    std::size_t last = static_cast<std::size_t>(t.storage_offset());
    for (std::size_t d = 0; d < t.sizes().size(); ++d) {
      if (t.strides()[d] < 0) fail(described + ": a negative stride");
      last += static_cast<std::size_t>(t.sizes()[d] - 1) * static_cast<std::size_t>(t.strides()[d]);
    }
    const std::size_t stored = t.storage()->nbytes() / t.element_size();
    if (last >= stored) {
      fail(described + ": reaches element " + std::to_string(last) + " of a storage of " +
           std::to_string(stored));
    }
    if (t.data_ptr() == nullptr) fail(described + ": null data for " + std::to_string(n) + " elements");
    const Tensor values = native::contiguous(t);
    visit_dtype(t.dtype(), [&]<class T>() { touch(std::span<const T>(values.data_ptr<T>(), n)); });
  }
  // Printing reads through the sizes and strides, not the storage size: the first thing a user
  // does with a loaded tensor, and where the overflowing shapes of issue 10 crashed.
  std::ostringstream printed;
  printed << t;
}

inline void check_module(const nn::Module& model, const std::string& what) {
  for (const auto& [name, p] : model.named_parameters()) check_tensor(p, what + " " + name);
  for (const auto& [name, b] : model.named_buffers()) check_tensor(b, what + " " + name);
}

// The fuzz input as a file: one per process in /dev/shm (memory, not disk), rewritten for each
// input, removed at exit.
class InputFile {
 public:
  explicit InputFile(const std::string& name) {
    std::error_code ec;
    std::filesystem::path base = "/dev/shm";
    if (!std::filesystem::is_directory(base, ec)) base = std::filesystem::temp_directory_path();
    dir_ = base / ("gategrad-fuzz-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    path_ = dir_ / name;
  }
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;
  ~InputFile() {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  const std::filesystem::path& dir() const { return dir_; }
  const std::filesystem::path& write(const std::uint8_t* data, std::size_t size) {
    std::ofstream out(path_, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    out.close();
    if (!out) fail("cannot write the input to " + path_.string());
    return path_;
  }

 private:
  std::filesystem::path dir_;
  std::filesystem::path path_;
};

// Once per process: one thread (the fuzzer is single-threaded and inputs are tiny), and no
// cached blocks, so every freed tensor goes back to the system and AddressSanitizer sees a
// use after free or an overflow into a neighbouring block as it happens.
inline void setup() {
  set_num_threads(1);
  set_cache_limit(0);
}

}  // namespace gg::fuzz
