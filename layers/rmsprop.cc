#include "layers/rmsprop.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "graph/ops/elementwise_ops.h"
#include "graph/ops/state_ops.h"

namespace layers {

namespace ops = graph::ops;

absl::Status RMSPropOptions::Validate() const {
  if (absl::Status st = learning_rate.Validate(); !st.ok()) return st;
  if (!std::isfinite(rho) || rho < 0 || rho >= 1) {
    return absl::InvalidArgumentError(absl::StrCat("rho must be in [0, 1), got ", rho));
  }
  if (!std::isfinite(momentum) || momentum < 0 || momentum >= 1) {
    return absl::InvalidArgumentError(absl::StrCat("momentum must be in [0, 1), got ", momentum));
  }
  if (!std::isfinite(epsilon) || epsilon <= 0) {
    return absl::InvalidArgumentError(absl::StrCat("epsilon must be finite and > 0, got ", epsilon));
  }
  return absl::OkStatus();
}

std::vector<Output> RMSProp::ApplyDense(const Scope& s, const StepValues& step, Output grad, Output var,
                                        Loc loc) {
  const float rho = options_.rho;
  Output rms = GetOrCreateSlot(s, var, "rms", 0.0f, loc);
  Output mg = options_.centered ? GetOrCreateSlot(s, var, "mg", 0.0f, loc) : Output();
  Output mom = options_.momentum > 0 ? GetOrCreateSlot(s, var, "momentum", 0.0f, loc) : Output();
  if (!rms.valid() || (options_.centered && !mg.valid()) || (options_.momentum > 0 && !mom.valid()))
    return {};
  std::vector<Output> updates;
  Output rms_new = ops::Assign(
      s, rms,
      ops::Add(s, ops::Mul(s, rms, rho, loc), ops::Mul(s, ops::Square(s, grad, loc), 1.0f - rho, loc), loc),
      loc);
  updates.push_back(rms_new);
  Output denominator;
  if (options_.centered) {
    Output mg_new = ops::Assign(
        s, mg, ops::Add(s, ops::Mul(s, mg, rho, loc), ops::Mul(s, grad, 1.0f - rho, loc), loc), loc);
    updates.push_back(mg_new);
    denominator = ops::Add(s, ops::Sub(s, rms_new, ops::Square(s, mg_new, loc), loc), options_.epsilon, loc);
  } else {
    denominator = ops::Add(s, rms_new, options_.epsilon, loc);
  }
  Output increment =
      ops::Mul(s, ops::Mul(s, grad, step.learning_rate, loc), ops::Rsqrt(s, denominator, loc), loc);
  if (options_.momentum > 0) {
    Output mom_new =
        ops::Assign(s, mom, ops::Add(s, ops::Mul(s, mom, options_.momentum, loc), increment, loc), loc);
    updates.push_back(mom_new);
    increment = mom_new;
  }
  updates.push_back(ops::AssignSub(s, var, increment, loc));
  return updates;
}

}  // namespace layers
