#include "datasets/random.h"

namespace datasets {

uint64_t MixSeed(uint64_t a, uint64_t b) {
  uint64_t z = a ^ ((b << 29) | (b >> 35)) ^ (b * 0x9E3779B97F4A7C15ull);
  z += 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

uint64_t UniformIndex(std::mt19937_64& rng, uint64_t n) {
  // Lemire's nearly-divisionless method: the high word of x * n is uniform once the low word passes the
  // bound.
  unsigned __int128 m = static_cast<unsigned __int128>(rng()) * n;
  uint64_t low = static_cast<uint64_t>(m);
  if (low < n) {
    const uint64_t threshold = (0 - n) % n;
    while (low < threshold) {
      m = static_cast<unsigned __int128>(rng()) * n;
      low = static_cast<uint64_t>(m);
    }
  }
  return static_cast<uint64_t>(m >> 64);
}

void RandomPermutation(uint64_t seed, int64_t n, std::vector<int64_t>* out) {
  out->resize(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) (*out)[static_cast<size_t>(i)] = i;
  std::mt19937_64 rng(seed);
  for (int64_t i = n - 1; i > 0; --i) {
    const uint64_t j = UniformIndex(rng, static_cast<uint64_t>(i) + 1);
    std::swap((*out)[static_cast<size_t>(i)], (*out)[j]);
  }
}

uint64_t Fingerprint64(const char* data, size_t size) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (size_t i = 0; i < size; ++i) {
    h ^= static_cast<unsigned char>(data[i]);
    h *= 0x100000001b3ull;
  }
  return h;
}

}  // namespace datasets
