#include "metrics/accuracy.h"

#include <cmath>
#include <limits>
#include <vector>

#include "absl/strings/str_cat.h"
#include "metrics/input.h"

namespace metrics {
namespace {

const char* ModeName(AccuracyMode m) {
  switch (m) {
    case AccuracyMode::kAuto:
      return "auto";
    case AccuracyMode::kSparseCategorical:
      return "sparse_categorical";
    case AccuracyMode::kCategorical:
      return "categorical";
    case AccuracyMode::kBinary:
      return "binary";
  }
  return "?";
}

bool IsScores(const graph::Tensor& t) {
  return t.dtype() == graph::DType::kFloat32 || t.dtype() == graph::DType::kBFloat16;
}

absl::Status DecodeCounts(StateReader* reader, double* correct, double* total) {
  double c, t;
  if (absl::Status s = reader->GetF64("correct", &c); !s.ok()) return s;
  if (absl::Status s = reader->GetF64("total", &t); !s.ok()) return s;
  if (absl::Status s = reader->ExpectEnd(); !s.ok()) return s;
  if (!std::isfinite(c) || !std::isfinite(t) || c < 0 || t < 0 || c > t * (1 + 1e-12)) {
    return reader->Error("invalid counts");
  }
  *correct = c;
  *total = t;
  return absl::OkStatus();
}

double Ratio(double num, double den) {
  return den > 0 ? num / den : std::numeric_limits<double>::quiet_NaN();
}

}  // namespace

absl::Status AccuracyOptions::Validate() const {
  if (!std::isfinite(threshold)) return absl::InvalidArgumentError("accuracy: threshold must be finite");
  return absl::OkStatus();
}

Accuracy::Accuracy(const AccuracyOptions& options) : Metric("accuracy", options.name), options_(options) {}

std::string Accuracy::Config() const {
  return absl::StrCat("mode=", ModeName(options_.mode), ";threshold=", ExactDouble(options_.threshold));
}

absl::Status Accuracy::UpdateBinary(const graph::Tensor& predictions, const graph::Tensor& labels,
                                    const graph::Tensor& sample_weights) {
  absl::StatusOr<int64_t> n = BatchSize(Context(), predictions, "predictions");
  if (!n.ok()) return n.status();
  if (!labels.IsValid()) return InputError("labels tensor is missing");
  const int64_t total = predictions.num_elements();
  const bool same =
      labels.shape() == predictions.shape() || (IsColumn(labels, *n) && IsColumn(predictions, *n));
  if (!same) {
    return InputError(absl::StrCat("binary accuracy needs labels of the predictions' shape ",
                                   predictions.shape().ToString(), ", got ", labels.shape().ToString()));
  }
  std::vector<uint8_t> pred(static_cast<size_t>(total)), truth;
  if (IsScores(predictions)) {
    std::vector<float> storage;
    absl::StatusOr<const float*> p = FloatData(Context(), predictions, "predictions", &storage);
    if (!p.ok()) return p.status();
    for (int64_t i = 0; i < total; ++i) pred[static_cast<size_t>(i)] = (*p)[i] > options_.threshold;
  } else {
    graph::Tensor flat = *predictions.Reshaped(graph::Shape{total});
    std::vector<int32_t> ids;
    if (absl::Status s = ReadClassIds(Context(), flat, "binary predictions", total, 2, &ids); !s.ok())
      return s;
    for (int64_t i = 0; i < total; ++i) pred[static_cast<size_t>(i)] = static_cast<uint8_t>(ids[i]);
  }
  graph::Tensor flat_labels = *labels.Reshaped(graph::Shape{total});
  if (absl::Status s = ReadBinaryLabels(Context(), flat_labels, total, &truth); !s.ok()) return s;
  std::vector<double> w;
  if (absl::Status s = ReadWeights(Context(), sample_weights, *n, &w); !s.ok()) return s;
  const int64_t per_row = *n == 0 ? 0 : total / *n;
  double correct = 0.0, weight = 0.0;
  for (int64_t i = 0; i < *n; ++i) {
    const double wi = w.empty() ? 1.0 : w[static_cast<size_t>(i)];
    int64_t hits = 0;
    for (int64_t j = 0; j < per_row; ++j) {
      const size_t k = static_cast<size_t>(i * per_row + j);
      hits += pred[k] == truth[k];
    }
    correct += wi * static_cast<double>(hits);
    weight += wi * static_cast<double>(per_row);
  }
  correct_ += correct;
  total_ += weight;
  return absl::OkStatus();
}

absl::Status Accuracy::Update(const graph::Tensor& predictions, const graph::Tensor& labels,
                              const graph::Tensor& sample_weights) {
  if (absl::Status s = options_.Validate(); !s.ok()) return InputError(std::string(s.message()));
  absl::StatusOr<int64_t> n = BatchSize(Context(), predictions, "predictions");
  if (!n.ok()) return n.status();
  if (!labels.IsValid()) return InputError("labels tensor is missing");
  AccuracyMode mode = options_.mode;
  const bool scores = IsScores(predictions);
  const bool wide = predictions.rank() == 2 && predictions.dim(1) > 1;
  if (mode == AccuracyMode::kAuto) {
    if (!scores) {
      mode = AccuracyMode::kSparseCategorical;
    } else if (IsColumn(predictions, *n)) {
      mode = AccuracyMode::kBinary;
    } else if (wide && labels.shape() == predictions.shape()) {
      mode = AccuracyMode::kCategorical;
    } else if (wide) {
      mode = AccuracyMode::kSparseCategorical;
    } else {
      return InputError(absl::StrCat("cannot infer the accuracy mode from predictions ",
                                     predictions.shape().ToString(), " and labels ",
                                     labels.shape().ToString()));
    }
  }
  if (mode == AccuracyMode::kBinary) return UpdateBinary(predictions, labels, sample_weights);

  ClassBatch batch;
  if (scores) {
    if (!wide) {
      return InputError(absl::StrCat(ModeName(mode), " accuracy needs predictions [N,C] with C > 1, got ",
                                     predictions.shape().ToString()));
    }
    const bool one_hot = labels.rank() == 2 && labels.dim(1) > 1;
    if (mode == AccuracyMode::kCategorical && labels.shape() != predictions.shape()) {
      return InputError(absl::StrCat("categorical accuracy needs one-hot labels of shape ",
                                     predictions.shape().ToString(), ", got ", labels.shape().ToString()));
    }
    if (mode == AccuracyMode::kSparseCategorical && one_hot) {
      return InputError(absl::StrCat("sparse categorical accuracy needs class-id labels [N], got ",
                                     labels.shape().ToString(),
                                     " (use mode categorical for one-hot labels)"));
    }
    ClassInputSpec spec;
    spec.num_classes = predictions.dim(1);
    if (absl::Status s = ReadClassBatch(Context(), predictions, labels, sample_weights, spec, &batch);
        !s.ok()) {
      return s;
    }
  } else {
    if (mode == AccuracyMode::kCategorical) {
      return InputError(absl::StrCat("categorical accuracy needs f32 scores, got ",
                                     graph::DTypeName(predictions.dtype()), " predictions"));
    }
    batch.size = *n;
    if (absl::Status s = ReadClassIds(Context(), predictions, "predictions", *n, 0, &batch.predicted);
        !s.ok()) {
      return s;
    }
    if (labels.rank() >= 1 && labels.dim(0) != *n) {
      return InputError(absl::StrCat("labels have ", labels.dim(0), " rows but predictions have ", *n));
    }
    if (absl::Status s = ReadClassIds(Context(), labels, "labels", *n, 0, &batch.truth); !s.ok()) return s;
    if (absl::Status s = ReadWeights(Context(), sample_weights, *n, &batch.weights); !s.ok()) return s;
  }
  double correct = 0.0, weight = 0.0;
  for (int64_t i = 0; i < batch.size; ++i) {
    const double w = batch.weight(i);
    correct += batch.predicted[static_cast<size_t>(i)] == batch.truth[static_cast<size_t>(i)] ? w : 0.0;
    weight += w;
  }
  correct_ += correct;
  total_ += weight;
  return absl::OkStatus();
}

MetricResult Accuracy::Result() const { return MetricResult{Ratio(correct_, total_), {}}; }

void Accuracy::Reset() { correct_ = total_ = 0.0; }

absl::Status Accuracy::MergeFrom(const Metric& other) {
  const auto& o = static_cast<const Accuracy&>(other);
  correct_ += o.correct_;
  total_ += o.total_;
  return absl::OkStatus();
}

void Accuracy::EncodeState(StateWriter* writer) const {
  writer->PutF64(correct_);
  writer->PutF64(total_);
}

absl::Status Accuracy::DecodeState(StateReader* reader) { return DecodeCounts(reader, &correct_, &total_); }

// ---- TopKAccuracy ----

absl::Status TopKAccuracyOptions::Validate() const {
  if (k < 1) return absl::InvalidArgumentError(absl::StrCat("top_k_accuracy: k must be >= 1, got ", k));
  return absl::OkStatus();
}

TopKAccuracy::TopKAccuracy(const TopKAccuracyOptions& options)
    : Metric("top_k_accuracy", options.name), options_(options) {}

std::string TopKAccuracy::Config() const { return absl::StrCat("k=", options_.k); }

absl::Status TopKAccuracy::Update(const graph::Tensor& predictions, const graph::Tensor& labels,
                                  const graph::Tensor& sample_weights) {
  if (absl::Status s = options_.Validate(); !s.ok()) return InputError(std::string(s.message()));
  absl::StatusOr<int64_t> n_or = BatchSize(Context(), predictions, "predictions");
  if (!n_or.ok()) return n_or.status();
  const int64_t n = *n_or;
  if (predictions.rank() != 2 || predictions.dim(1) < 2) {
    return InputError(absl::StrCat("predictions must be scores [N,C] with C >= 2, got ",
                                   graph::DTypeName(predictions.dtype()), predictions.shape().ToString()));
  }
  const int64_t c = predictions.dim(1);
  std::vector<float> storage;
  absl::StatusOr<const float*> p = FloatData(Context(), predictions, "predictions", &storage);
  if (!p.ok()) return p.status();
  ClassBatch batch;
  ClassInputSpec spec;
  spec.num_classes = c;
  // Labels and weights are validated through the shared reader; the argmax it computes is not used.
  if (absl::Status s = ReadClassBatch(Context(), predictions, labels, sample_weights, spec, &batch);
      !s.ok()) {
    return s;
  }
  const int64_t k = options_.k;
  double correct = 0.0, weight = 0.0;
  for (int64_t i = 0; i < n; ++i) {
    const float* row = *p + i * c;
    const int32_t y = batch.truth[static_cast<size_t>(i)];
    const float sy = row[y];
    int64_t rank = 0;
    for (int64_t j = 0; j < c; ++j) rank += (row[j] > sy) | ((row[j] == sy) & (j > y));
    const double w = batch.weight(i);
    correct += rank < k ? w : 0.0;
    weight += w;
  }
  correct_ += correct;
  total_ += weight;
  return absl::OkStatus();
}

MetricResult TopKAccuracy::Result() const { return MetricResult{Ratio(correct_, total_), {}}; }

void TopKAccuracy::Reset() { correct_ = total_ = 0.0; }

absl::Status TopKAccuracy::MergeFrom(const Metric& other) {
  const auto& o = static_cast<const TopKAccuracy&>(other);
  correct_ += o.correct_;
  total_ += o.total_;
  return absl::OkStatus();
}

void TopKAccuracy::EncodeState(StateWriter* writer) const {
  writer->PutF64(correct_);
  writer->PutF64(total_);
}

absl::Status TopKAccuracy::DecodeState(StateReader* reader) {
  return DecodeCounts(reader, &correct_, &total_);
}

}  // namespace metrics
