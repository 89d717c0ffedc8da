#include "models/canned.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "layers/core.h"
#include "layers/dense.h"
#include "models/model_heads.h"

namespace models {
namespace {

// The integer param `key` (default `dflt`); a value below `min` is recorded as an error in the scope and
// replaced by `dflt` so that building can go on.
int64_t CheckedInt(const graph::Scope& s, const estimator::Params& params, const std::string& key,
                   int64_t dflt, int64_t min) {
  const int64_t v = params.GetInt(key, dflt);
  if (v >= min) return v;
  s.UpdateStatus(
      absl::InvalidArgumentError(absl::StrCat("model param '", key, "' must be >= ", min, ", got ", v)));
  return dflt;
}

}  // namespace

estimator::EstimatorSpec DnnClassifier(const estimator::Features& features, const estimator::Labels& labels,
                                       estimator::Mode mode, const estimator::Params& params) {
  const graph::Scope& s = features.scope();
  const int64_t n_classes = CheckedInt(s, params, "n_classes", 2, 2);
  const std::string activation = params.GetString("activation", "relu");
  const double dropout = params.GetFloat("dropout", 0.0);
  if (dropout < 0 || dropout >= 1) {
    s.UpdateStatus(
        absl::InvalidArgumentError(absl::StrCat("model param 'dropout' must be in [0, 1), got ", dropout)));
  }
  Output x = ConcatenatedFeatures(features);
  for (int64_t units : params.GetIntList("hidden_units", {64, 32})) {
    x = layers::Dense(s, x, {.units = units, .activation = activation});
    if (dropout > 0 && dropout < 1) {
      x = layers::Dropout(s, x, mode == estimator::Mode::kTrain, {.rate = static_cast<float>(dropout)});
    }
  }
  Output logits = layers::Dense(s, x, {.units = n_classes, .name = "logits"});
  return ClassifierHead(features, labels, mode, params, logits, n_classes);
}

estimator::EstimatorSpec LinearClassifier(const estimator::Features& features,
                                          const estimator::Labels& labels, estimator::Mode mode,
                                          const estimator::Params& params) {
  const graph::Scope& s = features.scope();
  const int64_t n_classes = CheckedInt(s, params, "n_classes", 2, 2);
  Output logits = layers::Dense(s, ConcatenatedFeatures(features), {.units = n_classes, .name = "linear"});
  return ClassifierHead(features, labels, mode, params, logits, n_classes);
}

estimator::EstimatorSpec LinearRegressor(const estimator::Features& features, const estimator::Labels& labels,
                                         estimator::Mode mode, const estimator::Params& params) {
  const graph::Scope& s = features.scope();
  const int64_t dim = CheckedInt(s, params, "label_dimension", 1, 1);
  Output predictions = layers::Dense(s, ConcatenatedFeatures(features), {.units = dim, .name = "linear"});
  return RegressionHead(features, labels, mode, params, predictions, dim);
}

}  // namespace models
