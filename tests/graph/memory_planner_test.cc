#include "graph/memory_planner.h"

#include <random>

#include "gtest/gtest.h"

namespace graph {
namespace {

bool Overlap(const BufferRequest& a, size_t oa, const BufferRequest& b, size_t ob) {
  const bool live = !(a.last_step < b.first_step || b.last_step < a.first_step);
  const bool bytes = oa < ob + b.bytes && ob < oa + a.bytes;
  return live && bytes;
}

TEST(MemoryPlannerTest, ChainReusesMemory) {
  // a -> b -> c -> d, each read only by the next: two 1 KiB slots suffice.
  std::vector<BufferRequest> r = {{1024, 0, 1}, {1024, 1, 2}, {1024, 2, 3}, {1024, 3, 4}};
  MemoryPlan p = PlanMemory(r);
  EXPECT_EQ(p.total_bytes, 2048u);
  EXPECT_EQ(p.offsets[0], p.offsets[2]);
  EXPECT_EQ(p.offsets[1], p.offsets[3]);
  EXPECT_NE(p.offsets[0], p.offsets[1]);
}

TEST(MemoryPlannerTest, AlignsTo64Bytes) {
  std::vector<BufferRequest> r = {{10, 0, 5}, {3, 0, 5}, {100, 0, 5}};
  MemoryPlan p = PlanMemory(r);
  for (size_t off : p.offsets) EXPECT_EQ(off % 64, 0u);
  EXPECT_EQ(p.total_bytes, 128u + 64u + 64u);
}

TEST(MemoryPlannerTest, RandomRequestsNeverCollideWhileLive) {
  std::mt19937 rng(7);
  for (int trial = 0; trial < 50; ++trial) {
    std::vector<BufferRequest> r;
    size_t peak_sum = 0;
    for (int i = 0; i < 40; ++i) {
      const int first = static_cast<int>(rng() % 30);
      r.push_back({1 + rng() % 5000, first, first + static_cast<int>(rng() % 10)});
      peak_sum += (r.back().bytes + 63) / 64 * 64;
    }
    MemoryPlan p = PlanMemory(r);
    for (size_t i = 0; i < r.size(); ++i)
      for (size_t j = i + 1; j < r.size(); ++j) ASSERT_FALSE(Overlap(r[i], p.offsets[i], r[j], p.offsets[j]));
    EXPECT_LE(p.total_bytes, peak_sum);
  }
}

}  // namespace
}  // namespace graph
