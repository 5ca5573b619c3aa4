#include <gategrad/tensor/parallel.hpp>
#include <gategrad/tensor/thread_pool.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <thread>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace gg::detail {
namespace {

void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  _mm_pause();
#endif
}

// An idle worker spins this long after its last task before it sleeps: long enough to span the
// gaps between the GEMMs of a training step, short enough not to matter on a busy machine
// (and while it spins it yields the core to any other runnable thread).
constexpr auto kSpin = std::chrono::microseconds(500);

// The claim word: generation in the high half, next task index in the low half. kClosed marks
// a generation whose job is still being set up.
constexpr std::uint64_t kClosed = 0xffffffffu;
std::uint32_t generation_of(std::uint64_t s) { return static_cast<std::uint32_t>(s >> 32); }
std::uint64_t index_of(std::uint64_t s) { return s & 0xffffffffu; }

thread_local bool in_task = false;  // nested calls run inline

class Pool {
 public:
  void run(int tasks, TaskFunction function, const void* body) {
    const int threads = std::min(tasks, num_threads());
    std::unique_lock lock(busy_, std::try_to_lock);
    if (in_task || threads <= 1 || !lock.owns_lock()) {
      run_inline(tasks, function, body);
      return;
    }
    ensure_workers(threads - 1);

    const std::uint32_t g = ++generation_;
    state_.store(std::uint64_t{g} << 32 | kClosed, std::memory_order_seq_cst);
    function_.store(function, std::memory_order_relaxed);
    body_.store(body, std::memory_order_relaxed);
    tasks_.store(static_cast<std::uint64_t>(tasks), std::memory_order_relaxed);
    workers_allowed_.store(threads - 1, std::memory_order_relaxed);
    done_.store(0, std::memory_order_relaxed);
    error_ = nullptr;
    state_.store(std::uint64_t{g} << 32, std::memory_order_release);
    wake_.store(g, std::memory_order_seq_cst);
    if (sleepers_.load(std::memory_order_seq_cst) > 0) wake_.notify_all();

    in_task = true;
    claim_and_run(g);
    in_task = false;
    // Wait for tasks that workers claimed; yield so a descheduled worker can finish.
    for (int spins = 0; done_.load(std::memory_order_acquire) < tasks; ++spins) {
      cpu_relax();
      if (spins % 64 == 63) std::this_thread::yield();
    }
    if (error_) std::rethrow_exception(error_);
  }

 private:
  static void run_inline(int tasks, TaskFunction function, const void* body) {
    const bool outer = !in_task;
    in_task = true;
    try {
      for (int t = 0; t < tasks; ++t) function(body, t);
    } catch (...) {
      if (outer) in_task = false;
      throw;
    }
    if (outer) in_task = false;
  }

  void ensure_workers(int count) {
    for (; workers_ < count; ++workers_) std::thread([this, id = workers_] { work(id); }).detach();
  }

  // Claims and runs tasks of generation g until none is left.
  void claim_and_run(std::uint32_t g) {
    std::uint64_t s = state_.load(std::memory_order_acquire);
    for (;;) {
      // Read before the claim: a claim of generation g succeeds only while these hold g's job
      // (the next job's fields are written after the claim word has left generation g).
      const TaskFunction function = function_.load(std::memory_order_relaxed);
      const void* body = body_.load(std::memory_order_relaxed);
      const std::uint64_t tasks = tasks_.load(std::memory_order_relaxed);
      if (generation_of(s) != g || index_of(s) >= tasks) return;
      if (!state_.compare_exchange_weak(s, s + 1, std::memory_order_acq_rel,
                                        std::memory_order_acquire)) {
        continue;
      }
      try {
        function(body, static_cast<int>(index_of(s)));
      } catch (...) {
        std::lock_guard error_lock(error_mutex_);
        if (!error_) error_ = std::current_exception();
      }
      done_.fetch_add(1, std::memory_order_release);
      s = state_.load(std::memory_order_acquire);
    }
  }

  [[noreturn]] void work(int id) {
    in_task = true;
    std::uint32_t seen = 0;
    for (;;) {
      const std::uint32_t g = wait_for_job(seen);
      seen = g;
      if (id < workers_allowed_.load(std::memory_order_relaxed)) claim_and_run(g);
    }
  }

  // The generation of the next job after `seen`: spin (yielding), then sleep.
  std::uint32_t wait_for_job(std::uint32_t seen) {
    const auto start = std::chrono::steady_clock::now();
    for (int spins = 0;; ++spins) {
      const std::uint32_t g = wake_.load(std::memory_order_acquire);
      if (g != seen) return g;
      cpu_relax();
      if (spins % 64 == 63) {
        if (std::chrono::steady_clock::now() - start > kSpin) break;
        std::this_thread::yield();
      }
    }
    for (;;) {
      sleepers_.fetch_add(1, std::memory_order_seq_cst);
      const std::uint32_t g = wake_.load(std::memory_order_seq_cst);
      if (g == seen) wake_.wait(seen, std::memory_order_seq_cst);
      sleepers_.fetch_sub(1, std::memory_order_seq_cst);
      const std::uint32_t now = wake_.load(std::memory_order_acquire);
      if (now != seen) return now;
    }
  }

  std::mutex busy_;  // one job at a time
  int workers_ = 0;  // started so far (detached: they serve until the process ends)
  std::uint32_t generation_ = 0;
  std::atomic<std::uint64_t> state_{0};
  std::atomic<std::uint32_t> wake_{0};  // the latest generation, for waiting on (a futex word)
  std::atomic<int> sleepers_{0};
  std::atomic<TaskFunction> function_{nullptr};
  std::atomic<const void*> body_{nullptr};
  std::atomic<std::uint64_t> tasks_{0};
  std::atomic<int> workers_allowed_{0};
  std::atomic<int> done_{0};
  std::mutex error_mutex_;
  std::exception_ptr error_;
};

// Never destroyed: detached workers keep using it until the process ends.
Pool& pool() {
  static Pool* instance = new Pool;
  return *instance;
}

}  // namespace

void parallel_run(int tasks, TaskFunction run, const void* body) { pool().run(tasks, run, body); }

}  // namespace gg::detail
