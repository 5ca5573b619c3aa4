#pragma once
// torch::data::make_data_loader in gg::data: batches of a datasets:: dataset (data/datasets.hpp),
// in the order a sampler (data/samplers.hpp) requests them, one epoch per range-for.
//
//   auto dataset = gg::data::datasets::MNIST(root)
//                      .map(gg::data::transforms::Normalize<>(0.1307, 0.3081))
//                      .map(gg::data::transforms::Stack<>());
//   auto loader = gg::data::make_data_loader(
//       std::move(dataset), gg::data::DataLoaderOptions().batch_size(64).workers(2));
//   for (auto& batch : *loader) step(batch.data, batch.target);   // (64,1,28,28), (64,)
//
// A batch is the dataset's BatchType: a std::vector<Example<>> without Stack, one Example<>
// after it. The loader owns the dataset (moved in) and the sampler.
//
// Workers: with workers(0) the consumer's thread calls get_batch when it asks for a batch.
// With workers(n) each of n threads holds its own copy of the dataset and builds batches
// ahead of the consumer, up to max_jobs (default 2n) requested at once; enforce_ordering (the
// default) hands them out in the sampler's order, so the batches are those of workers(0). An
// exception thrown by get_batch in a worker is rethrown by the consumer when that batch's turn
// comes; the epoch then goes on with the next batch. The sampler runs on the consumer's
// thread only (RandomSampler draws from gg's default generator). begin() starts a new epoch:
// it waits for the batches still being built, discards them and resets the sampler.
// Destroying the loader, mid-epoch or not, lets each worker finish its batch and joins it.
#include <gategrad/data/dataloader.hpp>
#include <gategrad/data/datasets.hpp>
#include <gategrad/data/samplers.hpp>

#include <concepts>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace gg::data {

// What make_data_loader needs of a sampler.
template <class S>
concept BatchSampler = requires(S sampler, std::size_t batch_size) {
  sampler.reset(std::nullopt);
  { sampler.next(batch_size) } -> std::same_as<std::optional<typename S::BatchRequestType>>;
};

template <class Dataset, class Sampler>
class StatelessDataLoader {
 public:
  using BatchType = typename Dataset::BatchType;
  using BatchRequestType = typename Sampler::BatchRequestType;

  // Throws std::invalid_argument for batch_size 0, or max_jobs 0 with workers.
  StatelessDataLoader(Dataset dataset, Sampler sampler, DataLoaderOptions options)
      : options_(std::move(options)), sampler_(std::move(sampler)) {
    if (options_.batch_size() == 0) {
      throw std::invalid_argument("make_data_loader: batch_size 0, expected at least 1");
    }
    const std::size_t workers = options_.workers();
    max_jobs_ = options_.max_jobs().value_or(2 * workers);
    if (workers > 0 && max_jobs_ == 0) {
      throw std::invalid_argument("make_data_loader: max_jobs 0 with " + std::to_string(workers) +
                                  " workers, expected at least 1");
    }
    if (workers == 0) {
      main_thread_dataset_.emplace(std::move(dataset));
      return;
    }
    threads_.reserve(workers);
    try {
      for (std::size_t w = 0; w < workers; ++w) {
        // Each worker its own copy of the dataset, as LibTorch's.
        threads_.emplace_back([this, copy = dataset]() mutable { work(copy); });
      }
    } catch (...) {
      join();  // the threads already started, before the members they use are destroyed
      throw;
    }
  }

  StatelessDataLoader(const StatelessDataLoader&) = delete;
  StatelessDataLoader& operator=(const StatelessDataLoader&) = delete;
  ~StatelessDataLoader() { join(); }

  class Iterator;
  struct Sentinel {};
  // A new epoch, its first batch fetched.
  Iterator begin() {
    reset();
    Iterator it(this);
    it.fetch();
    return it;
  }
  Sentinel end() const { return {}; }

  // The next batch of this epoch, std::nullopt after its last (begin() and the iterator call
  // it; so may a program, after begin()).
  std::optional<BatchType> next() {
    if (threads_.empty()) {
      std::optional<BatchRequestType> request = next_request();
      if (!request) return std::nullopt;
      return main_thread_dataset_->get_batch(std::move(*request));
    }
    {
      std::lock_guard lock(mutex_);
      if (stopping_) {
        throw std::logic_error("StatelessDataLoader::next: the loader's workers were joined, "
                               "expected a loader that is still running");
      }
    }
    prefetch();
    std::unique_lock lock(mutex_);
    if (outstanding_ == 0) return std::nullopt;
    results_ready_.wait(lock, [&] {
      return options_.enforce_ordering() ? results_.count(next_to_yield_) > 0 : !results_.empty();
    });
    auto node = options_.enforce_ordering() ? results_.extract(next_to_yield_)
                                            : results_.extract(results_.begin());
    ++next_to_yield_;
    --outstanding_;
    lock.unlock();
    prefetch();  // keep the workers busy while the consumer uses this batch
    Result& result = node.mapped();
    if (result.error) std::rethrow_exception(result.error);
    return std::move(result.batch);
  }

  // Stops the workers once each has finished the batch in its hands; the destructor calls it.
  // A loader with workers yields no batch after it (std::logic_error).
  void join() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    jobs_ready_.notify_all();
    for (std::thread& thread : threads_) {
      if (thread.joinable()) thread.join();
    }
  }

  const DataLoaderOptions& options() const { return options_; }

 private:
  struct Job {
    std::size_t sequence;
    BatchRequestType request;
  };
  struct Result {
    std::optional<BatchType> batch;
    std::exception_ptr error;
  };

  // The sampler's next request, or nullopt at the end of the epoch (a short last one with
  // drop_last included).
  std::optional<BatchRequestType> next_request() {
    std::optional<BatchRequestType> request = sampler_.next(options_.batch_size());
    if (request && options_.drop_last() && request->size() < options_.batch_size()) {
      return std::nullopt;
    }
    return request;
  }

  // Requests batches until max_jobs are outstanding or the epoch has none left.
  void prefetch() {
    while (!epoch_exhausted_) {
      {
        std::lock_guard lock(mutex_);
        if (outstanding_ >= max_jobs_) return;
      }
      std::optional<BatchRequestType> request = next_request();
      if (!request) {
        epoch_exhausted_ = true;
        return;
      }
      {
        std::lock_guard lock(mutex_);
        jobs_.push_back({next_to_request_++, std::move(*request)});
        ++outstanding_;
      }
      jobs_ready_.notify_one();
    }
  }

  // A new epoch: discard the queued requests, wait for the batches in the workers' hands and
  // drop them, then restart the sampler.
  void reset() {
    if (!threads_.empty()) {
      std::unique_lock lock(mutex_);
      jobs_.clear();
      results_ready_.wait(lock, [&] { return busy_ == 0; });
      results_.clear();
      outstanding_ = 0;
      next_to_request_ = next_to_yield_ = 0;
    }
    sampler_.reset(std::nullopt);
    epoch_exhausted_ = false;
  }

  void work(Dataset& dataset) {
    for (;;) {
      Job job;
      {
        std::unique_lock lock(mutex_);
        jobs_ready_.wait(lock, [&] { return stopping_ || !jobs_.empty(); });
        if (stopping_) return;
        job = std::move(jobs_.front());
        jobs_.pop_front();
        ++busy_;
      }
      Result result;
      try {
        result.batch.emplace(dataset.get_batch(std::move(job.request)));
      } catch (...) {
        result.error = std::current_exception();
      }
      {
        std::lock_guard lock(mutex_);
        results_.emplace(job.sequence, std::move(result));
        --busy_;
      }
      results_ready_.notify_all();
    }
  }

  DataLoaderOptions options_;
  Sampler sampler_;                            // the consumer's thread only
  std::optional<Dataset> main_thread_dataset_;  // workers(0) only
  std::size_t max_jobs_ = 0;
  bool epoch_exhausted_ = false;               // the consumer's thread only

  std::mutex mutex_;  // guards what follows
  std::condition_variable jobs_ready_, results_ready_;
  std::deque<Job> jobs_;                       // requested, not yet taken by a worker
  std::map<std::size_t, Result> results_;      // built, by sequence number
  std::size_t outstanding_ = 0;                // requested and not yet handed out
  std::size_t busy_ = 0;                       // in a worker's hands
  std::size_t next_to_request_ = 0, next_to_yield_ = 0;
  bool stopping_ = false;

  std::vector<std::thread> threads_;  // last: started after everything they use
};

template <class Dataset, class Sampler>
class StatelessDataLoader<Dataset, Sampler>::Iterator {
 public:
  using difference_type = std::ptrdiff_t;
  using value_type = BatchType;

  BatchType& operator*() { return *batch_; }
  BatchType* operator->() { return &*batch_; }
  Iterator& operator++() {
    fetch();
    return *this;
  }
  void operator++(int) { ++*this; }
  bool operator==(Sentinel) const { return !batch_.has_value(); }

 private:
  friend class StatelessDataLoader;
  explicit Iterator(StatelessDataLoader* loader) : loader_(loader) {}
  void fetch() {
    batch_.reset();
    batch_ = loader_->next();
  }

  StatelessDataLoader* loader_;
  std::optional<BatchType> batch_;
};

// A loader over `dataset` with a Sampler of dataset.size() indices (RandomSampler unless named:
// make_data_loader<samplers::SequentialSampler>(dataset, options)). Throws
// std::invalid_argument when the dataset's size is unknown or batch_size is 0.
template <class Sampler = samplers::RandomSampler, class Dataset>
std::unique_ptr<StatelessDataLoader<Dataset, Sampler>> make_data_loader(
    Dataset dataset, DataLoaderOptions options = DataLoaderOptions()) {
  const std::optional<std::size_t> size = dataset.size();
  if (!size) {
    throw std::invalid_argument("make_data_loader: the dataset's size() is std::nullopt: "
                                "expected a size, or pass a sampler");
  }
  Sampler sampler(*size);
  return std::make_unique<StatelessDataLoader<Dataset, Sampler>>(
      std::move(dataset), std::move(sampler), std::move(options));
}

// LibTorch's make_data_loader(dataset, 64): DataLoaderOptions' constructor is explicit here.
template <class Sampler = samplers::RandomSampler, class Dataset>
std::unique_ptr<StatelessDataLoader<Dataset, Sampler>> make_data_loader(Dataset dataset,
                                                                        std::size_t batch_size) {
  return make_data_loader<Sampler>(std::move(dataset), DataLoaderOptions(batch_size));
}

// A loader with a sampler built by the caller (a DistributedRandomSampler, say).
template <class Dataset, BatchSampler Sampler>
std::unique_ptr<StatelessDataLoader<Dataset, Sampler>> make_data_loader(
    Dataset dataset, Sampler sampler, DataLoaderOptions options = DataLoaderOptions()) {
  return std::make_unique<StatelessDataLoader<Dataset, Sampler>>(
      std::move(dataset), std::move(sampler), std::move(options));
}

}  // namespace gg::data
