// AUC: area under the ROC curve (scikit-learn's roc_auc_score) or the precision-recall curve as average
// precision (scikit-learn's average_precision_score), for binary labels.
#ifndef METRICS_AUC_H_
#define METRICS_AUC_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "metrics/metric.h"

namespace metrics {

enum class AucCurve { kRoc, kPr };

struct AucOptions {
  // Display name; empty means "auc_roc" / "auc_pr" by curve.
  std::string name;
  AucCurve curve = AucCurve::kRoc;
  // 0 (default): exact — every (score, label, weight) is kept (16 bytes per example) and the curve is computed
  // over all distinct scores, exactly as scikit-learn does. >= 3: a fixed-memory approximation for unbounded
  // streams — scores are bucketed by num_thresholds evenly spaced thresholds in [0, 1] (the first at -1e-7, the
  // last at 1 + 1e-7, as Keras' AUC places them) and the same formulas run on the buckets. Scores should then be
  // probabilities (or logits with from_logits).
  int num_thresholds = 0;
  // Thresholded mode: the scores are logits; a sigmoid maps them to [0, 1] before bucketing. Exact mode only
  // ranks scores, so the option has no effect there (ranking logits and probabilities is the same).
  bool from_logits = false;
  absl::Status Validate() const;
};

// Update: predictions f32/bf16 [N] or [N,1] scores (finite; higher means more positive); labels [N] / [N,1]
// 0/1 (bool, i32, i64 or f32); optional weights [N].
// Result value:
//   kRoc: trapezoidal area under (FPR, TPR) over the distinct score thresholds, ties between scores forming one
//     step (sklearn's roc_auc_score). NaN when the summed weight of positives or of negatives is 0 (scikit-learn
//     raises "Only one class present in y_true").
//   kPr: AP = sum_n (R_n - R_{n-1}) P_n over the distinct thresholds in decreasing order, R_0 = 0 (sklearn's
//     average_precision_score, no interpolation). 0 when there are no positive labels (scikit-learn sets recall
//     to 1 then, giving 0); NaN when nothing was seen.
// Arrays: none. Examples with weight 0 are ignored.
class Auc : public Metric {
 public:
  explicit Auc(const AucOptions& options = {});

  std::string Config() const override;
  absl::Status Update(const graph::Tensor& predictions, const graph::Tensor& labels,
                      const graph::Tensor& sample_weights = graph::Tensor()) override;
  MetricResult Result() const override;
  void Reset() override;

  // Number of examples kept (exact mode).
  int64_t num_stored() const { return static_cast<int64_t>(scores_.size()); }

 protected:
  absl::Status MergeFrom(const Metric& other) override;
  void EncodeState(StateWriter* writer) const override;
  absl::Status DecodeState(StateReader* reader) override;

 private:
  bool exact() const { return options_.num_thresholds == 0; }
  // Bucket of a score in thresholded mode, in [0, num_thresholds]: how many thresholds lie strictly below it.
  int64_t Bucket(float score) const;

  AucOptions options_;
  // Exact mode.
  std::vector<float> scores_;
  std::vector<uint8_t> labels_;
  std::vector<double> weights_;  // empty while every weight has been 1
  // Thresholded mode: summed weights of positives / negatives per bucket.
  std::vector<double> pos_;
  std::vector<double> neg_;
};

}  // namespace metrics

#endif  // METRICS_AUC_H_
