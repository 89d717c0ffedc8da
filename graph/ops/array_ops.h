// Shape and indexing ops: reshape, transpose, concatenation, slicing, gathering and one-hot encoding.
#ifndef GRAPH_OPS_ARRAY_OPS_H_
#define GRAPH_OPS_ARRAY_OPS_H_

#include <cstdint>
#include <vector>

#include "graph/scope.h"

namespace graph::ops {

// `x` viewed with another shape of the same element count; no copy (the output shares x's storage). At most
// one dim of `shape` may be -1: it is inferred from the element count. When x has an unknown dim and `shape`
// has a -1, that output dim stays unknown until the Session compiles with concrete shapes. Any dtype.
Output Reshape(const Scope& s, Output x, Shape shape, Loc loc = Loc::current());

// Permutes the dims of `x`: output dim i is input dim perm[i]. `perm` must be a permutation of 0..rank-1.
// Any dtype. Rank-2 (and batched rank-2) transposes are copied in cache-sized tiles.
Output Transpose(const Scope& s, Output x, std::vector<int64_t> perm, Loc loc = Loc::current());

// Joins `values` along `axis` (negative counts from the end). All values need the same dtype and rank and
// compatible dims except along `axis`. Any dtype.
Output Concat(const Scope& s, std::vector<Output> values, int64_t axis, Loc loc = Loc::current());

// The block of `x` starting at `begin` with `size` elements per dim (-1: up to the end of the dim). Bounds
// are checked when the graph is built for the known dims and again, with concrete shapes, when it is
// compiled.
Output Slice(const Scope& s, Output x, std::vector<int64_t> begin, std::vector<int64_t> size,
             Loc loc = Loc::current());

// Rows of `params` along `axis` picked by `indices` (i32 or i64). The output shape is
// params.shape[:axis] + indices.shape + params.shape[axis+1:]. An index outside [0, params.shape[axis]) makes
// Run fail with a Status naming the index and the valid range. Any params dtype.
Output Gather(const Scope& s, Output params, Output indices, int64_t axis = 0, Loc loc = Loc::current());

// One-hot encoding of `indices` (i32 or i64): a new dim of size `depth` is inserted at `axis` (-1: last),
// holding `on_value` where the position equals the index and `off_value` elsewhere. An index outside [0,
// depth) gives an all-off row. `dtype` is f32, i32 or i64 (values are converted).
Output OneHot(const Scope& s, Output indices, int64_t depth, float on_value = 1, float off_value = 0,
              int64_t axis = -1, DType dtype = DType::kFloat32, Loc loc = Loc::current());

}  // namespace graph::ops

#endif  // GRAPH_OPS_ARRAY_OPS_H_
