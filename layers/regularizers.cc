#include "layers/regularizers.h"

#include "absl/strings/str_cat.h"
#include "graph/autodiff.h"
#include "graph/ops/elementwise_ops.h"
#include "graph/ops/reduction_ops.h"
#include "graph/ops/state_ops.h"

namespace layers {

namespace ops = graph::ops;

absl::Status Regularizer::Validate() const {
  if (l1 < 0 || l2 < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("regularizer factors must be >= 0, got l1=", l1, " l2=", l2));
  }
  return absl::OkStatus();
}

void AddRegularization(const Scope& scope, Output weight, const Regularizer& r, Loc loc) {
  if (!r.active() || !scope.ok() || !weight.valid()) return;
  if (absl::Status st = r.Validate(); !st.ok()) {
    scope.RecordError(loc, graph::OpKind::kNoOp, weight.node->name(), std::string(st.message()));
    return;
  }
  const Scope s = scope.NewSubScope("regularizer").WithLocation(loc);
  Output penalty;
  if (r.l1 != 0.0f) penalty = ops::Mul(s, ops::Sum(s, ops::Abs(s, weight)), r.l1);
  if (r.l2 != 0.0f) {
    Output l2 = ops::Mul(s, ops::Sum(s, ops::Square(s, weight)), r.l2);
    penalty = penalty.valid() ? ops::Add(s, penalty, l2) : l2;
  }
  if (penalty.valid()) s.graph()->AddToCollection(kRegularizationLosses, penalty);
}

Output RegularizationLoss(const Scope& s, Loc loc) {
  const auto& terms = s.graph()->Collection(kRegularizationLosses);
  if (terms.empty()) return ops::Const(s.WithOpName("regularization_loss"), 0.0f, loc);
  return graph::AddAll(s.NewSubScope("regularization_loss").WithLocation(loc), terms);
}

}  // namespace layers
