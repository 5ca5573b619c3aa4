// LibTorch baseline for bench_train: the same nets (a) to (e), the same training step and the
// same forward pass, under the same benchmark names (train/a ... forward/e), so that
// bench/compare_train.py can put the two side by side.
//
// One training step: forward, softmax cross-entropy (mean over the batch), zero_grad, backward,
// SGD with lr 1e-3 and no momentum. One forward: eval mode, no autograd, logits only.
//
// Threads: TORCH_INTRAOP_THREADS (default 1) sets ATen's intra-op pool; the inter-op pool is
// pinned to 1 (nothing here runs ops concurrently). OpenBLAS, which does LibTorch's sgemm here,
// sizes its own pool from OPENBLAS_NUM_THREADS. The settings a run had are written into the
// benchmark context, so its JSON records them.
#include <ATen/Parallel.h>
#include <benchmark/benchmark.h>
#include <dlfcn.h>
#include <torch/torch.h>

#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

constexpr int64_t kClasses = 10;
constexpr double kLearningRate = 1e-3;

// widths: input, hidden..., classes. Hidden layers are Linear+ReLU, the last is Linear.
struct Net {
  std::string name;
  std::vector<int64_t> widths;
  int64_t batch;
};

const std::vector<Net>& nets() {
  static const std::vector<Net> all = {
      {"a", {3072, 50, kClasses}, 200},
      {"b", {784, 100, kClasses}, 200},
      {"c", {3072, 512, 512, 512, kClasses}, 200},
      {"d", {784, 256, 128, 100, kClasses}, 128},
      {"e", {3072, 50, kClasses}, 1},
  };
  return all;
}

// Default LibTorch initialization (Linear's kaiming-uniform weights and uniform bias).
torch::nn::Sequential make_model(const Net& net) {
  torch::nn::Sequential model;
  for (size_t i = 0; i + 1 < net.widths.size(); ++i) {
    model->push_back(torch::nn::Linear(net.widths[i], net.widths[i + 1]));
    if (i + 2 < net.widths.size()) model->push_back(torch::nn::ReLU());
  }
  return model;
}

// x:(B,in) float32 normal; labels:(B) int64 in [0, 10). Made once, outside the timed loop.
struct Batch {
  torch::Tensor x;
  torch::Tensor labels;
};

Batch make_batch(const Net& net) {
  return {torch::randn({net.batch, net.widths.front()}),
          torch::randint(0, kClasses, {net.batch}, torch::kInt64)};
}

void train_step(benchmark::State& state, const Net& net) {
  torch::manual_seed(0);
  auto model = make_model(net);
  model->train();
  const Batch batch = make_batch(net);
  torch::optim::SGD sgd(model->parameters(), torch::optim::SGDOptions(kLearningRate));
  for (auto _ : state) {
    const torch::Tensor logits = model->forward(batch.x);
    const torch::Tensor loss = torch::nn::functional::cross_entropy(logits, batch.labels);
    // LibTorch 1.13's Optimizer::zero_grad() has no set_to_none; Module's has. Dropping the
    // gradients lets backward hand its freshly computed gradient straight to .grad instead of
    // zero-filling the old buffers and adding into them: measured 122 against 165 us on (e)
    // and 16.6 against 18.2 ms on (c), 1 thread.
    model->zero_grad(/*set_to_none=*/true);
    loss.backward();
    sgd.step();
    benchmark::DoNotOptimize(loss.item<float>());  // also waits for the step to finish
  }
}

void forward(benchmark::State& state, const Net& net) {
  torch::manual_seed(0);
  auto model = make_model(net);
  model->eval();
  const Batch batch = make_batch(net);
  torch::NoGradGuard no_grad;
  for (auto _ : state) {
    const torch::Tensor logits = model->forward(batch.x);
    benchmark::DoNotOptimize(logits.data_ptr<float>());
    benchmark::ClobberMemory();
  }
}

// TORCH_INTRAOP_THREADS: unset means 1; anything but a positive integer is an error.
int intraop_threads_from_env() {
  const char* text = std::getenv("TORCH_INTRAOP_THREADS");
  if (text == nullptr || *text == '\0') return 1;
  char* end = nullptr;
  const long threads = std::strtol(text, &end, 10);
  if (*end != '\0' || threads < 1 || threads > 1024) {
    throw std::invalid_argument(std::string("bench_train_libtorch: TORCH_INTRAOP_THREADS='") +
                                text + "', expected a positive integer (e.g. 1 or 2)");
  }
  return static_cast<int>(threads);
}

std::string env_or(const char* name, const char* fallback) {
  const char* value = std::getenv(name);
  return value != nullptr ? value : fallback;
}

// The "CPU capability usage: AVX2" line of at::show_config(): which ATen kernels run.
std::string aten_cpu_capability() {
  std::istringstream config(at::show_config());
  const std::string key = "CPU capability usage: ";
  for (std::string line; std::getline(config, line);) {
    const auto at = line.find(key);
    if (at != std::string::npos) return line.substr(at + key.size());
  }
  return "unknown";
}

// OpenBLAS's kernel choice and pool size, asked from the library LibTorch loaded (if it is
// OpenBLAS). On CPUs newer than the OpenBLAS release, it may fall back to old kernels.
void add_openblas_context() {
  using CoreName = char* (*)();
  using NumThreads = int (*)();
  auto corename = reinterpret_cast<CoreName>(dlsym(RTLD_DEFAULT, "openblas_get_corename"));
  auto threads = reinterpret_cast<NumThreads>(dlsym(RTLD_DEFAULT, "openblas_get_num_threads"));
  benchmark::AddCustomContext("openblas_corename",
                              corename != nullptr ? corename() : "not OpenBLAS");
  benchmark::AddCustomContext("openblas_num_threads",
                              threads != nullptr ? std::to_string(threads()) : "-");
}

}  // namespace

int main(int argc, char** argv) {
  int intraop = 1;
  try {
    intraop = intraop_threads_from_env();
  } catch (const std::invalid_argument& error) {
    std::cerr << error.what() << '\n';
    return 2;
  }
  // The inter-op pool may only be sized before its first use: here, before any op runs.
  at::set_num_interop_threads(1);
  at::set_num_threads(intraop);

  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;

  benchmark::AddCustomContext("torch_version", TORCH_VERSION);
  benchmark::AddCustomContext("torch_intraop_threads", std::to_string(at::get_num_threads()));
  benchmark::AddCustomContext("torch_interop_threads",
                              std::to_string(at::get_num_interop_threads()));
  benchmark::AddCustomContext("aten_cpu_capability", aten_cpu_capability());
  add_openblas_context();
  benchmark::AddCustomContext("env_OPENBLAS_NUM_THREADS", env_or("OPENBLAS_NUM_THREADS", "unset"));
  benchmark::AddCustomContext("env_OPENBLAS_CORETYPE", env_or("OPENBLAS_CORETYPE", "unset"));
  benchmark::AddCustomContext("env_GLIBC_TUNABLES", env_or("GLIBC_TUNABLES", "unset"));
  benchmark::AddCustomContext("zero_grad", "Module::zero_grad(set_to_none=true)");

  for (const Net& net : nets()) {
    benchmark::RegisterBenchmark(("train/" + net.name).c_str(), train_step, net)
        ->Unit(benchmark::kMicrosecond);
  }
  for (const Net& net : nets()) {
    benchmark::RegisterBenchmark(("forward/" + net.name).c_str(), forward, net)
        ->Unit(benchmark::kMicrosecond);
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
