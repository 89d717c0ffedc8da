#include <atomic>
#include <cstdlib>
#include <new>

#include "tests/graph/alloc_counter.h"

namespace {
std::atomic<bool> g_counting{false};
std::atomic<int64_t> g_allocations{0};
}  // namespace

void* operator new(size_t n) {
  if (g_counting.load(std::memory_order_relaxed)) g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void* operator new[](size_t n) { return operator new(n); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }
void operator delete[](void* p, size_t) noexcept { std::free(p); }

namespace testing_util {

void StartCountingAllocations() {
  g_allocations = 0;
  g_counting = true;
}

int64_t StopCountingAllocations() {
  g_counting = false;
  return g_allocations.load();
}

}  // namespace testing_util
