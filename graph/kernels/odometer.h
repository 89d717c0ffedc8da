// Row-major walks over a multi-dimensional index space with per-dim strides, used by strided copy and
// reduction kernels. Header-only and allocation-free.
#ifndef GRAPH_KERNELS_ODOMETER_H_
#define GRAPH_KERNELS_ODOMETER_H_

#include <algorithm>
#include <cstdint>
#include <vector>

namespace graph {

// Calls f(offset) for every multi-index over `dims` (outermost first) in row-major order, where offset is the
// sum of index[d] * strides[d]. Calls f(0) once when `dims` is empty and never when a dim is 0. `idx` is
// scratch space of at least dims.size() entries (kept by the caller so the walk allocates nothing).
template <typename F>
void ForEachOffset(const std::vector<int64_t>& dims, const std::vector<int64_t>& strides,
                   std::vector<int64_t>& idx, F&& f) {
  const int n = static_cast<int>(dims.size());
  for (int64_t d : dims) {
    if (d == 0) return;
  }
  std::fill(idx.begin(), idx.begin() + n, 0);
  int64_t off = 0;
  while (true) {
    f(off);
    int d = n - 1;
    for (; d >= 0; --d) {
      const size_t u = static_cast<size_t>(d);
      ++idx[u];
      off += strides[u];
      if (idx[u] < dims[u]) break;
      off -= strides[u] * dims[u];
      idx[u] = 0;
    }
    if (d < 0) return;
  }
}

// Row-major element strides of `dims`.
inline std::vector<int64_t> RowMajorStrides(const std::vector<int64_t>& dims) {
  std::vector<int64_t> strides(dims.size(), 1);
  for (int i = static_cast<int>(dims.size()) - 2; i >= 0; --i) {
    strides[static_cast<size_t>(i)] = strides[static_cast<size_t>(i) + 1] * dims[static_cast<size_t>(i) + 1];
  }
  return strides;
}

}  // namespace graph

#endif  // GRAPH_KERNELS_ODOMETER_H_
