#pragma once
// Thread count used by gategrad's own kernels (GEMM, large elementwise ops).
//
// One pool, one setting: every parallel region passes this count to OpenMP explicitly, so
// gategrad never runs more threads than asked for. The default comes from the environment
// variable GG_NUM_THREADS when set, else from the number of cores the process may run on.

namespace gg {

// Threads our kernels use; always >= 1.
int num_threads();

// Sets the thread count for all later kernel calls. Throws std::invalid_argument if n < 1.
void set_num_threads(int n);

}  // namespace gg
