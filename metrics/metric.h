// Metric: the one interface of every streaming evaluation metric.
//
// A metric accumulates batches with Update(), reports with Result(), and can be Reset(), merged with a metric
// of the same kind and options that saw other data (Merge), and saved to / restored from a byte string.
// Definitions follow scikit-learn; every metric's header states its exact formula and edge-case values.
#ifndef METRICS_METRIC_H_
#define METRICS_METRIC_H_

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "graph/tensor.h"
#include "metrics/metric_result.h"
#include "metrics/state_codec.h"

namespace metrics {

// Thread safety: a Metric is thread-compatible — const methods may run concurrently, anything else needs
// outside synchronisation. Metrics own all their state; they keep no reference to tensors passed to Update.
class Metric {
 public:
  virtual ~Metric() = default;
  Metric(const Metric&) = delete;
  Metric& operator=(const Metric&) = delete;

  // The display name (options' `name`, or the kind when that is empty), e.g. "val_accuracy".
  const std::string& Name() const { return name_; }
  // The registered kind, e.g. "accuracy", "auc_roc" (what CreateMetric takes).
  const std::string& Kind() const { return kind_; }
  // A canonical description of the options that affect the value, e.g. "num_classes=3;average=macro".
  // Two metrics merge only if Kind() and Config() are equal.
  virtual std::string Config() const = 0;

  // Accumulates one batch. `predictions` and `labels` are batch-major (dimension 0 is the example); the
  // accepted shapes and dtypes are listed by each metric. `sample_weights` is optional (an invalid Tensor,
  // the default, means every weight is 1); when given it is [N] or [N,1], finite and >= 0. On error the state
  // is unchanged and the Status (InvalidArgument) names the metric and the problem. The tensors are only
  // read.
  virtual absl::Status Update(const graph::Tensor& predictions, const graph::Tensor& labels,
                              const graph::Tensor& sample_weights = graph::Tensor()) = 0;

  // The value over everything accumulated since construction or the last Reset().
  virtual MetricResult Result() const = 0;

  // Forgets all accumulated data; options are kept.
  virtual void Reset() = 0;

  // Adds the accumulated state of `other` (same Kind() and Config(), else InvalidArgument and no change) so
  // that the result equals one pass over both streams. `other` is not modified and may not be `this`.
  absl::Status Merge(const Metric& other);

  // The accumulated state as a self-describing byte string (kind, config, payload, checksum).
  std::string SaveState() const;
  // Replaces the accumulated state by one saved by SaveState() of a metric with the same Kind() and Config().
  // Validates everything (format, kind, config, sizes, checksum, value ranges); on error the state is
  // unchanged.
  absl::Status RestoreState(std::string_view bytes);

 protected:
  Metric(std::string kind, const std::string& name);

  // Merges `other`, which has the same dynamic type, Kind() and Config(). May reject data-dependent
  // incompatibilities (then nothing changes).
  virtual absl::Status MergeFrom(const Metric& other) = 0;
  // Writes / reads the accumulated state (not the options). DecodeState must validate what it reads and leave
  // the state unchanged when it fails.
  virtual void EncodeState(StateWriter* writer) const = 0;
  virtual absl::Status DecodeState(StateReader* reader) = 0;

  // InvalidArgument "metric '<name>' (<kind>): <message>".
  absl::Status InputError(std::string_view message) const;
  // The "metric '<name>' (<kind>)" prefix used in errors.
  std::string Context() const;

 private:
  std::string kind_;
  std::string name_;
};

}  // namespace metrics

#endif  // METRICS_METRIC_H_
