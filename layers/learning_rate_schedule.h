// Learning-rate schedules: f32 scalars computed by graph ops from the i64 global step, so a compiled training
// step picks up the current rate without rebuilding anything. Keras semantics
// (tf.keras.optimizers.schedules).
#ifndef LAYERS_LEARNING_RATE_SCHEDULE_H_
#define LAYERS_LEARNING_RATE_SCHEDULE_H_

#include <cstdint>
#include <optional>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "graph/scope.h"

namespace layers {

using graph::Loc;
using graph::Output;
using graph::Scope;

// Every schedule function takes the step variable as `global_step` (an i64 scalar; invalid:
// GetOrCreateGlobalStep) and, on invalid options, records the Validate() error in the scope and returns an
// invalid Output. Steps are assumed non-negative.

// A constant rate (a Const node); `learning_rate` must be finite and > 0.
Output ConstantLearningRate(const Scope& s, float learning_rate, Loc loc = Loc::current());

struct ExponentialDecayOptions {
  float initial_learning_rate = 0.1f;  // finite, > 0
  int64_t decay_steps = 1000;          // > 0
  float decay_rate = 0.96f;            // finite, > 0
  // Decay in whole periods: the exponent is floor(step / decay_steps).
  bool staircase = false;
  absl::Status Validate() const;
};
// initial_learning_rate * decay_rate ^ (step / decay_steps).
Output ExponentialDecay(const Scope& s, const ExponentialDecayOptions& options, Output global_step = {},
                        Loc loc = Loc::current());

struct PiecewiseConstantOptions {
  // Strictly increasing steps; values.size() must be boundaries.size() + 1; values finite and >= 0.
  std::vector<int64_t> boundaries = {};
  std::vector<float> values = {0.001f};
  absl::Status Validate() const;
};
// values[0] while step <= boundaries[0], values[i] while boundaries[i-1] < step <= boundaries[i], and the
// last value after the last boundary.
Output PiecewiseConstant(const Scope& s, const PiecewiseConstantOptions& options, Output global_step = {},
                         Loc loc = Loc::current());

struct PolynomialDecayOptions {
  float initial_learning_rate = 0.1f;  // finite, > 0
  int64_t decay_steps = 1000;          // > 0
  float end_learning_rate = 0.0001f;   // finite, >= 0
  float power = 1.0f;                  // finite, >= 0
  // Restart the decay from the start every decay_steps (the period grows to the next multiple of
  // decay_steps above step) instead of staying at end_learning_rate.
  bool cycle = false;
  absl::Status Validate() const;
};
// (initial - end) * (1 - min(step, decay_steps) / decay_steps) ^ power + end.
Output PolynomialDecay(const Scope& s, const PolynomialDecayOptions& options, Output global_step = {},
                       Loc loc = Loc::current());

struct CosineDecayOptions {
  // The rate at step 0: the start of the warmup, or of the decay when there is none. Finite, >= 0.
  float initial_learning_rate = 0.1f;
  // Length of the cosine decay after the warmup; > 0.
  int64_t decay_steps = 1000;
  // The decay ends at alpha * (peak rate); in [0, 1].
  float alpha = 0.0f;
  // Linear warmup from initial_learning_rate to warmup_target over warmup_steps (>= 0). warmup_target is
  // required when warmup_steps > 0 and must be finite and > 0.
  int64_t warmup_steps = 0;
  std::optional<float> warmup_target = std::nullopt;
  absl::Status Validate() const;
};
// Keras CosineDecay. With peak = warmup_target (or initial_learning_rate without warmup):
//   step < warmup_steps: initial + (peak - initial) * step / warmup_steps
//   otherwise, d = min(step - warmup_steps, decay_steps):
//     peak * ((1 - alpha) * 0.5 * (1 + cos(pi * d / decay_steps)) + alpha)
Output CosineDecay(const Scope& s, const CosineDecayOptions& options, Output global_step = {},
                   Loc loc = Loc::current());

// Any of the schedules, for configuration code that picks one by name: a float is a constant rate.
using LearningRateScheduleOptions = std::variant<float, ExponentialDecayOptions, PiecewiseConstantOptions,
                                                 PolynomialDecayOptions, CosineDecayOptions>;

// The chosen alternative's Validate() (a constant must be finite and > 0).
absl::Status ValidateLearningRateSchedule(const LearningRateScheduleOptions& options);

// Builds the chosen schedule (a float: ConstantLearningRate).
Output LearningRateSchedule(const Scope& s, const LearningRateScheduleOptions& options,
                            Output global_step = {}, Loc loc = Loc::current());

}  // namespace layers

#endif  // LAYERS_LEARNING_RATE_SCHEDULE_H_
