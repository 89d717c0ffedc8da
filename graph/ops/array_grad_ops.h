// Support ops for the gradients of the array ops: the adjoints of Slice and Gather. Their outputs take the
// shape of the forward op's input, so they work with dims that are only known when the graph is compiled.
#ifndef GRAPH_OPS_ARRAY_GRAD_OPS_H_
#define GRAPH_OPS_ARRAY_GRAD_OPS_H_

#include <cstdint>
#include <vector>

#include "graph/op_registry.h"
#include "graph/scope.h"

namespace graph::ops {

// A tensor of x's shape and dy's dtype holding zeros everywhere except the block starting at `begin`, which
// holds dy (the adjoint of Slice(x, begin, dy's shape)). dy and x need the same rank and dtype, `begin` one
// entry >= 0 per dim, and the block must fit in x: checked when the graph is built for the known dims and
// again, with concrete shapes, when it is compiled. Any dtype. x is read for its shape only.
Output SliceGrad(const Scope& s, Output dy, Output x, std::vector<int64_t> begin, Loc loc = Loc::current());

// A tensor of params' shape and dy's dtype holding zeros plus, for every position j of `indices` (i32 or
// i64), the slice of dy at j added to the row indices[j] of `axis` (the adjoint of Gather(params, indices,
// axis)): repeated indices accumulate. dy must have Gather's output shape params.shape[:axis] + indices.shape
// + params.shape[axis+1:]. f32, bf16 (accumulated in the dtype), i32 or i64. An index outside [0,
// params.shape[axis]) makes Run fail with a Status naming the index and the valid range. params is read for
// its shape only.
Output GatherGrad(const Scope& s, Output dy, Output indices, Output params, int64_t axis = 0,
                  Loc loc = Loc::current());

}  // namespace graph::ops

namespace graph {

// Registers the schemas of SliceGrad and GatherGrad (shape functions and kernels). Called by
// RegisterArrayGradients while the global registry is filled.
void RegisterArrayGradSupportOps(OpRegistry& r);

}  // namespace graph

#endif  // GRAPH_OPS_ARRAY_GRAD_OPS_H_
