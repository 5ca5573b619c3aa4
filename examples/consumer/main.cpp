// Uses the installed tensor library: a seeded matrix product and a softmax.
#include <gategrad/tensor/ops.hpp>

#include <iostream>

int main() {
  gg::Generator gen(0);
  const auto x = gg::TensorF::randn({4, 3}, gen);
  const auto w = gg::TensorF::randn({3, 2}, gen);
  const auto p = gg::softmax(gg::matmul(x, w));
  // Each row of p sums to 1.
  std::cout << "row sums:";
  const auto sums = gg::sum(p, 1);
  for (float s : sums.values()) std::cout << ' ' << s;
  std::cout << '\n';
  return 0;
}
