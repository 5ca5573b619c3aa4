#pragma once
// gategrad's own thread pool: the only threads its kernels run on.
//
//   parallel_run(n, [&](int task) { ... });   // task = 0 .. n-1, the caller takes part
//
// Why not OpenMP: libgomp's idle threads spin for about 300,000 iterations before sleeping, so
// on a busy machine (a build beside training, two processes on two cores) a spinning thread
// burns the time slice its partner needs and a 2-thread GEMM that takes 0.5 ms idle took
// 8-80 ms. Here tasks are claimed from a shared counter: the caller starts at once, and a
// worker that the scheduler has not run yet finds its task already done by the caller instead
// of being waited for. Idle workers spin briefly (yielding the core to any other runnable
// thread), then sleep on a futex (std::atomic::wait).
//
// Workers are created on first use, up to num_threads() - 1, and live until the process ends.
// A call made while another thread's call runs, or from inside a task, runs its tasks inline.
// Nothing is allocated per call: the body is passed by reference.
#include <exception>

namespace gg {

namespace detail {
using TaskFunction = void (*)(const void* body, int task);
void parallel_run(int tasks, TaskFunction run, const void* body);
}  // namespace detail

// Runs body(task) for every task in [0, tasks) on up to `tasks` threads (the calling thread and
// pool workers) and returns when all are done. The first exception a task throws is rethrown
// here once every task has finished.
template <class Body>
void parallel_run(int tasks, const Body& body) {
  if (tasks <= 1) {
    if (tasks == 1) body(0);
    return;
  }
  detail::parallel_run(
      tasks, [](const void* b, int task) { (*static_cast<const Body*>(b))(task); }, &body);
}

}  // namespace gg
