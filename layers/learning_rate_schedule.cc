#include "layers/learning_rate_schedule.h"

#include <cmath>
#include <numbers>
#include <string>
#include <type_traits>
#include <variant>

#include "absl/strings/str_cat.h"
#include "graph/ops/elementwise_ops.h"
#include "graph/ops/state_ops.h"
#include "layers/variables.h"

namespace layers {
namespace {

namespace ops = graph::ops;
using graph::DType;
using graph::OpKind;

bool Finite(float v) { return std::isfinite(v); }

absl::Status Positive(float v, const char* what) {
  if (Finite(v) && v > 0) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(what, " must be finite and > 0, got ", v));
}

absl::Status NonNegative(float v, const char* what) {
  if (Finite(v) && v >= 0) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(what, " must be finite and >= 0, got ", v));
}

absl::Status PositiveSteps(int64_t v, const char* what) {
  if (v > 0) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(what, " must be > 0, got ", v));
}

// Checks the options and the step; on success returns the sub-scope to build in and sets *step to the i64
// step.
bool Begin(const Scope& scope, const absl::Status& valid, const char* name, Output* step, Loc loc,
           Scope* out) {
  if (!scope.ok()) return false;
  if (!valid.ok()) {
    scope.RecordError(loc, OpKind::kNoOp, scope.prefix() + name, std::string(valid.message()));
    return false;
  }
  if (!step->valid()) *step = GetOrCreateGlobalStep(scope, loc);
  if (!step->valid()) return false;
  if (step->dtype() != DType::kInt64 || step->shape().rank() != 0) {
    scope.RecordError(loc, OpKind::kNoOp, scope.prefix() + name,
                      absl::StrCat("the global step must be an i64 scalar, got ",
                                   graph::DTypeName(step->dtype()), step->shape().ToString()));
    return false;
  }
  *out = scope.NewSubScope(name);
  return true;
}

Output ToFloat(const Scope& s, Output x, Loc loc) { return ops::Cast(s, x, DType::kFloat32, loc); }

// cos(pi * p) for p in [0, 1] from graph ops: -sin(pi * (p - 1/2)) by its Taylor series to z^11, whose error
// on |z| <= pi/2 is below 1e-7 (there is no cosine op).
Output CosPi(const Scope& s, Output p, Loc loc) {
  Output z = ops::Mul(s, ops::Sub(s, p, 0.5f, loc), std::numbers::pi_v<float>, loc);
  Output z2 = ops::Square(s, z, loc);
  // sin(z) = z * (1 - z2/3! * (1 - z2/(4*5) * (1 - z2/(6*7) * (1 - z2/(8*9) * (1 - z2/(10*11))))))
  Output acc = ops::Sub(s, 1.0f, ops::Mul(s, z2, 1.0f / 110.0f, loc), loc);
  for (float d : {72.0f, 42.0f, 20.0f, 6.0f})
    acc = ops::Sub(s, 1.0f, ops::Mul(s, ops::Mul(s, z2, 1.0f / d, loc), acc, loc), loc);
  return ops::Neg(s, ops::Mul(s, z, acc, loc), loc);
}

}  // namespace

Output ConstantLearningRate(const Scope& s, float learning_rate, Loc loc) {
  if (!s.ok()) return {};
  if (absl::Status st = Positive(learning_rate, "learning_rate"); !st.ok()) {
    s.RecordError(loc, OpKind::kConst, s.prefix() + "learning_rate", std::string(st.message()));
    return {};
  }
  return ops::Const(s.WithOpName("learning_rate"), learning_rate, loc);
}

absl::Status ExponentialDecayOptions::Validate() const {
  if (absl::Status st = Positive(initial_learning_rate, "initial_learning_rate"); !st.ok()) return st;
  if (absl::Status st = PositiveSteps(decay_steps, "decay_steps"); !st.ok()) return st;
  return Positive(decay_rate, "decay_rate");
}

Output ExponentialDecay(const Scope& scope, const ExponentialDecayOptions& o, Output step, Loc loc) {
  Scope s = scope;
  if (!Begin(scope, o.Validate(), "exponential_decay", &step, loc, &s)) return {};
  // Integer division truncates, which is floor for the non-negative step.
  Output p = o.staircase ? ToFloat(s, ops::Div(s, step, o.decay_steps, loc), loc)
                         : ops::Div(s, ToFloat(s, step, loc), static_cast<float>(o.decay_steps), loc);
  return ops::Mul(s, ops::Pow(s, o.decay_rate, p, loc), o.initial_learning_rate, loc);
}

absl::Status PiecewiseConstantOptions::Validate() const {
  if (values.size() != boundaries.size() + 1) {
    return absl::InvalidArgumentError(absl::StrCat("piecewise constant: ", values.size(), " values for ",
                                                   boundaries.size(),
                                                   " boundaries; need one more value than "
                                                   "boundaries"));
  }
  for (size_t i = 1; i < boundaries.size(); ++i) {
    if (boundaries[i] <= boundaries[i - 1]) {
      return absl::InvalidArgumentError(
          absl::StrCat("piecewise constant: boundaries must increase strictly, got ", boundaries[i - 1],
                       " then ", boundaries[i], " at index ", i));
    }
  }
  for (size_t i = 0; i < values.size(); ++i) {
    if (!Finite(values[i]) || values[i] < 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "piecewise constant: values must be finite and >= 0, got ", values[i], " at index ", i));
    }
  }
  return absl::OkStatus();
}

Output PiecewiseConstant(const Scope& scope, const PiecewiseConstantOptions& o, Output step, Loc loc) {
  Scope s = scope;
  if (!Begin(scope, o.Validate(), "piecewise_constant", &step, loc, &s)) return {};
  Output lr = ops::Const(s, o.values.back(), loc);
  for (size_t i = o.boundaries.size(); i-- > 0;) {
    lr = ops::Select(s, ops::LessEqual(s, step, o.boundaries[i], loc), o.values[i], lr, loc);
  }
  return lr;
}

absl::Status PolynomialDecayOptions::Validate() const {
  if (absl::Status st = Positive(initial_learning_rate, "initial_learning_rate"); !st.ok()) return st;
  if (absl::Status st = PositiveSteps(decay_steps, "decay_steps"); !st.ok()) return st;
  if (absl::Status st = NonNegative(end_learning_rate, "end_learning_rate"); !st.ok()) return st;
  return NonNegative(power, "power");
}

Output PolynomialDecay(const Scope& scope, const PolynomialDecayOptions& o, Output step, Loc loc) {
  Scope s = scope;
  if (!Begin(scope, o.Validate(), "polynomial_decay", &step, loc, &s)) return {};
  Output period;  // f32 decay steps of the current cycle
  Output p;       // step / period, in [0, 1]
  if (o.cycle) {
    // period = decay_steps * max(ceil(step / decay_steps), 1), with the ceiling in integers.
    Output cycles = ops::Div(s, ops::Add(s, step, o.decay_steps - 1, loc), o.decay_steps, loc);
    period = ToFloat(s, ops::Mul(s, ops::Maximum(s, cycles, int64_t{1}, loc), o.decay_steps, loc), loc);
    p = ops::Div(s, ToFloat(s, step, loc), period, loc);
  } else {
    p = ops::Div(s, ToFloat(s, ops::Minimum(s, step, o.decay_steps, loc), loc),
                 static_cast<float>(o.decay_steps), loc);
  }
  Output frac = ops::Pow(s, ops::Sub(s, 1.0f, p, loc), o.power, loc);
  return ops::Add(s, ops::Mul(s, frac, o.initial_learning_rate - o.end_learning_rate, loc),
                  o.end_learning_rate, loc);
}

absl::Status CosineDecayOptions::Validate() const {
  if (absl::Status st = PositiveSteps(decay_steps, "decay_steps"); !st.ok()) return st;
  if (!Finite(alpha) || alpha < 0 || alpha > 1) {
    return absl::InvalidArgumentError(absl::StrCat("alpha must be in [0, 1], got ", alpha));
  }
  if (warmup_steps < 0) {
    return absl::InvalidArgumentError(absl::StrCat("warmup_steps must be >= 0, got ", warmup_steps));
  }
  if (warmup_steps > 0 && !warmup_target.has_value()) {
    return absl::InvalidArgumentError(absl::StrCat("warmup_steps is ", warmup_steps,
                                                   " but no warmup_target (the rate reached after warmup)"));
  }
  if (warmup_target.has_value()) {
    if (absl::Status st = Positive(*warmup_target, "warmup_target"); !st.ok()) return st;
    return NonNegative(initial_learning_rate, "initial_learning_rate");
  }
  return Positive(initial_learning_rate, "initial_learning_rate");
}

Output CosineDecay(const Scope& scope, const CosineDecayOptions& o, Output step, Loc loc) {
  Scope s = scope;
  if (!Begin(scope, o.Validate(), "cosine_decay", &step, loc, &s)) return {};
  const float peak = o.warmup_target.value_or(o.initial_learning_rate);
  // Steps into the decay, clamped to [0, decay_steps].
  Output d = ops::Minimum(s, ops::Maximum(s, ops::Sub(s, step, o.warmup_steps, loc), int64_t{0}, loc),
                          o.decay_steps, loc);
  Output p = ops::Div(s, ToFloat(s, d, loc), static_cast<float>(o.decay_steps), loc);
  Output cosine = ops::Mul(s, ops::Add(s, CosPi(s, p, loc), 1.0f, loc), 0.5f, loc);
  Output decayed =
      ops::Mul(s, ops::Add(s, ops::Mul(s, cosine, 1.0f - o.alpha, loc), o.alpha, loc), peak, loc);
  if (o.warmup_steps == 0) return decayed;
  Output warm_frac = ops::Div(s, ToFloat(s, step, loc), static_cast<float>(o.warmup_steps), loc);
  Output warm =
      ops::Add(s, ops::Mul(s, warm_frac, peak - o.initial_learning_rate, loc), o.initial_learning_rate, loc);
  return ops::Select(s, ops::Less(s, step, o.warmup_steps, loc), warm, decayed, loc);
}

absl::Status ValidateLearningRateSchedule(const LearningRateScheduleOptions& options) {
  return std::visit(
      [](const auto& o) -> absl::Status {
        if constexpr (std::is_same_v<std::decay_t<decltype(o)>, float>) {
          return Positive(o, "learning_rate");
        } else {
          return o.Validate();
        }
      },
      options);
}

Output LearningRateSchedule(const Scope& s, const LearningRateScheduleOptions& options, Output global_step,
                            Loc loc) {
  struct Builder {
    const Scope& s;
    Output step;
    Loc loc;
    Output operator()(float lr) const { return ConstantLearningRate(s, lr, loc); }
    Output operator()(const ExponentialDecayOptions& o) const { return ExponentialDecay(s, o, step, loc); }
    Output operator()(const PiecewiseConstantOptions& o) const { return PiecewiseConstant(s, o, step, loc); }
    Output operator()(const PolynomialDecayOptions& o) const { return PolynomialDecay(s, o, step, loc); }
    Output operator()(const CosineDecayOptions& o) const { return CosineDecay(s, o, step, loc); }
  };
  return std::visit(Builder{s, global_step, loc}, options);
}

}  // namespace layers
