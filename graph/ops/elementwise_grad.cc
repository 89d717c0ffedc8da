// Gradients of the elementwise, state and gradient-support ops.
#include "graph/op_registry.h"
#include "graph/ops/elementwise_ops.h"
#include "graph/ops/grad_support_ops.h"

namespace graph {
namespace {

using ops::SumToShapeOf;

Output In(const Node& n, int i) { return n.input(i); }
Output Out(const Node& n) { return const_cast<Node&>(n).output(0); }

void IdentityGrad(const Scope&, const Node&, absl::Span<const Output> dy, std::vector<Output>* dx) {
  (*dx)[0] = dy[0];
}

void AddGrad(const Scope& s, const Node& n, absl::Span<const Output> dy, std::vector<Output>* dx) {
  (*dx)[0] = SumToShapeOf(s, dy[0], In(n, 0));
  (*dx)[1] = SumToShapeOf(s, dy[0], In(n, 1));
}

void SubGrad(const Scope& s, const Node& n, absl::Span<const Output> dy, std::vector<Output>* dx) {
  (*dx)[0] = SumToShapeOf(s, dy[0], In(n, 0));
  (*dx)[1] = SumToShapeOf(s, ops::Neg(s, dy[0]), In(n, 1));
}

void MulGrad(const Scope& s, const Node& n, absl::Span<const Output> dy, std::vector<Output>* dx) {
  (*dx)[0] = SumToShapeOf(s, ops::Mul(s, dy[0], In(n, 1)), In(n, 0));
  (*dx)[1] = SumToShapeOf(s, ops::Mul(s, dy[0], In(n, 0)), In(n, 1));
}

// y = a / b: da = dy / b; db = -dy * y / b.
void DivGrad(const Scope& s, const Node& n, absl::Span<const Output> dy, std::vector<Output>* dx) {
  (*dx)[0] = SumToShapeOf(s, ops::Div(s, dy[0], In(n, 1)), In(n, 0));
  (*dx)[1] = SumToShapeOf(s, ops::Neg(s, ops::Div(s, ops::Mul(s, dy[0], Out(n)), In(n, 1))), In(n, 1));
}

// y = a^b: da = dy * b * a^(b-1); db = dy * y * log(a) where a > 0, else 0 (as TensorFlow does).
void PowGrad(const Scope& s, const Node& n, absl::Span<const Output> dy, std::vector<Output>* dx) {
  Output a = In(n, 0), b = In(n, 1), y = Out(n);
  (*dx)[0] = SumToShapeOf(s, ops::Mul(s, ops::Mul(s, dy[0], b), ops::Pow(s, a, ops::Sub(s, b, 1.0f))), a);
  Output positive = ops::Greater(s, a, 0.0f);
  Output safe_a = ops::Select(s, positive, a, ops::OnesLike(s, a));
  Output log_a = ops::Select(s, positive, ops::Log(s, safe_a), ops::ZerosLike(s, a));
  (*dx)[1] = SumToShapeOf(s, ops::Mul(s, ops::Mul(s, dy[0], y), log_a), b);
}

// Maximum / minimum: the gradient goes to the operand that was chosen (to a on ties).
template <bool kMax>
void ExtremumGrad(const Scope& s, const Node& n, absl::Span<const Output> dy, std::vector<Output>* dx) {
  Output a = In(n, 0), b = In(n, 1);
  Output pick_a = kMax ? ops::GreaterEqual(s, a, b) : ops::LessEqual(s, a, b);
  Output zeros = ops::ZerosLike(s, dy[0]);
  (*dx)[0] = SumToShapeOf(s, ops::Select(s, pick_a, dy[0], zeros), a);
  (*dx)[1] = SumToShapeOf(s, ops::Select(s, pick_a, zeros, dy[0]), b);
}

void NegGrad(const Scope& s, const Node&, absl::Span<const Output> dy, std::vector<Output>* dx) {
  (*dx)[0] = ops::Neg(s, dy[0]);
}

// d|x| = sign(x) dy, with sign(0) = 0.
void AbsGrad(const Scope& s, const Node& n, absl::Span<const Output> dy, std::vector<Output>* dx) {
  Output x = In(n, 0);
  Output zeros = ops::ZerosLike(s, dy[0]);
  (*dx)[0] = ops::Select(s, ops::Greater(s, x, 0.0f), dy[0],
                         ops::Select(s, ops::Less(s, x, 0.0f), ops::Neg(s, dy[0]), zeros));
}

void ExpGrad(const Scope& s, const Node& n, absl::Span<const Output> dy, std::vector<Output>* dx) {
  (*dx)[0] = ops::Mul(s, dy[0], Out(n));
}

void LogGrad(const Scope& s, const Node& n, absl::Span<const Output> dy, std::vector<Output>* dx) {
  (*dx)[0] = ops::Div(s, dy[0], In(n, 0));
}

// y = sqrt(x): dx = dy * 0.5 / y.
void SqrtGrad(const Scope& s, const Node& n, absl::Span<const Output> dy, std::vector<Output>* dx) {
  (*dx)[0] = ops::Div(s, ops::Mul(s, dy[0], 0.5f), Out(n));
}

// y = x^-1/2: dx = -0.5 * dy * y^3.
void RsqrtGrad(const Scope& s, const Node& n, absl::Span<const Output> dy, std::vector<Output>* dx) {
  Output y = Out(n);
  (*dx)[0] = ops::Mul(s, ops::Mul(s, dy[0], -0.5f), ops::Mul(s, y, ops::Mul(s, y, y)));
}

void SquareGrad(const Scope& s, const Node& n, absl::Span<const Output> dy, std::vector<Output>* dx) {
  (*dx)[0] = ops::Mul(s, dy[0], ops::Mul(s, In(n, 0), 2.0f));
}

void SelectGrad(const Scope& s, const Node& n, absl::Span<const Output> dy, std::vector<Output>* dx) {
  Output c = In(n, 0);
  Output zeros = ops::ZerosLike(s, dy[0]);
  (*dx)[1] = SumToShapeOf(s, ops::Select(s, c, dy[0], zeros), In(n, 1));
  (*dx)[2] = SumToShapeOf(s, ops::Select(s, c, zeros, dy[0]), In(n, 2));
}

// Only float-to-float casts pass gradients (the autodiff drops integer and bool edges).
void CastGrad(const Scope& s, const Node& n, absl::Span<const Output> dy, std::vector<Output>* dx) {
  const DType from = In(n, 0).dtype();
  if (from == DType::kFloat32 || from == DType::kBFloat16) (*dx)[0] = ops::Cast(s, dy[0], from);
}

// SumToShape broadcasts back; ReshapeLike reshapes back.
void SumToShapeGrad(const Scope& s, const Node& n, absl::Span<const Output> dy, std::vector<Output>* dx) {
  (*dx)[0] = ops::Add(s, ops::ZerosLike(s, In(n, 0)), dy[0]);
}

void ReshapeLikeGrad(const Scope& s, const Node& n, absl::Span<const Output> dy, std::vector<Output>* dx) {
  (*dx)[0] = ops::ReshapeLike(s, dy[0], In(n, 0));
}

}  // namespace

void RegisterStateGradients(OpRegistry& r) {
  r.SetGradient(OpKind::kIdentity, IdentityGrad);
  for (OpKind k : {OpKind::kAssign, OpKind::kAssignAdd, OpKind::kAssignSub}) r.SetNotDifferentiable(k);
}

void RegisterElementwiseGradients(OpRegistry& r) {
  r.SetGradient(OpKind::kAdd, AddGrad);
  r.SetGradient(OpKind::kSub, SubGrad);
  r.SetGradient(OpKind::kMul, MulGrad);
  r.SetGradient(OpKind::kDiv, DivGrad);
  r.SetGradient(OpKind::kPow, PowGrad);
  r.SetGradient(OpKind::kMaximum, ExtremumGrad<true>);
  r.SetGradient(OpKind::kMinimum, ExtremumGrad<false>);
  r.SetGradient(OpKind::kNeg, NegGrad);
  r.SetGradient(OpKind::kAbs, AbsGrad);
  r.SetGradient(OpKind::kExp, ExpGrad);
  r.SetGradient(OpKind::kLog, LogGrad);
  r.SetGradient(OpKind::kSqrt, SqrtGrad);
  r.SetGradient(OpKind::kRsqrt, RsqrtGrad);
  r.SetGradient(OpKind::kSquare, SquareGrad);
  r.SetGradient(OpKind::kSelect, SelectGrad);
  r.SetGradient(OpKind::kCast, CastGrad);
  r.SetGradient(OpKind::kSumToShape, SumToShapeGrad);
  r.SetGradient(OpKind::kReshapeLike, ReshapeLikeGrad);
  for (OpKind k : {OpKind::kEqual, OpKind::kNotEqual, OpKind::kLess, OpKind::kLessEqual, OpKind::kGreater,
                   OpKind::kGreaterEqual, OpKind::kLogicalAnd, OpKind::kLogicalOr, OpKind::kLogicalNot}) {
    r.SetNotDifferentiable(k);
  }
}

}  // namespace graph
