#include <gategrad/tensor/parallel.hpp>

#include <sched.h>

#include <thread>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <stdexcept>
#include <string>

namespace gg {
namespace {

int default_threads() {
  if (const char* env = std::getenv("GG_NUM_THREADS"); env != nullptr && *env != '\0') {
    char* end = nullptr;
    const long n = std::strtol(env, &end, 10);
    if (*end != '\0' || n < 1 || n > 4096) {
      throw std::invalid_argument("GG_NUM_THREADS: got '" + std::string(env) +
                                  "', expected a whole number from 1 to 4096");
    }
    return static_cast<int>(n);
  }
  // The cores this process may run on (taskset, cgroups' cpusets), as nproc counts them.
  cpu_set_t cpus;
  if (sched_getaffinity(0, sizeof(cpus), &cpus) == 0) return CPU_COUNT(&cpus);
  return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

std::atomic<int>& thread_setting() {
  static std::atomic<int> threads{default_threads()};
  return threads;
}

}  // namespace

int num_threads() { return thread_setting().load(std::memory_order_relaxed); }

int tasks_for_bytes(std::size_t bytes) {
  constexpr std::size_t kMinBytesPerTask = std::size_t{256} << 10;
  const auto most = static_cast<std::size_t>(num_threads());
  return static_cast<int>(std::max<std::size_t>(1, std::min(most, bytes / kMinBytesPerTask)));
}

void set_num_threads(int n) {
  if (n < 1) {
    throw std::invalid_argument("set_num_threads: got " + std::to_string(n) +
                                ", expected at least 1");
  }
  thread_setting().store(n, std::memory_order_relaxed);
}

}  // namespace gg
