// Precision, Recall and F-beta (F1) for single-label classification, as scikit-learn's
// precision_recall_fscore_support defines them (binary, micro, macro and weighted averaging).
#ifndef METRICS_PRECISION_RECALL_H_
#define METRICS_PRECISION_RECALL_H_

#include <limits>
#include <string>

#include "absl/status/status.h"
#include "metrics/confusion.h"

namespace metrics {

enum class Average {
  kBinary,    // the score of class `pos_label` only; needs num_classes == 2
  kMicro,     // from tp, fp, fn summed over the classes
  kMacro,     // unweighted mean of the per-class scores
  kWeighted,  // per-class scores weighted by their support (summed weight of the class's labels)
};

struct PrecisionRecallOptions {
  // Display name; empty means the kind ("precision", "recall", "f1" or "fbeta").
  std::string name = "";
  int num_classes = 2;  // in [2, kMaxConfusionClasses]
  Average average = Average::kBinary;
  int pos_label = 1;  // kBinary: the positive class, 0 or 1
  // Binary scores [N] / [N,1] (num_classes == 2): class 1 iff score > threshold. Must be finite.
  double threshold = 0.5;
  // The value of an ill-defined ratio (no predicted positives for precision, no true positives' support for
  // recall): 0, 1 or NaN, like scikit-learn's zero_division (its default "warn" behaves as 0). With NaN the
  // macro / weighted averages skip NaN classes (NaN if all are), as scikit-learn >= 1.3 does.
  double zero_division = 0.0;
  // kMacro / kWeighted: average over all num_classes classes (scikit-learn's labels=range(num_classes))
  // instead of only the classes that occurred as a label or a prediction (its default labels=None).
  bool include_absent_classes = false;
  // F-beta only: > 0 (1 gives F1).
  double beta = 1.0;
  absl::Status Validate() const;
};

// Per class c (weighted counts): tp_c, pred_c = tp_c + fp_c, true_c = tp_c + fn_c;
//   precision_c = tp_c / pred_c, recall_c = tp_c / true_c (zero_division when the denominator is 0);
//   F_c = (1 + b^2) P_c R_c / (b^2 P_c + R_c), 0 when that denominator is 0 (scikit-learn 1.2; for
//   zero_division 0 or 1 this equals the count form (1+b^2) tp / ((1+b^2) tp + b^2 fn + fp) of newer
//   versions; with zero_division NaN the count form is used, NaN when tp + fp + fn = 0).
// Micro: the same formulas on the sums over the considered classes. Result value: the averaged score.
// Arrays: "per_class" [C] (scores of every class, as labels=range(C) gives) and "support" [C] (true_c).
// Accepted inputs: see ConfusionMetric.
class PrecisionRecallMetric : public ConfusionMetric {
 public:
  enum class Score { kPrecision, kRecall, kFBeta };
  PrecisionRecallMetric(Score score, const PrecisionRecallOptions& options);

  std::string Config() const override;
  MetricResult Result() const override;

 protected:
  absl::Status ValidateOptions() const override { return options_.Validate(); }

 private:
  // Score of one class (or of micro sums) from weighted counts.
  double ScoreOf(double tp, double pred, double truth) const;

  Score score_;
  PrecisionRecallOptions options_;
};

class Precision : public PrecisionRecallMetric {
 public:
  explicit Precision(const PrecisionRecallOptions& options = {})
      : PrecisionRecallMetric(Score::kPrecision, options) {}
};

class Recall : public PrecisionRecallMetric {
 public:
  explicit Recall(const PrecisionRecallOptions& options = {})
      : PrecisionRecallMetric(Score::kRecall, options) {}
};

// Kind "f1" when beta == 1, else "fbeta".
class FBetaScore : public PrecisionRecallMetric {
 public:
  explicit FBetaScore(const PrecisionRecallOptions& options = {})
      : PrecisionRecallMetric(Score::kFBeta, options) {}
};

}  // namespace metrics

#endif  // METRICS_PRECISION_RECALL_H_
