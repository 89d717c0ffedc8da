// Regression metrics: MeanSquaredError, RootMeanSquaredError, MeanAbsoluteError and R2Score, as
// scikit-learn's mean_squared_error, mean_squared_error(squared=False), mean_absolute_error and r2_score
// define them (multioutput="uniform_average").
#ifndef METRICS_REGRESSION_H_
#define METRICS_REGRESSION_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "metrics/metric.h"

namespace metrics {

struct RegressionOptions {
  // Display name; empty means the kind ("mse", "rmse", "mae" or "r2").
  std::string name = "";
  absl::Status Validate() const { return absl::OkStatus(); }
};

// Update: predictions [N] or [N, D...] of f32/bf16/i32/i64 (finite); labels of the same shape ([N] and [N,1]
// are interchangeable); weights per example [N]. The number of outputs D (elements per example) is fixed by
// the first batch; later batches and merges must agree. Per output d with W = sum_i w_i:
//   mse_d = sum_i w_i (y_id - p_id)^2 / W;  rmse_d = sqrt(mse_d);  mae_d = sum_i w_i |y_id - p_id| / W;
//   r2_d = 1 - SSE_d / SST_d with SST_d = sum_i w_i (y_id - ybar_d)^2, except: SSE_d == 0 -> 1, SST_d == 0
//   (but SSE_d != 0) -> 0 (scikit-learn's force_finite).
// Result value: the mean over outputs of the per-output values (RMSE averages per-output roots, like
// scikit-learn). NaN when W == 0; R2 is NaN with fewer than 2 examples (as scikit-learn returns).
// Arrays: "per_output" [D] when D > 1.
class RegressionMetric : public Metric {
 public:
  enum class Type { kMse, kRmse, kMae, kR2 };
  RegressionMetric(Type type, const RegressionOptions& options);

  std::string Config() const override { return ""; }
  absl::Status Update(const graph::Tensor& predictions, const graph::Tensor& labels,
                      const graph::Tensor& sample_weights = graph::Tensor()) override;
  MetricResult Result() const override;
  void Reset() override;

 protected:
  absl::Status MergeFrom(const Metric& other) override;
  void EncodeState(StateWriter* writer) const override;
  absl::Status DecodeState(StateReader* reader) override;

 private:
  // Per-output accumulators; all have num_outputs_ entries (0 before the first batch).
  struct State {
    int64_t count = 0;    // examples (unweighted)
    double weight = 0.0;  // W
    std::vector<double> sse, sae;
    std::vector<double> mean, m2;  // weighted label mean and sum of w (y - mean)^2 (R2)
    std::vector<double> min, max;  // label range (R2: exact zero SST for constant labels)
    void Resize(size_t d);
    // Chan et al.'s pairwise combination.
    void Merge(const State& other);
  };

  Type type_;
  int64_t num_outputs_ = 0;
  State state_;
};

class MeanSquaredError : public RegressionMetric {
 public:
  explicit MeanSquaredError(const RegressionOptions& options = {}) : RegressionMetric(Type::kMse, options) {}
};
class RootMeanSquaredError : public RegressionMetric {
 public:
  explicit RootMeanSquaredError(const RegressionOptions& options = {})
      : RegressionMetric(Type::kRmse, options) {}
};
class MeanAbsoluteError : public RegressionMetric {
 public:
  explicit MeanAbsoluteError(const RegressionOptions& options = {}) : RegressionMetric(Type::kMae, options) {}
};
class R2Score : public RegressionMetric {
 public:
  explicit R2Score(const RegressionOptions& options = {}) : RegressionMetric(Type::kR2, options) {}
};

}  // namespace metrics

#endif  // METRICS_REGRESSION_H_
