#pragma once
// Thread count used by gategrad's own kernels (GEMM, optimizer updates).
//
// One pool (thread_pool.hpp), one setting: every parallel call uses at most this many threads,
// the caller included, so gategrad never runs more threads than asked for. The default comes from the environment
// variable GG_NUM_THREADS when set, else from the number of cores the process may run on.

#include <cstddef>

namespace gg {

// Threads our kernels use; always >= 1.
int num_threads();

// Sets the thread count for all later kernel calls. Throws std::invalid_argument if n < 1.
void set_num_threads(int n);

// How many tasks share a memory-bound kernel (a copy, a sum, softmax) that touches `bytes`: 1
// below 256 KiB, where waking a second thread costs about what it saves, else up to
// num_threads(), at least 256 KiB each. On two cores with 2 MiB of L2 each, a 4 MiB operand
// split in two also stays in the caches.
int tasks_for_bytes(std::size_t bytes);

}  // namespace gg
