#include "metrics/auc.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "absl/strings/str_cat.h"
#include "metrics/input.h"

namespace metrics {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kEdge = 1e-7;

// Area from groups of tied scores visited in decreasing score order; `pos`/`neg` give each group's summed
// positive and negative weight.
class CurveIntegrator {
 public:
  explicit CurveIntegrator(AucCurve curve) : curve_(curve) {}

  void AddGroup(double pos, double neg) {
    const double tp = tp_ + pos, fp = fp_ + neg;
    if (curve_ == AucCurve::kRoc) {
      area_ += (fp - fp_) * (tp + tp_) * 0.5;  // trapezoid, normalised at the end
    } else if (tp + fp > 0) {
      area_ += (tp - tp_) * (tp / (tp + fp));  // (R_n - R_{n-1}) * P_n, recall normalised at the end
    }
    tp_ = tp;
    fp_ = fp;
    any_ = true;
  }

  double Finish() const {
    if (curve_ == AucCurve::kRoc) {
      if (!(tp_ > 0) || !(fp_ > 0)) return kNaN;
      return area_ / (tp_ * fp_);
    }
    if (!any_) return kNaN;
    if (!(tp_ > 0)) return 0.0;
    return area_ / tp_;
  }

 private:
  AucCurve curve_;
  double tp_ = 0.0, fp_ = 0.0, area_ = 0.0;
  bool any_ = false;
};

// Sorts by score, descending, on keys mapped to unsigned integers (an LSD radix sort over 16-bit digits).
void SortDescending(const std::vector<float>& scores, std::vector<uint32_t>* order) {
  const size_t n = scores.size();
  std::vector<uint32_t> keys(n), tmp_keys(n), tmp_order(n);
  order->resize(n);
  for (size_t i = 0; i < n; ++i) {
    uint32_t u;
    std::memcpy(&u, &scores[i], sizeof u);
    if (scores[i] == 0.0f) u = 0;  // -0 == +0
    // Map to an order-preserving unsigned key, then invert it for a descending sort.
    u = (u & 0x80000000u) ? ~u : (u | 0x80000000u);
    keys[i] = ~u;
    (*order)[i] = static_cast<uint32_t>(i);
  }
  std::vector<uint32_t> count(1 << 16);
  for (int shift = 0; shift < 32; shift += 16) {
    std::fill(count.begin(), count.end(), 0);
    for (size_t i = 0; i < n; ++i) ++count[(keys[i] >> shift) & 0xffffu];
    uint32_t sum = 0;
    for (uint32_t& c : count) {
      const uint32_t c0 = c;
      c = sum;
      sum += c0;
    }
    for (size_t i = 0; i < n; ++i) {
      const uint32_t d = (keys[i] >> shift) & 0xffffu;
      const uint32_t dst = count[d]++;
      tmp_keys[dst] = keys[i];
      tmp_order[dst] = (*order)[i];
    }
    keys.swap(tmp_keys);
    order->swap(tmp_order);
  }
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
    : Metric(options.curve == AucCurve::kRoc ? "auc_roc" : "auc_pr", options.name), options_(options) {
  if (!exact() && options_.Validate().ok()) {
    pos_.assign(static_cast<size_t>(options_.num_thresholds) + 1, 0.0);
    neg_.assign(static_cast<size_t>(options_.num_thresholds) + 1, 0.0);
  }
}

std::string Auc::Config() const {
  std::string c = absl::StrCat("num_thresholds=", options_.num_thresholds);
  if (!exact()) absl::StrAppend(&c, ";from_logits=", options_.from_logits ? 1 : 0);
  return c;
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

absl::Status Auc::Update(const graph::Tensor& predictions, const graph::Tensor& labels,
                         const graph::Tensor& sample_weights) {
  if (absl::Status s = options_.Validate(); !s.ok()) return InputError(std::string(s.message()));
  absl::StatusOr<int64_t> n_or = BatchSize(Context(), predictions, "predictions");
  if (!n_or.ok()) return n_or.status();
  const int64_t n = *n_or;
  if (!IsColumn(predictions, n)) {
    return InputError(absl::StrCat("predictions must be binary scores [N] or [N,1], got ",
                                   predictions.shape().ToString()));
  }
  if (labels.IsValid() && labels.rank() >= 1 && labels.dim(0) != n) {
    return InputError(absl::StrCat("labels have ", labels.dim(0), " rows but predictions have ", n));
  }
  std::vector<float> storage;
  absl::StatusOr<const float*> p = FloatData(Context(), predictions, "predictions", &storage);
  if (!p.ok()) return p.status();
  std::vector<uint8_t> y;
  if (absl::Status s = ReadBinaryLabels(Context(), labels, n, &y); !s.ok()) return s;
  std::vector<double> w;
  if (absl::Status s = ReadWeights(Context(), sample_weights, n, &w); !s.ok()) return s;

  if (!exact()) {
    for (int64_t i = 0; i < n; ++i) {
      const double wi = w.empty() ? 1.0 : w[static_cast<size_t>(i)];
      (y[static_cast<size_t>(i)] ? pos_ : neg_)[static_cast<size_t>(Bucket((*p)[i]))] += wi;
    }
    return absl::OkStatus();
  }
  if (scores_.size() + static_cast<size_t>(n) > std::numeric_limits<uint32_t>::max()) {
    return InputError("exact mode holds at most 2^32 - 1 examples; use num_thresholds for longer streams");
  }
  if (!w.empty() && weights_.empty()) weights_.assign(scores_.size(), 1.0);
  scores_.insert(scores_.end(), *p, *p + n);
  labels_.insert(labels_.end(), y.begin(), y.end());
  if (!weights_.empty()) {
    if (w.empty()) {
      weights_.insert(weights_.end(), static_cast<size_t>(n), 1.0);
    } else {
      weights_.insert(weights_.end(), w.begin(), w.end());
    }
  }
  return absl::OkStatus();
}

MetricResult Auc::Result() const {
  CurveIntegrator integrator(options_.curve);
  if (!exact()) {
    for (size_t b = pos_.size(); b-- > 0;) {
      if (pos_[b] > 0 || neg_[b] > 0) integrator.AddGroup(pos_[b], neg_[b]);
    }
    return MetricResult{integrator.Finish(), {}};
  }
  std::vector<uint32_t> order;
  SortDescending(scores_, &order);
  const size_t n = order.size();
  size_t i = 0;
  while (i < n) {
    const float s = scores_[order[i]];
    double pos = 0.0, neg = 0.0;
    bool any_weight = false;
    for (; i < n && scores_[order[i]] == s; ++i) {
      const uint32_t k = order[i];
      const double w = weights_.empty() ? 1.0 : weights_[k];
      if (w == 0.0) continue;
      any_weight = true;
      (labels_[k] ? pos : neg) += w;
    }
    if (any_weight) integrator.AddGroup(pos, neg);
  }
  return MetricResult{integrator.Finish(), {}};
}

void Auc::Reset() {
  scores_.clear();
  labels_.clear();
  weights_.clear();
  std::fill(pos_.begin(), pos_.end(), 0.0);
  std::fill(neg_.begin(), neg_.end(), 0.0);
}

absl::Status Auc::MergeFrom(const Metric& other) {
  const auto& o = static_cast<const Auc&>(other);
  if (!exact()) {
    for (size_t b = 0; b < pos_.size() && b < o.pos_.size(); ++b) {
      pos_[b] += o.pos_[b];
      neg_[b] += o.neg_[b];
    }
    return absl::OkStatus();
  }
  if (!o.weights_.empty() && weights_.empty()) weights_.assign(scores_.size(), 1.0);
  if (!weights_.empty()) {
    if (o.weights_.empty()) {
      weights_.insert(weights_.end(), o.scores_.size(), 1.0);
    } else {
      weights_.insert(weights_.end(), o.weights_.begin(), o.weights_.end());
    }
  }
  scores_.insert(scores_.end(), o.scores_.begin(), o.scores_.end());
  labels_.insert(labels_.end(), o.labels_.begin(), o.labels_.end());
  return absl::OkStatus();
}

void Auc::EncodeState(StateWriter* writer) const {
  if (!exact()) {
    writer->PutF64s(pos_);
    writer->PutF64s(neg_);
    return;
  }
  writer->PutU64(scores_.size());
  for (float s : scores_) writer->PutF32(s);
  for (uint8_t y : labels_) writer->PutU8(y);
  writer->PutF64s(weights_);
}

absl::Status Auc::DecodeState(StateReader* reader) {
  if (!exact()) {
    std::vector<double> pos, neg;
    const int64_t size = static_cast<int64_t>(pos_.size());
    if (absl::Status s = reader->GetF64s("positive buckets", size, &pos); !s.ok()) return s;
    if (absl::Status s = reader->GetF64s("negative buckets", size, &neg); !s.ok()) return s;
    if (absl::Status s = reader->ExpectEnd(); !s.ok()) return s;
    for (size_t b = 0; b < pos.size(); ++b) {
      if (!std::isfinite(pos[b]) || !std::isfinite(neg[b]) || pos[b] < 0 || neg[b] < 0) {
        return reader->Error("bucket weights must be finite and >= 0");
      }
    }
    pos_ = std::move(pos);
    neg_ = std::move(neg);
    return absl::OkStatus();
  }
  uint64_t n;
  if (absl::Status s = reader->GetU64("example count", &n); !s.ok()) return s;
  if (n > reader->remaining() / 5) return reader->Error(absl::StrCat("example count ", n, " exceeds the data"));
  std::vector<float> scores(static_cast<size_t>(n));
  std::vector<uint8_t> labels(static_cast<size_t>(n));
  std::vector<double> weights;
  for (float& s : scores) {
    if (absl::Status st = reader->GetF32("score", &s); !st.ok()) return st;
    if (!std::isfinite(s)) return reader->Error("non-finite score");
  }
  for (uint8_t& y : labels) {
    if (absl::Status st = reader->GetU8("label", &y); !st.ok()) return st;
    if (y > 1) return reader->Error("label is not 0 or 1");
  }
  if (absl::Status st = reader->GetF64s("weights", -1, &weights); !st.ok()) return st;
  if (!weights.empty() && weights.size() != scores.size()) return reader->Error("weights do not match examples");
  for (double w : weights) {
    if (!std::isfinite(w) || w < 0) return reader->Error("weights must be finite and >= 0");
  }
  if (absl::Status st = reader->ExpectEnd(); !st.ok()) return st;
  scores_ = std::move(scores);
  labels_ = std::move(labels);
  weights_ = std::move(weights);
  return absl::OkStatus();
}

}  // namespace metrics
