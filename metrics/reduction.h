// Mean and Sum: weighted aggregates of a stream of values (e.g. a per-batch loss).
#ifndef METRICS_REDUCTION_H_
#define METRICS_REDUCTION_H_

#include <string>

#include "absl/status/status.h"
#include "metrics/metric.h"

namespace metrics {

struct ReductionOptions {
  // Display name; empty means the kind ("mean" or "sum").
  std::string name = "";
  absl::Status Validate() const { return absl::OkStatus(); }
};

// Update(values, labels, weights):
//   values (the `predictions` argument): any shape with a batch dimension, or a scalar (one value); dtype
//     f32, bf16, i32, i64 or bool; every value finite.
//   labels: must be absent (an invalid Tensor) — these metrics aggregate one tensor.
//   weights: absent, per example ([N] or [N,1], broadcast over the remaining dimensions) or one per value
//     (same shape as values); finite, >= 0.
// Mean Result: sum(w * x) / sum(w); NaN when the total weight is 0 (nothing seen). Sum Result: sum(w * x), 0
// when nothing was seen. Arrays: none.
class ReductionMetric : public Metric {
 public:
  enum class Reduction { kMean, kSum };
  ReductionMetric(Reduction reduction, const ReductionOptions& options);

  std::string Config() const override { return ""; }
  absl::Status Update(const graph::Tensor& values, const graph::Tensor& labels,
                      const graph::Tensor& sample_weights = graph::Tensor()) override;
  MetricResult Result() const override;
  void Reset() override;

  double total() const { return weighted_sum_; }
  double weight() const { return weight_sum_; }

 protected:
  absl::Status MergeFrom(const Metric& other) override;
  void EncodeState(StateWriter* writer) const override;
  absl::Status DecodeState(StateReader* reader) override;

 private:
  Reduction reduction_;
  double weighted_sum_ = 0.0;
  double weight_sum_ = 0.0;
};

class Mean : public ReductionMetric {
 public:
  explicit Mean(const ReductionOptions& options = {}) : ReductionMetric(Reduction::kMean, options) {}
};

class Sum : public ReductionMetric {
 public:
  explicit Sum(const ReductionOptions& options = {}) : ReductionMetric(Reduction::kSum, options) {}
};

}  // namespace metrics

#endif  // METRICS_REDUCTION_H_
