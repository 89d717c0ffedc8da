#include "layers/adam.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "graph/ops/elementwise_ops.h"
#include "graph/ops/state_ops.h"

namespace layers {
namespace {

namespace ops = graph::ops;

absl::Status CheckInUnitInterval(float value, const char* what) {
  if (std::isfinite(value) && value >= 0 && value < 1) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(what, " must be in [0, 1), got ", value));
}

}  // namespace

absl::Status AdamOptions::Validate() const {
  if (absl::Status st = learning_rate.Validate(); !st.ok()) return st;
  if (absl::Status st = CheckInUnitInterval(beta_1, "beta_1"); !st.ok()) return st;
  if (absl::Status st = CheckInUnitInterval(beta_2, "beta_2"); !st.ok()) return st;
  if (!std::isfinite(epsilon) || epsilon <= 0) {
    return absl::InvalidArgumentError(absl::StrCat("epsilon must be finite and > 0, got ", epsilon));
  }
  return absl::OkStatus();
}

Optimizer::StepValues Adam::Prepare(const Scope& s, const LearningRate& lr, Output global_step, Loc loc) {
  StepValues v = Optimizer::Prepare(s, lr, global_step, loc);
  // t = global_step + 1 as a float, like Keras's local_step.
  Output t = ops::Cast(s, ops::Add(s, global_step, int64_t{1}, loc), graph::DType::kFloat32, loc);
  Output beta_1_power = ops::Pow(s, options_.beta_1, t, loc);
  Output beta_2_power = ops::Pow(s, options_.beta_2, t, loc);
  Output alpha =
      ops::Div(s, ops::Mul(s, v.learning_rate, ops::Sqrt(s, ops::Sub(s, 1.0f, beta_2_power, loc), loc), loc),
               ops::Sub(s, 1.0f, beta_1_power, loc), loc);
  v.extra.push_back(alpha);
  return v;
}

std::vector<Output> Adam::ApplyDense(const Scope& s, const StepValues& step, Output grad, Output var,
                                     Loc loc) {
  Output m = GetOrCreateSlot(s, var, "adam_m", 0.0f, loc);
  Output v = GetOrCreateSlot(s, var, "adam_v", 0.0f, loc);
  Output vhat = options_.amsgrad ? GetOrCreateSlot(s, var, "adam_vhat", 0.0f, loc) : Output();
  if (!m.valid() || !v.valid() || (options_.amsgrad && !vhat.valid())) return {};
  std::vector<Output> updates;
  Output m_new =
      ops::AssignAdd(s, m, ops::Mul(s, ops::Sub(s, grad, m, loc), 1.0f - options_.beta_1, loc), loc);
  Output v_new = ops::AssignAdd(
      s, v, ops::Mul(s, ops::Sub(s, ops::Square(s, grad, loc), v, loc), 1.0f - options_.beta_2, loc), loc);
  updates.push_back(m_new);
  updates.push_back(v_new);
  Output denom_v = v_new;
  if (options_.amsgrad) {
    denom_v = ops::Assign(s, vhat, ops::Maximum(s, vhat, v_new, loc), loc);
    updates.push_back(denom_v);
  }
  Output delta = ops::Div(s, ops::Mul(s, m_new, step.extra[0], loc),
                          ops::Add(s, ops::Sqrt(s, denom_v, loc), options_.epsilon, loc), loc);
  updates.push_back(ops::AssignSub(s, var, delta, loc));
  return updates;
}

absl::Status AdamWOptions::Validate() const {
  if (absl::Status st = adam.Validate(); !st.ok()) return st;
  if (!std::isfinite(weight_decay) || weight_decay < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("weight_decay must be finite and >= 0, got ", weight_decay));
  }
  return absl::OkStatus();
}

std::vector<Output> AdamW::ApplyDense(const Scope& s, const StepValues& step, Output grad, Output var,
                                      Loc loc) {
  bool decay = w_options_.weight_decay > 0;
  for (const std::string& pattern : w_options_.exclude_from_weight_decay) {
    if (var.node->name().find(pattern) != std::string::npos) decay = false;
  }
  if (!decay) return Adam::ApplyDense(s, step, grad, var, loc);
  Output decayed = ops::AssignSub(
      s, var, ops::Mul(s, var, ops::Mul(s, step.learning_rate, w_options_.weight_decay, loc), loc), loc);
  // The Adam update runs after the decay (and reads nothing the decay wrote but the variable itself).
  std::vector<Output> updates = Adam::ApplyDense(s.WithControlDependencies({decayed}), step, grad, var, loc);
  updates.insert(updates.begin(), decayed);
  return updates;
}

}  // namespace layers
