// The README's first program: a forward pass of a two-layer net on random data, with the
// tensor layer's kernels alone (gg::native: no autograd).
#include <gategrad/tensor/factory.hpp>
#include <gategrad/tensor/native.hpp>

#include <iostream>

int main() {
  namespace native = gg::native;
  gg::Generator gen(0);                                             // same numbers on every run
  auto X = gg::randn({200, 3072}, gen);                             // a batch of inputs
  auto W = native::mul(gg::randn({3072, 50}, gen), 1e-4);           // weights, std 1e-4
  auto b = gg::zeros({50});
  auto h = native::relu(native::add(native::mm(X, W), b));          // (200,50): broadcast bias add
  auto p = native::softmax(native::mm(h, gg::randn({50, 10}, gen)), 1);
  std::cout << native::sum(native::sum(p, {1})).item<float>() << '\n';  // 200 rows that each sum to 1
}
