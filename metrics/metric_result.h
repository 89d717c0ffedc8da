// MetricResult: what a metric reports — one headline scalar plus optional named arrays (per-class values,
// matrices) for metrics.json and TensorBoard.
#ifndef METRICS_METRIC_RESULT_H_
#define METRICS_METRIC_RESULT_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "graph/tensor.h"

namespace metrics {

// A named dense row-major array of doubles, e.g. "per_class" [C] or "confusion_matrix" [C, C].
struct MetricArray {
  std::string name = "";
  std::vector<int64_t> shape;
  std::vector<double> values;  // size == product(shape)

  // An f32 tensor of the same shape (values rounded to float). Thread-compatible.
  graph::Tensor ToTensor() const;
};

// The value of a metric. `value` is the headline scalar (NaN when the metric is undefined, see each metric's
// contract); `arrays` holds extra outputs in a fixed, documented order.
struct MetricResult {
  double value = 0.0;
  std::vector<MetricArray> arrays;

  // The array called `name`, or nullptr. The pointer is valid while this result lives.
  const MetricArray* Find(const std::string& name) const;

  // Every value as (tag, scalar): ("<prefix>", value) first, then one ("<prefix>/<array>/<i>[_<j>...]", v)
  // per array element. Suited to TensorBoard scalar summaries and flat JSON.
  std::vector<std::pair<std::string, double>> Flatten(const std::string& prefix) const;
};

}  // namespace metrics

#endif  // METRICS_METRIC_RESULT_H_
