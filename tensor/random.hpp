#pragma once
// A seeded random generator whose streams are defined by this file alone, so the same seed
// gives the same numbers on every run, compiler, standard library and thread count
// (std::normal_distribution is implementation-defined; we do not use it).
//
// Engine: xoshiro256** (Blackman & Vigna), state seeded from a 64-bit seed by splitmix64.
// Uniform floats take the top 24 (float) or 53 (double) bits; normals use Box-Muller.
#include <array>
#include <cstdint>

namespace gg {

class Generator {
 public:
  explicit Generator(std::uint64_t seed = 0) { reseed(seed); }

  void reseed(std::uint64_t seed);

  // Next raw 64-bit output.
  std::uint64_t next_u64();

  // Uniform in [0, 1).
  double uniform01();
  float uniform01f();

  // Standard normal N(0, 1).
  double normal();

  // Uniform integer in [0, n); n must be > 0. Unbiased (rejection sampling).
  std::uint64_t below(std::uint64_t n);

  // The whole state, for checkpoints: restoring it continues the stream exactly.
  struct State {
    std::array<std::uint64_t, 4> s{};
    double spare_normal = 0.0;
    bool has_spare = false;
    friend bool operator==(const State&, const State&) = default;
  };
  State state() const { return state_; }
  // Throws std::invalid_argument for a state no seed can produce and that breaks the stream:
  // all four words zero (xoshiro's fixed point: 0 for ever), or a non-finite spare normal.
  void set_state(const State& state);

 private:
  State state_;
};

// The generator used when none is passed (layer initialisation, dropout), as PyTorch's global
// generator: seeded with 0 at start-up; manual_seed reseeds it. Not synchronised: seed and use it
// from one thread.
Generator& default_generator();
void manual_seed(std::uint64_t seed);

}  // namespace gg
