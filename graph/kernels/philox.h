// Philox4x32-10, the counter-based random number generator of Salmon, Moraes, Dror and Shaw, "Parallel Random
// Numbers: As Easy as 1, 2, 3" (SC 2011), and the conversions random kernels build on it. Header-only.
#ifndef GRAPH_KERNELS_PHILOX_H_
#define GRAPH_KERNELS_PHILOX_H_

#include <array>
#include <cmath>
#include <cstdint>

namespace graph {

using PhiloxCounter = std::array<uint32_t, 4>;
using PhiloxKey = std::array<uint32_t, 2>;

// Ten rounds of Philox4x32 on `ctr` under `key`: four independent, uniformly distributed 32-bit words. The
// same (counter, key) always gives the same words; distinct counters give independent ones.
inline PhiloxCounter Philox4x32_10(PhiloxCounter ctr, PhiloxKey key) {
  constexpr uint64_t kMul0 = 0xD2511F53u;
  constexpr uint64_t kMul1 = 0xCD9E8D57u;
  constexpr uint32_t kBump0 = 0x9E3779B9u;  // golden ratio
  constexpr uint32_t kBump1 = 0xBB67AE85u;  // sqrt(3) - 1
  for (int round = 0; round < 10; ++round) {
    if (round > 0) {
      key[0] += kBump0;
      key[1] += kBump1;
    }
    const uint64_t p0 = kMul0 * ctr[0];
    const uint64_t p1 = kMul1 * ctr[2];
    ctr = {static_cast<uint32_t>(p1 >> 32) ^ ctr[1] ^ key[0], static_cast<uint32_t>(p1),
           static_cast<uint32_t>(p0 >> 32) ^ ctr[3] ^ key[1], static_cast<uint32_t>(p0)};
  }
  return ctr;
}

// SplitMix64 finaliser: spreads the bits of `x` (used to derive keys from small seeds).
inline uint64_t SplitMix64(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

// The key of the stream of a random op with `op_seed` in a graph with `graph_seed`.
inline PhiloxKey PhiloxKeyFromSeeds(int64_t graph_seed, int64_t op_seed) {
  const uint64_t k =
      SplitMix64(static_cast<uint64_t>(graph_seed) ^ SplitMix64(static_cast<uint64_t>(op_seed)));
  return {static_cast<uint32_t>(k), static_cast<uint32_t>(k >> 32)};
}

// A float uniform in [0, 1) from the top 24 bits of `x` (every value a multiple of 2^-24).
inline float UniformFloat(uint32_t x) { return static_cast<float>(x >> 8) * 0x1p-24f; }

// Two independent standard normal values from two random words (Box-Muller). The first word is mapped to
// (0, 1] so the logarithm is finite.
inline std::array<float, 2> BoxMuller(uint32_t a, uint32_t b) {
  constexpr float kTwoPi = 6.28318530717958647692f;
  const float u1 = static_cast<float>((a >> 8) + 1) * 0x1p-24f;
  const float u2 = static_cast<float>(b >> 8) * 0x1p-24f;
  const float r = std::sqrt(-2.0f * std::log(u1));
  const float theta = kTwoPi * u2;
  return {r * std::cos(theta), r * std::sin(theta)};
}

}  // namespace graph

#endif  // GRAPH_KERNELS_PHILOX_H_
