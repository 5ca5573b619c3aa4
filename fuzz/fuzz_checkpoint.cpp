// Checkpoints on arbitrary bytes, through each reader of safetensors: load_safetensors itself,
// nn::load into a small model, and load_training_state followed by Optimizer::load_state and a
// step. Every tensor a success returns must agree with its shape; a failed nn::load or
// load_state must leave the model and the optimizer as they were.
#include "small_model.hpp"
#include "strict.hpp"

#include <gategrad/nn/loss.hpp>
#include <gategrad/nn/serialize.hpp>
#include <gategrad/optim/adam.hpp>
#include <gategrad/optim/training_state.hpp>
#include <gategrad/tensor/safetensors.hpp>

#include <bit>
#include <memory>
#include <variant>
#include <vector>

namespace {

std::vector<gg::ArrayF> snapshot(const gg::nn::Module& model) {
  std::vector<gg::ArrayF> out;
  for (const auto& [name, p] : model.named_parameters()) out.push_back(p.data());
  return out;
}

bool same(const std::vector<gg::ArrayF>& a, const std::vector<gg::ArrayF>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].shape() != b[i].shape()) return false;
    for (std::size_t k = 0; k < a[i].size(); ++k) {
      // Bitwise: NaN weights must stay NaN, not compare unequal to themselves.
      if (std::bit_cast<std::uint32_t>(a[i].data()[k]) != std::bit_cast<std::uint32_t>(b[i].data()[k])) return false;
    }
  }
  return true;
}

// A step of the small model on a fixed batch, so Adam reads every buffer load_state restored.
void train_step(gg::nn::Module& model, gg::optim::Optimizer& optimizer) {
  optimizer.zero_grad();
  const gg::Var x(gg::ArrayF::ones({2, 4}));
  const std::vector<std::int64_t> labels = {0, 1};
  gg::Var loss = gg::nn::cross_entropy(model(x), labels);
  loss.backward();
  optimizer.step();
}

void fuzz_safetensors(const std::filesystem::path& path) {
  gg::SafetensorsFile file;
  try {
    file = gg::load_safetensors(path);
  } catch (const gg::FormatError&) {
    return;
  } catch (const std::exception& e) {
    gg::fuzz::undocumented("load_safetensors", e);
  }
  for (const auto& entry : file.tensors) {
    std::visit([&](const auto& t) { gg::fuzz::check_tensor(t, "load_safetensors '" + entry.first + "'"); },
               entry.second);
  }
}

void fuzz_model_load(const std::filesystem::path& path) {
  const auto model = gg::fuzz::small_model();
  const auto before = snapshot(*model);
  try {
    gg::nn::load(*model, path);
  } catch (const gg::FormatError&) {
    if (!same(before, snapshot(*model))) gg::fuzz::fail("nn::load failed and changed the model");
    return;
  } catch (const std::exception& e) {
    gg::fuzz::undocumented("nn::load", e);
  }
  gg::fuzz::check_module(*model, "nn::load");
  const gg::Var y = (*model)(gg::Var(gg::ArrayF::ones({1, 4})));
  if (y.shape() != gg::Shape{1, 2}) gg::fuzz::fail("nn::load: the model's output is " + gg::to_string(y.shape()));
  gg::fuzz::check_tensor(y.data(), "nn::load forward");
}

void fuzz_training_state(const std::filesystem::path& path) {
  gg::optim::TrainingState state;
  try {
    state = gg::optim::load_training_state(path);
  } catch (const gg::FormatError&) {
    return;
  } catch (const std::exception& e) {
    gg::fuzz::undocumented("load_training_state", e);
  }
  for (const auto& [key, t] : state.optimizer.tensors) gg::fuzz::check_tensor(t, "load_training_state '" + key + "'");
  for (const auto& [name, s] : state.generators) {
    gg::Generator g(0);
    g.set_state(s);
    gg::fuzz::check_tensor(gg::ArrayF::randn({4}, g), "generator '" + name + "'");
  }

  const auto model = gg::fuzz::small_model();
  gg::optim::Adam optimizer(model->parameters(), gg::optim::AdamOptions(1e-3));
  train_step(*model, optimizer);  // buffers and steps that a failed load must keep
  const auto before = optimizer.state();
  const double lr_before = optimizer.lr();
  try {
    optimizer.load_state(state.optimizer);
  } catch (const std::exception& e) {
    // Documented: std::invalid_argument naming the entry (a gg::FormatError says as much).
    if (dynamic_cast<const std::invalid_argument*>(&e) == nullptr && dynamic_cast<const gg::FormatError*>(&e) == nullptr) {
      gg::fuzz::undocumented("Optimizer::load_state", e);
    }
    const auto after = optimizer.state();
    bool unchanged = after.scalars == before.scalars && after.tensors.size() == before.tensors.size() &&
                     optimizer.lr() == lr_before;
    for (const auto& [key, t] : before.tensors) {
      const auto it = after.tensors.find(key);
      unchanged = unchanged && it != after.tensors.end() && same({t}, {it->second});
    }
    if (!unchanged) gg::fuzz::fail(std::string("Optimizer::load_state failed (") + e.what() + ") and changed the optimizer");
    return;
  }
  train_step(*model, optimizer);
  gg::fuzz::check_module(*model, "a step after load_state");
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  gg::fuzz::setup();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static gg::fuzz::InputFile file("input.safetensors");
  const auto& path = file.write(data, size);
  fuzz_safetensors(path);
  fuzz_model_load(path);
  fuzz_training_state(path);
  return 0;
}
