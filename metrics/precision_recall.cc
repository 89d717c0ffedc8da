#include "metrics/precision_recall.h"

#include <cmath>
#include <vector>

#include "absl/strings/str_cat.h"

namespace metrics {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

const char* AverageName(Average a) {
  switch (a) {
    case Average::kBinary:
      return "binary";
    case Average::kMicro:
      return "micro";
    case Average::kMacro:
      return "macro";
    case Average::kWeighted:
      return "weighted";
  }
  return "?";
}

std::string KindOf(PrecisionRecallMetric::Score score, double beta) {
  switch (score) {
    case PrecisionRecallMetric::Score::kPrecision:
      return "precision";
    case PrecisionRecallMetric::Score::kRecall:
      return "recall";
    case PrecisionRecallMetric::Score::kFBeta:
      return beta == 1.0 ? "f1" : "fbeta";
  }
  return "?";
}

}  // namespace

absl::Status PrecisionRecallOptions::Validate() const {
  if (absl::Status s = ValidateClassOptions("precision/recall/f1", num_classes, threshold); !s.ok()) return s;
  if (average == Average::kBinary && num_classes != 2) {
    return absl::InvalidArgumentError(
        absl::StrCat("precision/recall/f1: average=binary needs num_classes == 2, got ", num_classes,
                     " (use micro, macro or weighted)"));
  }
  if (pos_label != 0 && pos_label != 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("precision/recall/f1: pos_label must be 0 or 1, got ", pos_label));
  }
  if (!(zero_division == 0.0 || zero_division == 1.0 || std::isnan(zero_division))) {
    return absl::InvalidArgumentError(
        absl::StrCat("precision/recall/f1: zero_division must be 0, 1 or NaN, got ", zero_division));
  }
  if (!(beta > 0) || !std::isfinite(beta)) {
    return absl::InvalidArgumentError(absl::StrCat("precision/recall/f1: beta must be > 0, got ", beta));
  }
  return absl::OkStatus();
}

PrecisionRecallMetric::PrecisionRecallMetric(Score score, const PrecisionRecallOptions& options)
    : ConfusionMetric(KindOf(score, options.beta), options.name, options.num_classes, options.threshold),
      score_(score),
      options_(options) {}

std::string PrecisionRecallMetric::Config() const {
  std::string c = absl::StrCat(BaseConfig(), ";average=", AverageName(options_.average),
                               ";zero_division=", ExactDouble(options_.zero_division),
                               ";include_absent_classes=", options_.include_absent_classes ? 1 : 0);
  if (options_.average == Average::kBinary) absl::StrAppend(&c, ";pos_label=", options_.pos_label);
  if (score_ == Score::kFBeta) absl::StrAppend(&c, ";beta=", ExactDouble(options_.beta));
  return c;
}

double PrecisionRecallMetric::ScoreOf(double tp, double pred, double truth) const {
  const double zd = options_.zero_division;
  const double precision = pred > 0 ? tp / pred : zd;
  const double recall = truth > 0 ? tp / truth : zd;
  switch (score_) {
    case Score::kPrecision:
      return precision;
    case Score::kRecall:
      return recall;
    case Score::kFBeta: {
      const double b2 = options_.beta * options_.beta;
      if (std::isnan(zd)) {
        const double den = (1 + b2) * tp + b2 * (truth - tp) + (pred - tp);
        return den > 0 ? (1 + b2) * tp / den : kNaN;
      }
      const double den = b2 * precision + recall;
      return den > 0 ? (1 + b2) * precision * recall / den : 0.0;
    }
  }
  return kNaN;
}

MetricResult PrecisionRecallMetric::Result() const {
  const int64_t c = acc_.num_classes();
  MetricResult r;
  MetricArray per_class{"per_class", {c}, std::vector<double>(static_cast<size_t>(c))};
  MetricArray support{"support", {c}, std::vector<double>(static_cast<size_t>(c))};
  for (int64_t k = 0; k < c; ++k) {
    per_class.values[static_cast<size_t>(k)] = ScoreOf(acc_.tp(k), acc_.pred_sum(k), acc_.true_sum(k));
    support.values[static_cast<size_t>(k)] = acc_.true_sum(k);
  }
  const double zd = options_.zero_division;
  switch (options_.average) {
    case Average::kBinary:
      r.value = per_class.values[static_cast<size_t>(options_.pos_label)];
      break;
    case Average::kMicro: {
      double tp = 0, pred = 0, truth = 0;
      for (int64_t k = 0; k < c; ++k) {
        if (!options_.include_absent_classes && !acc_.present(k)) continue;
        tp += acc_.tp(k);
        pred += acc_.pred_sum(k);
        truth += acc_.true_sum(k);
      }
      r.value = ScoreOf(tp, pred, truth);
      break;
    }
    case Average::kMacro:
    case Average::kWeighted: {
      const bool weighted = options_.average == Average::kWeighted;
      double sum = 0, weight = 0, support_total = 0;
      for (int64_t k = 0; k < c; ++k) {
        if (!options_.include_absent_classes && !acc_.present(k)) continue;
        support_total += acc_.true_sum(k);
        const double v = per_class.values[static_cast<size_t>(k)];
        if (std::isnan(v)) continue;
        const double w = weighted ? acc_.true_sum(k) : 1.0;
        sum += w * v;
        weight += w;
      }
      if (weighted && support_total == 0) {
        r.value = zd;  // scikit-learn: nothing to weight by
      } else if (weight > 0) {
        r.value = sum / weight;
      } else {
        r.value = weighted ? kNaN : (std::isnan(zd) ? kNaN : zd);
      }
      break;
    }
  }
  r.arrays.push_back(std::move(per_class));
  r.arrays.push_back(std::move(support));
  return r;
}

}  // namespace metrics
