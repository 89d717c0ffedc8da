// Ops that gradients are built from: shape-following fills, reductions back to a broadcast operand's shape,
// and broadcasts back to a reduced operand's shape. Their shapes follow another tensor, so they work with
// dims that are only known at run time.
#ifndef GRAPH_OPS_GRAD_SUPPORT_OPS_H_
#define GRAPH_OPS_GRAD_SUPPORT_OPS_H_

#include <vector>

#include "graph/scope.h"

namespace graph::ops {

// Zeros / ones with x's dtype and shape.
Output ZerosLike(const Scope& s, Output x, Loc loc = Loc::current());
Output OnesLike(const Scope& s, Output x, Loc loc = Loc::current());
// Sums g over the dims along which `like` was broadcast to g's shape, giving `like`'s shape. A zero-copy view
// when nothing was broadcast.
Output SumToShapeOf(const Scope& s, Output g, Output like, Loc loc = Loc::current());
// Broadcasts g, which is `like` with `axes` reduced away (or kept as size 1), back to `like`'s shape;
// with `divide_by_count` each value is divided by the number of elements that were reduced (for Mean).
Output BroadcastLike(const Scope& s, Output g, Output like, std::vector<int64_t> axes,
                     bool divide_by_count = false, Loc loc = Loc::current());
// The number of elements of x (of dims `axes` only, if given), as a scalar of `dtype` (f32, i32 or i64).
// Known when the graph is compiled, so it follows an unknown batch dim.
Output Size(const Scope& s, Output x, DType dtype = DType::kFloat32, std::vector<int64_t> axes = {},
            Loc loc = Loc::current());
// g reshaped to `like`'s shape (same element count); a zero-copy view.
Output ReshapeLike(const Scope& s, Output g, Output like, Loc loc = Loc::current());

}  // namespace graph::ops

#endif  // GRAPH_OPS_GRAD_SUPPORT_OPS_H_
