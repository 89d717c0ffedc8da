// Elementwise ops with NumPy broadcasting: arithmetic, comparisons, logic, select and cast.
#ifndef GRAPH_OPS_ELEMENTWISE_OPS_H_
#define GRAPH_OPS_ELEMENTWISE_OPS_H_

#include "graph/scope.h"

namespace graph::ops {

// Arithmetic on f32, i32 and i64 (Pow: f32 only). Integer Div truncates toward zero; dividing by zero is a
// run-time error.
Output Add(const Scope& s, Input a, Input b, Loc loc = Loc::current());
Output Sub(const Scope& s, Input a, Input b, Loc loc = Loc::current());
Output Mul(const Scope& s, Input a, Input b, Loc loc = Loc::current());
Output Div(const Scope& s, Input a, Input b, Loc loc = Loc::current());
Output Pow(const Scope& s, Input a, Input b, Loc loc = Loc::current());
Output Maximum(const Scope& s, Input a, Input b, Loc loc = Loc::current());
Output Minimum(const Scope& s, Input a, Input b, Loc loc = Loc::current());

// Unary: Neg, Abs, Square on f32/i32/i64; Exp, Log, Sqrt, Rsqrt on f32.
Output Neg(const Scope& s, Output x, Loc loc = Loc::current());
Output Abs(const Scope& s, Output x, Loc loc = Loc::current());
Output Exp(const Scope& s, Output x, Loc loc = Loc::current());
Output Log(const Scope& s, Output x, Loc loc = Loc::current());
Output Sqrt(const Scope& s, Output x, Loc loc = Loc::current());
Output Rsqrt(const Scope& s, Output x, Loc loc = Loc::current());
Output Square(const Scope& s, Output x, Loc loc = Loc::current());

// Comparisons (any matching numeric dtypes; Equal/NotEqual also bool) giving bool.
Output Equal(const Scope& s, Input a, Input b, Loc loc = Loc::current());
Output NotEqual(const Scope& s, Input a, Input b, Loc loc = Loc::current());
Output Less(const Scope& s, Input a, Input b, Loc loc = Loc::current());
Output LessEqual(const Scope& s, Input a, Input b, Loc loc = Loc::current());
Output Greater(const Scope& s, Input a, Input b, Loc loc = Loc::current());
Output GreaterEqual(const Scope& s, Input a, Input b, Loc loc = Loc::current());

// Logic on bool.
Output LogicalAnd(const Scope& s, Input a, Input b, Loc loc = Loc::current());
Output LogicalOr(const Scope& s, Input a, Input b, Loc loc = Loc::current());
Output LogicalNot(const Scope& s, Output x, Loc loc = Loc::current());

// cond ? a : b elementwise, all three broadcast together (like tf.where).
Output Select(const Scope& s, Output cond, Input a, Input b, Loc loc = Loc::current());
// Converts to `dtype` (to bool: x != 0; float to int truncates toward zero).
Output Cast(const Scope& s, Output x, DType dtype, Loc loc = Loc::current());

}  // namespace graph::ops

#endif  // GRAPH_OPS_ELEMENTWISE_OPS_H_
