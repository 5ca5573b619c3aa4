#pragma once
// The model of fuzz_checkpoint and of the checkpoints in its seed corpus (make_corpus.cpp):
// Linear(4, 3), ReLU, Linear(3, 2), from a fixed seed.
#include <gategrad/nn/layers.hpp>
#include <gategrad/tensor/random.hpp>

#include <memory>

namespace gg::fuzz {

inline std::shared_ptr<nn::Sequential> small_model() {
  manual_seed(0);
  return std::make_shared<nn::Sequential>(std::initializer_list<std::shared_ptr<nn::Module>>{
      std::make_shared<nn::Linear>(nn::LinearOptions(4, 3)), std::make_shared<nn::ReLU>(),
      std::make_shared<nn::Linear>(nn::LinearOptions(3, 2))});
}

}  // namespace gg::fuzz
