#include "layers/gradient_clipping.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "graph/autodiff.h"
#include "graph/ops/elementwise_ops.h"
#include "graph/ops/reduction_ops.h"

namespace layers {
namespace {

namespace ops = graph::ops;
using graph::OpKind;

bool CheckPositive(const Scope& s, float value, const char* what, const char* op_name, Loc loc) {
  if (std::isfinite(value) && value > 0) return true;
  s.RecordError(loc, OpKind::kNoOp, s.prefix() + op_name,
                absl::StrCat(what, " must be finite and > 0, got ", value));
  return false;
}

}  // namespace

absl::Status GradientClippingOptions::Validate() const {
  if (!std::isfinite(clip_value) || clip_value < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("clip_value must be finite and >= 0 (0: off), got ", clip_value));
  }
  if (!std::isfinite(clip_global_norm) || clip_global_norm < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("clip_global_norm must be finite and >= 0 (0: off), got ", clip_global_norm));
  }
  return absl::OkStatus();
}

GradsAndVars ClipByValue(const Scope& scope, const GradsAndVars& grads_and_vars, float clip_value, Loc loc) {
  if (!scope.ok() || !CheckPositive(scope, clip_value, "clip_value", "clip_by_value", loc))
    return grads_and_vars;
  const Scope s = scope.NewSubScope("clip_by_value");
  GradsAndVars out = grads_and_vars;
  for (GradAndVar& gv : out) {
    if (!gv.grad.valid()) continue;
    gv.grad = ops::Maximum(s, ops::Minimum(s, gv.grad, clip_value, loc), -clip_value, loc);
  }
  return out;
}

Output GlobalNorm(const Scope& scope, absl::Span<const Output> tensors, Loc loc) {
  if (!scope.ok()) return {};
  const Scope s = scope.NewSubScope("global_norm");
  std::vector<Output> squares;
  for (size_t i = 0; i < tensors.size(); ++i) {
    const Output& t = tensors[i];
    if (!t.valid()) continue;
    if (t.dtype() != graph::DType::kFloat32) {
      s.RecordError(loc, OpKind::kNoOp, s.prefix(),
                    absl::StrCat("tensor ", i, " ('", t.name(), "') has dtype ", graph::DTypeName(t.dtype()),
                                 "; the global norm needs f32"));
      return {};
    }
    squares.push_back(ops::Sum(s, ops::Square(s, t, loc), {}, false, loc));
  }
  if (squares.empty()) return {};
  return ops::Sqrt(s, graph::AddAll(s, squares, loc), loc);
}

GradsAndVars ClipByGlobalNorm(const Scope& scope, const GradsAndVars& grads_and_vars, float clip_norm,
                              Output* global_norm, Loc loc) {
  if (global_norm != nullptr) *global_norm = Output();
  if (!scope.ok() || !CheckPositive(scope, clip_norm, "clip_norm", "clip_by_global_norm", loc)) {
    return grads_and_vars;
  }
  const Scope s = scope.NewSubScope("clip_by_global_norm");
  std::vector<Output> grads;
  for (const GradAndVar& gv : grads_and_vars) grads.push_back(gv.grad);
  Output norm = GlobalNorm(s, grads, loc);
  if (!norm.valid()) return grads_and_vars;
  if (global_norm != nullptr) *global_norm = norm;
  // clip_norm / max(norm, clip_norm): exactly 1 when the norm is within bounds.
  Output scale = ops::Div(s, clip_norm, ops::Maximum(s, norm, clip_norm, loc), loc);
  GradsAndVars out = grads_and_vars;
  for (GradAndVar& gv : out) {
    if (gv.grad.valid()) gv.grad = ops::Mul(s, gv.grad, scale, loc);
  }
  return out;
}

GradsAndVars ClipGradients(const Scope& scope, const GradsAndVars& grads_and_vars,
                           const GradientClippingOptions& options, Loc loc) {
  if (!scope.ok()) return grads_and_vars;
  if (absl::Status st = options.Validate(); !st.ok()) {
    scope.RecordError(loc, OpKind::kNoOp, scope.prefix() + "clip_gradients", std::string(st.message()));
    return grads_and_vars;
  }
  if (options.clip_value == 0 && options.clip_global_norm == 0) return grads_and_vars;
  const Scope s = scope.NewSubScope("clip_gradients");
  GradsAndVars out = grads_and_vars;
  if (options.clip_value > 0) out = ClipByValue(s, out, options.clip_value, loc);
  if (options.clip_global_norm > 0) out = ClipByGlobalNorm(s, out, options.clip_global_norm, nullptr, loc);
  return out;
}

}  // namespace layers
