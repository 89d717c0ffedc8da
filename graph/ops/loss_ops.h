// Fused loss kernels.
#ifndef GRAPH_OPS_LOSS_OPS_H_
#define GRAPH_OPS_LOSS_OPS_H_

#include "graph/scope.h"

namespace graph::ops {

// Per-example -log softmax(logits)[label] for logits f32 [N, C] and labels i32/i64 [N], computed stably in
// one pass (max-shifted log-sum-exp); its gradient (softmax - one_hot) is produced in the same pass. A label
// outside [0, C) is a run-time error naming the label and its row. Returns [N].
Output SparseSoftmaxCrossEntropy(const Scope& s, Output labels, Output logits, Loc loc = Loc::current());

}  // namespace graph::ops

#endif  // GRAPH_OPS_LOSS_OPS_H_
