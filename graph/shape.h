// Tensor shapes whose dimensions may be unknown while a graph is built.
#ifndef GRAPH_SHAPE_H_
#define GRAPH_SHAPE_H_

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "absl/types/span.h"

namespace graph {

// A list of dimensions. A dimension equal to kUnknownDim is not known until run time (typically the batch).
// Rank 0 is a scalar. Copying a Shape of rank <= 6 never allocates.
class Shape {
 public:
  static constexpr int64_t kUnknownDim = -1;
  using Dims = absl::InlinedVector<int64_t, 6>;

  Shape() = default;
  Shape(std::initializer_list<int64_t> dims) : dims_(dims) {}
  explicit Shape(absl::Span<const int64_t> dims) : dims_(dims.begin(), dims.end()) {}

  int rank() const { return static_cast<int>(dims_.size()); }
  int64_t dim(int i) const { return dims_[static_cast<size_t>(i)]; }
  void set_dim(int i, int64_t d) { dims_[static_cast<size_t>(i)] = d; }
  absl::Span<const int64_t> dims() const { return dims_; }
  void AddDim(int64_t d) { dims_.push_back(d); }

  // True when no dimension is unknown.
  bool IsFullyDefined() const;
  // Product of dims; -1 if any dim is unknown; 1 for a scalar.
  int64_t num_elements() const;
  // True if the shapes could describe the same tensor (equal rank, dims equal where both known).
  bool IsCompatibleWith(const Shape& other) const;
  // "[?,784]" style; "[]" for a scalar.
  std::string ToString() const;

  friend bool operator==(const Shape& a, const Shape& b) { return a.dims_ == b.dims_; }
  friend bool operator!=(const Shape& a, const Shape& b) { return !(a == b); }

  template <typename H>
  friend H AbslHashValue(H h, const Shape& s) {
    return H::combine(std::move(h), s.dims_);
  }

 private:
  Dims dims_;
};

}  // namespace graph

#endif  // GRAPH_SHAPE_H_
