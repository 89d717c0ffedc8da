// A user's model for the estimator toolkit: a small MLP that classifies 2-D points (the columns x and y of
// data.csv). Registered as "my_model", so every subcommand of this program (train, evaluate, predict,
// export) can build it from my_model.yaml:
//   ./build/my_estimator train --config my_model.yaml
#include <cstdint>
#include <utility>
#include <vector>

#include "estimator/model_fn.h"
#include "estimator/model_registry.h"
#include "graph/ops/array_ops.h"
#include "graph/ops/nn_ops.h"
#include "graph/ops/reduction_ops.h"
#include "layers/dense.h"
#include "layers/losses.h"
#include "metrics/registry.h"

namespace {

namespace est = estimator;
namespace ops = graph::ops;
using graph::Output;

// The CSV columns fed to the network, in the order they become the columns of its input matrix.
constexpr const char* kFeatureColumns[] = {"x", "y"};

// params: hidden_units (list of ints, default [8]), num_classes (default 2). The optimizer comes from the
// config's train.optimizer block (params.Minimize). Predictions "class" and "probabilities"; the evaluation
// metric "accuracy".
est::EstimatorSpec MyModel(const est::Features& features, const est::Labels& labels, est::Mode mode,
                           const est::Params& params) {
  const graph::Scope& s = features.scope();
  // Each column arrives as f32 [batch]; stack them side by side into f32 [batch, 2].
  std::vector<Output> columns;
  for (const char* name : kFeatureColumns) columns.push_back(ops::Reshape(s, features[name], {-1, 1}));
  Output x = ops::Concat(s, columns, 1);
  for (int64_t units : params.GetIntList("hidden_units", {8})) {
    x = layers::Dense(s, x, {.units = units, .activation = "relu", .name = "hidden"});
  }
  Output logits = layers::Dense(s, x, {.units = params.GetInt("num_classes", 2), .name = "logits"});

  est::EstimatorSpec spec;
  Output probabilities = ops::Softmax(s, logits);
  spec.predictions["probabilities"] = probabilities;
  spec.predictions["class"] = ops::ArgMax(s, logits, 1);
  if (mode == est::Mode::kPredict) return spec;
  spec.loss = layers::SparseSoftmaxCrossEntropy(s, labels.label(), logits);
  if (mode == est::Mode::kTrain) spec.train_op = params.Minimize(s, spec.loss);
  if (mode == est::Mode::kEval) {
    // "accuracy" is a built-in metric; were it unavailable, evaluation would report the loss alone.
    auto accuracy = metrics::CreateMetricFromParams("accuracy", {});
    if (accuracy.ok()) {
      spec.eval_metrics.push_back({"accuracy", std::move(*accuracy), probabilities, labels.label()});
    }
  }
  return spec;
}

}  // namespace

ESTIMATOR_REGISTER_MODEL("my_model", MyModel);
