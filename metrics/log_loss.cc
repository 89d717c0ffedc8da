#include "metrics/log_loss.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "absl/strings/str_cat.h"
#include "metrics/input.h"

namespace metrics {

absl::Status LogLossOptions::Validate() const {
  if (!(epsilon >= 0 && epsilon < 0.5)) {
    return absl::InvalidArgumentError(absl::StrCat("log_loss: epsilon must be in [0, 0.5), got ", epsilon));
  }
  return absl::OkStatus();
}

LogLoss::LogLoss(const LogLossOptions& options) : Metric("log_loss", options.name), options_(options) {}

std::string LogLoss::Config() const {
  return absl::StrCat("from_logits=", options_.from_logits ? 1 : 0,
                      ";epsilon=", ExactDouble(options_.epsilon));
}

absl::Status LogLoss::Update(const graph::Tensor& predictions, const graph::Tensor& labels,
                             const graph::Tensor& sample_weights) {
  if (absl::Status s = options_.Validate(); !s.ok()) return InputError(std::string(s.message()));
  absl::StatusOr<int64_t> n_or = BatchSize(Context(), predictions, "predictions");
  if (!n_or.ok()) return n_or.status();
  const int64_t n = *n_or;
  const bool binary = IsColumn(predictions, n);
  if (!binary && !(predictions.rank() == 2 && predictions.dim(1) >= 2)) {
    return InputError(absl::StrCat("predictions must be [N], [N,1] or [N,C] with C >= 2, got ",
                                   predictions.shape().ToString()));
  }
  const int64_t c = binary ? 2 : predictions.dim(1);
  std::vector<float> storage;
  absl::StatusOr<const float*> p_or = FloatData(Context(), predictions, "predictions", &storage);
  if (!p_or.ok()) return p_or.status();
  const float* p = *p_or;
  if (!options_.from_logits) {
    const int64_t total = predictions.num_elements();
    for (int64_t i = 0; i < total; ++i) {
      if (p[i] < 0.0f || p[i] > 1.0f) {
        return InputError(absl::StrCat("predictions[", i, "] = ", p[i],
                                       " is not a probability in [0, 1] (set from_logits for logits)"));
      }
    }
  }
  // Labels: ids (one per row) or soft rows.
  std::vector<int32_t> ids;
  std::vector<double> soft;
  if (!labels.IsValid()) return InputError("labels tensor is missing");
  if (!binary && labels.rank() == 2 && labels.dim(0) == n && labels.dim(1) == c) {
    if (absl::Status s = ReadFinite(Context(), labels, "labels", &soft); !s.ok()) return s;
    for (size_t i = 0; i < soft.size(); ++i) {
      if (soft[i] < 0) return InputError(absl::StrCat("labels[", i, "] = ", soft[i], " is negative"));
    }
  } else {
    if (labels.rank() >= 1 && labels.dim(0) != n) {
      return InputError(absl::StrCat("labels have ", labels.dim(0), " rows but predictions have ", n));
    }
    if (absl::Status s = ReadClassIds(Context(), labels, binary ? "binary labels" : "labels", n, c, &ids);
        !s.ok()) {
      return s;
    }
  }
  std::vector<double> w;
  if (absl::Status s = ReadWeights(Context(), sample_weights, n, &w); !s.ok()) return s;

  const double eps = options_.epsilon;
  std::vector<double> q(static_cast<size_t>(c));
  double loss_sum = 0.0, weight_sum = 0.0;
  for (int64_t i = 0; i < n; ++i) {
    // Log-probabilities of the row in q.
    if (options_.from_logits) {
      if (binary) {
        const double z = p[i];
        // log(1 - sigmoid(z)) = -softplus(z); log sigmoid(z) = -softplus(-z).
        auto softplus = [](double x) { return std::max(x, 0.0) + std::log1p(std::exp(-std::abs(x))); };
        q[0] = -softplus(z);
        q[1] = -softplus(-z);
      } else {
        const float* z = p + i * c;
        double m = z[0];
        for (int64_t j = 1; j < c; ++j) m = std::max(m, static_cast<double>(z[j]));
        double s = 0.0;
        for (int64_t j = 0; j < c; ++j) s += std::exp(z[j] - m);
        const double lse = m + std::log(s);
        for (int64_t j = 0; j < c; ++j) q[static_cast<size_t>(j)] = z[j] - lse;
      }
    } else {
      // q holds clipped probabilities; only the needed logs are taken: log(q_j / sum) = log q_j - log sum.
      if (binary) {
        const double v = std::clamp(static_cast<double>(p[i]), eps, 1.0 - eps);
        q[0] = 1.0 - v;
        q[1] = v;
      } else {
        for (int64_t j = 0; j < c; ++j) {
          q[static_cast<size_t>(j)] = std::clamp(static_cast<double>(p[i * c + j]), eps, 1.0 - eps);
        }
      }
      double s = 0.0;
      for (double v : q) s += v;
      const double log_sum = std::log(s);
      if (soft.empty()) {
        const size_t y = static_cast<size_t>(ids[static_cast<size_t>(i)]);
        q[y] = std::log(q[y]) - log_sum;
      } else {
        for (double& v : q) v = std::log(v) - log_sum;
      }
    }
    double loss = 0.0;
    if (soft.empty()) {
      loss = -q[static_cast<size_t>(ids[static_cast<size_t>(i)])];
    } else {
      for (int64_t j = 0; j < c; ++j) {
        const double y = soft[static_cast<size_t>(i * c + j)];
        if (y != 0) loss -= y * q[static_cast<size_t>(j)];  // xlogy: 0 * log(0) = 0
      }
    }
    const double wi = w.empty() ? 1.0 : w[static_cast<size_t>(i)];
    loss_sum += wi * loss;
    weight_sum += wi;
  }
  loss_sum_ += loss_sum;
  weight_sum_ += weight_sum;
  return absl::OkStatus();
}

MetricResult LogLoss::Result() const {
  return MetricResult{weight_sum_ > 0 ? loss_sum_ / weight_sum_ : std::numeric_limits<double>::quiet_NaN(),
                      {}};
}

void LogLoss::Reset() { loss_sum_ = weight_sum_ = 0.0; }

absl::Status LogLoss::MergeFrom(const Metric& other) {
  const auto& o = static_cast<const LogLoss&>(other);
  loss_sum_ += o.loss_sum_;
  weight_sum_ += o.weight_sum_;
  return absl::OkStatus();
}

void LogLoss::EncodeState(StateWriter* writer) const {
  writer->PutF64(loss_sum_);
  writer->PutF64(weight_sum_);
}

absl::Status LogLoss::DecodeState(StateReader* reader) {
  double loss, weight;
  if (absl::Status s = reader->GetF64("loss_sum", &loss); !s.ok()) return s;
  if (absl::Status s = reader->GetF64("weight_sum", &weight); !s.ok()) return s;
  if (absl::Status s = reader->ExpectEnd(); !s.ok()) return s;
  if (!std::isfinite(loss) || !std::isfinite(weight) || loss < 0 || weight < 0) {
    return reader->Error("invalid sums");
  }
  loss_sum_ = loss;
  weight_sum_ = weight;
  return absl::OkStatus();
}

}  // namespace metrics
