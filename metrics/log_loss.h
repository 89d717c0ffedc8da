// LogLoss: mean cross-entropy of labels under predicted probabilities (or logits), as scikit-learn's log_loss
// defines it.
#ifndef METRICS_LOG_LOSS_H_
#define METRICS_LOG_LOSS_H_

#include <string>

#include "absl/status/status.h"
#include "metrics/metric.h"

namespace metrics {

struct LogLossOptions {
  // Display name; empty means "log_loss".
  std::string name = "";
  // Predictions are logits (sigmoid for [N] / [N,1], softmax for [N,C]) instead of probabilities.
  bool from_logits = false;
  // Probabilities are clipped to [epsilon, 1 - epsilon] and each row renormalised to sum 1 before the log, as
  // scikit-learn does. The default is float32's machine epsilon, which is what scikit-learn's eps="auto" uses
  // for float32 predictions (f32 tensors). Must be in [0, 0.5). Logits need no clipping: their loss is
  // computed exactly (log-sum-exp), so `epsilon` is unused then.
  double epsilon = 1.1920928955078125e-07;
  absl::Status Validate() const;
};

// Update forms:
//   binary:      predictions [N] or [N,1] — P(class 1) in [0, 1] (or a logit); labels [N] / [N,1] 0/1.
//   categorical: predictions [N,C] (C >= 2) probabilities in [0, 1] (or logits); labels [N] / [N,1] class ids
//   in
//                [0, C), or [N,C] one-hot / soft rows (finite, >= 0).
//   Probabilities outside [0, 1] are errors (did you mean from_logits?).
// Per example: -sum_c y_c log(q_c) with q the clipped, renormalised probabilities (or softmax of the logits).
// Result: sum(w_i loss_i) / sum(w_i); NaN when the total weight is 0. Arrays: none.
class LogLoss : public Metric {
 public:
  explicit LogLoss(const LogLossOptions& options = {});

  std::string Config() const override;
  absl::Status Update(const graph::Tensor& predictions, const graph::Tensor& labels,
                      const graph::Tensor& sample_weights = graph::Tensor()) override;
  MetricResult Result() const override;
  void Reset() override;

 protected:
  absl::Status MergeFrom(const Metric& other) override;
  void EncodeState(StateWriter* writer) const override;
  absl::Status DecodeState(StateReader* reader) override;

 private:
  LogLossOptions options_;
  double loss_sum_ = 0.0;  // sum of w_i * loss_i
  double weight_sum_ = 0.0;
};

}  // namespace metrics

#endif  // METRICS_LOG_LOSS_H_
