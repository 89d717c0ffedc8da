// Stochastic gradient descent, plain and with (Nesterov) momentum, with Keras semantics.
#ifndef LAYERS_SGD_H_
#define LAYERS_SGD_H_

#include <vector>

#include "absl/status/status.h"
#include "layers/optimizer.h"

namespace layers {

struct SGDOptions {
  // Step size (Keras default 0.01); a constant or a schedule output.
  LearningRate learning_rate = 0.01f;
  // The learning rate is valid (see LearningRate::Validate).
  absl::Status Validate() const;
};

// var -= lr * grad. No slots.
class SGD : public Optimizer {
 public:
  // Keeps the options as given; ApplyGradients checks them (Validate) and records any error in the scope.
  explicit SGD(SGDOptions options = {}) : Optimizer("SGD"), options_(std::move(options)) {}
  // The options\' Validate().
  absl::Status Validate() const override { return options_.Validate(); }
  // The options this optimizer was made with.
  const SGDOptions& options() const { return options_; }

 protected:
  const LearningRate& learning_rate() const override { return options_.learning_rate; }
  std::vector<Output> ApplyDense(const Scope& s, const StepValues& step, Output grad, Output var,
                                 Loc loc) override;

 private:
  SGDOptions options_;
};

struct MomentumOptions {
  // Step size (Keras default 0.01).
  LearningRate learning_rate = 0.01f;
  // Decay of the velocity, in [0, 1).
  float momentum = 0.9f;
  // Nesterov accelerated gradient.
  bool nesterov = false;
  // learning_rate valid, momentum finite and in [0, 1).
  absl::Status Validate() const;
};

// Keras SGD with momentum (not PyTorch's form, which scales the velocity by lr only when it is applied):
//   velocity = momentum * velocity - lr * grad
//   var += velocity                              (nesterov: var += momentum * velocity - lr * grad)
// Slot "<var>/momentum" (the velocity), initialized to zeros.
class Momentum : public Optimizer {
 public:
  // Keeps the options as given; ApplyGradients checks them (Validate) and records any error in the scope.
  explicit Momentum(MomentumOptions options = {}) : Optimizer("Momentum"), options_(std::move(options)) {}
  // The options\' Validate().
  absl::Status Validate() const override { return options_.Validate(); }
  // The options this optimizer was made with.
  const MomentumOptions& options() const { return options_; }

 protected:
  const LearningRate& learning_rate() const override { return options_.learning_rate; }
  std::vector<Output> ApplyDense(const Scope& s, const StepValues& step, Output grad, Output var,
                                 Loc loc) override;

 private:
  MomentumOptions options_;
};

}  // namespace layers

#endif  // LAYERS_SGD_H_
