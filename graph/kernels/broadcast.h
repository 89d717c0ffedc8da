// NumPy-style broadcasting: the result shape of several operands and the strides that read each operand.
#ifndef GRAPH_KERNELS_BROADCAST_H_
#define GRAPH_KERNELS_BROADCAST_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "graph/shape.h"

namespace graph {

// Broadcast result of two shapes; dims align from the right, a dim of 1 stretches. An unknown dim next to a
// known dim d > 1 is taken to be d (checked again with concrete shapes); next to 1 or unknown it stays
// unknown.
absl::StatusOr<Shape> BroadcastShapes(const Shape& a, const Shape& b);

// Element strides that walk each operand in step with the (concrete) output, with adjacent dims merged where
// possible so the inner loop is long. Built at compile time.
class BroadcastIndexer {
 public:
  BroadcastIndexer() = default;
  BroadcastIndexer(const Shape& out, absl::Span<const Shape> operands);

  // True when every operand has the output's shape (one flat loop suffices).
  bool all_same() const { return all_same_; }
  int64_t num_elements() const { return num_elements_; }
  int rank() const { return static_cast<int>(dims_.size()); }
  // Merged output dims (outermost first) and, per operand, its stride along each merged dim (0: broadcast).
  const std::vector<int64_t>& dims() const { return dims_; }
  const std::vector<int64_t>& strides(int operand) const { return strides_[static_cast<size_t>(operand)]; }

  // Calls f(out_offset, offsets...) for every inner row: `inner` elements where operand k advances by
  // inner_stride(k). Allocation-free.
  template <int N, typename F>
  void ForEachRow(F&& f) const;
  int64_t inner() const { return dims_.empty() ? 1 : dims_.back(); }
  int64_t inner_stride(int operand) const {
    return dims_.empty() ? 0 : strides_[static_cast<size_t>(operand)].back();
  }

 private:
  bool all_same_ = true;
  int64_t num_elements_ = 1;
  std::vector<int64_t> dims_;
  std::vector<std::vector<int64_t>> strides_;
};

template <int N, typename F>
void BroadcastIndexer::ForEachRow(F&& f) const {
  const int r = rank();
  if (r <= 1) {
    int64_t offs[N] = {};
    f(int64_t{0}, offs);
    return;
  }
  int64_t idx[8] = {};
  int64_t offs[N] = {};
  const int64_t inner_n = dims_.back();
  int64_t out = 0;
  while (true) {
    f(out, offs);
    out += inner_n;
    int d = r - 2;
    for (; d >= 0; --d) {
      ++idx[d];
      for (int k = 0; k < N; ++k) offs[k] += strides_[static_cast<size_t>(k)][static_cast<size_t>(d)];
      if (idx[d] < dims_[static_cast<size_t>(d)]) break;
      for (int k = 0; k < N; ++k)
        offs[k] -= strides_[static_cast<size_t>(k)][static_cast<size_t>(d)] * idx[d];
      idx[d] = 0;
    }
    if (d < 0) return;
  }
}

}  // namespace graph

#endif  // GRAPH_KERNELS_BROADCAST_H_
