// The C++ half of the checkpoint interoperability test with PyTorch (checkpoint_interop.py):
//   checkpoint_interop write DIR   saves a 5-7-3 MLP, inputs and its outputs as safetensors
//   checkpoint_interop check DIR   loads PyTorch's weights into the same MLP and compares its
//                                  outputs with PyTorch's on the same inputs (max abs <= 1e-6)
#include <gategrad/nn/layers.hpp>
#include <gategrad/nn/serialize.hpp>
#include <gategrad/tensor/ops.hpp>
#include <gategrad/tensor/safetensors.hpp>

#include <cmath>
#include <filesystem>
#include <iostream>
#include <string>

namespace nn = gg::nn;
using gg::ArrayF;

namespace {

std::shared_ptr<nn::Sequential> mlp() {
  return std::make_shared<nn::Sequential>(std::initializer_list<std::shared_ptr<nn::Module>>{
      std::make_shared<nn::Linear>(nn::LinearOptions(5, 7)), std::make_shared<nn::ReLU>(),
      std::make_shared<nn::Linear>(nn::LinearOptions(7, 3))});
}

ArrayF tensor_named(const gg::SafetensorsFile& f, const std::string& name) {
  for (const auto& [n, t] : f.tensors) {
    if (n == name) return std::get<ArrayF>(t);
  }
  throw std::runtime_error("no tensor '" + name + "'");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: checkpoint_interop write|check DIR\n";
    return 2;
  }
  const std::string mode = argv[1];
  const std::filesystem::path dir = argv[2];
  gg::manual_seed(2024);
  auto model = mlp();
  model->eval();
  if (mode == "write") {
    gg::Generator gen(7);
    const ArrayF x = ArrayF::randn({4, 5}, gen);
    const ArrayF y = (*model)(gg::Var(x)).data();
    nn::save(*model, dir / "gategrad_model.safetensors");
    gg::save_safetensors(dir / "gategrad_io.safetensors", {{{"x", x}, {"y", y}}, {}});
    std::cout << "wrote gategrad_model.safetensors and gategrad_io.safetensors\n";
    return 0;
  }
  if (mode == "check") {
    nn::load(*model, dir / "torch_model.safetensors");
    const gg::SafetensorsFile io = gg::load_safetensors(dir / "torch_io.safetensors");
    const ArrayF x = tensor_named(io, "x"), want = tensor_named(io, "y");
    const ArrayF got = (*model)(gg::Var(x)).data();
    double worst = 0;
    for (std::size_t i = 0; i < got.size(); ++i) worst = std::max(worst, double(std::abs(got.data()[i] - want.data()[i])));
    std::cout << "PyTorch weights in gategrad: max |gategrad - torch| = " << worst << "\n";
    return worst <= 1e-6 ? 0 : 1;
  }
  std::cerr << "checkpoint_interop: unknown mode '" << mode << "', expected write or check\n";
  return 2;
}
