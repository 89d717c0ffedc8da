// Gradient clipping on (gradient, variable) lists, as graph ops: by value and by global norm.
#ifndef LAYERS_GRADIENT_CLIPPING_H_
#define LAYERS_GRADIENT_CLIPPING_H_

#include <vector>

#include "absl/status/status.h"
#include "absl/types/span.h"
#include "graph/scope.h"

namespace layers {

using graph::Loc;
using graph::Output;
using graph::Scope;

// A variable and the gradient of the loss with respect to it. `grad` is invalid when the loss does not depend
// on `var`; such pairs pass through clipping unchanged and are skipped by Optimizer::ApplyGradients.
struct GradAndVar {
  Output grad = {};
  Output var = {};
};
using GradsAndVars = std::vector<GradAndVar>;

// Clipping applied by Optimizer::ApplyGradients before the updates; 0 disables each kind. When both are set,
// values are clipped first, then the global norm.
struct GradientClippingOptions {
  // > 0: every gradient element is clipped to [-clip_value, clip_value].
  float clip_value = 0;
  // > 0: all gradients are scaled together so that their global norm is at most clip_global_norm.
  float clip_global_norm = 0;
  // Both must be finite and >= 0.
  absl::Status Validate() const;
};

// Each valid gradient clipped elementwise to [-clip_value, clip_value] (Minimum then Maximum). `clip_value`
// must be finite and > 0 (else the error is recorded in the scope and the input is returned unchanged).
GradsAndVars ClipByValue(const Scope& s, const GradsAndVars& grads_and_vars, float clip_value,
                         Loc loc = Loc::current());

// sqrt(sum over tensors of sum(t^2)) as an f32 scalar; invalid tensors are ignored. An invalid Output when
// none is valid. Tensors must be f32 (else an error is recorded).
Output GlobalNorm(const Scope& s, absl::Span<const Output> tensors, Loc loc = Loc::current());

// TensorFlow's clip_by_global_norm: every valid gradient times clip_norm / max(global_norm, clip_norm), so
// they are unchanged when the global norm is at most clip_norm and keep their directions otherwise.
// `clip_norm` must be finite and > 0. If `global_norm` is given it receives the norm before clipping.
GradsAndVars ClipByGlobalNorm(const Scope& s, const GradsAndVars& grads_and_vars, float clip_norm,
                              Output* global_norm = nullptr, Loc loc = Loc::current());

// Applies `options` (value clipping, then global-norm clipping) under a "clip_gradients" sub-scope; returns
// the input unchanged when both are 0. Invalid options are recorded in the scope.
GradsAndVars ClipGradients(const Scope& s, const GradsAndVars& grads_and_vars,
                           const GradientClippingOptions& options, Loc loc = Loc::current());

}  // namespace layers

#endif  // LAYERS_GRADIENT_CLIPPING_H_
