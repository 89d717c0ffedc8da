// Batch normalization over the last (channel) dim, backed by oneDNN.
#ifndef GRAPH_OPS_BATCH_NORM_OPS_H_
#define GRAPH_OPS_BATCH_NORM_OPS_H_

#include "graph/scope.h"

namespace graph::ops {

struct BatchNormOutputs {
  Output y;
  Output batch_mean;      // [C]; in training mode the statistics of this batch, else `mean` passed through
  Output batch_variance;  // [C]; biased (divided by the element count), as oneDNN and Keras compute it
};

// y = gamma * (x - mean) / sqrt(var + epsilon) + beta over every dim but the last (x [N,C] or [N,H,W,C]).
// training: mean/var are the batch statistics (the given `mean`/`variance` are ignored); otherwise the given
// (moving) statistics are used. Moving-average updates are the caller's (layers add the Assign ops).
// gamma, beta, mean, variance: [C] f32. Training on a batch with no rows fails when the graph is compiled.
// Gradients reach x, gamma and beta (oneDNN backward); in inference also mean and variance, while in training
// the given mean and variance are unused and get none. Gradients reaching batch_mean / batch_variance are
// propagated too (to x in training, to mean / variance in inference).
BatchNormOutputs BatchNorm(const Scope& s, Output x, Output gamma, Output beta, Output mean, Output variance,
                           bool training, float epsilon = 1e-3f, Loc loc = Loc::current());

}  // namespace graph::ops

#endif  // GRAPH_OPS_BATCH_NORM_OPS_H_
