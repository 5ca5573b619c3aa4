#pragma once
// Thread count used by gategrad's own kernels (GEMM, optimizer updates).
//
// One pool (thread_pool.hpp), one setting: every parallel call uses at most this many threads,
// the caller included, so gategrad never runs more threads than asked for. The default comes from the environment
// variable GG_NUM_THREADS when set, else from the number of cores the process may run on.

namespace gg {

// Threads our kernels use; always >= 1.
int num_threads();

// Sets the thread count for all later kernel calls. Throws std::invalid_argument if n < 1.
void set_num_threads(int n);

}  // namespace gg
