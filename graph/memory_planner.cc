#include "graph/memory_planner.h"

#include <algorithm>
#include <numeric>

namespace graph {
namespace {

constexpr size_t kAlign = 64;
size_t RoundUp(size_t n) { return (n + kAlign - 1) / kAlign * kAlign; }

}  // namespace

MemoryPlan PlanMemory(absl::Span<const BufferRequest> requests) {
  MemoryPlan plan;
  plan.offsets.assign(requests.size(), 0);
  std::vector<size_t> order(requests.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return requests[a].bytes > requests[b].bytes; });
  std::vector<size_t> placed;
  placed.reserve(requests.size());
  for (size_t idx : order) {
    const BufferRequest& r = requests[idx];
    const size_t size = RoundUp(std::max<size_t>(r.bytes, 1));
    // Occupied intervals of live-overlapping buffers, sorted by offset.
    std::vector<std::pair<size_t, size_t>> busy;
    for (size_t other : placed) {
      const BufferRequest& o = requests[other];
      if (o.last_step < r.first_step || r.last_step < o.first_step) continue;
      busy.emplace_back(plan.offsets[other], plan.offsets[other] + RoundUp(std::max<size_t>(o.bytes, 1)));
    }
    std::sort(busy.begin(), busy.end());
    size_t offset = 0;
    for (const auto& [begin, end] : busy) {
      if (offset + size <= begin) break;
      offset = std::max(offset, end);
    }
    plan.offsets[idx] = offset;
    plan.total_bytes = std::max(plan.total_bytes, offset + size);
    placed.push_back(idx);
  }
  return plan;
}

}  // namespace graph
