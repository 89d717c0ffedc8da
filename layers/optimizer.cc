#include "layers/optimizer.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "graph/autodiff.h"
#include "graph/ops/generator_ops.h"
#include "graph/ops/state_ops.h"

namespace layers {
namespace {

namespace ops = graph::ops;
using graph::DType;
using graph::OpKind;

bool IsVariable(const Output& o) { return o.valid() && o.node->kind() == OpKind::kVariable; }

}  // namespace

absl::Status LearningRate::Validate() const {
  if (!is_schedule_) {
    if (!std::isfinite(value_) || value_ <= 0) {
      return absl::InvalidArgumentError(absl::StrCat("learning_rate must be finite and > 0, got ", value_));
    }
    return absl::OkStatus();
  }
  if (!schedule_.valid()) return absl::InvalidArgumentError("the learning-rate schedule is not a value");
  if (schedule_.dtype() != DType::kFloat32 || schedule_.shape().rank() != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("the learning-rate schedule '", schedule_.name(), "' must be an f32 scalar, got ",
                     graph::DTypeName(schedule_.dtype()), schedule_.shape().ToString()));
  }
  return absl::OkStatus();
}

Output LearningRate::ToOutput(const Scope& s, Loc loc) const {
  if (is_schedule_) return schedule_;
  return ops::Const(s.WithOpName("learning_rate"), value_, loc);
}

GradsAndVars Optimizer::ComputeGradients(const Scope& s, Output loss, absl::Span<const Output> vars,
                                         Loc loc) const {
  if (!s.ok()) return {};
  const std::string op_name = s.prefix() + name_ + "/compute_gradients";
  if (!loss.valid()) {
    s.RecordError(loc, OpKind::kNoOp, op_name, "the loss is not a value");
    return {};
  }
  if (loss.dtype() != DType::kFloat32) {
    s.RecordError(
        loc, OpKind::kNoOp, op_name,
        absl::StrCat("the loss '", loss.name(), "' must be f32, got ", graph::DTypeName(loss.dtype())));
    return {};
  }
  std::vector<Output> xs(vars.begin(), vars.end());
  if (xs.empty()) xs = TrainableVariables(s);
  for (const Output& v : xs) {
    if (!IsVariable(v)) {
      s.RecordError(loc, OpKind::kNoOp, op_name,
                    absl::StrCat("can only differentiate with respect to variables, got ",
                                 v.valid() ? v.node->Describe() : std::string("an invalid output")));
      return {};
    }
  }
  std::vector<Output> grads = graph::Gradients(s, {loss}, xs, {}, loc);
  if (!s.ok()) return {};
  GradsAndVars out;
  out.reserve(xs.size());
  for (size_t i = 0; i < xs.size(); ++i) out.push_back({grads[i], xs[i]});
  return out;
}

Node* Optimizer::ApplyGradients(const Scope& scope, const GradsAndVars& grads_and_vars, Output global_step,
                                const GradientClippingOptions& clipping, Loc loc) {
  if (!scope.ok()) return nullptr;
  const std::string op_name = scope.prefix() + name_;
  if (absl::Status st = Validate(); !st.ok()) {
    scope.RecordError(loc, OpKind::kNoOp, op_name, std::string(st.message()));
    return nullptr;
  }
  bool any_grad = false;
  for (const GradAndVar& gv : grads_and_vars) {
    if (!IsVariable(gv.var)) {
      scope.RecordError(
          loc, OpKind::kNoOp, op_name,
          absl::StrCat("can only update variables, got ",
                       gv.var.valid() ? gv.var.node->Describe() : std::string("an invalid output")));
      return nullptr;
    }
    if (!gv.grad.valid()) continue;
    any_grad = true;
    if (gv.var.dtype() != DType::kFloat32 || gv.grad.dtype() != DType::kFloat32 ||
        !(gv.grad.shape().IsFullyDefined() && gv.grad.shape() == gv.var.shape())) {
      scope.RecordError(loc, OpKind::kNoOp, op_name,
                        absl::StrCat("variable '", gv.var.name(), "' (", graph::DTypeName(gv.var.dtype()),
                                     gv.var.shape().ToString(), ") and its gradient '", gv.grad.name(), "' (",
                                     graph::DTypeName(gv.grad.dtype()), gv.grad.shape().ToString(),
                                     ") must both be f32 with the same shape"));
      return nullptr;
    }
  }
  if (!any_grad) {
    scope.RecordError(loc, OpKind::kNoOp, op_name,
                      absl::StrCat("no gradient for any of the ", grads_and_vars.size(),
                                   " variables: the loss depends on none of them"));
    return nullptr;
  }
  if (!global_step.valid()) global_step = GetOrCreateGlobalStep(scope, loc);
  if (!global_step.valid()) return nullptr;
  if (!IsVariable(global_step) || global_step.dtype() != DType::kInt64 || global_step.shape().rank() != 0) {
    scope.RecordError(
        loc, OpKind::kNoOp, op_name,
        absl::StrCat("global_step must be an i64 scalar variable, got ", global_step.node->Describe()));
    return nullptr;
  }
  const Scope s = scope.NewSubScope(name_);
  const GradsAndVars clipped = ClipGradients(s, grads_and_vars, clipping, loc);
  // Every update also waits for the model's own update ops (batch-norm moving averages).
  const Scope us = s.WithControlDependencies(s.graph()->Collection(kUpdateOps));
  const StepValues step = Prepare(us, learning_rate(), global_step, loc);
  std::vector<Output> updates;
  for (const GradAndVar& gv : clipped) {
    if (!gv.grad.valid()) continue;
    for (const Output& u :
         ApplyDense(us.NewSubScope("update_" + gv.var.node->name()), step, gv.grad, gv.var, loc)) {
      updates.push_back(u);
    }
  }
  if (!s.ok()) return nullptr;
  Output increment = ops::AssignAdd(s.WithControlDependencies(updates).WithOpName("increment_global_step"),
                                    global_step, int64_t{1}, loc);
  updates.push_back(increment);
  return ops::Group(s, updates, "train_op", loc);
}

Node* Optimizer::Minimize(const Scope& s, Output loss, const MinimizeOptions& options, Loc loc) {
  GradsAndVars gv = ComputeGradients(s, loss, options.var_list, loc);
  if (!s.ok()) return nullptr;
  return ApplyGradients(s, gv, options.global_step, options.clipping, loc);
}

Output Optimizer::GetSlot(Output var, const std::string& slot) const {
  auto it = slots_.find(std::make_pair(static_cast<const Node*>(var.node), slot));
  return it == slots_.end() ? Output() : it->second;
}

Optimizer::StepValues Optimizer::Prepare(const Scope& s, const LearningRate& lr, Output global_step,
                                         Loc loc) {
  StepValues v;
  v.learning_rate = lr.ToOutput(s, loc);
  v.global_step = global_step;
  return v;
}

Output Optimizer::GetOrCreateSlot(const Scope& s, Output var, const std::string& slot, float initial_value,
                                  Loc loc) {
  auto key = std::make_pair(static_cast<const Node*>(var.node), slot);
  if (auto it = slots_.find(key); it != slots_.end()) return it->second;
  // Slots live at the root without control dependencies: reading one must not pull in this step's updates.
  const Scope root = s.Root();
  const std::string name = var.node->name() + "/" + slot;
  Output init = ops::Fill(root.NewSubScope(name + "/initial_value"), var.shape(), initial_value, loc);
  Output v = CreateVariable(root, name, init, /*trainable=*/false, loc);
  if (v.valid()) slots_[key] = v;
  return v;
}

}  // namespace layers
