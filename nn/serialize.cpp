#include <gategrad/nn/serialize.hpp>
#include <gategrad/tensor/native.hpp>
#include <gategrad/tensor/safetensors.hpp>

namespace gg::nn {
namespace {

std::vector<NamedTensor> state_of(const Module& model) {
  std::vector<NamedTensor> all = model.named_parameters();
  for (auto& entry : model.named_buffers()) all.push_back(std::move(entry));
  return all;
}

}  // namespace

void save(const Module& model, const std::filesystem::path& path,
          const std::map<std::string, std::string>& metadata) {
  SafetensorsFile file;
  file.metadata = metadata;
  file.metadata.emplace("format", "pt");  // what PyTorch's safetensors tools expect
  for (const auto& [name, t] : state_of(model)) file.tensors.emplace_back(name, native::alias(t));
  save_safetensors(path, file);
}

void load(Module& model, const std::filesystem::path& path) {
  SafetensorsFile file = load_safetensors(path);
  const auto fail = [&](const std::string& what) {
    throw FormatError("load: " + path.string() + ": " + what);
  };
  std::map<std::string, const Tensor*> by_name;
  for (const auto& [name, tensor] : file.tensors) by_name[name] = &tensor;
  std::vector<std::pair<Tensor, const Tensor*>> assignments;
  for (const auto& [name, t] : state_of(model)) {
    auto found = by_name.find(name);
    if (found == by_name.end()) {
      fail("missing tensor '" + name + "' (the model expects " + safetensors_dtype(t.dtype()) +
           " of sizes " + to_string(t.sizes()) + ")");
    }
    const Tensor& tensor = *found->second;
    if (tensor.dtype() != t.dtype()) {
      fail("tensor '" + name + "' has dtype " + safetensors_dtype(tensor.dtype()) + ", expected " +
           safetensors_dtype(t.dtype()));
    }
    if (tensor.sizes() != t.sizes()) {
      fail("tensor '" + name + "' has sizes " + to_string(tensor.sizes()) + ", expected " +
           to_string(t.sizes()));
    }
    assignments.emplace_back(t, &tensor);
    by_name.erase(found);
  }
  if (!by_name.empty()) fail("unexpected tensor '" + by_name.begin()->first + "' that the model does not have");
  // Into the model's own storage: every handle to a parameter (an optimizer's) sees the values.
  for (const auto& [t, tensor] : assignments) native::copy_(t, *tensor);
}

}  // namespace gg::nn
