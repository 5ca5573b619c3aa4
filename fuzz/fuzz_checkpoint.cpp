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

#include <gategrad/tensor/factory.hpp>
#include <gategrad/tensor/native.hpp>

#include <cstring>
#include <memory>
#include <vector>

namespace {

// Copies of the parameters' values (a parameter is a handle: keeping it would see later changes).
std::vector<gg::Tensor> snapshot(const gg::nn::Module& model) {
  std::vector<gg::Tensor> out;
  for (const auto& [name, p] : model.named_parameters()) out.push_back(gg::native::clone(p));
  return out;
}

bool same(const std::vector<gg::Tensor>& a, const std::vector<gg::Tensor>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].dtype() != b[i].dtype() || a[i].sizes() != b[i].sizes()) return false;
    // Bitwise: NaN weights must stay NaN, not compare unequal to themselves.
    const gg::Tensor x = gg::native::contiguous(a[i]), y = gg::native::contiguous(b[i]);
    if (x.nbytes() > 0 && std::memcmp(x.data_ptr(), y.data_ptr(), x.nbytes()) != 0) return false;
  }
  return true;
}

// A step of the small model on a fixed batch, so Adam reads every buffer load_state restored.
void train_step(gg::nn::Module& model, gg::optim::Optimizer& optimizer) {
  optimizer.zero_grad();
  const gg::Tensor x = gg::ones({2, 4});
  const gg::Tensor labels = gg::tensor({0, 1});
  const gg::Tensor loss = gg::nn::cross_entropy(model(x), labels);
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
  for (const auto& [name, t] : file.tensors) {
    const std::string what = "load_safetensors '" + name + "'";
    gg::fuzz::check_tensor(t, what);
    if (!t.is_contiguous() || t.storage_offset() != 0) gg::fuzz::fail(what + ": not a contiguous tensor of its own");
    if (t.requires_grad()) gg::fuzz::fail(what + ": requires a gradient");
  }
  // What was read writes back and reads again as the same tensors.
  static gg::fuzz::InputFile copy("copy.safetensors");
  const std::filesystem::path again = copy.dir() / "copy.safetensors";
  gg::save_safetensors(again, file);
  const gg::SafetensorsFile back = gg::load_safetensors(again);
  if (back.metadata != file.metadata || back.tensors.size() != file.tensors.size()) {
    gg::fuzz::fail("load_safetensors: a file written from what was read reads back differently");
  }
  for (std::size_t i = 0; i < back.tensors.size(); ++i) {
    if (back.tensors[i].first != file.tensors[i].first || !same({back.tensors[i].second}, {file.tensors[i].second})) {
      gg::fuzz::fail("load_safetensors: tensor '" + file.tensors[i].first + "' changed on a round trip");
    }
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
  const gg::Tensor y = (*model)(gg::ones({1, 4}));
  if (y.sizes() != gg::IntArrayRef{1, 2}) gg::fuzz::fail("nn::load: the model's output is " + gg::to_string(y.sizes()));
  gg::fuzz::check_tensor(y, "nn::load forward");
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
    gg::fuzz::check_tensor(gg::randn({4}, g), "generator '" + name + "'");
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
