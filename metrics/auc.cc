#include "metrics/auc.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "absl/strings/str_cat.h"
#include "metrics/curve.h"
#include "metrics/input.h"

namespace metrics {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kEdge = 1e-7;

const char* AverageName(AucAverage a) {
  switch (a) {
    case AucAverage::kMacro:
      return "macro";
    case AucAverage::kMicro:
      return "micro";
    case AucAverage::kWeighted:
      return "weighted";
  }
  return "?";
}

}  // namespace

absl::Status AucOptions::Validate() const {
  if (num_thresholds != 0 && (num_thresholds < 3 || num_thresholds > 1000000)) {
    return absl::InvalidArgumentError(
        absl::StrCat("auc: num_thresholds must be 0 (exact) or in [3, 1000000], got ", num_thresholds));
  }
  return absl::OkStatus();
}

Auc::Auc(const AucOptions& options)
    : Metric(options.curve == AucCurve::kRoc ? "auc_roc" : "auc_pr", options.name), options_(options) {}

std::string Auc::Config() const {
  std::string c =
      absl::StrCat("num_thresholds=", options_.num_thresholds, ";average=", AverageName(options_.average));
  if (!exact()) absl::StrAppend(&c, ";from_logits=", options_.from_logits ? 1 : 0);
  return c;
}

int64_t Auc::num_stored() const {
  int64_t n = 0;
  for (const Column& c : columns_) n += static_cast<int64_t>(c.scores.size());
  return n;
}

int64_t Auc::Bucket(float score) const {
  const int64_t t = options_.num_thresholds;
  double s = score;
  if (options_.from_logits) s = 1.0 / (1.0 + std::exp(-s));
  if (s <= -kEdge) return 0;
  if (s > 1.0 + kEdge) return t;
  // Interior thresholds are i / (t - 1) for i in [1, t - 2]; count those strictly below s.
  const double count = std::ceil(s * static_cast<double>(t - 1)) - 1.0;
  return 1 + static_cast<int64_t>(std::clamp(count, 0.0, static_cast<double>(t - 2)));
}

Auc::Column Auc::NewColumn() const {
  Column c;
  if (!exact()) {
    c.pos.assign(static_cast<size_t>(options_.num_thresholds) + 1, 0.0);
    c.neg.assign(static_cast<size_t>(options_.num_thresholds) + 1, 0.0);
  }
  return c;
}

void Auc::MakeWeighted() {
  if (weighted_) return;
  weighted_ = true;
  if (!exact()) return;
  for (Column& c : columns_) c.weights.assign(c.scores.size(), 1.0);
}

absl::Status Auc::Update(const graph::Tensor& predictions, const graph::Tensor& labels,
                         const graph::Tensor& sample_weights) {
  if (absl::Status s = options_.Validate(); !s.ok()) return InputError(std::string(s.message()));
  absl::StatusOr<int64_t> n_or = BatchSize(Context(), predictions, "predictions");
  if (!n_or.ok()) return n_or.status();
  const int64_t n = *n_or;
  int64_t k = 1;
  if (!IsColumn(predictions, n)) {
    if (predictions.rank() != 2) {
      return InputError(absl::StrCat("predictions must be scores [N], [N,1] or [N,K], got ",
                                     predictions.shape().ToString()));
    }
    k = predictions.dim(1);
  }
  if (num_columns_ != 0 && k != num_columns_) {
    return InputError(absl::StrCat("predictions have ", k, " columns, earlier batches had ", num_columns_));
  }
  if (!labels.IsValid()) return InputError("labels tensor is missing");
  if (labels.rank() >= 1 && labels.dim(0) != n) {
    return InputError(absl::StrCat("labels have ", labels.dim(0), " rows but predictions have ", n));
  }
  std::vector<float> storage;
  absl::StatusOr<const float*> p = FloatData(Context(), predictions, "predictions", &storage);
  if (!p.ok()) return p.status();
  if (!exact() && !options_.from_logits) {
    for (int64_t i = 0; i < n * k; ++i) {
      if ((*p)[i] < 0.0f || (*p)[i] > 1.0f) {
        return InputError(absl::StrCat("predictions[", i, "] = ", (*p)[i],
                                       " is not a probability in [0, 1], which thresholded AUC needs (set "
                                       "from_logits for logits)"));
      }
    }
  }
  // y[i * k + j] in {0, 1}.
  std::vector<uint8_t> y;
  if (k == 1) {
    if (absl::Status s = ReadBinaryLabels(Context(), labels, n, &y); !s.ok()) return s;
  } else if (labels.rank() == 2 && labels.dim(1) == k) {
    const graph::Tensor flat = *labels.Reshaped(graph::Shape{n * k});
    if (absl::Status s = ReadBinaryLabels(Context(), flat, n * k, &y); !s.ok()) return s;
  } else {
    std::vector<int32_t> ids;
    if (absl::Status s = ReadClassIds(Context(), labels, "labels", n, k, &ids); !s.ok()) {
      return IsColumn(labels, n) ? s
                                 : InputError(absl::StrCat("labels must be [", n, ",", k, "] 0/1 or [", n,
                                                           "] class ids, got ", labels.shape().ToString()));
    }
    y.assign(static_cast<size_t>(n * k), 0);
    for (int64_t i = 0; i < n; ++i) y[static_cast<size_t>(i * k + ids[static_cast<size_t>(i)])] = 1;
  }
  std::vector<double> w;
  if (absl::Status s = ReadWeights(Context(), sample_weights, n, &w); !s.ok()) return s;
  const int64_t stored = num_stored();
  if (exact() &&
      static_cast<uint64_t>(stored) + static_cast<uint64_t>(n * k) > std::numeric_limits<uint32_t>::max()) {
    return InputError("exact mode holds at most 2^32 - 1 scores; use num_thresholds for longer streams");
  }

  if (num_columns_ == 0) {
    num_columns_ = k;
    const size_t count = options_.average == AucAverage::kMicro ? 1 : static_cast<size_t>(k);
    columns_.assign(count, NewColumn());
  }
  if (!w.empty()) MakeWeighted();
  const bool micro = columns_.size() == 1;
  // Column c receives entries (i, j) with j == c (or every j for micro), in row order.
  for (size_t c = 0; c < columns_.size(); ++c) {
    Column& col = columns_[c];
    const int64_t j_begin = micro ? 0 : static_cast<int64_t>(c);
    const int64_t j_end = micro ? k : j_begin + 1;
    const size_t old_size = col.scores.size();
    if (exact()) {
      const size_t added = static_cast<size_t>(n * (j_end - j_begin));
      col.scores.resize(old_size + added);
      col.labels.resize(old_size + added);
      if (weighted_) col.weights.resize(old_size + added);
    }
    size_t out = old_size;
    double positive = 0.0;
    const float* scores = *p;
    for (int64_t i = 0; i < n; ++i) {
      const double wi = w.empty() ? 1.0 : w[static_cast<size_t>(i)];
      const size_t row = static_cast<size_t>(i * k);
      if (exact()) {
        for (int64_t j = j_begin; j < j_end; ++j, ++out) {
          const uint8_t label = y[row + static_cast<size_t>(j)];
          positive += label ? wi : 0.0;
          col.scores[out] = scores[row + static_cast<size_t>(j)];
          col.labels[out] = label;
        }
        if (weighted_)
          std::fill(col.weights.begin() + static_cast<std::ptrdiff_t>(out - (j_end - j_begin)),
                    col.weights.begin() + static_cast<std::ptrdiff_t>(out), wi);
      } else {
        for (int64_t j = j_begin; j < j_end; ++j) {
          const uint8_t label = y[row + static_cast<size_t>(j)];
          positive += label ? wi : 0.0;
          (label ? col.pos : col.neg)[static_cast<size_t>(Bucket(scores[row + static_cast<size_t>(j)]))] +=
              wi;
        }
      }
    }
    col.positive_weight += positive;
  }
  return absl::OkStatus();
}

double Auc::Area(const Column& column) const {
  CurveIntegrator integrator(options_.curve);
  if (!exact()) {
    for (size_t b = column.pos.size(); b-- > 0;) {
      if (column.pos[b] > 0 || column.neg[b] > 0) integrator.AddGroup(column.pos[b], column.neg[b]);
    }
    return integrator.Finish();
  }
  std::vector<uint32_t> order;
  SortScoresDescending(column.scores, &order);
  const size_t n = order.size();
  size_t i = 0;
  while (i < n) {
    const float s = column.scores[order[i]];
    double pos = 0.0, neg = 0.0;
    bool any_weight = false;
    for (; i < n && column.scores[order[i]] == s; ++i) {
      const uint32_t k = order[i];
      const double w = weighted_ ? column.weights[k] : 1.0;
      if (w == 0.0) continue;
      any_weight = true;
      (column.labels[k] ? pos : neg) += w;
    }
    if (any_weight) integrator.AddGroup(pos, neg);
  }
  return integrator.Finish();
}

MetricResult Auc::Result() const {
  MetricResult r;
  if (columns_.empty()) {
    r.value = kNaN;
    return r;
  }
  if (num_columns_ == 1 || columns_.size() == 1) {
    r.value = Area(columns_[0]);
    return r;
  }
  MetricArray per_class{"per_class", {num_columns_}, std::vector<double>(columns_.size())};
  double sum = 0.0, weight = 0.0, total_positive = 0.0;
  for (size_t c = 0; c < columns_.size(); ++c) {
    const double area = Area(columns_[c]);
    per_class.values[c] = area;
    const double cw = options_.average == AucAverage::kWeighted ? columns_[c].positive_weight : 1.0;
    total_positive += columns_[c].positive_weight;
    if (std::isnan(area) || cw == 0) continue;
    sum += cw * area;
    weight += cw;
  }
  if (options_.average == AucAverage::kWeighted && total_positive == 0) {
    r.value = 0.0;
  } else {
    r.value = weight > 0 ? sum / weight : kNaN;
  }
  r.arrays.push_back(std::move(per_class));
  return r;
}

void Auc::Reset() {
  num_columns_ = 0;
  weighted_ = false;
  columns_.clear();
}

absl::Status Auc::MergeFrom(const Metric& other) {
  const auto& o = static_cast<const Auc&>(other);
  if (o.num_columns_ == 0) return absl::OkStatus();
  if (num_columns_ != 0 && o.num_columns_ != num_columns_) {
    return InputError(absl::StrCat("cannot merge ", o.num_columns_, " columns into ", num_columns_));
  }
  if (num_columns_ == 0) {
    num_columns_ = o.num_columns_;
    columns_.assign(o.columns_.size(), NewColumn());
  }
  if (o.weighted_) MakeWeighted();
  for (size_t c = 0; c < columns_.size(); ++c) {
    Column& dst = columns_[c];
    const Column& src = o.columns_[c];
    dst.positive_weight += src.positive_weight;
    if (!exact()) {
      for (size_t b = 0; b < dst.pos.size(); ++b) {
        dst.pos[b] += src.pos[b];
        dst.neg[b] += src.neg[b];
      }
      continue;
    }
    if (weighted_) {
      if (o.weighted_) {
        dst.weights.insert(dst.weights.end(), src.weights.begin(), src.weights.end());
      } else {
        dst.weights.insert(dst.weights.end(), src.scores.size(), 1.0);
      }
    }
    dst.scores.insert(dst.scores.end(), src.scores.begin(), src.scores.end());
    dst.labels.insert(dst.labels.end(), src.labels.begin(), src.labels.end());
  }
  return absl::OkStatus();
}

void Auc::EncodeState(StateWriter* writer) const {
  writer->PutI64(num_columns_);
  writer->PutU8(weighted_ ? 1 : 0);
  writer->PutU64(columns_.size());
  for (const Column& c : columns_) {
    writer->PutF64(c.positive_weight);
    if (!exact()) {
      writer->PutF64s(c.pos);
      writer->PutF64s(c.neg);
      continue;
    }
    writer->PutU64(c.scores.size());
    for (float s : c.scores) writer->PutF32(s);
    for (uint8_t y : c.labels) writer->PutU8(y);
    writer->PutF64s(c.weights);
  }
}

absl::Status Auc::DecodeState(StateReader* reader) {
  int64_t num_columns;
  uint8_t weighted;
  uint64_t count;
  if (absl::Status s = reader->GetI64("column count", &num_columns); !s.ok()) return s;
  if (absl::Status s = reader->GetU8("weighted flag", &weighted); !s.ok()) return s;
  if (absl::Status s = reader->GetU64("stored columns", &count); !s.ok()) return s;
  const uint64_t expected_count =
      num_columns == 0 ? 0
                       : (options_.average == AucAverage::kMicro ? 1 : static_cast<uint64_t>(num_columns));
  if (num_columns < 0 || weighted > 1 || count != expected_count)
    return reader->Error("invalid column header");
  std::vector<Column> columns(static_cast<size_t>(count));
  const int64_t buckets = exact() ? 0 : options_.num_thresholds + 1;
  for (Column& c : columns) {
    if (absl::Status s = reader->GetF64("positive weight", &c.positive_weight); !s.ok()) return s;
    if (!std::isfinite(c.positive_weight) || c.positive_weight < 0)
      return reader->Error("invalid positive weight");
    if (!exact()) {
      if (absl::Status s = reader->GetF64s("positive buckets", buckets, &c.pos); !s.ok()) return s;
      if (absl::Status s = reader->GetF64s("negative buckets", buckets, &c.neg); !s.ok()) return s;
      for (size_t b = 0; b < c.pos.size(); ++b) {
        if (!std::isfinite(c.pos[b]) || !std::isfinite(c.neg[b]) || c.pos[b] < 0 || c.neg[b] < 0) {
          return reader->Error("bucket weights must be finite and >= 0");
        }
      }
      continue;
    }
    uint64_t n;
    if (absl::Status s = reader->GetU64("score count", &n); !s.ok()) return s;
    if (n > reader->remaining() / 5)
      return reader->Error(absl::StrCat("score count ", n, " exceeds the data"));
    c.scores.resize(static_cast<size_t>(n));
    c.labels.resize(static_cast<size_t>(n));
    for (float& s : c.scores) {
      if (absl::Status st = reader->GetF32("score", &s); !st.ok()) return st;
      if (!std::isfinite(s)) return reader->Error("non-finite score");
    }
    for (uint8_t& y : c.labels) {
      if (absl::Status st = reader->GetU8("label", &y); !st.ok()) return st;
      if (y > 1) return reader->Error("label is not 0 or 1");
    }
    const int64_t expected_weights = weighted ? static_cast<int64_t>(n) : 0;
    if (absl::Status st = reader->GetF64s("weights", expected_weights, &c.weights); !st.ok()) return st;
    for (double w : c.weights) {
      if (!std::isfinite(w) || w < 0) return reader->Error("weights must be finite and >= 0");
    }
  }
  if (absl::Status st = reader->ExpectEnd(); !st.ok()) return st;
  num_columns_ = num_columns;
  weighted_ = weighted == 1;
  columns_ = std::move(columns);
  return absl::OkStatus();
}

}  // namespace metrics
