// Static memory planning: places buffers with known lifetimes in one arena so that buffers whose lifetimes
// overlap never share bytes, and buffers whose lifetimes do not overlap may.
#ifndef GRAPH_MEMORY_PLANNER_H_
#define GRAPH_MEMORY_PLANNER_H_

#include <cstddef>
#include <vector>

#include "absl/types/span.h"

namespace graph {

struct BufferRequest {
  size_t bytes = 0;
  int first_step = 0;  // step that writes it first
  int last_step = 0;   // last step that reads it (inclusive)
};

struct MemoryPlan {
  std::vector<size_t> offsets;  // one per request, multiples of 64
  size_t total_bytes = 0;
};

// Greedy by size: the largest buffers are placed first, each at the lowest 64-byte aligned offset that does
// not collide with an already placed buffer whose lifetime overlaps. O(n^2); runs once per compiled plan.
MemoryPlan PlanMemory(absl::Span<const BufferRequest> requests);

}  // namespace graph

#endif  // GRAPH_MEMORY_PLANNER_H_
