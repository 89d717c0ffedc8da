// Adagrad with Keras semantics.
#ifndef LAYERS_ADAGRAD_H_
#define LAYERS_ADAGRAD_H_

#include <vector>

#include "absl/status/status.h"
#include "layers/optimizer.h"

namespace layers {

struct AdagradOptions {
  // Step size (Keras default 0.001).
  LearningRate learning_rate = 0.001f;
  // Starting value of the accumulators (Keras default 0.1); finite and >= 0.
  float initial_accumulator_value = 0.1f;
  // Added to the accumulator under the square root (Keras default 1e-7); finite and > 0.
  float epsilon = 1e-7f;
  // learning_rate valid, initial_accumulator_value >= 0, epsilon > 0.
  absl::Status Validate() const;
};

// Keras Adagrad (Duchi et al.):
//   accumulator += grad^2
//   var -= lr * grad / sqrt(accumulator + epsilon)
// Slot "<var>/accumulator", initialized to initial_accumulator_value.
class Adagrad : public Optimizer {
 public:
  // Keeps the options as given; ApplyGradients checks them (Validate) and records any error in the scope.
  explicit Adagrad(AdagradOptions options = {}) : Optimizer("Adagrad"), options_(std::move(options)) {}
  // The options\' Validate().
  absl::Status Validate() const override { return options_.Validate(); }
  // The options this optimizer was made with.
  const AdagradOptions& options() const { return options_; }

 protected:
  const LearningRate& learning_rate() const override { return options_.learning_rate; }
  std::vector<Output> ApplyDense(const Scope& s, const StepValues& step, Output grad, Output var,
                                 Loc loc) override;

 private:
  AdagradOptions options_;
};

}  // namespace layers

#endif  // LAYERS_ADAGRAD_H_
