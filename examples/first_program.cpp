// The README's first program: a forward pass of a two-layer net on random data.
#include <gategrad/tensor/ops.hpp>

#include <iostream>

int main() {
  gg::Generator gen(0);                                    // same numbers on every run
  auto X = gg::ArrayF::randn({200, 3072}, gen);           // a batch of inputs
  auto W = gg::ArrayF::randn({3072, 50}, gen, 0, 1e-4f);  // weights, std 1e-4
  auto b = gg::ArrayF::zeros({50});
  auto h = gg::relu(gg::matmul(X, W) + b);                 // (200,50): broadcast bias add
  auto p = gg::softmax(gg::matmul(h, gg::ArrayF::randn({50, 10}, gen)));
  std::cout << gg::sum(gg::sum(p, 1)) << '\n';             // 200 rows that each sum to 1
}
