// Reproducible randomness for datasets: seed mixing, unbiased bounded draws and per-epoch permutations.
// Everything here is defined by this file and std::mt19937_64 (whose sequence the C++ standard fixes), so the
// same seed gives the same numbers with every compiler and standard library.
#ifndef DATASETS_RANDOM_H_
#define DATASETS_RANDOM_H_

#include <cstdint>
#include <random>
#include <vector>

namespace datasets {

// A well-mixed 64-bit value from two inputs (SplitMix64 finaliser over a ^ rotated b). Pure function.
uint64_t MixSeed(uint64_t a, uint64_t b);

// A uniform integer in [0, n) drawn from `rng` without modulo bias (multiply-shift with rejection). n > 0.
uint64_t UniformIndex(std::mt19937_64& rng, uint64_t n);

// Fills *out with a uniformly random permutation of 0..n-1 (Fisher-Yates driven by mt19937_64(seed)). n >= 0.
// Reuses out's capacity.
void RandomPermutation(uint64_t seed, int64_t n, std::vector<int64_t>* out);

// 64-bit FNV-1a hash of a byte string (used for pipeline fingerprints).
uint64_t Fingerprint64(const char* data, size_t size);

}  // namespace datasets

#endif  // DATASETS_RANDOM_H_
