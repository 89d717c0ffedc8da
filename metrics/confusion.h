// The weighted confusion matrix shared by every single-label classification metric, and the metrics read
// straight off it: ConfusionMatrix, MeanIoU and MeanPerClassAccuracy.
#ifndef METRICS_CONFUSION_H_
#define METRICS_CONFUSION_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "metrics/input.h"
#include "metrics/metric.h"

namespace metrics {

// The largest num_classes of confusion-based metrics (the dense matrix holds num_classes^2 doubles).
inline constexpr int kMaxConfusionClasses = 2048;

// A num_classes x num_classes matrix of summed weights (row = true class, column = predicted class, as in
// scikit-learn) plus, per class, how many examples (unweighted) had it as label or as prediction. The counts
// say which classes were "present", which scikit-learn uses to choose the classes it averages over.
// Thread-compatible.
class ConfusionAccumulator {
 public:
  // A num_classes outside [0, kMaxConfusionClasses] gives an empty accumulator (the owning metric rejects
  // such options before any Add).
  explicit ConfusionAccumulator(int64_t num_classes);

  // Adds a batch whose ids are all in [0, num_classes) (guaranteed by ReadClassBatch).
  void Add(const ClassBatch& batch);
  // Adds another accumulator of the same size.
  void Merge(const ConfusionAccumulator& other);
  void Reset();

  int64_t num_classes() const { return num_classes_; }
  double cell(int64_t truth, int64_t predicted) const {
    return matrix_[static_cast<size_t>(truth * num_classes_ + predicted)];
  }
  const std::vector<double>& matrix() const { return matrix_; }
  double tp(int64_t c) const { return cell(c, c); }
  double true_sum(int64_t c) const { return true_sum_[static_cast<size_t>(c)]; }  // row sum
  double pred_sum(int64_t c) const { return pred_sum_[static_cast<size_t>(c)]; }  // column sum
  double total() const;
  // True if class c occurred as a label or a prediction (whatever its weight).
  bool present(int64_t c) const { return seen_[static_cast<size_t>(c)] > 0; }

  void Encode(StateWriter* writer) const;
  // Reads and validates a state of this size; unchanged on error.
  absl::Status Decode(StateReader* reader);

 private:
  int64_t num_classes_;
  std::vector<double> matrix_;
  std::vector<double> true_sum_;
  std::vector<double> pred_sum_;
  std::vector<int64_t> seen_;
};

// Common input handling for metrics built on a ConfusionAccumulator.
// Update accepts what ReadClassBatch accepts (see metrics/input.h): scores [N,C] (argmax), binary scores [N]
// (> threshold, only when num_classes == 2) or class ids [N]; labels as class ids [N] or one-hot [N,C].
// Labels or predicted ids outside [0, num_classes) are errors.
class ConfusionMetric : public Metric {
 public:
  absl::Status Update(const graph::Tensor& predictions, const graph::Tensor& labels,
                      const graph::Tensor& sample_weights = graph::Tensor()) override;
  void Reset() override { acc_.Reset(); }

  const ConfusionAccumulator& accumulator() const { return acc_; }

 protected:
  ConfusionMetric(std::string kind, const std::string& name, int64_t num_classes, double threshold);
  // Checks the options before each Update (constructors cannot fail).
  virtual absl::Status ValidateOptions() const = 0;
  // "num_classes=..;threshold=.." for Config().
  std::string BaseConfig() const;

  absl::Status MergeFrom(const Metric& other) override;
  void EncodeState(StateWriter* writer) const override { acc_.Encode(writer); }
  absl::Status DecodeState(StateReader* reader) override { return acc_.Decode(reader); }

  ClassInputSpec spec_;
  ConfusionAccumulator acc_;
};

enum class ConfusionNormalize { kNone, kTrue, kPred, kAll };

struct ConfusionMatrixOptions {
  std::string name = "";   // empty: "confusion_matrix"
  int num_classes = 2;     // >= 2
  double threshold = 0.5;  // binary scores [N] (num_classes == 2): class 1 iff score > threshold
  // As scikit-learn's `normalize`: kTrue divides rows by their sum, kPred columns, kAll everything; a zero
  // sum gives zeros.
  ConfusionNormalize normalize = ConfusionNormalize::kNone;
  absl::Status Validate() const;
};

// Result: value = accuracy (trace / total weight; NaN when empty); array "confusion_matrix" [C,C] with
// entry (i, j) = summed weight of examples with label i predicted as j (normalised as the options say).
class ConfusionMatrix : public ConfusionMetric {
 public:
  explicit ConfusionMatrix(const ConfusionMatrixOptions& options = {});
  std::string Config() const override;
  MetricResult Result() const override;

 protected:
  absl::Status ValidateOptions() const override { return options_.Validate(); }

 private:
  ConfusionMatrixOptions options_;
};

struct MeanIoUOptions {
  std::string name = "";  // empty: "mean_iou"
  int num_classes = 2;    // >= 2
  double threshold = 0.5;
  absl::Status Validate() const;
};

// IoU_c = tp_c / (tp_c + fp_c + fn_c) (weighted). Result: the mean of IoU_c over the classes that occurred as
// a label or a prediction — scikit-learn's jaccard_score(average="macro"); a class present only through
// zero-weight examples has IoU 0 there. NaN when nothing was seen. Array "per_class" [C]: IoU_c, 0 when
// undefined.
class MeanIoU : public ConfusionMetric {
 public:
  explicit MeanIoU(const MeanIoUOptions& options = {});
  std::string Config() const override;
  MetricResult Result() const override;

 protected:
  absl::Status ValidateOptions() const override { return options_.Validate(); }

 private:
  MeanIoUOptions options_;
};

struct MeanPerClassAccuracyOptions {
  std::string name = "";  // empty: "mean_per_class_accuracy"
  int num_classes = 2;    // >= 2
  double threshold = 0.5;
  absl::Status Validate() const;
};

// Per-class accuracy (recall) r_c = tp_c / true_sum_c. Result: the mean of r_c over classes with true_sum_c >
// 0 — scikit-learn's balanced_accuracy_score; NaN when no class has weight. Array "per_class" [C]: r_c, 0
// when the class has no weight.
class MeanPerClassAccuracy : public ConfusionMetric {
 public:
  explicit MeanPerClassAccuracy(const MeanPerClassAccuracyOptions& options = {});
  std::string Config() const override;
  MetricResult Result() const override;

 protected:
  absl::Status ValidateOptions() const override { return options_.Validate(); }

 private:
  MeanPerClassAccuracyOptions options_;
};

// Shared by the option structs: num_classes >= 2 and a finite threshold.
absl::Status ValidateClassOptions(const char* kind, int num_classes, double threshold);

}  // namespace metrics

#endif  // METRICS_CONFUSION_H_
