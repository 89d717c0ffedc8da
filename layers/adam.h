// Adam (with the AMSGrad option) and AdamW (decoupled weight decay), with Keras semantics.
#ifndef LAYERS_ADAM_H_
#define LAYERS_ADAM_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "layers/optimizer.h"

namespace layers {

struct AdamOptions {
  // Step size (Keras default 0.001).
  LearningRate learning_rate = 0.001f;
  // Decay rates of the first and second moment estimates, each in [0, 1).
  float beta_1 = 0.9f;
  float beta_2 = 0.999f;
  // Added to sqrt(v) in the denominator (Keras default 1e-7; PyTorch uses 1e-8); > 0.
  float epsilon = 1e-7f;
  // Use the running maximum of v (Reddi et al., "On the Convergence of Adam and Beyond").
  bool amsgrad = false;
  // learning_rate valid, betas in [0, 1), epsilon finite and > 0.
  absl::Status Validate() const;
};

// Keras Adam. With t = global_step + 1 (as a float):
//   alpha = lr * sqrt(1 - beta_2^t) / (1 - beta_1^t)
//   m += (grad - m) * (1 - beta_1);  v += (grad^2 - v) * (1 - beta_2)
//   amsgrad: vhat = max(vhat, v), and vhat replaces v below
//   var -= alpha * m / (sqrt(v) + epsilon)
// Slots "<var>/adam_m", "<var>/adam_v" (and "<var>/adam_vhat" with amsgrad), initialized to zeros.
class Adam : public Optimizer {
 public:
  // Keeps the options as given; ApplyGradients checks them (Validate) and records any error in the scope.
  explicit Adam(AdamOptions options = {}) : Adam("Adam", std::move(options)) {}
  // The options\' Validate().
  absl::Status Validate() const override { return options_.Validate(); }
  // The options this optimizer was made with.
  const AdamOptions& options() const { return options_; }

 protected:
  Adam(std::string name, AdamOptions options) : Optimizer(std::move(name)), options_(std::move(options)) {}
  const LearningRate& learning_rate() const override { return options_.learning_rate; }
  // Adds alpha (the bias-corrected step size) as extra[0].
  StepValues Prepare(const Scope& s, const LearningRate& lr, Output global_step, Loc loc) override;
  std::vector<Output> ApplyDense(const Scope& s, const StepValues& step, Output grad, Output var,
                                 Loc loc) override;

 private:
  AdamOptions options_;
};

struct AdamWOptions {
  // The Adam part (Keras AdamW defaults: lr 0.001, betas 0.9/0.999, epsilon 1e-7).
  AdamOptions adam = {};
  // Decoupled decay factor (Keras default 0.004; PyTorch 0.01); finite and >= 0.
  float weight_decay = 0.004f;
  // Variables whose name contains any of these strings are not decayed (e.g. "bias").
  std::vector<std::string> exclude_from_weight_decay = {};
  // adam valid and weight_decay finite and >= 0.
  absl::Status Validate() const;
};

// Keras AdamW (Loshchilov & Hutter): first var -= var * weight_decay * lr (lr is the schedule's value, not
// Adam's corrected step size), then the Adam update above. Same slots as Adam.
class AdamW : public Adam {
 public:
  // Keeps the options as given; ApplyGradients checks them (Validate) and records any error in the scope.
  explicit AdamW(AdamWOptions options = {}) : Adam("AdamW", options.adam), w_options_(std::move(options)) {}
  // The options\' Validate().
  absl::Status Validate() const override { return w_options_.Validate(); }
  // The options this optimizer was made with.
  const AdamWOptions& w_options() const { return w_options_; }

 protected:
  std::vector<Output> ApplyDense(const Scope& s, const StepValues& step, Output grad, Output var,
                                 Loc loc) override;

 private:
  AdamWOptions w_options_;
};

}  // namespace layers

#endif  // LAYERS_ADAM_H_
