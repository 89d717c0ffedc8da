// Accuracy and TopKAccuracy: the weighted fraction of correctly classified examples, as scikit-learn's
// accuracy_score and top_k_accuracy_score define it.
#ifndef METRICS_ACCURACY_H_
#define METRICS_ACCURACY_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "metrics/metric.h"

namespace metrics {

enum class AccuracyMode {
  kAuto,               // chosen per batch from the shapes and dtypes, see Accuracy
  kSparseCategorical,  // predictions [N,C] scores or [N] class ids; labels [N] class ids
  kCategorical,        // predictions [N,C] scores; labels [N,C] one-hot (argmax)
  kBinary,             // predictions scores (> threshold is class 1) or 0/1 ids; labels 0/1; same shape
};

struct AccuracyOptions {
  // Display name; empty means "accuracy".
  std::string name = "";
  AccuracyMode mode = AccuracyMode::kAuto;
  // kBinary: a score strictly greater than `threshold` predicts class 1. Must be finite.
  double threshold = 0.5;
  absl::Status Validate() const;
};

// Result: sum(w_i * [pred_i == label_i]) / sum(w_i); NaN when the total weight is 0. Arrays: none.
// Argmax takes the first maximum on ties (numpy's argmax).
// kAuto: integer/bool predictions -> sparse (ids compared); f32/bf16 [N] or [N,1] -> binary; [N,C] (C > 1)
// with labels of the same shape -> categorical; [N,C] otherwise -> sparse. kBinary compares every element
// (predictions [N,K] and labels [N,K] give N*K comparisons; weights per example apply to all K of its
// elements), like Keras' binary_accuracy.
class Accuracy : public Metric {
 public:
  explicit Accuracy(const AccuracyOptions& options = {});

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
  absl::Status UpdateBinary(const graph::Tensor& predictions, const graph::Tensor& labels,
                            const graph::Tensor& sample_weights);

  AccuracyOptions options_;
  double correct_ = 0.0;  // weighted
  double total_ = 0.0;    // weighted
};

struct TopKAccuracyOptions {
  // Display name; empty means "top_k_accuracy".
  std::string name = "";
  // An example is correct if its label is among the `k` highest-scored classes. Must be >= 1; k >= C makes
  // every example correct.
  int k = 5;
  absl::Status Validate() const;
};

// predictions: f32/bf16 [N,C] scores (C >= 2); labels: [N] / [N,1] class ids in [0,C) or [N,C] one-hot
// (argmax). Ties are broken as scikit-learn's top_k_accuracy_score does (a stable ascending sort, reversed):
// among equal scores the class with the larger index ranks higher. So label y is a hit iff
// #{c : s_c > s_y or (s_c == s_y and c > y)} < k.
// Result: weighted fraction of hits; NaN when the total weight is 0. Arrays: none.
class TopKAccuracy : public Metric {
 public:
  explicit TopKAccuracy(const TopKAccuracyOptions& options = {});

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
  TopKAccuracyOptions options_;
  double correct_ = 0.0;
  double total_ = 0.0;
};

}  // namespace metrics

#endif  // METRICS_ACCURACY_H_
