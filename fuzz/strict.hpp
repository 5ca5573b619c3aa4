#pragma once
// What every fuzz target shares: the input as a scratch file (the readers take paths), and the
// strict mode, which traps (__builtin_trap: libFuzzer saves the input as a crash) when a load
// that succeeded returned something inconsistent, or when a load failed with anything but the
// error its header documents.
//
// Strict checks of a tensor: the product of its dimensions does not overflow and equals the
// number of elements its storage holds, the data pointer is non-null when there are elements,
// and every element is read (AddressSanitizer reports storage shorter than claimed).
#include <gategrad/nn/module.hpp>
#include <gategrad/tensor/allocator.hpp>
#include <gategrad/tensor/parallel.hpp>
#include <gategrad/tensor/array.hpp>

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

// Reads every byte of `values`; the sum goes to a volatile so the reads are not optimized out.
template <class T>
void touch(std::span<const T> values) {
  T acc{};
  for (const T& v : values) acc = static_cast<T>(acc + v);
  volatile T sink = acc;
  (void)sink;
}

// Product of `dims`, trapping on overflow.
template <class Dims>
std::size_t checked_numel(const Dims& dims, const std::string& what) {
  std::size_t n = 1;
  for (std::size_t d : dims) {
    if (__builtin_mul_overflow(n, d, &n)) fail(what + ": the product of its dimensions overflows");
  }
  return n;
}

template <class T>
void check_tensor(const Array<T>& t, const std::string& what) {
  const std::size_t n = checked_numel(t.shape(), what + " " + to_string(t.shape()));
  const std::size_t stored = t.xarray().storage().size();
  if (n != stored) {
    fail(what + ": shape " + to_string(t.shape()) + " has " + std::to_string(n) +
         " elements, its storage " + std::to_string(stored));
  }
  if (t.size() != n) fail(what + ": size() " + std::to_string(t.size()) + " != numel " + std::to_string(n));
  if (n > 0 && t.data() == nullptr) fail(what + ": null data for " + std::to_string(n) + " elements");
  if (n > 0) touch(std::span<const T>(t.data(), n));
  // Printing reads through the shape and strides, not the storage size: the first thing a user
  // does with a loaded tensor, and where the overflowing shapes of issue 10 crashed.
  std::ostringstream printed;
  printed << t;
}

inline void check_module(const nn::Module& model, const std::string& what) {
  for (const auto& [name, p] : model.named_parameters()) check_tensor(p.data(), what + " " + name);
  for (const auto& [name, b] : model.named_buffers()) check_tensor(b.data(), what + " " + name);
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
