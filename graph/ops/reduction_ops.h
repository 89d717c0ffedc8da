// Reductions over axes: sum, mean, max, min and argmax.
#ifndef GRAPH_OPS_REDUCTION_OPS_H_
#define GRAPH_OPS_REDUCTION_OPS_H_

#include <cstdint>
#include <vector>

#include "graph/scope.h"

namespace graph::ops {

// Reduce `x` (f32, i32 or i64) over `axes` (empty: every axis; negative axes count from the end; duplicates
// are an error). The reduced dims are dropped, or kept with size 1 when `keep_dims`. f32 sums accumulate in
// double; i32 sums wrap like the dtype. Mean of integers truncates toward zero (like TensorFlow); Mean of an
// empty f32 set is NaN. Max and Min propagate NaN (like NumPy). Max, Min and integer Mean of an empty set are
// errors when the graph is compiled (or already when it is built, if the reduced dims are known then).
Output Sum(const Scope& s, Output x, std::vector<int64_t> axes = {}, bool keep_dims = false,
           Loc loc = Loc::current());
Output Mean(const Scope& s, Output x, std::vector<int64_t> axes = {}, bool keep_dims = false,
            Loc loc = Loc::current());
Output Max(const Scope& s, Output x, std::vector<int64_t> axes = {}, bool keep_dims = false,
           Loc loc = Loc::current());
Output Min(const Scope& s, Output x, std::vector<int64_t> axes = {}, bool keep_dims = false,
           Loc loc = Loc::current());

// Index of the largest value of `x` (f32, i32 or i64) along `axis` (negative counts from the end), which is
// dropped. The first maximum wins on ties; NaN counts as the largest value (like NumPy). `out` is i32 or i64.
// An empty axis is an error when the graph is compiled (or built, if known then).
Output ArgMax(const Scope& s, Output x, int64_t axis, DType out = DType::kInt64, Loc loc = Loc::current());

}  // namespace graph::ops

#endif  // GRAPH_OPS_REDUCTION_OPS_H_
