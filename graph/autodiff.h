// Symbolic reverse-mode differentiation: adds the gradient computation to the same graph.
#ifndef GRAPH_AUTODIFF_H_
#define GRAPH_AUTODIFF_H_

#include <vector>

#include "absl/types/span.h"
#include "graph/scope.h"

namespace graph {

// Returns, for each x in `xs`, the gradient of sum_i <ys[i], grad_ys[i]> with respect to x (grad_ys defaults
// to ones, so a scalar loss gives dloss/dx). Gradient nodes are added under "<prefix>gradients/". Only f32
// and bf16 values carry gradients; integer and bool edges, and ops marked not differentiable (comparisons,
// argmax, one_hot, random numbers), stop them silently. An x that no y depends on gets an invalid Output
// (like TensorFlow's None). Asking for a gradient through an op that has none records an error naming that
// op.
std::vector<Output> Gradients(const Scope& s, absl::Span<const Output> ys, absl::Span<const Output> xs,
                              absl::Span<const Output> grad_ys = {}, Loc loc = Loc::current());

// Sum of the given outputs (all valid, same dtype; broadcasting Add), or an invalid Output for an empty list.
Output AddAll(const Scope& s, absl::Span<const Output> terms, Loc loc = Loc::current());

}  // namespace graph

#endif  // GRAPH_AUTODIFF_H_
