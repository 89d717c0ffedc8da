// AUC: area under the ROC curve (scikit-learn's roc_auc_score) or the precision-recall curve as average
// precision (scikit-learn's average_precision_score), for binary labels.
#ifndef METRICS_AUC_H_
#define METRICS_AUC_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "metrics/curve.h"
#include "metrics/metric.h"

namespace metrics {

// How per-column areas of multi-label / one-vs-rest input combine (scikit-learn's `average`).
enum class AucAverage {
  kMacro,     // unweighted mean of the per-column areas (columns whose area is undefined are skipped)
  kMicro,     // one curve over every (example, column) pair
  kWeighted,  // mean weighted by each column's summed positive weight
};

struct AucOptions {
  // Display name; empty means "auc_roc" / "auc_pr" by curve.
  std::string name = "";
  AucCurve curve = AucCurve::kRoc;
  // 0 (default): exact — every (score, label[, weight]) is kept (5 bytes per score, 13 with sample weights;
  // Result() needs 16 more per score while it sorts) and the curve is computed over all distinct scores,
  // exactly as scikit-learn does. >= 3: a fixed-memory approximation for unbounded streams — scores are
  // bucketed by num_thresholds evenly spaced thresholds in [0, 1] (the first at -1e-7, the last at 1 + 1e-7,
  // as Keras' AUC places them) and the same formulas run on the buckets. Scores must then be probabilities in
  // [0, 1] (or logits with from_logits); other scores are errors.
  int num_thresholds = 0;
  // Thresholded mode: the scores are logits; a sigmoid maps them to [0, 1] before bucketing. Exact mode only
  // ranks scores, so the option has no effect there (ranking logits and probabilities is the same).
  bool from_logits = false;
  // Multi-label [N,K] or one-vs-rest [N,C] input only.
  AucAverage average = AucAverage::kMacro;
  absl::Status Validate() const;
};

// Update forms (scores are f32/bf16 and finite; higher means more positive; optional weights [N]):
//   binary:      predictions [N] or [N,1]; labels [N] / [N,1] 0/1 (bool, i32, i64 or f32).
//   multi-label: predictions [N,K]; labels [N,K] 0/1 — one curve per column, combined by `average`
//                (scikit-learn's roc_auc_score / average_precision_score on a label-indicator matrix).
//   one-vs-rest: predictions [N,C]; labels [N] / [N,1] class ids in [0,C) — the same on the one-hot labels
//                (roc_auc_score(multi_class="ovr")).
// The column count is fixed by the first batch.
// Result value:
//   kRoc: trapezoidal area under (FPR, TPR) over the distinct score thresholds, ties between scores forming
//   one
//     step (sklearn's roc_auc_score). NaN when the summed weight of positives or of negatives is 0
//     (scikit-learn raises "Only one class present in y_true").
//   kPr: AP = sum_n (R_n - R_{n-1}) P_n over the distinct thresholds in decreasing order, R_0 = 0 (sklearn's
//     average_precision_score, no interpolation). 0 when there are no positive labels (scikit-learn sets
//     recall to 1 then, giving 0); NaN when nothing was seen.
// Multi-column: kMacro skips columns whose area is NaN (scikit-learn raises there), NaN if all are; kWeighted
// gives columns with no positive weight weight 0, and 0 if no column has any (as scikit-learn). Arrays:
// "per_class" [K] (per-column areas, NaN where undefined) for multi-column input. Examples with weight 0 are
// ignored.
class Auc : public Metric {
 public:
  explicit Auc(const AucOptions& options = {});

  std::string Config() const override;
  absl::Status Update(const graph::Tensor& predictions, const graph::Tensor& labels,
                      const graph::Tensor& sample_weights = graph::Tensor()) override;
  MetricResult Result() const override;
  void Reset() override;

  // Number of (example, column) scores kept (exact mode).
  int64_t num_stored() const;

 protected:
  absl::Status MergeFrom(const Metric& other) override;
  void EncodeState(StateWriter* writer) const override;
  absl::Status DecodeState(StateReader* reader) override;

 private:
  // The scores of one curve.
  struct Column {
    // Exact mode.
    std::vector<float> scores;
    std::vector<uint8_t> labels;
    std::vector<double> weights;  // empty unless weighted_
    // Thresholded mode: summed weights of positives / negatives per bucket.
    std::vector<double> pos, neg;
    double positive_weight = 0.0;  // kWeighted
  };

  bool exact() const { return options_.num_thresholds == 0; }
  // Bucket of a score in thresholded mode, in [0, num_thresholds]: how many thresholds lie strictly below it.
  int64_t Bucket(float score) const;
  // Turns on per-example weights, filling 1 for what is stored.
  void MakeWeighted();
  double Area(const Column& column) const;
  Column NewColumn() const;

  AucOptions options_;
  int64_t num_columns_ = 0;      // K (1 for binary input); 0 before the first batch
  bool weighted_ = false;        // false while every weight has been 1
  std::vector<Column> columns_;  // K columns, or one for kMicro
};

}  // namespace metrics

#endif  // METRICS_AUC_H_
