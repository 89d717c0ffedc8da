// Validation and conversion of the tensors metrics receive. Every function returns InvalidArgument prefixed
// by `context` (e.g. "metric 'acc' (accuracy)") and naming the argument and the problem.
#ifndef METRICS_INPUT_H_
#define METRICS_INPUT_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "graph/tensor.h"

namespace metrics {

// The batch size (dimension 0) of `t`; an error if `t` is invalid or a scalar.
absl::StatusOr<int64_t> BatchSize(std::string_view context, const graph::Tensor& t, const char* what);

// True if `t` is [n] or [n, 1].
bool IsColumn(const graph::Tensor& t, int64_t n);

// Scores as floats: `t` must be f32 or bf16 and every value finite. Returns a pointer to `t`'s data (f32) or
// to `*storage` (bf16 converted); valid while both live.
absl::StatusOr<const float*> FloatData(std::string_view context, const graph::Tensor& t, const char* what,
                                       std::vector<float>* storage);

// Numeric values of any real dtype (f32, bf16, i32, i64, bool) as doubles; an error for NaN or infinity.
absl::Status ReadFinite(std::string_view context, const graph::Tensor& t, const char* what,
                        std::vector<double>* out);

// Per-example weights. `weights` invalid -> `out` cleared (all weights 1). Otherwise [n] or [n, 1] of a real
// dtype, every value finite and >= 0.
absl::Status ReadWeights(std::string_view context, const graph::Tensor& weights, int64_t n,
                         std::vector<double>* out);

// Class ids from a [n] or [n, 1] tensor of i32, i64, bool or integral f32, each in [0, num_classes)
// (num_classes <= 0: only >= 0 is checked).
absl::Status ReadClassIds(std::string_view context, const graph::Tensor& t, const char* what, int64_t n,
                          int64_t num_classes, std::vector<int32_t>* out);

// Binary labels: [n] or [n, 1], each 0 or 1, of dtype bool, i32, i64 or f32.
absl::Status ReadBinaryLabels(std::string_view context, const graph::Tensor& t, int64_t n,
                              std::vector<uint8_t>* out);

// Index of the first maximum of row[0..c).
inline int32_t ArgMax(const float* row, int64_t c) {
  int32_t best = 0;
  float best_value = row[0];
  for (int64_t j = 1; j < c; ++j) {
    if (row[j] > best_value) {
      best_value = row[j];
      best = static_cast<int32_t>(j);
    }
  }
  return best;
}

// How class predictions are read by ReadClassBatch.
struct ClassInputSpec {
  int64_t num_classes = 2;  // > 0
  double threshold = 0.5;   // binary scores: class 1 iff score > threshold
};

// A batch of (predicted class, true class, weight) triples; `weights` empty means all 1.
struct ClassBatch {
  int64_t size = 0;
  std::vector<int32_t> predicted;
  std::vector<int32_t> truth;
  std::vector<double> weights;
  double weight(int64_t i) const { return weights.empty() ? 1.0 : weights[static_cast<size_t>(i)]; }
};

// Reads a batch of single-label class predictions. Accepted forms:
//   predictions: f32/bf16 [N, C] scores with C == num_classes (argmax, first maximum on ties);
//                f32/bf16 [N] or [N, 1] scores when num_classes == 2 (class 1 iff score > threshold);
//                i32/i64/bool [N] or [N, 1] class ids in [0, num_classes).
//   labels:      i32/i64/bool/integral-f32 [N] or [N, 1] class ids in [0, num_classes);
//                [N, C] one-hot (or soft) rows when C == num_classes > 1 (argmax).
absl::Status ReadClassBatch(std::string_view context, const graph::Tensor& predictions,
                            const graph::Tensor& labels, const graph::Tensor& weights,
                            const ClassInputSpec& spec, ClassBatch* out);

}  // namespace metrics

#endif  // METRICS_INPUT_H_
