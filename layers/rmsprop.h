// RMSProp with Keras semantics (optionally centered, optionally with momentum).
#ifndef LAYERS_RMSPROP_H_
#define LAYERS_RMSPROP_H_

#include <vector>

#include "absl/status/status.h"
#include "layers/optimizer.h"

namespace layers {

struct RMSPropOptions {
  // Step size (Keras default 0.001).
  LearningRate learning_rate = 0.001f;
  // Decay of the mean square (and, centered, of the mean gradient); in [0, 1).
  float rho = 0.9f;
  // Momentum of the applied increments; in [0, 1) (0: none).
  float momentum = 0.0f;
  // Added to the denominator under the square root (Keras default 1e-7); > 0.
  float epsilon = 1e-7f;
  // Normalise by the estimated variance (mean square minus squared mean gradient) instead of the mean square.
  bool centered = false;
  // learning_rate valid, rho and momentum in [0, 1), epsilon finite and > 0.
  absl::Status Validate() const;
};

// Keras RMSprop (Hinton's lecture 6e):
//   rms = rho * rms + (1 - rho) * grad^2
//   centered: mg = rho * mg + (1 - rho) * grad; denominator = rms - mg^2 + epsilon
//   otherwise denominator = rms + epsilon
//   increment = lr * grad / sqrt(denominator)
//   momentum > 0: mom = momentum * mom + increment; var -= mom        otherwise var -= increment
// Slots "<var>/rms", "<var>/mg" (centered) and "<var>/momentum" (momentum > 0), initialized to zeros.
class RMSProp : public Optimizer {
 public:
  // Keeps the options as given; ApplyGradients checks them (Validate) and records any error in the scope.
  explicit RMSProp(RMSPropOptions options = {}) : Optimizer("RMSProp"), options_(std::move(options)) {}
  // The options\' Validate().
  absl::Status Validate() const override { return options_.Validate(); }
  // The options this optimizer was made with.
  const RMSPropOptions& options() const { return options_; }

 protected:
  const LearningRate& learning_rate() const override { return options_.learning_rate; }
  std::vector<Output> ApplyDense(const Scope& s, const StepValues& step, Output grad, Output var,
                                 Loc loc) override;

 private:
  RMSPropOptions options_;
};

}  // namespace layers

#endif  // LAYERS_RMSPROP_H_
