#include "metrics/reduction.h"

#include <cmath>
#include <limits>
#include <vector>

#include "absl/strings/str_cat.h"
#include "metrics/input.h"

namespace metrics {

ReductionMetric::ReductionMetric(Reduction reduction, const ReductionOptions& options)
    : Metric(reduction == Reduction::kMean ? "mean" : "sum", options.name), reduction_(reduction) {}

absl::Status ReductionMetric::Update(const graph::Tensor& values, const graph::Tensor& labels,
                                     const graph::Tensor& sample_weights) {
  if (labels.IsValid()) return InputError("takes no labels (pass an empty Tensor)");
  std::vector<double> x;
  if (absl::Status s = ReadFinite(Context(), values, "values", &x); !s.ok()) return s;
  double sum = 0.0, weight = 0.0;
  if (!sample_weights.IsValid()) {
    for (double v : x) sum += v;
    weight = static_cast<double>(x.size());
  } else {
    std::vector<double> w;
    if (sample_weights.shape() == values.shape()) {
      if (absl::Status s = ReadFinite(Context(), sample_weights, "sample_weights", &w); !s.ok()) return s;
      for (size_t i = 0; i < w.size(); ++i) {
        if (w[i] < 0) return InputError(absl::StrCat("sample_weights[", i, "] = ", w[i], " is negative"));
      }
      for (size_t i = 0; i < x.size(); ++i) {
        sum += w[i] * x[i];
        weight += w[i];
      }
    } else {
      if (values.rank() == 0) {
        return InputError(absl::StrCat("sample_weights ", sample_weights.shape().ToString(),
                                       " do not match scalar values"));
      }
      const int64_t n = values.dim(0);
      if (absl::Status s = ReadWeights(Context(), sample_weights, n, &w); !s.ok()) return s;
      const size_t per_row = n == 0 ? 0 : x.size() / static_cast<size_t>(n);
      for (int64_t i = 0; i < n; ++i) {
        const double wi = w[static_cast<size_t>(i)];
        for (size_t j = 0; j < per_row; ++j) sum += wi * x[static_cast<size_t>(i) * per_row + j];
        weight += wi * static_cast<double>(per_row);
      }
    }
  }
  weighted_sum_ += sum;
  weight_sum_ += weight;
  return absl::OkStatus();
}

MetricResult ReductionMetric::Result() const {
  MetricResult r;
  if (reduction_ == Reduction::kSum) {
    r.value = weighted_sum_;
  } else {
    r.value = weight_sum_ > 0 ? weighted_sum_ / weight_sum_ : std::numeric_limits<double>::quiet_NaN();
  }
  return r;
}

void ReductionMetric::Reset() {
  weighted_sum_ = 0.0;
  weight_sum_ = 0.0;
}

absl::Status ReductionMetric::MergeFrom(const Metric& other) {
  const auto& o = static_cast<const ReductionMetric&>(other);
  weighted_sum_ += o.weighted_sum_;
  weight_sum_ += o.weight_sum_;
  return absl::OkStatus();
}

void ReductionMetric::EncodeState(StateWriter* writer) const {
  writer->PutF64(weighted_sum_);
  writer->PutF64(weight_sum_);
}

absl::Status ReductionMetric::DecodeState(StateReader* reader) {
  double sum, weight;
  if (absl::Status s = reader->GetF64("weighted_sum", &sum); !s.ok()) return s;
  if (absl::Status s = reader->GetF64("weight_sum", &weight); !s.ok()) return s;
  if (absl::Status s = reader->ExpectEnd(); !s.ok()) return s;
  if (!std::isfinite(sum) || !std::isfinite(weight) || weight < 0) return reader->Error("invalid sums");
  weighted_sum_ = sum;
  weight_sum_ = weight;
  return absl::OkStatus();
}

}  // namespace metrics
