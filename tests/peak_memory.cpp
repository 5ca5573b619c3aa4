// Peak resident memory of training net (c), 3072-512-512-512-10 at batch 200 with SGD and
// momentum, against what the step needs in principle:
//   parameters + gradients + optimizer state (one momentum buffer) + activations
// where the activations are the input batch, each Linear's output, each ReLU's output and the
// softmax probabilities. Fails when the growth of the process's peak RSS (VmHWM) over its RSS
// before the model existed exceeds 1.5 times that budget. Exit code 77 (skipped) under
// AddressSanitizer, whose shadow memory and quarantine would be measured instead.
#include <gategrad/nn/layers.hpp>
#include <gategrad/nn/loss.hpp>
#include <gategrad/optim/sgd.hpp>
#include <gategrad/tensor/detail/asan.hpp>
#include <gategrad/tensor/factory.hpp>
#include <gategrad/tensor/parallel.hpp>

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#if !GG_ASAN
namespace {

// A "VmRSS:" or "VmHWM:" line of /proc/self/status, in bytes.
std::size_t status_bytes(const std::string& key) {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind(key, 0) == 0) return std::stoull(line.substr(key.size())) * 1024;
  }
  throw std::runtime_error("peak_memory: no " + key + " line in /proc/self/status");
}

double mib(std::size_t bytes) { return static_cast<double>(bytes) / (1 << 20); }

}  // namespace
#endif

int main() {
#if GG_ASAN
  std::cout << "peak_memory: skipped under AddressSanitizer (it measures ASan's own memory)\n";
  return 77;
#else
  const std::vector<std::int64_t> widths = {3072, 512, 512, 512, 10};
  const std::int64_t batch = 200;
  const std::size_t baseline = status_bytes("VmRSS:");

  gg::manual_seed(0);
  auto model = std::make_shared<gg::nn::Sequential>();
  std::int64_t params = 0, activations = batch * widths.front();
  for (std::size_t i = 0; i + 1 < widths.size(); ++i) {
    model->push_back(
        std::make_shared<gg::nn::Linear>(gg::nn::LinearOptions(widths[i], widths[i + 1])));
    params += widths[i] * widths[i + 1] + widths[i + 1];
    activations += batch * widths[i + 1];  // Linear output
    if (i + 2 < widths.size()) {
      model->push_back(std::make_shared<gg::nn::ReLU>());
      activations += batch * widths[i + 1];  // ReLU output
    }
  }
  activations += batch * widths.back();  // softmax probabilities
  gg::optim::SGD optimizer(model->parameters(), gg::optim::SGDOptions(1e-3).momentum(0.9));
  gg::Generator gen(1);
  const gg::Tensor x = gg::randn({batch, widths.front()}, gen);
  const gg::Tensor labels = gg::empty({batch}, gg::kInt64);
  for (std::int64_t i = 0; i < batch; ++i) labels.data_ptr<std::int64_t>()[i] = i % 10;

  for (int step = 0; step < 10; ++step) {
    optimizer.zero_grad();
    const gg::Tensor loss = gg::nn::cross_entropy((*model)(x), labels);
    loss.backward();
    optimizer.step();
  }
  const std::size_t peak = status_bytes("VmHWM:");
  const std::size_t budget = sizeof(float) * static_cast<std::size_t>(3 * params + activations);  // + grads + momentum
  const std::size_t growth = peak - baseline;
  const double ratio = static_cast<double>(growth) / static_cast<double>(budget);
  std::printf(
      "net (c) 3072-512-512-512-10, batch %lld, SGD with momentum, %d thread(s)\n"
      "  parameters %.2f MiB, gradients %.2f MiB, momentum %.2f MiB, activations %.2f MiB: "
      "budget %.2f MiB\n"
      "  RSS before the model %.2f MiB, peak RSS %.2f MiB: growth %.2f MiB = %.2fx the budget "
      "(limit 1.5x)\n",
      static_cast<long long>(batch), gg::num_threads(), mib(4 * std::size_t(params)), mib(4 * std::size_t(params)),
      mib(4 * std::size_t(params)), mib(4 * std::size_t(activations)), mib(budget), mib(baseline), mib(peak), mib(growth), ratio);
  return ratio <= 1.5 ? 0 : 1;
#endif
}
