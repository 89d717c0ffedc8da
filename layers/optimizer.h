// Optimizer: the base of the first-order optimizers. It adds the gradient computation and the in-place
// variable updates to the graph, so a whole training step (forward, backward, update) is one static graph.
#ifndef LAYERS_OPTIMIZER_H_
#define LAYERS_OPTIMIZER_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/types/span.h"
#include "graph/scope.h"
#include "layers/gradient_clipping.h"
#include "layers/variables.h"

namespace layers {

// A learning rate: a constant, or an f32 scalar computed by the graph at every step (a schedule, see
// layers/learning_rate_schedule.h). Implicitly built from either, so options read `.learning_rate = 0.01f` or
// `.learning_rate = ExponentialDecay(s, ...)`.
class LearningRate {
 public:
  // A constant rate.
  LearningRate(float value) : value_(value) {}                       // NOLINT(google-explicit-constructor)
  LearningRate(double value) : value_(static_cast<float>(value)) {}  // NOLINT(google-explicit-constructor)
  // A rate computed by the graph (an f32 scalar, usually from global_step).
  LearningRate(Output schedule) : schedule_(schedule), is_schedule_(true) {}  // NOLINT

  // True when built from an Output.
  bool is_schedule() const { return is_schedule_; }
  // The constant (meaningless for a schedule).
  float value() const { return value_; }
  // The schedule's output (invalid for a constant).
  Output schedule() const { return schedule_; }
  // A constant must be finite and > 0; a schedule must be a valid f32 scalar output.
  absl::Status Validate() const;
  // The schedule, or a new f32 Const for the constant.
  Output ToOutput(const Scope& s, Loc loc) const;

 private:
  float value_ = 0;
  Output schedule_;
  bool is_schedule_ = false;
};

// What Minimize passes on to ComputeGradients and ApplyGradients.
struct MinimizeOptions {
  // Variables to train; empty: every variable in the kTrainableVariables collection.
  std::vector<Output> var_list = {};
  // The i64 step variable to increment; invalid: GetOrCreateGlobalStep.
  Output global_step = {};
  // Gradient clipping applied between the two halves.
  GradientClippingOptions clipping = {};
};

// The base of the optimizers. An optimizer object only holds its options and the slot variables it made;
// every update is a graph op, run when the returned train op runs. Not thread-safe (like a Scope).
//
// Ordering: a plan runs nodes in the order they were added, so the updates read the gradients (built before
// them) and the learning rate of the current step, and global_step is incremented last.
class Optimizer {
 public:
  virtual ~Optimizer() = default;
  Optimizer(const Optimizer&) = delete;
  Optimizer& operator=(const Optimizer&) = delete;

  // Short name used as the scope of the update nodes: "SGD", "Adam", ...
  const std::string& name() const { return name_; }

  // Checks the optimizer's options (learning rate > 0, betas in [0, 1), ...). ApplyGradients records this
  // error in the scope; CreateOptimizer returns it.
  virtual absl::Status Validate() const = 0;

  // Adds d(loss)/d(var) for every var in `vars` (default: the kTrainableVariables collection), using
  // graph::Gradients. A loss with several elements is summed. A var the loss does not depend on gets an
  // invalid gradient (ApplyGradients skips it). Errors (a non-f32 loss, a var that is not a Variable) are
  // recorded in the scope and give an empty list.
  GradsAndVars ComputeGradients(const Scope& s, Output loss, absl::Span<const Output> vars = {},
                                Loc loc = Loc::current()) const;

  // Adds the update of every var with a valid gradient (after optional clipping, see `clipping`), each also
  // depending on the ops in the kUpdateOps collection, then `global_step += 1` after all of them. Returns a
  // NoOp grouping everything: run it as a target to take one step. `global_step` invalid:
  // GetOrCreateGlobalStep. Slot variables are created on the first call for a variable (named "<var>/<slot>",
  // not trainable, with initializers registered) and reused by later calls. Returns nullptr on error
  // (recorded in the scope), including when no var has a gradient.
  Node* ApplyGradients(const Scope& s, const GradsAndVars& grads_and_vars, Output global_step = {},
                       const GradientClippingOptions& clipping = {}, Loc loc = Loc::current());

  // ComputeGradients followed by ApplyGradients (kept as two calls so that gradients can be reduced across
  // workers between them).
  Node* Minimize(const Scope& s, Output loss, const MinimizeOptions& options = {}, Loc loc = Loc::current());

  // The slot variable `slot` ("adam_m", "momentum", ...) this optimizer made for `var`, or an invalid Output.
  Output GetSlot(Output var, const std::string& slot) const;

 protected:
  explicit Optimizer(std::string name) : name_(std::move(name)) {}

  // Values shared by every variable's update in one ApplyGradients call, built once by Prepare.
  struct StepValues {
    Output learning_rate;       // f32 scalar
    Output global_step;         // the i64 step variable, as read before this step's increment
    std::vector<Output> extra;  // optimizer-specific scalars (e.g. Adam's corrected step size)
  };

  // Builds the per-step scalars. The default makes the learning rate only.
  virtual StepValues Prepare(const Scope& s, const LearningRate& lr, Output global_step, Loc loc);
  // The learning rate of the options.
  virtual const LearningRate& learning_rate() const = 0;
  // Adds the update of one variable (f32, shape equal to grad's) and returns the ops that must run for it
  // (the variable's and its slots' assignments).
  virtual std::vector<Output> ApplyDense(const Scope& s, const StepValues& step, Output grad, Output var,
                                         Loc loc) = 0;

  // Returns slot `slot` of `var`, creating it on first use as the non-trainable variable "<var name>/<slot>"
  // filled with `initial_value`.
  Output GetOrCreateSlot(const Scope& s, Output var, const std::string& slot, float initial_value, Loc loc);

 private:
  std::string name_;
  absl::flat_hash_map<std::pair<const Node*, std::string>, Output> slots_;
};

}  // namespace layers

#endif  // LAYERS_OPTIMIZER_H_
