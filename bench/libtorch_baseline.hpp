#pragma once
// What every LibTorch baseline binary in bench/ does before its benchmarks run: the thread
// setting it is measured at, and the benchmark context that records it (LibTorch's version,
// ATen's CPU kernels, OpenBLAS's kernels and pool, the environment knobs compare_*.py set).
//
// Threads: TORCH_INTRAOP_THREADS (default 1) sets ATen's intra-op pool through
// at::set_num_threads; the inter-op pool is pinned to 1. The BLAS sizes its own pool from
// OPENBLAS_NUM_THREADS.
#include <ATen/Parallel.h>
#include <benchmark/benchmark.h>
#include <dlfcn.h>
#include <torch/torch.h>

#include <cstdlib>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace gg_bench {

// TORCH_INTRAOP_THREADS: unset means 1; anything but a positive integer is an error.
inline int intraop_threads_from_env(const char* program) {
  const char* text = std::getenv("TORCH_INTRAOP_THREADS");
  if (text == nullptr || *text == '\0') return 1;
  char* end = nullptr;
  const long threads = std::strtol(text, &end, 10);
  if (*end != '\0' || threads < 1 || threads > 1024) {
    throw std::invalid_argument(std::string(program) + ": TORCH_INTRAOP_THREADS='" + text +
                                "', expected a positive integer (e.g. 1 or 2)");
  }
  return static_cast<int>(threads);
}

// Sets LibTorch's pools from the environment; false (after saying why) on a bad value. Call
// first in main: the inter-op pool may only be sized before its first use.
inline bool configure_libtorch(const char* program) {
  int intraop = 1;
  try {
    intraop = intraop_threads_from_env(program);
  } catch (const std::invalid_argument& error) {
    std::cerr << error.what() << '\n';
    return false;
  }
  at::set_num_interop_threads(1);
  at::set_num_threads(intraop);
  return true;
}

inline std::string env_or(const char* name, const char* fallback) {
  const char* value = std::getenv(name);
  return value != nullptr ? value : fallback;
}

// The "CPU capability usage: AVX2" line of at::show_config(): which ATen kernels run.
inline std::string aten_cpu_capability() {
  std::istringstream config(at::show_config());
  const std::string key = "CPU capability usage: ";
  for (std::string line; std::getline(config, line);) {
    const auto at = line.find(key);
    if (at != std::string::npos) return line.substr(at + key.size());
  }
  return "unknown";
}

// The settings this run had, into the benchmark context.
inline void add_libtorch_context() {
  benchmark::AddCustomContext("torch_version", TORCH_VERSION);
  benchmark::AddCustomContext("torch_intraop_threads", std::to_string(at::get_num_threads()));
  benchmark::AddCustomContext("torch_interop_threads", std::to_string(at::get_num_interop_threads()));
  benchmark::AddCustomContext("aten_cpu_capability", aten_cpu_capability());
  // OpenBLAS's kernel choice and pool size, asked from the library LibTorch loaded (if it is
  // OpenBLAS). On CPUs newer than the OpenBLAS release, it may fall back to old kernels.
  using CoreName = char* (*)();
  using NumThreads = int (*)();
  auto corename = reinterpret_cast<CoreName>(dlsym(RTLD_DEFAULT, "openblas_get_corename"));
  auto threads = reinterpret_cast<NumThreads>(dlsym(RTLD_DEFAULT, "openblas_get_num_threads"));
  benchmark::AddCustomContext("openblas_corename", corename != nullptr ? corename() : "not OpenBLAS");
  benchmark::AddCustomContext("openblas_num_threads", threads != nullptr ? std::to_string(threads()) : "-");
  benchmark::AddCustomContext("env_OPENBLAS_NUM_THREADS", env_or("OPENBLAS_NUM_THREADS", "unset"));
  benchmark::AddCustomContext("env_OPENBLAS_CORETYPE", env_or("OPENBLAS_CORETYPE", "unset"));
  benchmark::AddCustomContext("env_GLIBC_TUNABLES", env_or("GLIBC_TUNABLES", "unset"));
}

}  // namespace gg_bench
