#include "graph/ops/elementwise_ops.h"

#include <cmath>
#include <optional>

#include "absl/strings/str_cat.h"
#include "graph/kernel.h"
#include "graph/kernels/broadcast.h"
#include "graph/op_registry.h"

namespace graph {
namespace ops {
namespace {

// Materialises two operands; a weakly typed literal takes the other operand's dtype.
std::pair<Output, Output> Operands(const Scope& s, const Input& a, const Input& b, Loc loc) {
  std::optional<DType> ha, hb;
  if (a.is_weak_literal() && !b.is_weak_literal()) ha = b.dtype();
  if (b.is_weak_literal() && !a.is_weak_literal()) hb = a.dtype();
  Output oa = a.ToOutput(s, ha, loc);
  Output ob = b.ToOutput(s, hb, loc);
  return {oa, ob};
}

Output Binary(OpKind kind, const char* name, const Scope& s, const Input& a, const Input& b, Loc loc) {
  if (!s.ok()) return {};
  auto [oa, ob] = Operands(s, a, b, loc);
  Node* n = s.AddOp(kind, {oa, ob}, {}, loc, name);
  return n ? n->output(0) : Output();
}

Output Unary(OpKind kind, const char* name, const Scope& s, Output x, Loc loc) {
  Node* n = s.AddOp(kind, {x}, {}, loc, name);
  return n ? n->output(0) : Output();
}

}  // namespace

Output Add(const Scope& s, Input a, Input b, Loc loc) { return Binary(OpKind::kAdd, "add", s, a, b, loc); }
Output Sub(const Scope& s, Input a, Input b, Loc loc) { return Binary(OpKind::kSub, "sub", s, a, b, loc); }
Output Mul(const Scope& s, Input a, Input b, Loc loc) { return Binary(OpKind::kMul, "mul", s, a, b, loc); }
Output Div(const Scope& s, Input a, Input b, Loc loc) { return Binary(OpKind::kDiv, "div", s, a, b, loc); }
Output Pow(const Scope& s, Input a, Input b, Loc loc) { return Binary(OpKind::kPow, "pow", s, a, b, loc); }
Output Maximum(const Scope& s, Input a, Input b, Loc loc) {
  return Binary(OpKind::kMaximum, "maximum", s, a, b, loc);
}
Output Minimum(const Scope& s, Input a, Input b, Loc loc) {
  return Binary(OpKind::kMinimum, "minimum", s, a, b, loc);
}
Output Neg(const Scope& s, Output x, Loc loc) { return Unary(OpKind::kNeg, "neg", s, x, loc); }
Output Abs(const Scope& s, Output x, Loc loc) { return Unary(OpKind::kAbs, "abs", s, x, loc); }
Output Exp(const Scope& s, Output x, Loc loc) { return Unary(OpKind::kExp, "exp", s, x, loc); }
Output Log(const Scope& s, Output x, Loc loc) { return Unary(OpKind::kLog, "log", s, x, loc); }
Output Sqrt(const Scope& s, Output x, Loc loc) { return Unary(OpKind::kSqrt, "sqrt", s, x, loc); }
Output Rsqrt(const Scope& s, Output x, Loc loc) { return Unary(OpKind::kRsqrt, "rsqrt", s, x, loc); }
Output Square(const Scope& s, Output x, Loc loc) { return Unary(OpKind::kSquare, "square", s, x, loc); }
Output Equal(const Scope& s, Input a, Input b, Loc loc) {
  return Binary(OpKind::kEqual, "equal", s, a, b, loc);
}
Output NotEqual(const Scope& s, Input a, Input b, Loc loc) {
  return Binary(OpKind::kNotEqual, "not_equal", s, a, b, loc);
}
Output Less(const Scope& s, Input a, Input b, Loc loc) { return Binary(OpKind::kLess, "less", s, a, b, loc); }
Output LessEqual(const Scope& s, Input a, Input b, Loc loc) {
  return Binary(OpKind::kLessEqual, "less_equal", s, a, b, loc);
}
Output Greater(const Scope& s, Input a, Input b, Loc loc) {
  return Binary(OpKind::kGreater, "greater", s, a, b, loc);
}
Output GreaterEqual(const Scope& s, Input a, Input b, Loc loc) {
  return Binary(OpKind::kGreaterEqual, "greater_equal", s, a, b, loc);
}
Output LogicalAnd(const Scope& s, Input a, Input b, Loc loc) {
  return Binary(OpKind::kLogicalAnd, "logical_and", s, a, b, loc);
}
Output LogicalOr(const Scope& s, Input a, Input b, Loc loc) {
  return Binary(OpKind::kLogicalOr, "logical_or", s, a, b, loc);
}
Output LogicalNot(const Scope& s, Output x, Loc loc) {
  return Unary(OpKind::kLogicalNot, "logical_not", s, x, loc);
}

Output Select(const Scope& s, Output cond, Input a, Input b, Loc loc) {
  if (!s.ok()) return {};
  auto [oa, ob] = Operands(s, a, b, loc);
  Node* n = s.AddOp(OpKind::kSelect, {cond, oa, ob}, {}, loc, "select");
  return n ? n->output(0) : Output();
}

Output Cast(const Scope& s, Output x, DType dtype, Loc loc) {
  Node* n = s.AddOp(OpKind::kCast, {x}, {{"dtype", dtype}}, loc, "cast");
  return n ? n->output(0) : Output();
}

}  // namespace ops
}  // namespace graph
