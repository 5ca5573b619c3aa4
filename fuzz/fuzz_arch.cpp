// `gategrad depth --arch SPEC` on arbitrary strings: build_mlp either throws the documented
// std::invalid_argument or returns a network that maps (2, 4) inputs to (2, 2) logits. Two rows,
// not one: a batchnorm in training needs more than one value per feature, as torch's does.
#include "strict.hpp"

#include <gategrad/apps/architecture.hpp>
#include <gategrad/tensor/factory.hpp>

#include <string>

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  gg::fuzz::setup();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string spec(reinterpret_cast<const char*>(data), size);
  try {
    (void)gg::app::display_name(spec);
  } catch (const std::exception& e) {
    gg::fuzz::undocumented("display_name", e);
  }
  std::shared_ptr<gg::nn::Sequential> model;
  gg::Generator init(0);
  try {
    model = gg::app::build_mlp(spec, 4, 3, 2, init);
  } catch (const std::invalid_argument&) {
    return 0;
  } catch (const std::exception& e) {
    gg::fuzz::undocumented("build_mlp", e);
  }
  if (model == nullptr) gg::fuzz::fail("build_mlp returned no model");
  gg::fuzz::check_module(*model, "build_mlp");
  for (const bool training : {true, false}) {
    model->train(training);
    const gg::Tensor y = (*model)(gg::ones({2, 4}));
    if (y.sizes() != gg::IntArrayRef{2, 2}) gg::fuzz::fail("build_mlp: '" + spec + "' gives " + gg::to_string(y.sizes()));
    gg::fuzz::check_tensor(y, "build_mlp forward");
  }
  return 0;
}
