#include "metrics/regression.h"

#include <cmath>
#include <limits>

#include "absl/strings/str_cat.h"
#include "metrics/input.h"

namespace metrics {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

const char* TypeName(RegressionMetric::Type k) {
  switch (k) {
    case RegressionMetric::Type::kMse:
      return "mse";
    case RegressionMetric::Type::kRmse:
      return "rmse";
    case RegressionMetric::Type::kMae:
      return "mae";
    case RegressionMetric::Type::kR2:
      return "r2";
  }
  return "?";
}

}  // namespace

void RegressionMetric::State::Resize(size_t d) {
  sse.assign(d, 0.0);
  sae.assign(d, 0.0);
  mean.assign(d, 0.0);
  m2.assign(d, 0.0);
  min.assign(d, kInf);
  max.assign(d, -kInf);
}

void RegressionMetric::State::Merge(const State& o) {
  const double w = weight + o.weight;
  for (size_t d = 0; d < sse.size(); ++d) {
    sse[d] += o.sse[d];
    sae[d] += o.sae[d];
    if (o.weight > 0) {
      const double delta = o.mean[d] - mean[d];
      m2[d] += o.m2[d] + delta * delta * weight * o.weight / w;
      mean[d] += delta * o.weight / w;
    }
    min[d] = std::min(min[d], o.min[d]);
    max[d] = std::max(max[d], o.max[d]);
  }
  weight = w;
  count += o.count;
}

RegressionMetric::RegressionMetric(Type type, const RegressionOptions& options)
    : Metric(TypeName(type), options.name), type_(type) {}

absl::Status RegressionMetric::Update(const graph::Tensor& predictions, const graph::Tensor& labels,
                                      const graph::Tensor& sample_weights) {
  absl::StatusOr<int64_t> n_or = BatchSize(Context(), predictions, "predictions");
  if (!n_or.ok()) return n_or.status();
  const int64_t n = *n_or;
  if (!labels.IsValid()) return InputError("labels tensor is missing");
  const bool same =
      labels.shape() == predictions.shape() || (IsColumn(labels, n) && IsColumn(predictions, n));
  if (!same) {
    return InputError(absl::StrCat("labels ", labels.shape().ToString(), " do not match predictions ",
                                   predictions.shape().ToString()));
  }
  if (n == 0) return absl::OkStatus();
  const int64_t d = predictions.num_elements() / n;
  if (num_outputs_ != 0 && d != num_outputs_) {
    return InputError(
        absl::StrCat("predictions have ", d, " outputs per example, earlier batches had ", num_outputs_));
  }
  std::vector<double> p, y, w;
  if (absl::Status s = ReadFinite(Context(), predictions, "predictions", &p); !s.ok()) return s;
  if (absl::Status s = ReadFinite(Context(), labels, "labels", &y); !s.ok()) return s;
  if (absl::Status s = ReadWeights(Context(), sample_weights, n, &w); !s.ok()) return s;

  State batch;
  batch.Resize(static_cast<size_t>(d));
  batch.count = n;
  const size_t nd = static_cast<size_t>(d);
  std::vector<double> wy(nd, 0.0);
  // Pass 1 (row-major): errors, label sums and ranges.
  for (int64_t i = 0; i < n; ++i) {
    const double wi = w.empty() ? 1.0 : w[static_cast<size_t>(i)];
    batch.weight += wi;
    const double* yr = y.data() + i * d;
    const double* pr = p.data() + i * d;
    for (size_t j = 0; j < nd; ++j) {
      const double e = yr[j] - pr[j];
      batch.sse[j] += wi * e * e;
      batch.sae[j] += wi * std::abs(e);
      wy[j] += wi * yr[j];
      batch.min[j] = std::min(batch.min[j], yr[j]);
      batch.max[j] = std::max(batch.max[j], yr[j]);
    }
  }
  // Pass 2: spread of the labels around their weighted batch mean.
  if (batch.weight > 0) {
    for (size_t j = 0; j < nd; ++j) batch.mean[j] = wy[j] / batch.weight;
    for (int64_t i = 0; i < n; ++i) {
      const double wi = w.empty() ? 1.0 : w[static_cast<size_t>(i)];
      const double* yr = y.data() + i * d;
      for (size_t j = 0; j < nd; ++j) {
        const double dv = yr[j] - batch.mean[j];
        batch.m2[j] += wi * dv * dv;
      }
    }
  }
  if (num_outputs_ == 0) {
    num_outputs_ = d;
    state_.Resize(static_cast<size_t>(d));
  }
  state_.Merge(batch);
  return absl::OkStatus();
}

MetricResult RegressionMetric::Result() const {
  MetricResult r;
  const size_t d = static_cast<size_t>(num_outputs_);
  if (d == 0 || !(state_.weight > 0) || (type_ == Type::kR2 && state_.count < 2)) {
    r.value = kNaN;
    return r;
  }
  MetricArray per_output{"per_output", {num_outputs_}, std::vector<double>(d)};
  double sum = 0.0;
  for (size_t j = 0; j < d; ++j) {
    double v = 0.0;
    switch (type_) {
      case Type::kMse:
        v = state_.sse[j] / state_.weight;
        break;
      case Type::kRmse:
        v = std::sqrt(state_.sse[j] / state_.weight);
        break;
      case Type::kMae:
        v = state_.sae[j] / state_.weight;
        break;
      case Type::kR2: {
        const double sst = state_.min[j] == state_.max[j] ? 0.0 : state_.m2[j];
        if (state_.sse[j] == 0) {
          v = 1.0;
        } else if (sst == 0) {
          v = 0.0;
        } else {
          v = 1.0 - state_.sse[j] / sst;
        }
        break;
      }
    }
    per_output.values[j] = v;
    sum += v;
  }
  r.value = sum / static_cast<double>(d);
  if (d > 1) r.arrays.push_back(std::move(per_output));
  return r;
}

void RegressionMetric::Reset() {
  num_outputs_ = 0;
  state_ = State();
}

absl::Status RegressionMetric::MergeFrom(const Metric& other) {
  const auto& o = static_cast<const RegressionMetric&>(other);
  if (o.num_outputs_ == 0) return absl::OkStatus();
  if (num_outputs_ != 0 && o.num_outputs_ != num_outputs_) {
    return InputError(absl::StrCat("cannot merge ", o.num_outputs_, " outputs into ", num_outputs_));
  }
  if (num_outputs_ == 0) {
    num_outputs_ = o.num_outputs_;
    state_.Resize(static_cast<size_t>(num_outputs_));
  }
  state_.Merge(o.state_);
  return absl::OkStatus();
}

void RegressionMetric::EncodeState(StateWriter* writer) const {
  writer->PutI64(num_outputs_);
  writer->PutI64(state_.count);
  writer->PutF64(state_.weight);
  for (const std::vector<double>* v :
       {&state_.sse, &state_.sae, &state_.mean, &state_.m2, &state_.min, &state_.max}) {
    writer->PutF64s(*v);
  }
}

absl::Status RegressionMetric::DecodeState(StateReader* reader) {
  int64_t d;
  State s;
  if (absl::Status st = reader->GetI64("num_outputs", &d); !st.ok()) return st;
  if (absl::Status st = reader->GetI64("count", &s.count); !st.ok()) return st;
  if (absl::Status st = reader->GetF64("weight", &s.weight); !st.ok()) return st;
  if (d < 0 || s.count < 0 || !std::isfinite(s.weight) || s.weight < 0)
    return reader->Error("invalid header");
  const char* names[] = {"sse", "sae", "mean", "m2", "min", "max"};
  std::vector<double>* fields[] = {&s.sse, &s.sae, &s.mean, &s.m2, &s.min, &s.max};
  for (int f = 0; f < 6; ++f) {
    if (absl::Status st = reader->GetF64s(names[f], d, fields[f]); !st.ok()) return st;
    for (double v : *fields[f]) {
      if (std::isnan(v) || (f < 4 && !std::isfinite(v)))
        return reader->Error(absl::StrCat("invalid ", names[f]));
      if (f != 2 && f < 4 && v < 0) return reader->Error(absl::StrCat("negative ", names[f]));
    }
  }
  if (absl::Status st = reader->ExpectEnd(); !st.ok()) return st;
  num_outputs_ = d;
  state_ = std::move(s);
  return absl::OkStatus();
}

}  // namespace metrics
