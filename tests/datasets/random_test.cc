// The randomness datasets rely on is fully specified, so orders are reproducible everywhere.
#include "datasets/random.h"

#include <algorithm>
#include <numeric>
#include <random>
#include <vector>

#include "gtest/gtest.h"

namespace datasets {
namespace {

TEST(RandomTest, Mt19937_64IsTheStandardEngine) {
  // The C++ standard fixes the 10000th output of a default-constructed mt19937_64.
  std::mt19937_64 rng;
  rng.discard(9999);
  EXPECT_EQ(rng(), 9981545732273789042ull);
}

TEST(RandomTest, UniformIndexIsInRangeAndCoversIt) {
  std::mt19937_64 rng(1);
  std::vector<int> counts(7, 0);
  for (int i = 0; i < 7000; ++i) {
    const uint64_t v = UniformIndex(rng, 7);
    ASSERT_LT(v, 7u);
    ++counts[v];
  }
  for (int c : counts) {
    EXPECT_GT(c, 850);
    EXPECT_LT(c, 1150);
  }
}

// An independent Fisher-Yates, written from the documented algorithm: for i = n-1 down to 1 swap i with
// j = high 64 bits of (draw * (i+1)), redrawing while the low 64 bits fall below 2^64 mod (i+1).
std::vector<int64_t> ReferencePermutation(uint64_t seed, int64_t n) {
  std::vector<int64_t> v(static_cast<size_t>(n));
  std::iota(v.begin(), v.end(), 0);
  std::mt19937_64 rng(seed);
  for (int64_t i = n - 1; i > 0; --i) {
    const uint64_t bound = static_cast<uint64_t>(i) + 1;
    const uint64_t threshold = (~bound + 1) % bound;
    unsigned __int128 m;
    do {
      m = static_cast<unsigned __int128>(rng()) * bound;
    } while (static_cast<uint64_t>(m) < threshold);
    std::swap(v[static_cast<size_t>(i)], v[static_cast<size_t>(m >> 64)]);
  }
  return v;
}

TEST(RandomTest, PermutationMatchesReferenceAndIsAPermutation) {
  for (uint64_t seed : {0ull, 1ull, 42ull, 0xdeadbeefull}) {
    std::vector<int64_t> p;
    RandomPermutation(seed, 1000, &p);
    EXPECT_EQ(p, ReferencePermutation(seed, 1000));
    std::vector<int64_t> sorted = p;
    std::sort(sorted.begin(), sorted.end());
    for (int64_t i = 0; i < 1000; ++i) ASSERT_EQ(sorted[static_cast<size_t>(i)], i);
  }
  std::vector<int64_t> a, b;
  RandomPermutation(5, 100, &a);
  RandomPermutation(6, 100, &b);
  EXPECT_NE(a, b);
  RandomPermutation(5, 0, &a);
  EXPECT_TRUE(a.empty());
}

TEST(RandomTest, MixSeedSeparatesEpochs) {
  EXPECT_NE(MixSeed(1, 0), MixSeed(1, 1));
  EXPECT_NE(MixSeed(1, 0), MixSeed(0, 1));
  EXPECT_EQ(MixSeed(7, 3), MixSeed(7, 3));
}

}  // namespace
}  // namespace datasets
