#include "metrics/confusion.h"

#include <cmath>
#include <limits>

#include "absl/strings/str_cat.h"

namespace metrics {
namespace {

constexpr int kMaxClasses = kMaxConfusionClasses;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

const char* NormalizeName(ConfusionNormalize n) {
  switch (n) {
    case ConfusionNormalize::kNone:
      return "none";
    case ConfusionNormalize::kTrue:
      return "true";
    case ConfusionNormalize::kPred:
      return "pred";
    case ConfusionNormalize::kAll:
      return "all";
  }
  return "?";
}

}  // namespace

absl::Status ValidateClassOptions(const char* kind, int num_classes, double threshold) {
  if (num_classes < 2 || num_classes > kMaxClasses) {
    return absl::InvalidArgumentError(
        absl::StrCat(kind, ": num_classes must be in [2, ", kMaxClasses, "], got ", num_classes));
  }
  if (!std::isfinite(threshold))
    return absl::InvalidArgumentError(absl::StrCat(kind, ": threshold must be finite"));
  return absl::OkStatus();
}

// ---- ConfusionAccumulator ----

ConfusionAccumulator::ConfusionAccumulator(int64_t num_classes)
    : num_classes_(num_classes >= 0 && num_classes <= kMaxClasses ? num_classes : 0),
      matrix_(static_cast<size_t>(num_classes_ * num_classes_)),
      true_sum_(static_cast<size_t>(num_classes_)),
      pred_sum_(static_cast<size_t>(num_classes_)),
      seen_(static_cast<size_t>(num_classes_)) {}

void ConfusionAccumulator::Add(const ClassBatch& batch) {
  for (int64_t i = 0; i < batch.size; ++i) {
    const int32_t t = batch.truth[static_cast<size_t>(i)];
    const int32_t p = batch.predicted[static_cast<size_t>(i)];
    const double w = batch.weight(i);
    matrix_[static_cast<size_t>(t * num_classes_ + p)] += w;
    true_sum_[static_cast<size_t>(t)] += w;
    pred_sum_[static_cast<size_t>(p)] += w;
    ++seen_[static_cast<size_t>(t)];
    ++seen_[static_cast<size_t>(p)];
  }
}

void ConfusionAccumulator::Merge(const ConfusionAccumulator& other) {
  for (size_t i = 0; i < matrix_.size(); ++i) matrix_[i] += other.matrix_[i];
  for (size_t c = 0; c < true_sum_.size(); ++c) {
    true_sum_[c] += other.true_sum_[c];
    pred_sum_[c] += other.pred_sum_[c];
    seen_[c] += other.seen_[c];
  }
}

void ConfusionAccumulator::Reset() {
  std::fill(matrix_.begin(), matrix_.end(), 0.0);
  std::fill(true_sum_.begin(), true_sum_.end(), 0.0);
  std::fill(pred_sum_.begin(), pred_sum_.end(), 0.0);
  std::fill(seen_.begin(), seen_.end(), 0);
}

double ConfusionAccumulator::total() const {
  double t = 0.0;
  for (double v : true_sum_) t += v;
  return t;
}

void ConfusionAccumulator::Encode(StateWriter* writer) const {
  writer->PutI64(num_classes_);
  writer->PutF64s(matrix_);
  writer->PutI64s(seen_);
}

absl::Status ConfusionAccumulator::Decode(StateReader* reader) {
  int64_t c;
  if (absl::Status s = reader->GetI64("num_classes", &c); !s.ok()) return s;
  if (c != num_classes_)
    return reader->Error(absl::StrCat("state has ", c, " classes, expected ", num_classes_));
  std::vector<double> matrix;
  std::vector<int64_t> seen;
  if (absl::Status s = reader->GetF64s("confusion matrix", c * c, &matrix); !s.ok()) return s;
  if (absl::Status s = reader->GetI64s("class counts", c, &seen); !s.ok()) return s;
  if (absl::Status s = reader->ExpectEnd(); !s.ok()) return s;
  for (double v : matrix) {
    if (!std::isfinite(v) || v < 0)
      return reader->Error("confusion matrix has a negative or non-finite entry");
  }
  for (int64_t v : seen) {
    if (v < 0) return reader->Error("negative class count");
  }
  std::vector<double> true_sum(static_cast<size_t>(c)), pred_sum(static_cast<size_t>(c));
  for (int64_t t = 0; t < c; ++t) {
    for (int64_t p = 0; p < c; ++p) {
      const double v = matrix[static_cast<size_t>(t * c + p)];
      true_sum[static_cast<size_t>(t)] += v;
      pred_sum[static_cast<size_t>(p)] += v;
    }
  }
  matrix_ = std::move(matrix);
  seen_ = std::move(seen);
  true_sum_ = std::move(true_sum);
  pred_sum_ = std::move(pred_sum);
  return absl::OkStatus();
}

// ---- ConfusionMetric ----

ConfusionMetric::ConfusionMetric(std::string kind, const std::string& name, int64_t num_classes,
                                 double threshold)
    : Metric(std::move(kind), name), acc_(num_classes) {
  spec_.num_classes = num_classes;
  spec_.threshold = threshold;
}

std::string ConfusionMetric::BaseConfig() const {
  return absl::StrCat("num_classes=", spec_.num_classes, ";threshold=", ExactDouble(spec_.threshold));
}

absl::Status ConfusionMetric::Update(const graph::Tensor& predictions, const graph::Tensor& labels,
                                     const graph::Tensor& sample_weights) {
  if (absl::Status s = ValidateOptions(); !s.ok()) return InputError(std::string(s.message()));
  ClassBatch batch;
  if (absl::Status s = ReadClassBatch(Context(), predictions, labels, sample_weights, spec_, &batch);
      !s.ok()) {
    return s;
  }
  acc_.Add(batch);
  return absl::OkStatus();
}

absl::Status ConfusionMetric::MergeFrom(const Metric& other) {
  acc_.Merge(static_cast<const ConfusionMetric&>(other).acc_);
  return absl::OkStatus();
}

// ---- ConfusionMatrix ----

absl::Status ConfusionMatrixOptions::Validate() const {
  return ValidateClassOptions("confusion_matrix", num_classes, threshold);
}

ConfusionMatrix::ConfusionMatrix(const ConfusionMatrixOptions& options)
    : ConfusionMetric("confusion_matrix", options.name, options.num_classes, options.threshold),
      options_(options) {}

std::string ConfusionMatrix::Config() const {
  return absl::StrCat(BaseConfig(), ";normalize=", NormalizeName(options_.normalize));
}

MetricResult ConfusionMatrix::Result() const {
  const int64_t c = acc_.num_classes();
  MetricArray m{"confusion_matrix", {c, c}, acc_.matrix()};
  double trace = 0.0;
  for (int64_t i = 0; i < c; ++i) trace += acc_.tp(i);
  const double total = acc_.total();
  for (int64_t t = 0; t < c; ++t) {
    for (int64_t p = 0; p < c; ++p) {
      double& v = m.values[static_cast<size_t>(t * c + p)];
      double den = 1.0;
      switch (options_.normalize) {
        case ConfusionNormalize::kNone:
          break;
        case ConfusionNormalize::kTrue:
          den = acc_.true_sum(t);
          break;
        case ConfusionNormalize::kPred:
          den = acc_.pred_sum(p);
          break;
        case ConfusionNormalize::kAll:
          den = total;
          break;
      }
      v = den > 0 ? v / den : 0.0;
    }
  }
  MetricResult r;
  r.value = total > 0 ? trace / total : kNaN;
  r.arrays.push_back(std::move(m));
  return r;
}

// ---- MeanIoU ----

absl::Status MeanIoUOptions::Validate() const {
  return ValidateClassOptions("mean_iou", num_classes, threshold);
}

MeanIoU::MeanIoU(const MeanIoUOptions& options)
    : ConfusionMetric("mean_iou", options.name, options.num_classes, options.threshold), options_(options) {}

std::string MeanIoU::Config() const { return BaseConfig(); }

MetricResult MeanIoU::Result() const {
  const int64_t c = acc_.num_classes();
  MetricArray per_class{"per_class", {c}, std::vector<double>(static_cast<size_t>(c))};
  double sum = 0.0;
  int64_t count = 0;
  for (int64_t k = 0; k < c; ++k) {
    const double den = acc_.true_sum(k) + acc_.pred_sum(k) - acc_.tp(k);
    const double iou = den > 0 ? acc_.tp(k) / den : 0.0;
    per_class.values[static_cast<size_t>(k)] = iou;
    if (acc_.present(k)) {
      sum += iou;
      ++count;
    }
  }
  MetricResult r;
  r.value = count > 0 ? sum / static_cast<double>(count) : kNaN;
  r.arrays.push_back(std::move(per_class));
  return r;
}

// ---- MeanPerClassAccuracy ----

absl::Status MeanPerClassAccuracyOptions::Validate() const {
  return ValidateClassOptions("mean_per_class_accuracy", num_classes, threshold);
}

MeanPerClassAccuracy::MeanPerClassAccuracy(const MeanPerClassAccuracyOptions& options)
    : ConfusionMetric("mean_per_class_accuracy", options.name, options.num_classes, options.threshold),
      options_(options) {}

std::string MeanPerClassAccuracy::Config() const { return BaseConfig(); }

MetricResult MeanPerClassAccuracy::Result() const {
  const int64_t c = acc_.num_classes();
  MetricArray per_class{"per_class", {c}, std::vector<double>(static_cast<size_t>(c))};
  double sum = 0.0;
  int64_t count = 0;
  for (int64_t k = 0; k < c; ++k) {
    const double den = acc_.true_sum(k);
    if (den > 0) {
      const double recall = acc_.tp(k) / den;
      per_class.values[static_cast<size_t>(k)] = recall;
      sum += recall;
      ++count;
    }
  }
  MetricResult r;
  r.value = count > 0 ? sum / static_cast<double>(count) : kNaN;
  r.arrays.push_back(std::move(per_class));
  return r;
}

}  // namespace metrics
