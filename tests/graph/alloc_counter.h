// Counts heap allocations (global operator new) made while a callable runs. For tests of allocation-free
// paths.
#ifndef TESTS_GRAPH_ALLOC_COUNTER_H_
#define TESTS_GRAPH_ALLOC_COUNTER_H_

#include <cstdint>

namespace testing_util {

void StartCountingAllocations();
// Stops counting; returns the operator new calls (any thread) since StartCountingAllocations.
int64_t StopCountingAllocations();

// Number of operator new calls made while `f` runs.
template <typename F>
int64_t CountAllocations(F&& f) {
  StartCountingAllocations();
  f();
  return StopCountingAllocations();
}

}  // namespace testing_util

#endif  // TESTS_GRAPH_ALLOC_COUNTER_H_
