// Shared pieces of the built-in models: turning named features into one input matrix, and the heads that
// turn a network's output into an EstimatorSpec (loss, train op, predictions, evaluation metrics).
#ifndef MODELS_MODEL_HEADS_H_
#define MODELS_MODEL_HEADS_H_

#include <cstdint>

#include "estimator/model_fn.h"

namespace models {

using estimator::EstimatorSpec;
using estimator::Features;
using estimator::Labels;
using estimator::Mode;
using estimator::Output;
using estimator::Params;

// Every feature flattened to [batch, n] (a scalar per example becomes [batch, 1]; integer features are cast
// to f32) and concatenated along axis 1, in feature-name order. No features: an error recorded in the scope.
Output ConcatenatedFeatures(const Features& features);

// A classification head over `logits` f32 [batch, n_classes]: predictions "class" (i64 [batch]) and
// "probabilities" (softmax, f32 [batch, n_classes]); in TRAIN and EVAL the sparse softmax cross-entropy
// against the only label (integer class ids; f32 labels are cast), in TRAIN `params.Minimize`, in EVAL the
// metric "accuracy" and, with two classes, "auc" (ROC AUC of the class-1 probability).
EstimatorSpec ClassifierHead(const Features& features, const Labels& labels, Mode mode, const Params& params,
                             Output logits, int64_t n_classes);

// A regression head over `predictions` f32 [batch, label_dimension]: prediction "predictions"; the label is
// reshaped to [batch, label_dimension] (and cast to f32); the loss is the mean squared error; EVAL metrics
// "mse", "mae" and "r2".
EstimatorSpec RegressionHead(const Features& features, const Labels& labels, Mode mode, const Params& params,
                             Output predictions, int64_t label_dimension);

}  // namespace models

#endif  // MODELS_MODEL_HEADS_H_
