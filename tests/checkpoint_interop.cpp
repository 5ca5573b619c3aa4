// The C++ half of the checkpoint interoperability test with PyTorch (checkpoint_interop.py):
//   checkpoint_interop write DIR   saves a 5-7-3 MLP, inputs, its outputs and tensors of every
//                                  dtype derived from them as safetensors, and a small CNN
//                                  (conv, BatchNorm2d after two training batches) with its
//                                  outputs
//   checkpoint_interop check DIR   loads PyTorch's weights into the same MLP, compares its
//                                  outputs with PyTorch's on the same inputs (max abs <= 1e-6)
//                                  and PyTorch's tensors of every dtype with gategrad's own;
//                                  likewise PyTorch's CNN (max abs <= 1e-5)
#include <gategrad/nn/conv.hpp>
#include <gategrad/nn/layers.hpp>
#include <gategrad/nn/normalization.hpp>
#include <gategrad/nn/pooling.hpp>
#include <gategrad/nn/serialize.hpp>
#include <gategrad/tensor/factory.hpp>
#include <gategrad/tensor/native.hpp>
#include <gategrad/tensor/safetensors.hpp>

#include <cstring>
#include <filesystem>
#include <iostream>
#include <limits>
#include <string>

namespace nn = gg::nn;
namespace native = gg::native;
using gg::Tensor;

namespace {

std::shared_ptr<nn::Sequential> mlp() {
  return std::make_shared<nn::Sequential>(std::initializer_list<std::shared_ptr<nn::Module>>{
      std::make_shared<nn::Linear>(nn::LinearOptions(5, 7)), std::make_shared<nn::ReLU>(),
      std::make_shared<nn::Linear>(nn::LinearOptions(7, 3))});
}

// conv(1 -> 4, 3x3, padding 1), batch norm, relu, 2x2 max pool, flatten, linear(36 -> 3): a CNN
// whose state dict has parameters and BatchNorm's three buffers (one of them int64).
std::shared_ptr<nn::Sequential> cnn() {
  return std::make_shared<nn::Sequential>(std::initializer_list<std::shared_ptr<nn::Module>>{
      std::make_shared<nn::Conv2d>(nn::Conv2dOptions(1, 4, 3).padding(1)), std::make_shared<nn::BatchNorm2d>(4),
      std::make_shared<nn::ReLU>(), std::make_shared<nn::MaxPool2d>(nn::MaxPool2dOptions(2)),
      std::make_shared<nn::Flatten>(), std::make_shared<nn::Linear>(36, 3)});
}

// Values whose bytes a wrong byte order or width would scramble; checkpoint_interop.py has the
// same list.
Tensor ints() {
  return gg::tensor({-(std::int64_t{1} << 62), std::int64_t{-1}, std::int64_t{0}, std::int64_t{1} << 40,
                     std::numeric_limits<std::int64_t>::max()});
}

const Tensor& tensor_named(const gg::SafetensorsFile& f, const std::string& name) {
  for (const auto& [n, t] : f.tensors) {
    if (n == name) return t;
  }
  throw std::runtime_error("no tensor '" + name + "'");
}

// Same dtype, sizes and values, bit for bit.
bool same(const Tensor& a, const Tensor& b) {
  if (a.dtype() != b.dtype() || a.sizes() != b.sizes()) return false;
  const Tensor x = native::contiguous(a), y = native::contiguous(b);
  return x.nbytes() == 0 || std::memcmp(x.data_ptr(), y.data_ptr(), x.nbytes()) == 0;
}

bool check(const std::string& what, bool ok) {
  std::cout << "  " << what << ": " << (ok ? "ok" : "DIFFERS") << "\n";
  return ok;
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
  auto conv_net = cnn();
  if (mode == "write") {
    gg::Generator gen(7);
    const Tensor x = gg::randn({4, 5}, gen);
    const Tensor y = native::alias((*model)(x));  // the values, without the graph
    nn::save(*model, dir / "gategrad_model.safetensors");
    // Two training batches move the running statistics (and count them), then eval.
    const Tensor images = gg::randn({3, 1, 6, 6}, gen);
    (*conv_net)(gg::randn({5, 1, 6, 6}, gen));
    (*conv_net)(gg::randn({5, 1, 6, 6}, gen));
    conv_net->eval();
    nn::save(*conv_net, dir / "gategrad_cnn.safetensors");
    gg::save_safetensors(dir / "gategrad_cnn_io.safetensors",
                         {{{"x", images}, {"y", native::alias((*conv_net)(images))}}, {}});
    gg::save_safetensors(dir / "gategrad_io.safetensors",
                         {{{"x", x},
                           {"y", y},
                           {"labels", native::argmax(y, 1)},
                           {"ints", ints()},
                           {"mask", native::gt(y, 0)},
                           {"y_bf16", native::to(y, gg::kBFloat16)},
                           {"y_f64", native::to(y, gg::kFloat64)},
                           {"x_t", native::t(x)}},
                          {}});
    std::cout << "wrote gategrad_model.safetensors and gategrad_io.safetensors\n";
    return 0;
  }
  if (mode == "check") {
    nn::load(*model, dir / "torch_model.safetensors");
    const gg::SafetensorsFile io = gg::load_safetensors(dir / "torch_io.safetensors");
    const Tensor &x = tensor_named(io, "x"), &want = tensor_named(io, "y");
    const Tensor got = native::alias((*model)(x));
    const double worst = native::max(native::abs(native::sub(got, want))).item<double>();
    std::cout << "PyTorch weights in gategrad: max |gategrad - torch| = " << worst << "\n";
    std::cout << "PyTorch's tensors of every dtype, read by gategrad:\n";
    bool ok = worst <= 1e-6;
    ok &= check("I64 labels = argmax(y, 1)", same(tensor_named(io, "labels"), native::argmax(want, 1)));
    ok &= check("I64 constants", same(tensor_named(io, "ints"), ints()));
    ok &= check("BOOL mask = y > 0", same(tensor_named(io, "mask"), native::gt(want, 0)));
    ok &= check("BF16 y rounded to nearest even",
                same(tensor_named(io, "y_bf16"), native::to(want, gg::kBFloat16)));
    ok &= check("F64 y", same(tensor_named(io, "y_f64"), native::to(want, gg::kFloat64)));
    nn::load(*conv_net, dir / "torch_cnn.safetensors");
    conv_net->eval();
    const gg::SafetensorsFile cnn_io = gg::load_safetensors(dir / "torch_cnn_io.safetensors");
    const Tensor cnn_got = native::alias((*conv_net)(tensor_named(cnn_io, "x")));
    const double cnn_worst =
        native::max(native::abs(native::sub(cnn_got, tensor_named(cnn_io, "y")))).item<double>();
    std::cout << "PyTorch's CNN (conv, batch norm with its running statistics) in gategrad: max |gategrad - torch| = "
              << cnn_worst << "\n";
    ok &= check("BatchNorm's num_batches_tracked, int64", dynamic_cast<const nn::BatchNorm2d&>(*conv_net->children()[1])
                                                              .num_batches_tracked()
                                                              .item<std::int64_t>() == 3);
    ok &= cnn_worst <= 1e-5;
    return ok ? 0 : 1;
  }
  std::cerr << "checkpoint_interop: unknown mode '" << mode << "', expected write or check\n";
  return 2;
}
