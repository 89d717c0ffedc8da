#include "layers/sgd.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "graph/ops/elementwise_ops.h"
#include "graph/ops/state_ops.h"

namespace layers {

namespace ops = graph::ops;

absl::Status SGDOptions::Validate() const { return learning_rate.Validate(); }

std::vector<Output> SGD::ApplyDense(const Scope& s, const StepValues& step, Output grad, Output var,
                                    Loc loc) {
  return {ops::AssignSub(s, var, ops::Mul(s, grad, step.learning_rate, loc), loc)};
}

absl::Status MomentumOptions::Validate() const {
  if (absl::Status st = learning_rate.Validate(); !st.ok()) return st;
  if (!std::isfinite(momentum) || momentum < 0 || momentum >= 1) {
    return absl::InvalidArgumentError(absl::StrCat("momentum must be in [0, 1), got ", momentum));
  }
  return absl::OkStatus();
}

std::vector<Output> Momentum::ApplyDense(const Scope& s, const StepValues& step, Output grad, Output var,
                                         Loc loc) {
  Output velocity = GetOrCreateSlot(s, var, "momentum", 0.0f, loc);
  if (!velocity.valid()) return {};
  Output lr_grad = ops::Mul(s, grad, step.learning_rate, loc);
  Output v_new =
      ops::Assign(s, velocity, ops::Sub(s, ops::Mul(s, velocity, options_.momentum, loc), lr_grad, loc), loc);
  Output delta =
      options_.nesterov ? ops::Sub(s, ops::Mul(s, v_new, options_.momentum, loc), lr_grad, loc) : v_new;
  return {v_new, ops::AssignAdd(s, var, delta, loc)};
}

}  // namespace layers
