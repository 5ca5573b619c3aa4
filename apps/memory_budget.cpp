#include <gategrad/apps/memory_budget.hpp>

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstdio>
#include <fstream>
#include <stdexcept>

namespace gg::app {
namespace {

constexpr double kFloat = 4.0;
constexpr double kEvaluationRows = 1000;  // evaluate_accuracy's batch

std::string floats(std::uint64_t rows, std::uint64_t columns) {
  return std::to_string(rows) + " x " + std::to_string(columns) + " floats";
}

}  // namespace

double memory_limit_bytes() {
  const long pages = ::sysconf(_SC_PHYS_PAGES), page = ::sysconf(_SC_PAGESIZE);
  double limit = pages > 0 && page > 0 ? static_cast<double>(pages) * static_cast<double>(page) : 1e18;
  // cgroup v2 ("max" when unlimited), then v1.
  for (const char* file : {"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"}) {
    std::ifstream in(file);
    double value = 0;
    if (in >> value && value > 0) limit = std::min(limit, value);
  }
  // A lower budget for this run, in MB (e.g. to leave memory to other jobs).
  if (const char* text = std::getenv("GATEGRAD_MEMORY_LIMIT_MB"); text != nullptr && *text != '\0') {
    char* end = nullptr;
    const double mb = std::strtod(text, &end);
    if (end != nullptr && *end == '\0' && mb > 0 && std::isfinite(mb)) limit = std::min(limit, mb * 1e6);
  }
  return limit;
}

std::string format_bytes(double bytes) {
  const char* units[] = {"bytes", "kB", "MB", "GB", "TB", "PB", "EB"};
  std::size_t unit = 0;
  while (bytes >= 1000 && unit + 1 < std::size(units)) {
    bytes /= 1000;
    ++unit;
  }
  char text[32];
  std::snprintf(text, sizeof text, unit == 0 ? "%.0f %s" : "%.1f %s", bytes, units[unit]);
  return text;
}

void check_memory(const std::string& op, const std::vector<MemoryItem>& items, const std::string& hint,
                  double limit) {
  double total = 0;
  for (const MemoryItem& item : items) total += item.bytes;
  if (total <= limit) return;
  std::vector<MemoryItem> largest = items;
  std::sort(largest.begin(), largest.end(), [](const MemoryItem& a, const MemoryItem& b) { return a.bytes > b.bytes; });
  std::string parts;
  for (std::size_t i = 0; i < largest.size() && i < 3; ++i) {
    parts += (i ? "; " : "") + largest[i].what + ": " + format_bytes(largest[i].bytes);
  }
  throw std::runtime_error(op + ": these sizes need about " + format_bytes(total) + " of memory, more than the " +
                           format_bytes(limit) + " this machine has (" + parts + "); " + hint);
}

std::vector<MemoryItem> two_layer_memory(std::uint64_t D, std::uint64_t hidden, std::uint64_t C,
                                         std::uint64_t batch) {
  const double d = double(D), h = double(hidden), c = double(C), b = double(batch);
  return {
      {"W1 and its gradient (" + floats(D, hidden) + ", twice)", 2 * d * h * kFloat},
      {"W2 and its gradient (" + floats(hidden, C) + ", twice)", 2 * h * c * kFloat},
      {"a batch of inputs and its copy (" + floats(batch, D) + ", twice)", 2 * b * d * kFloat},
      {"hidden activations and their gradients (" + floats(batch, hidden) + ", 6 times)", 6 * b * h * kFloat},
      {"scores and their gradients (" + floats(batch, C) + ", 4 times)", 4 * b * c * kFloat},
      {"evaluation activations (" + floats(1000, hidden) + ", 3 times)", 3 * kEvaluationRows * h * kFloat},
  };
}

std::vector<MemoryItem> mlp_memory(std::uint64_t D, std::uint64_t hidden, std::uint64_t C,
                                   std::uint64_t linears, std::uint64_t batch) {
  const double d = double(D), h = double(hidden), c = double(C), b = double(batch);
  const double inner = linears > 2 ? double(linears - 2) : 0.0;
  // Parameters, gradients and Adam's two moments: four copies of every weight.
  return {
      {"the first layer's weights, gradients and Adam moments (" + floats(hidden, D) + ", 4 times)", 4 * d * h * kFloat},
      {"the hidden layers' weights, gradients and Adam moments (" + std::to_string(linears > 2 ? linears - 2 : 0) +
           " x " + floats(hidden, hidden) + ", 4 times)",
       4 * inner * h * h * kFloat},
      {"the last layer's weights, gradients and Adam moments (" + floats(C, hidden) + ", 4 times)", 4 * h * c * kFloat},
      {"a batch of inputs and its copy (" + floats(batch, D) + ", twice)", 2 * b * d * kFloat},
      {"activations and their gradients (" + floats(batch, hidden) + ", 6 times per layer)",
       6 * double(linears) * b * h * kFloat},
      {"evaluation activations (" + floats(1000, hidden) + ", 3 times per layer)",
       3 * double(linears) * kEvaluationRows * h * kFloat},
  };
}

std::vector<MemoryItem> model_memory(std::uint64_t parameters, std::uint64_t activations, std::uint64_t D,
                                     std::uint64_t batch) {
  const double p = double(parameters), a = double(activations), b = double(batch);
  return {
      {"weights, gradients and Adam moments (" + std::to_string(parameters) + " floats, 4 times)", 4 * p * kFloat},
      {"a batch of inputs and its copy (" + floats(batch, D) + ", twice)", 2 * b * double(D) * kFloat},
      {"the layers' outputs, their gradients and what backward keeps (" + floats(batch, activations) + ", 3 times)",
       3 * b * a * kFloat},
      {"evaluation activations (" + floats(1000, activations) + ")", double(kEvaluationRows) * a * kFloat},
  };
}

}  // namespace gg::app
