// gategrad's own thread pool: every task runs exactly once, errors reach the caller, nested and
// concurrent calls finish, and the thread setting is honoured.
#include <gategrad/tensor/factory.hpp>
#include <gategrad/tensor/native.hpp>
#include <gategrad/tensor/random.hpp>
#include <gategrad/tensor/parallel.hpp>
#include <gategrad/tensor/thread_pool.hpp>

#include <catch2/catch.hpp>

#include <atomic>
#include <cmath>
#include <cstring>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

namespace {

// Restores the thread setting when a test ends.
struct ThreadSetting {
  explicit ThreadSetting(int n) : saved(gg::num_threads()) { gg::set_num_threads(n); }
  ~ThreadSetting() { gg::set_num_threads(saved); }
  int saved;
};

}  // namespace

TEST_CASE("parallel_run runs every task exactly once") {
  for (int threads : {1, 2, 4}) {
    const ThreadSetting setting(threads);
    for (int tasks : {0, 1, 2, 3, 17, 1000}) {
      std::vector<std::atomic<int>> runs(static_cast<std::size_t>(tasks));
      for (int repeat = 0; repeat < 20; ++repeat) {
        gg::parallel_run(tasks, [&](int t) { runs[static_cast<std::size_t>(t)]++; });
      }
      for (int t = 0; t < tasks; ++t) {
        INFO("threads " << threads << ", tasks " << tasks << ", task " << t);
        CHECK(runs[static_cast<std::size_t>(t)] == 20);
      }
    }
  }
}

TEST_CASE("parallel_run uses no more threads than the setting") {
  const ThreadSetting setting(2);
  std::mutex mutex;
  std::set<std::thread::id> seen;
  for (int repeat = 0; repeat < 200; ++repeat) {
    gg::parallel_run(8, [&](int) {
      std::lock_guard lock(mutex);
      seen.insert(std::this_thread::get_id());
    });
  }
  CHECK(seen.size() >= 1);
  CHECK(seen.size() <= 2);
}

TEST_CASE("an exception thrown by a task reaches the caller after every task finished") {
  const ThreadSetting setting(2);
  std::atomic<int> finished{0};
  CHECK_THROWS_WITH(gg::parallel_run(16,
                                     [&](int t) {
                                       if (t == 5) throw std::runtime_error("task 5 failed");
                                       finished++;
                                     }),
                    "task 5 failed");
  CHECK(finished == 15);
  // The pool still works afterwards.
  std::atomic<int> after{0};
  gg::parallel_run(4, [&](int) { after++; });
  CHECK(after == 4);
}

TEST_CASE("nested and concurrent calls complete") {
  const ThreadSetting setting(2);
  std::atomic<int> inner{0};
  gg::parallel_run(4, [&](int) { gg::parallel_run(3, [&](int) { inner++; }); });
  CHECK(inner == 12);

  std::atomic<int> total{0};
  std::vector<std::thread> callers;
  for (int c = 0; c < 3; ++c) {
    callers.emplace_back([&] {
      for (int repeat = 0; repeat < 100; ++repeat) gg::parallel_run(5, [&](int) { total++; });
    });
  }
  for (auto& t : callers) t.join();
  CHECK(total == 3 * 100 * 5);
}

TEST_CASE("memory-bound kernels split over the pool give the values of one thread", "[thread_pool]") {
  // Large enough for two tasks (tasks_for_bytes: 256 KiB each): 1 MiB operands.
  gg::Generator gen(3);
  const gg::Tensor a = gg::randn({512, 512}, gen), b = gg::randn({512, 512}, gen);
  const gg::Tensor index = gg::randint(0, 512, {2048}, gen);
  // Three blocks per row whose byte split between two tasks falls inside a block.
  const std::vector<gg::Tensor> pieces = {gg::randn({512, 100}, gen), gg::randn({512, 333}, gen),
                                          gg::randn({512, 91}, gen)};
  const gg::Tensor logits = gg::randn({16387, 10}, gen);  // rows shorter than a vector, a last partial block
  gg::Tensor with_nan = gg::native::clone(a);
  with_nan.data_ptr<float>()[3 * 512 + 7] = NAN;  // column 7 and row 3 of the reductions below
  const auto run = [&](int threads) {
    gg::set_num_threads(threads);
    std::vector<gg::Tensor> out = {gg::native::cat({a, b}, 0), gg::native::cat({a, b}, 1),
                                   gg::native::cat(pieces, 1),
                                   gg::native::index_select(a, 0, index), gg::native::softmax(a, 1),
                                   gg::native::log_softmax(a, 1), gg::native::log_softmax(logits, 1),
                                   gg::native::softmax(logits, 1)};
    for (const std::int64_t dim : {0, 1}) {
      out.push_back(gg::native::sum(with_nan, {dim}, false));
      out.push_back(gg::native::amax(with_nan, {dim}, false));
      out.push_back(gg::native::amin(with_nan, {dim}, false));
    }
    out.push_back(gg::native::amax(a, {0, 1}, false));  // every element, split into runs
    out.push_back(gg::native::sum(a));
    return out;
  };
  const std::vector<gg::Tensor> one = run(1), two = run(2);
  gg::set_num_threads(2);
  CHECK(gg::tasks_for_bytes(std::size_t{1} << 20) == 2);
  CHECK(gg::tasks_for_bytes(std::size_t{100} << 10) == 1);
  for (std::size_t k = 0; k + 1 < one.size(); ++k) {
    INFO("output " << k);
    REQUIRE(one[k].sizes() == two[k].sizes());
    const gg::Tensor x = gg::native::contiguous(one[k]), y = gg::native::contiguous(two[k]);
    CHECK(std::memcmp(x.data_ptr(), y.data_ptr(), x.nbytes()) == 0);  // bit for bit
  }
  // The sum's runs add in another order: equal to rounding.
  CHECK(two.back().item<float>() == Approx(one.back().item<float>()).epsilon(1e-5).margin(1e-2));
  // cat's rows: tensor 0's rows, then tensor 1's; the three pieces' blocks in their places.
  CHECK(gg::native::sum(gg::native::sub(gg::native::narrow(two[1], 1, 512, 512), b)).item<float>() == 0.0f);
  std::int64_t column = 0;
  for (const gg::Tensor& piece : pieces) {
    const gg::Tensor placed = gg::native::narrow(two[2], 1, column, piece.size(1));
    CHECK(gg::native::sum(gg::native::abs(gg::native::sub(placed, piece))).item<float>() == 0.0f);
    column += piece.size(1);
  }
  // The NaN reaches its column's and its row's maximum on two threads.
  CHECK(std::isnan(two[9].data_ptr<float>()[7]));
  CHECK(std::isnan(two[12].data_ptr<float>()[3]));
}
