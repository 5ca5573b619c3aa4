#pragma once
// The gategrad program's tests: running it, and tiny datasets written in both official formats
// (gzip IDX as Fashion-MNIST ships, CIFAR-10 binary batches).
#include "temp_dir.hpp"
#include <catch2/catch.hpp>

#include <zlib.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace gg::test {

namespace fs = std::filesystem;

struct Outcome {
  int exit_code;
  std::string output;  // stdout and stderr together
};

// Runs a /bin/sh command line, capturing its output (stdout and stderr together).
inline Outcome run_shell(const std::string& command) {
  FILE* pipe = ::popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string output;
  std::array<char, 4096> buffer;
  while (std::fgets(buffer.data(), buffer.size(), pipe) != nullptr) output += buffer.data();
  const int status = ::pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

// Runs the program with `args` (a shell-quoted string), capturing its output.
inline Outcome run(const std::string& args) {
  return run_shell(std::string("'") + GATEGRAD_EXE + "' " + args + " 2>&1");
}

// The same after `setup`, shell commands run first in the same shell (variables, ulimit, trap).
inline Outcome run_with(const std::string& setup, const std::string& args) {
  return run_shell(setup + " '" + GATEGRAD_EXE + "' " + args + " 2>&1");
}

// Image i of class c: a bright band in a class-dependent place plus noise, so a net can learn it.
inline std::vector<std::uint8_t> pixel_values(std::size_t n, std::size_t dim, std::vector<std::uint8_t>& labels,
                                       std::uint32_t seed) {
  std::vector<std::uint8_t> pixels(n * dim);
  labels.resize(n);
  std::uint32_t state = seed;
  const auto next = [&] { return state = state * 1664525u + 1013904223u; };
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t c = next() % 10;
    labels[i] = static_cast<std::uint8_t>(c);
    for (std::size_t d = 0; d < dim; ++d) {
      const bool band = (d * 10 / dim) == c;
      pixels[i * dim + d] = static_cast<std::uint8_t>((band ? 180 : 20) + next() % 60);
    }
  }
  return pixels;
}

inline void write_idx_gz(const fs::path& path, std::uint8_t ndim, const std::vector<std::uint32_t>& dims,
                  const std::vector<std::uint8_t>& payload) {
  gzFile f = gzopen(path.c_str(), "wb");
  REQUIRE(f != nullptr);
  const std::uint8_t magic[4] = {0, 0, 0x08, ndim};
  gzwrite(f, magic, 4);
  for (std::uint32_t d : dims) {
    const std::uint8_t be[4] = {std::uint8_t(d >> 24), std::uint8_t(d >> 16), std::uint8_t(d >> 8), std::uint8_t(d)};
    gzwrite(f, be, 4);
  }
  gzwrite(f, payload.data(), static_cast<unsigned>(payload.size()));
  gzclose(f);
}

// Fashion-MNIST's four files in root/<folder>: 400 training and 100 test images, the test
// images test_side x test_side (28, as the training images, unless a test wants them to differ).
inline fs::path write_fashion_mnist(const fs::path& root, std::uint32_t test_side = 28,
                                    const std::string& folder = "fashion") {
  const fs::path dir = root / folder;
  fs::create_directories(dir);
  for (auto [prefix, n] : {std::pair<std::string, std::size_t>{"train", 400}, {"t10k", 100}}) {
    const std::uint32_t side = prefix == "train" ? 28 : test_side;
    std::vector<std::uint8_t> labels;
    const auto pixels = pixel_values(n, side * side, labels, prefix == "train" ? 1 : 2);
    write_idx_gz(dir / (prefix + "-images-idx3-ubyte.gz"), 3, {std::uint32_t(n), side, side}, pixels);
    write_idx_gz(dir / (prefix + "-labels-idx1-ubyte.gz"), 1, {std::uint32_t(n)}, labels);
  }
  return dir;
}

inline fs::path write_cifar10(const fs::path& root) {
  const fs::path dir = root / "cifar";
  fs::create_directories(dir);
  const auto write_batch = [&](const std::string& name, std::size_t n, std::uint32_t seed) {
    std::vector<std::uint8_t> labels;
    const auto pixels = pixel_values(n, 3072, labels, seed);
    std::ofstream out(dir / name, std::ios::binary);
    for (std::size_t i = 0; i < n; ++i) {
      out.put(static_cast<char>(labels[i]));
      out.write(reinterpret_cast<const char*>(pixels.data() + i * 3072), 3072);
    }
  };
  for (int b = 1; b <= 5; ++b) write_batch("data_batch_" + std::to_string(b) + ".bin", 80, std::uint32_t(b));
  write_batch("test_batch.bin", 60, 9);
  return dir;
}

}  // namespace gg::test
