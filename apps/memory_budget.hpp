#pragma once
// How much memory a run will need, estimated from its sizes before anything big is allocated,
// so that `--hidden 60000 --batch 60000` is refused at startup with the sizes that do not fit
// instead of ending, minutes later, in a bare std::bad_alloc.
#include <cstdint>
#include <string>
#include <vector>

namespace gg::app {

struct MemoryItem {
  std::string what;  // "W1 and its gradient (3072 x 65536 floats, twice)"
  double bytes;
};

// The memory this process may use: the machine's physical memory, or the cgroup's limit when
// that is lower (a container), or $GATEGRAD_MEMORY_LIMIT_MB when that is lower still.
double memory_limit_bytes();

// "1.2 TB", "805 MB", "3.1 kB".
std::string format_bytes(double bytes);

// Throws std::runtime_error("OP: these sizes need about X of memory, more than the Y this machine
// has: <the largest items>; HINT") when the items add up to more than `limit` bytes.
void check_memory(const std::string& op, const std::vector<MemoryItem>& items, const std::string& hint,
                  double limit = memory_limit_bytes());

// The items of training a two-layer net D -> hidden -> C on batches of `batch` rows (SGD) and
// of evaluating it 1,000 rows at a time.
std::vector<MemoryItem> two_layer_memory(std::uint64_t D, std::uint64_t hidden, std::uint64_t C,
                                         std::uint64_t batch);

// The items of training an MLP with `linears` Linear layers of width `hidden` with Adam.
std::vector<MemoryItem> mlp_memory(std::uint64_t D, std::uint64_t hidden, std::uint64_t C,
                                   std::uint64_t linears, std::uint64_t batch);

// The items of training, with Adam, a model of `parameters` learnable values whose layers
// output `activations` values per sample in all (a CNN's feature maps), on batches of `batch`
// rows of D values, and of evaluating it 1,000 rows at a time.
std::vector<MemoryItem> model_memory(std::uint64_t parameters, std::uint64_t activations, std::uint64_t D,
                                     std::uint64_t batch);

}  // namespace gg::app
