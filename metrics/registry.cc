#include "metrics/registry.h"

#include "metrics/param_reader.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace metrics {
namespace {

absl::Status Invalid(std::string_view kind, const std::string& message) {
  return absl::InvalidArgumentError(absl::StrCat("metric kind '", std::string(kind), "': ", message));
}

template <typename Options>
absl::StatusOr<Options> Get(std::string_view kind, const MetricOptions& options) {
  if (std::holds_alternative<std::monostate>(options)) return Options{};
  if (const Options* o = std::get_if<Options>(&options)) return *o;
  return Invalid(kind, "options are of the wrong type for this kind");
}

template <typename M, typename Options>
absl::StatusOr<std::unique_ptr<Metric>> Make(std::string_view kind, const Options& o) {
  if (absl::Status s = o.Validate(); !s.ok()) return Invalid(kind, std::string(s.message()));
  return std::unique_ptr<Metric>(std::make_unique<M>(o));
}

const std::vector<std::string>& Kinds() {
  static const std::vector<std::string>* kinds = new std::vector<std::string>{"accuracy",
                                                                              "auc",
                                                                              "auc_pr",
                                                                              "auc_roc",
                                                                              "binary_accuracy",
                                                                              "categorical_accuracy",
                                                                              "confusion_matrix",
                                                                              "f1",
                                                                              "fbeta",
                                                                              "log_loss",
                                                                              "mae",
                                                                              "mean",
                                                                              "mean_iou",
                                                                              "mean_per_class_accuracy",
                                                                              "mse",
                                                                              "precision",
                                                                              "r2",
                                                                              "recall",
                                                                              "rmse",
                                                                              "sparse_categorical_accuracy",
                                                                              "sum",
                                                                              "top_k_accuracy"};
  return *kinds;
}

bool StartsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

}  // namespace

std::vector<std::string> MetricKinds() { return Kinds(); }

absl::StatusOr<std::unique_ptr<Metric>> CreateMetric(std::string_view kind, const MetricOptions& options) {
  if (kind == "mean" || kind == "sum") {
    absl::StatusOr<ReductionOptions> o = Get<ReductionOptions>(kind, options);
    if (!o.ok()) return o.status();
    if (kind == "mean") return Make<Mean>(kind, *o);
    return Make<Sum>(kind, *o);
  }
  if (kind == "accuracy" || kind == "binary_accuracy" || kind == "categorical_accuracy" ||
      kind == "sparse_categorical_accuracy") {
    absl::StatusOr<AccuracyOptions> o = Get<AccuracyOptions>(kind, options);
    if (!o.ok()) return o.status();
    if (kind != "accuracy") {
      const AccuracyMode mode = kind == "binary_accuracy"        ? AccuracyMode::kBinary
                                : kind == "categorical_accuracy" ? AccuracyMode::kCategorical
                                                                 : AccuracyMode::kSparseCategorical;
      if (o->mode != AccuracyMode::kAuto && o->mode != mode)
        return Invalid(kind, "options ask for another mode");
      o->mode = mode;
      if (o->name.empty()) o->name = std::string(kind);
    }
    return Make<Accuracy>(kind, *o);
  }
  if (kind == "top_k_accuracy") {
    absl::StatusOr<TopKAccuracyOptions> o = Get<TopKAccuracyOptions>(kind, options);
    if (!o.ok()) return o.status();
    return Make<TopKAccuracy>(kind, *o);
  }
  if (kind == "precision" || kind == "recall" || kind == "f1" || kind == "fbeta") {
    absl::StatusOr<PrecisionRecallOptions> o = Get<PrecisionRecallOptions>(kind, options);
    if (!o.ok()) return o.status();
    if (kind == "precision") return Make<Precision>(kind, *o);
    if (kind == "recall") return Make<Recall>(kind, *o);
    if (kind == "f1" && o->beta != 1.0) return Invalid(kind, "f1 needs beta == 1 (use fbeta)");
    if (kind == "fbeta" && o->beta == 1.0) return Invalid(kind, "fbeta with beta == 1 is f1; use kind f1");
    return Make<FBetaScore>(kind, *o);
  }
  if (StartsWith(kind, "auc")) {
    if (kind != "auc" && kind != "auc_roc" && kind != "auc_pr") {
      return Invalid(kind, absl::StrCat("unknown metric kind; known kinds: ", absl::StrJoin(Kinds(), ", ")));
    }
    absl::StatusOr<AucOptions> o = Get<AucOptions>(kind, options);
    if (!o.ok()) return o.status();
    if (kind == "auc_roc") o->curve = AucCurve::kRoc;
    if (kind == "auc_pr") o->curve = AucCurve::kPr;
    return Make<Auc>(kind, *o);
  }
  if (kind == "log_loss") {
    absl::StatusOr<LogLossOptions> o = Get<LogLossOptions>(kind, options);
    if (!o.ok()) return o.status();
    return Make<LogLoss>(kind, *o);
  }
  if (kind == "mse" || kind == "rmse" || kind == "mae" || kind == "r2") {
    absl::StatusOr<RegressionOptions> o = Get<RegressionOptions>(kind, options);
    if (!o.ok()) return o.status();
    if (kind == "mse") return Make<MeanSquaredError>(kind, *o);
    if (kind == "rmse") return Make<RootMeanSquaredError>(kind, *o);
    if (kind == "mae") return Make<MeanAbsoluteError>(kind, *o);
    return Make<R2Score>(kind, *o);
  }
  if (kind == "confusion_matrix") {
    absl::StatusOr<ConfusionMatrixOptions> o = Get<ConfusionMatrixOptions>(kind, options);
    if (!o.ok()) return o.status();
    return Make<ConfusionMatrix>(kind, *o);
  }
  if (kind == "mean_iou") {
    absl::StatusOr<MeanIoUOptions> o = Get<MeanIoUOptions>(kind, options);
    if (!o.ok()) return o.status();
    return Make<MeanIoU>(kind, *o);
  }
  if (kind == "mean_per_class_accuracy") {
    absl::StatusOr<MeanPerClassAccuracyOptions> o = Get<MeanPerClassAccuracyOptions>(kind, options);
    if (!o.ok()) return o.status();
    return Make<MeanPerClassAccuracy>(kind, *o);
  }
  return Invalid(kind, absl::StrCat("unknown metric kind; known kinds: ", absl::StrJoin(Kinds(), ", ")));
}

absl::StatusOr<std::unique_ptr<Metric>> CreateMetricFromParams(
    std::string_view kind, const std::vector<std::pair<std::string, std::string>>& params) {
  if (std::find(Kinds().begin(), Kinds().end(), std::string(kind)) == Kinds().end()) {
    return Invalid(kind, absl::StrCat("unknown metric kind; known kinds: ", absl::StrJoin(Kinds(), ", ")));
  }
  ParamReader r(absl::StrCat("metric kind '", std::string(kind), "'"), params);
  MetricOptions options;
  if (kind == "mean" || kind == "sum") {
    ReductionOptions o;
    r.String("name", &o.name);
    options = o;
  } else if (kind == "accuracy" || StartsWith(kind, "binary_acc") || StartsWith(kind, "categorical_acc") ||
             StartsWith(kind, "sparse_categorical_acc")) {
    AccuracyOptions o;
    r.String("name", &o.name);
    if (kind == "accuracy") {
      r.Enum<AccuracyMode>("mode",
                           {{"auto", AccuracyMode::kAuto},
                            {"sparse_categorical", AccuracyMode::kSparseCategorical},
                            {"categorical", AccuracyMode::kCategorical},
                            {"binary", AccuracyMode::kBinary}},
                           &o.mode);
    }
    r.Double("threshold", &o.threshold);
    options = o;
  } else if (kind == "top_k_accuracy") {
    TopKAccuracyOptions o;
    r.String("name", &o.name);
    r.Int("k", &o.k);
    options = o;
  } else if (kind == "precision" || kind == "recall" || kind == "f1" || kind == "fbeta") {
    PrecisionRecallOptions o;
    r.String("name", &o.name);
    r.Int("num_classes", &o.num_classes);
    r.Enum<Average>("average",
                    {{"binary", Average::kBinary},
                     {"micro", Average::kMicro},
                     {"macro", Average::kMacro},
                     {"weighted", Average::kWeighted}},
                    &o.average);
    r.Int("pos_label", &o.pos_label);
    r.Double("threshold", &o.threshold);
    r.Double("zero_division", &o.zero_division);
    r.Bool("include_absent_classes", &o.include_absent_classes);
    if (kind == "fbeta") r.Double("beta", &o.beta);
    options = o;
  } else if (StartsWith(kind, "auc")) {
    AucOptions o;
    r.String("name", &o.name);
    if (kind == "auc") r.Enum<AucCurve>("curve", {{"roc", AucCurve::kRoc}, {"pr", AucCurve::kPr}}, &o.curve);
    r.Int("num_thresholds", &o.num_thresholds);
    r.Bool("from_logits", &o.from_logits);
    r.Enum<AucAverage>(
        "average",
        {{"macro", AucAverage::kMacro}, {"micro", AucAverage::kMicro}, {"weighted", AucAverage::kWeighted}},
        &o.average);
    options = o;
  } else if (kind == "log_loss") {
    LogLossOptions o;
    r.String("name", &o.name);
    r.Bool("from_logits", &o.from_logits);
    r.Double("epsilon", &o.epsilon);
    options = o;
  } else if (kind == "mse" || kind == "rmse" || kind == "mae" || kind == "r2") {
    RegressionOptions o;
    r.String("name", &o.name);
    options = o;
  } else if (kind == "confusion_matrix") {
    ConfusionMatrixOptions o;
    r.String("name", &o.name);
    r.Int("num_classes", &o.num_classes);
    r.Double("threshold", &o.threshold);
    r.Enum<ConfusionNormalize>("normalize",
                               {{"none", ConfusionNormalize::kNone},
                                {"true", ConfusionNormalize::kTrue},
                                {"pred", ConfusionNormalize::kPred},
                                {"all", ConfusionNormalize::kAll}},
                               &o.normalize);
    options = o;
  } else if (kind == "mean_iou") {
    MeanIoUOptions o;
    r.String("name", &o.name);
    r.Int("num_classes", &o.num_classes);
    r.Double("threshold", &o.threshold);
    options = o;
  } else if (kind == "mean_per_class_accuracy") {
    MeanPerClassAccuracyOptions o;
    r.String("name", &o.name);
    r.Int("num_classes", &o.num_classes);
    r.Double("threshold", &o.threshold);
    options = o;
  }
  if (absl::Status s = r.Finish(); !s.ok()) return s;
  return CreateMetric(kind, options);
}

}  // namespace metrics
