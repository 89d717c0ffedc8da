// Sources and state: constants, placeholders, variables and their assignment, identity, grouping.
#ifndef GRAPH_OPS_STATE_OPS_H_
#define GRAPH_OPS_STATE_OPS_H_

#include <vector>

#include "graph/scope.h"

namespace graph::ops {

// A constant tensor (stored in the graph; read without copying).
Output Const(const Scope& s, Tensor value, Loc loc = Loc::current());
// Scalar constants: f32, i32, i64, bool.
Output Const(const Scope& s, float value, Loc loc = Loc::current());
Output Const(const Scope& s, int32_t value, Loc loc = Loc::current());
Output Const(const Scope& s, int64_t value, Loc loc = Loc::current());
Output Const(const Scope& s, bool value, Loc loc = Loc::current());
// A value fed at run time. Dims may be Shape::kUnknownDim (e.g. the batch).
Output Placeholder(const Scope& s, DType dtype, Shape shape, Loc loc = Loc::current());
// A mutable tensor that lives in the Session. `shape` must be fully defined. Named `name` under the scope
// prefix (its checkpoint key). Reading it before any Assign fails at run time with the variable's name.
Output Variable(const Scope& s, const std::string& name, DType dtype, Shape shape, Loc loc = Loc::current());
// var = value; var += value; var -= value. `var` must be a Variable output; the result is the updated
// variable.
Output Assign(const Scope& s, Output var, Input value, Loc loc = Loc::current());
Output AssignAdd(const Scope& s, Output var, Input value, Loc loc = Loc::current());
Output AssignSub(const Scope& s, Output var, Input value, Loc loc = Loc::current());
// A copy of x.
Output Identity(const Scope& s, Output x, Loc loc = Loc::current());
// A node that does nothing but depends on `deps` (run it as a target to run them all).
Node* Group(const Scope& s, const std::vector<Output>& deps, const std::string& name = "group",
            Loc loc = Loc::current());

}  // namespace graph::ops

#endif  // GRAPH_OPS_STATE_OPS_H_
