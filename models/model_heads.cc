#include "models/model_heads.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "graph/ops/array_ops.h"
#include "graph/ops/elementwise_ops.h"
#include "graph/ops/nn_ops.h"
#include "graph/ops/reduction_ops.h"
#include "layers/core.h"
#include "layers/losses.h"
#include "metrics/registry.h"

namespace models {
namespace {

namespace ops = graph::ops;
using graph::DType;

// Adds metric `kind` under `name` when it can be created (the registry's kinds are fixed, so this only fails
// on a programming error, which is then recorded in the scope).
void AddMetric(const graph::Scope& s, EstimatorSpec& spec, const std::string& name, const std::string& kind,
               Output predictions, Output labels) {
  absl::StatusOr<std::unique_ptr<metrics::Metric>> m = metrics::CreateMetric(kind);
  if (!m.ok()) {
    s.UpdateStatus(m.status());
    return;
  }
  spec.eval_metrics.push_back({name, std::shared_ptr<metrics::Metric>(*std::move(m)), predictions, labels});
}

}  // namespace

Output ConcatenatedFeatures(const Features& features) {
  const graph::Scope& s = features.scope();
  std::vector<Output> columns;
  for (const auto& [name, t] : features.tensors()) {
    Output x = t;
    if (x.dtype() != DType::kFloat32) x = ops::Cast(s, x, DType::kFloat32);
    if (x.shape().rank() <= 1) {
      x = ops::Reshape(s, x, {-1, 1});
    } else if (x.shape().rank() > 2) {
      x = layers::Flatten(s, x);
    }
    columns.push_back(x);
  }
  if (columns.empty()) {
    s.UpdateStatus(absl::InvalidArgumentError("the model needs at least one feature; the input has none"));
    return {};
  }
  if (columns.size() == 1) return columns[0];
  return ops::Concat(s, columns, 1);
}

EstimatorSpec ClassifierHead(const Features& features, const Labels& labels, Mode mode, const Params& params,
                             Output logits, int64_t n_classes) {
  const graph::Scope& s = features.scope();
  EstimatorSpec spec;
  spec.mode = mode;
  if (!logits.valid()) return spec;
  Output probabilities = ops::Softmax(s, logits);
  spec.predictions["probabilities"] = probabilities;
  spec.predictions["class"] = ops::ArgMax(s, logits, 1);
  if (mode == Mode::kPredict) return spec;
  Output label = labels.label();
  if (!label.valid()) return spec;
  if (label.dtype() != DType::kInt64 && label.dtype() != DType::kInt32) {
    label = ops::Cast(s, label, DType::kInt64);
  }
  if (label.shape().rank() == 2) label = ops::Reshape(s, label, {-1});
  spec.loss = layers::SparseSoftmaxCrossEntropy(s, label, logits);
  if (mode == Mode::kTrain) {
    spec.train_op = params.Minimize(s, spec.loss);
    return spec;
  }
  AddMetric(s, spec, "accuracy", "accuracy", probabilities, label);
  if (n_classes == 2) {
    Output positive = ops::Slice(s, probabilities, {0, 1}, {-1, 1});
    AddMetric(s, spec, "auc", "auc_roc", positive, label);
  }
  return spec;
}

EstimatorSpec RegressionHead(const Features& features, const Labels& labels, Mode mode, const Params& params,
                             Output predictions, int64_t label_dimension) {
  const graph::Scope& s = features.scope();
  EstimatorSpec spec;
  spec.mode = mode;
  if (!predictions.valid()) return spec;
  spec.predictions["predictions"] = predictions;
  if (mode == Mode::kPredict) return spec;
  Output label = labels.label();
  if (!label.valid()) return spec;
  if (label.dtype() != DType::kFloat32) label = ops::Cast(s, label, DType::kFloat32);
  label = ops::Reshape(s, label, {-1, label_dimension});
  spec.loss = layers::MeanSquaredError(s, label, predictions);
  if (mode == Mode::kTrain) {
    spec.train_op = params.Minimize(s, spec.loss);
    return spec;
  }
  AddMetric(s, spec, "mse", "mse", predictions, label);
  AddMetric(s, spec, "mae", "mae", predictions, label);
  AddMetric(s, spec, "r2", "r2", predictions, label);
  return spec;
}

}  // namespace models
