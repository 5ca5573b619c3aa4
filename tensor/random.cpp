#include <gategrad/tensor/random.hpp>

#include <cmath>
#include <numbers>
#include <stdexcept>
#include <string>

namespace gg {
namespace {

std::uint64_t splitmix64(std::uint64_t& x) {
  std::uint64_t z = (x += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

constexpr std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

}  // namespace

void Generator::set_state(const State& state) {
  if (state.s == std::array<std::uint64_t, 4>{}) {
    throw std::invalid_argument("Generator::set_state: got the all-zero xoshiro256** state, which yields 0 for "
                                "ever; expected at least one nonzero word (a state saved by state())");
  }
  if (state.has_spare && !std::isfinite(state.spare_normal)) {
    throw std::invalid_argument("Generator::set_state: got the spare normal " + std::to_string(state.spare_normal) +
                                ", expected a finite number");
  }
  state_ = state;
}

void Generator::reseed(std::uint64_t seed) {
  std::uint64_t x = seed;
  for (auto& word : state_.s) word = splitmix64(x);
  state_.has_spare = false;
  state_.spare_normal = 0.0;
}

std::uint64_t Generator::next_u64() {
  auto& s = state_.s;
  const std::uint64_t result = rotl(s[1] * 5, 7) * 9;
  const std::uint64_t t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 45);
  return result;
}

double Generator::uniform01() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }

float Generator::uniform01f() { return static_cast<float>(next_u64() >> 40) * 0x1.0p-24f; }

double Generator::normal() {
  if (state_.has_spare) {
    state_.has_spare = false;
    return state_.spare_normal;
  }
  // Box-Muller on (0, 1] x [0, 1): 1 - u keeps the logarithm finite.
  const double u1 = 1.0 - uniform01();
  const double u2 = uniform01();
  const double radius = std::sqrt(-2.0 * std::log(u1));
  const double angle = 2.0 * std::numbers::pi * u2;
  state_.spare_normal = radius * std::sin(angle);
  state_.has_spare = true;
  return radius * std::cos(angle);
}

std::uint64_t Generator::below(std::uint64_t n) {
  if (n == 0) throw std::invalid_argument("Generator::below: got n = 0, expected n > 0");
  // Reject the top partial block so every residue is equally likely.
  const std::uint64_t limit = ~std::uint64_t{0} - (~std::uint64_t{0} % n);
  std::uint64_t x = next_u64();
  while (x >= limit) x = next_u64();
  return x % n;
}

Generator& default_generator() {
  static Generator gen(0);
  return gen;
}

void manual_seed(std::uint64_t seed) { default_generator().reseed(seed); }

}  // namespace gg
