#include "layers/adagrad.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "graph/ops/elementwise_ops.h"
#include "graph/ops/state_ops.h"

namespace layers {

namespace ops = graph::ops;

absl::Status AdagradOptions::Validate() const {
  if (absl::Status st = learning_rate.Validate(); !st.ok()) return st;
  if (!std::isfinite(initial_accumulator_value) || initial_accumulator_value < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("initial_accumulator_value must be finite and >= 0, got ", initial_accumulator_value));
  }
  if (!std::isfinite(epsilon) || epsilon <= 0) {
    return absl::InvalidArgumentError(absl::StrCat("epsilon must be finite and > 0, got ", epsilon));
  }
  return absl::OkStatus();
}

std::vector<Output> Adagrad::ApplyDense(const Scope& s, const StepValues& step, Output grad, Output var,
                                        Loc loc) {
  Output acc = GetOrCreateSlot(s, var, "accumulator", options_.initial_accumulator_value, loc);
  if (!acc.valid()) return {};
  Output acc_new = ops::AssignAdd(s, acc, ops::Square(s, grad, loc), loc);
  Output delta = ops::Mul(s, ops::Mul(s, grad, step.learning_rate, loc),
                          ops::Rsqrt(s, ops::Add(s, acc_new, options_.epsilon, loc), loc), loc);
  return {acc_new, ops::AssignSub(s, var, delta, loc)};
}

}  // namespace layers
