#pragma once
// Model weights as safetensors, with PyTorch's parameter names and layouts, so a checkpoint
// moves between gategrad and PyTorch (state_dict) as it is.
#include <gategrad/nn/module.hpp>

#include <filesystem>
#include <map>
#include <string>

namespace gg::nn {

// Writes every parameter and buffer (named as named_parameters() names them) in its dtype
// (F32, or F64 after Module::to(kFloat64)), atomically.
void save(const Module& model, const std::filesystem::path& path,
          const std::map<std::string, std::string>& metadata = {});

// Loads into the model's existing parameters and buffers, in place, strictly: every name must
// be present with the tensor's dtype and sizes, and the file may hold nothing else. Throws
// gg::FormatError naming the file and the first mismatch; the model is unchanged then.
void load(Module& model, const std::filesystem::path& path);

}  // namespace gg::nn
