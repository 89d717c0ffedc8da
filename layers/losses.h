// Losses with Keras semantics: a per-example loss, optional sample weights, then a reduction.
#ifndef LAYERS_LOSSES_H_
#define LAYERS_LOSSES_H_

#include <string>

#include "layers/variables.h"

namespace layers {

enum class Reduction {
  kSumOverBatchSize,  // sum of weighted per-example losses / number of per-example losses (Keras' default)
  kSum,               // sum of weighted per-example losses
  kNone,              // the weighted per-example losses themselves ([N])
};

struct LossOptions {
  Reduction reduction = Reduction::kSumOverBatchSize;
  // Optional f32 weights broadcastable to the per-example losses [N] (e.g. [N] or a scalar).
  Output sample_weights = {};
};

// labels i32/i64 [N] in [0, C); logits f32 [N, C]. Stable; an out-of-range label is a run-time error.
Output SparseSoftmaxCrossEntropy(const Scope& s, Output labels, Output logits,
                                 const LossOptions& options = {}, Loc loc = Loc::current());
// labels f32 [N, C] (one-hot or probabilities); logits f32 [N, C]: -sum(labels * log_softmax(logits)).
Output SoftmaxCrossEntropy(const Scope& s, Output labels, Output logits, const LossOptions& options = {},
                           Loc loc = Loc::current());
// labels in [0, 1] and logits, same shape: max(x, 0) - x*z + log(1 + exp(-|x|)), averaged over the last axis
// for rank >= 2 (per-example) like Keras' BinaryCrossentropy(from_logits=True).
Output SigmoidCrossEntropy(const Scope& s, Output labels, Output logits, const LossOptions& options = {},
                           Loc loc = Loc::current());
// (labels - predictions)^2, |labels - predictions|, and Huber with threshold `delta`, each averaged over the
// last axis for rank >= 2.
Output MeanSquaredError(const Scope& s, Output labels, Output predictions, const LossOptions& options = {},
                        Loc loc = Loc::current());
Output MeanAbsoluteError(const Scope& s, Output labels, Output predictions, const LossOptions& options = {},
                         Loc loc = Loc::current());
Output Huber(const Scope& s, Output labels, Output predictions, float delta = 1.0f,
             const LossOptions& options = {}, Loc loc = Loc::current());

}  // namespace layers

#endif  // LAYERS_LOSSES_H_
