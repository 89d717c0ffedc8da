#include "graph/kernels/broadcast.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace graph {

absl::StatusOr<Shape> BroadcastShapes(const Shape& a, const Shape& b) {
  const int r = std::max(a.rank(), b.rank());
  Shape out;
  for (int i = 0; i < r; ++i) {
    const int ia = a.rank() - r + i;
    const int ib = b.rank() - r + i;
    const int64_t da = ia >= 0 ? a.dim(ia) : 1;
    const int64_t db = ib >= 0 ? b.dim(ib) : 1;
    int64_t d;
    if (da == db) {
      d = da;
    } else if (da == 1) {
      d = db;
    } else if (db == 1) {
      d = da;
    } else if (da < 0) {
      d = db;
    } else if (db < 0) {
      d = da;
    } else {
      return absl::InvalidArgumentError(absl::StrCat("shapes ", a.ToString(), " and ", b.ToString(),
                                                     " cannot be broadcast (dimension ", i, ": ", da, " vs ",
                                                     db, ")"));
    }
    out.AddDim(d);
  }
  return out;
}

BroadcastIndexer::BroadcastIndexer(const Shape& out, absl::Span<const Shape> operands) {
  const int r = out.rank();
  num_elements_ = out.num_elements();
  const size_t n = operands.size();
  for (const Shape& s : operands) all_same_ &= (s == out);
  // Per-dim strides of each operand over the output dims.
  std::vector<std::vector<int64_t>> full(n, std::vector<int64_t>(static_cast<size_t>(r), 0));
  for (size_t k = 0; k < n; ++k) {
    const Shape& s = operands[k];
    int64_t stride = 1;
    for (int i = r - 1; i >= 0; --i) {
      const int is = s.rank() - r + i;
      const int64_t d = is >= 0 ? s.dim(is) : 1;
      full[k][static_cast<size_t>(i)] = (d == 1 && out.dim(i) != 1) ? 0 : stride;
      stride *= d;
    }
  }
  // Merge adjacent dims i-1, i when every operand is contiguous across them (or broadcast across both).
  strides_.assign(n, {});
  for (int i = 0; i < r; ++i) {
    const int64_t d = out.dim(i);
    if (d == 1 && !dims_.empty()) continue;  // size-1 dims contribute nothing
    bool merge = !dims_.empty();
    for (size_t k = 0; merge && k < n; ++k) {
      const int64_t prev = strides_[k].back();
      const int64_t cur = full[k][static_cast<size_t>(i)];
      merge = (prev == cur * d) || (prev == 0 && cur == 0);
    }
    if (merge) {
      dims_.back() *= d;
      for (size_t k = 0; k < n; ++k) strides_[k].back() = full[k][static_cast<size_t>(i)];
    } else {
      dims_.push_back(d);
      for (size_t k = 0; k < n; ++k) strides_[k].push_back(full[k][static_cast<size_t>(i)]);
    }
  }
  if (dims_.size() > 8) dims_.resize(8);  // ranks above 8 are rejected by shape functions
}

}  // namespace graph
