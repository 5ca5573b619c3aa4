#include <gategrad/nn/serialize.hpp>
#include <gategrad/tensor/safetensors.hpp>

namespace gg::nn {
namespace {

std::vector<NamedVar> state_of(const Module& model) {
  std::vector<NamedVar> all = model.named_parameters();
  for (auto& entry : model.named_buffers()) all.push_back(std::move(entry));
  return all;
}

}  // namespace

void save(const Module& model, const std::filesystem::path& path,
          const std::map<std::string, std::string>& metadata) {
  SafetensorsFile file;
  file.metadata = metadata;
  file.metadata.emplace("format", "pt");  // what PyTorch's safetensors tools expect
  for (const auto& [name, var] : state_of(model)) file.tensors.emplace_back(name, var.data());
  save_safetensors(path, file);
}

void load(Module& model, const std::filesystem::path& path) {
  SafetensorsFile file = load_safetensors(path);
  const auto fail = [&](const std::string& what) {
    throw FormatError("load: " + path.string() + ": " + what);
  };
  std::map<std::string, AnyTensor*> by_name;
  for (auto& [name, tensor] : file.tensors) by_name[name] = &tensor;
  std::vector<std::pair<Var, ArrayF*>> assignments;
  for (const auto& [name, var] : state_of(model)) {
    auto found = by_name.find(name);
    if (found == by_name.end()) {
      fail("missing tensor '" + name + "' (the model expects F32 of shape " + to_string(var.shape()) + ")");
    }
    auto* tensor = std::get_if<ArrayF>(found->second);
    if (tensor == nullptr) fail("tensor '" + name + "' has dtype F64, expected F32");
    if (tensor->shape() != var.shape()) {
      fail("tensor '" + name + "' has shape " + to_string(tensor->shape()) + ", expected " +
           to_string(var.shape()));
    }
    assignments.emplace_back(var, tensor);
    by_name.erase(found);
  }
  if (!by_name.empty()) fail("unexpected tensor '" + by_name.begin()->first + "' that the model does not have");
  for (auto& [var, tensor] : assignments) var.mutable_data() = std::move(*tensor);
}

}  // namespace gg::nn
