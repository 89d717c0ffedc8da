// Creating metrics by kind name, for configuration files: CreateMetric("accuracy", AccuracyOptions{...}) or
// CreateMetricFromParams("precision", {{"average", "macro"}, {"num_classes", "10"}}).
#ifndef METRICS_REGISTRY_H_
#define METRICS_REGISTRY_H_

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"
#include "metrics/accuracy.h"
#include "metrics/auc.h"
#include "metrics/confusion.h"
#include "metrics/log_loss.h"
#include "metrics/metric.h"
#include "metrics/precision_recall.h"
#include "metrics/reduction.h"
#include "metrics/regression.h"

namespace metrics {

// The options of any metric; std::monostate means "the defaults of that kind".
using MetricOptions = std::variant<std::monostate, ReductionOptions, AccuracyOptions, TopKAccuracyOptions,
                                   PrecisionRecallOptions, AucOptions, LogLossOptions, RegressionOptions,
                                   ConfusionMatrixOptions, MeanIoUOptions, MeanPerClassAccuracyOptions>;

// Every kind CreateMetric accepts, sorted:
//   mean, sum (ReductionOptions); accuracy, binary_accuracy, categorical_accuracy,
//   sparse_categorical_accuracy (AccuracyOptions; the last three fix the mode); top_k_accuracy
//   (TopKAccuracyOptions); precision, recall, f1, fbeta (PrecisionRecallOptions; f1 needs beta == 1); auc
//   (AucOptions, curve as given), auc_roc, auc_pr (curve fixed); log_loss (LogLossOptions); mse, rmse, mae,
//   r2 (RegressionOptions); confusion_matrix, mean_iou, mean_per_class_accuracy (their own options).
std::vector<std::string> MetricKinds();

// A new metric of `kind` with `options` (which must be the options type of that kind, or monostate).
// Errors (InvalidArgument): unknown kind (the message lists the known ones), options of another type,
// options that fail Validate(). Thread-safe.
absl::StatusOr<std::unique_ptr<Metric>> CreateMetric(std::string_view kind,
                                                     const MetricOptions& options = {});

// Same, with options given as (key, value) strings as they appear in a config file. Keys are the option
// fields' names (e.g. "num_classes", "average": binary|micro|macro|weighted, "zero_division": 0|1|nan,
// "curve": roc|pr, auc's "average": macro|micro|weighted, "mode": auto|sparse_categorical|categorical|binary,
// "normalize": none|true|pred|all, booleans true|false). Unknown keys, duplicate keys and unparsable values
// are errors naming the key.
absl::StatusOr<std::unique_ptr<Metric>> CreateMetricFromParams(
    std::string_view kind, const std::vector<std::pair<std::string, std::string>>& params);

}  // namespace metrics

#endif  // METRICS_REGISTRY_H_
