// Properties every metric kind must have, checked on random data: many small batches and merged shards equal
// one pass, save/restore round-trips and validates, bad input is a Status naming the metric and changes
// nothing.
#include <cmath>
#include <random>

#include "gtest/gtest.h"
#include "metrics/registry.h"
#include "tests/metrics/metric_test_util.h"

namespace metrics {
namespace {

using test_util::F32;
using test_util::ResultsNear;

enum class Input { kValues, kScores, kOneHot, kBinary, kRegression };

struct KindCase {
  std::string kind;
  std::vector<std::pair<std::string, std::string>> params;
  Input input;
  int classes = 4;
};

std::vector<KindCase> AllCases() {
  return {
      {"mean", {}, Input::kValues},
      {"sum", {}, Input::kValues},
      {"accuracy", {}, Input::kScores},
      {"binary_accuracy", {}, Input::kBinary},
      {"categorical_accuracy", {}, Input::kOneHot},
      {"sparse_categorical_accuracy", {}, Input::kScores},
      {"top_k_accuracy", {{"k", "3"}}, Input::kScores, 8},
      {"precision", {}, Input::kBinary},
      {"recall", {{"num_classes", "4"}, {"average", "macro"}}, Input::kScores},
      {"f1", {{"num_classes", "4"}, {"average", "weighted"}}, Input::kScores},
      {"fbeta", {{"beta", "2"}, {"num_classes", "4"}, {"average", "micro"}}, Input::kScores},
      {"auc", {}, Input::kBinary},
      {"auc_roc", {{"num_thresholds", "50"}}, Input::kBinary},
      {"auc_pr", {}, Input::kBinary},
      {"auc_pr", {{"num_thresholds", "50"}}, Input::kBinary},
      {"auc_roc", {{"average", "micro"}}, Input::kScores},
      {"auc_pr",
       {{"num_thresholds", "50"}, {"average", "weighted"}, {"from_logits", "true"}},
       Input::kScores},
      {"auc_roc", {}, Input::kOneHot},
      {"log_loss", {}, Input::kBinary},
      {"log_loss", {{"from_logits", "true"}}, Input::kScores},
      {"mse", {}, Input::kRegression},
      {"rmse", {}, Input::kRegression},
      {"mae", {}, Input::kRegression},
      {"r2", {}, Input::kRegression},
      {"confusion_matrix", {{"num_classes", "4"}}, Input::kScores},
      {"mean_iou", {{"num_classes", "4"}}, Input::kScores},
      {"mean_per_class_accuracy", {}, Input::kBinary, 2},
  };
}

struct Batch {
  graph::Tensor predictions, labels, weights;
};

Batch MakeBatch(const KindCase& k, int64_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(0.0f, 1.0f);
  std::uniform_int_distribution<int32_t> cls(0, k.classes - 1);
  Batch b;
  std::vector<float> w;
  for (int64_t i = 0; i < n; ++i) w.push_back(std::round(u(rng) * 4.0f) / 2.0f);  // includes 0
  b.weights = F32(w);
  switch (k.input) {
    case Input::kValues: {
      std::vector<float> v;
      for (int64_t i = 0; i < 2 * n; ++i) v.push_back(u(rng) * 10.0f - 5.0f);
      b.predictions = F32(v, {n, 2});
      break;
    }
    case Input::kScores:
    case Input::kOneHot: {
      std::vector<float> v, onehot;
      std::vector<int32_t> y;
      for (int64_t i = 0; i < n; ++i) {
        y.push_back(cls(rng));
        for (int c = 0; c < k.classes; ++c) {
          v.push_back(std::round(u(rng) * 8.0f) / 8.0f + (c == y.back() ? 0.3f : 0.0f));  // ties happen
          onehot.push_back(c == y.back() ? 1.0f : 0.0f);
        }
      }
      b.predictions = F32(v, {n, k.classes});
      b.labels = k.input == Input::kOneHot ? F32(onehot, {n, k.classes}) : test_util::I32(y);
      break;
    }
    case Input::kBinary: {
      std::vector<float> v;
      std::vector<int32_t> y;
      for (int64_t i = 0; i < n; ++i) {
        const float p = std::round(u(rng) * 20.0f) / 20.0f;  // ties, exact 0 and 1
        v.push_back(p);
        y.push_back(u(rng) < 0.2f + 0.6f * p);
      }
      b.predictions = F32(v);
      b.labels = test_util::I32(y);
      break;
    }
    case Input::kRegression: {
      std::vector<float> p, y;
      for (int64_t i = 0; i < 3 * n; ++i) {
        y.push_back(u(rng) * 4.0f);
        p.push_back(y.back() + u(rng) - 0.5f);
      }
      b.predictions = F32(p, {n, 3});
      b.labels = F32(y, {n, 3});
      break;
    }
  }
  return b;
}

class MetricProperties : public ::testing::TestWithParam<KindCase> {
 protected:
  std::unique_ptr<Metric> Make() const {
    absl::StatusOr<std::unique_ptr<Metric>> m = CreateMetricFromParams(GetParam().kind, GetParam().params);
    EXPECT_TRUE(m.ok()) << m.status();
    return *std::move(m);
  }
  test_util::MetricFactory Factory() const {
    return [this]() { return Make(); };
  }
};

TEST_P(MetricProperties, StreamingAndMergingEqualOnePass) {
  const Batch b = MakeBatch(GetParam(), 503, 11);
  std::unique_ptr<Metric> one = Make();
  ASSERT_TRUE(one->Update(b.predictions, b.labels, b.weights).ok());
  const MetricResult expected = one->Result();
  ASSERT_FALSE(std::isnan(expected.value));
  EXPECT_TRUE(
      ResultsNear(test_util::StreamResult(Factory(), b.predictions, b.labels, b.weights, {1, 5, 17, 2}),
                  expected, 1e-12));
  EXPECT_TRUE(ResultsNear(test_util::MergedResult(Factory(), b.predictions, b.labels, b.weights, 4), expected,
                          1e-12));
  EXPECT_TRUE(
      ResultsNear(test_util::RestoredResult(Factory(), b.predictions, b.labels, b.weights), expected, 0.0));
  // Without weights, too.
  one->Reset();
  ASSERT_TRUE(one->Update(b.predictions, b.labels).ok());
  EXPECT_TRUE(
      ResultsNear(test_util::StreamResult(Factory(), b.predictions, b.labels, graph::Tensor(), {3, 8}),
                  one->Result(), 1e-12));
}

TEST_P(MetricProperties, ResetForgetsEverything) {
  const Batch b = MakeBatch(GetParam(), 50, 3);
  std::unique_ptr<Metric> fresh = Make(), used = Make();
  ASSERT_TRUE(used->Update(b.predictions, b.labels, b.weights).ok());
  used->Reset();
  EXPECT_TRUE(ResultsNear(used->Result(), fresh->Result(), 0.0));
  EXPECT_EQ(used->SaveState(), fresh->SaveState());
}

TEST_P(MetricProperties, BadInputIsAStatusAndChangesNothing) {
  const KindCase& k = GetParam();
  const Batch b = MakeBatch(k, 20, 5);
  std::unique_ptr<Metric> m = Make();
  ASSERT_TRUE(m->Update(b.predictions, b.labels, b.weights).ok());
  const std::string before = m->SaveState();
  auto expect_error = [&](const Batch& bad, const char* what, const char* needle) {
    absl::Status s = m->Update(bad.predictions, bad.labels, bad.weights);
    EXPECT_FALSE(s.ok()) << k.kind << ": " << what;
    EXPECT_NE(s.message().find("metric '" + m->Name() + "'"), absl::string_view::npos) << s;
    EXPECT_NE(s.message().find(needle), absl::string_view::npos) << what << ": " << s;
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(m->SaveState(), before) << k.kind << ": state changed by a failed update (" << what << ")";
  };
  // NaN in the last prediction.
  Batch nan = b;
  nan.predictions = b.predictions.Clone();
  nan.predictions.flat<float>()[nan.predictions.num_elements() - 1] = NAN;
  expect_error(nan, "NaN prediction", "NaN");
  // Negative and mismatched weights.
  Batch neg = b;
  neg.weights = b.weights.Clone();
  neg.weights.flat<float>()[19] = -1.0f;
  expect_error(neg, "negative weight", "negative");
  Batch short_w = b;
  short_w.weights = test_util::SliceRows(b.weights, 0, 19);
  expect_error(short_w, "weight length", "sample_weights");
  if (k.input == Input::kValues) return;
  // Fewer labels than predictions.
  Batch short_labels = b;
  short_labels.labels = test_util::SliceRows(b.labels, 0, 19);
  expect_error(short_labels, "label count", "labels");
  if (k.input == Input::kRegression || k.input == Input::kOneHot) return;
  // A label out of range.
  Batch out_of_range = b;
  std::vector<int32_t> y = b.labels.ToVector<int32_t>();
  y[7] = k.input == Input::kBinary ? 2 : k.classes;
  out_of_range.labels = test_util::I32(y);
  expect_error(out_of_range, "label out of range", "labels[7]");
}

TEST_P(MetricProperties, MergeAndRestoreRejectIncompatibleMetrics) {
  std::unique_ptr<Metric> m = Make();
  const bool is_mean = GetParam().kind == "mean";
  std::unique_ptr<Metric> other = *CreateMetric(is_mean ? "sum" : "mean");
  EXPECT_FALSE(m->Merge(*other).ok());
  EXPECT_FALSE(m->Merge(*m).ok());
  EXPECT_FALSE(m->RestoreState(other->SaveState()).ok());

  const Batch b = MakeBatch(GetParam(), 30, 9);
  ASSERT_TRUE(m->Update(b.predictions, b.labels, b.weights).ok());
  const std::string good = m->SaveState();
  std::unique_ptr<Metric> target = Make();
  const std::string empty_state = target->SaveState();
  for (size_t cut : {size_t{0}, size_t{4}, good.size() / 2, good.size() - 1}) {
    EXPECT_FALSE(target->RestoreState(good.substr(0, cut)).ok()) << "truncated at " << cut;
  }
  std::string flipped = good;
  flipped[flipped.size() / 2] ^= 0x20;
  EXPECT_FALSE(target->RestoreState(flipped).ok());
  EXPECT_FALSE(target->RestoreState(good + "x").ok());
  EXPECT_EQ(target->SaveState(), empty_state);
  ASSERT_TRUE(target->RestoreState(good).ok());
  EXPECT_EQ(target->SaveState(), good);
}

INSTANTIATE_TEST_SUITE_P(AllKinds, MetricProperties, ::testing::ValuesIn(AllCases()),
                         [](const ::testing::TestParamInfo<KindCase>& info) {
                           std::string name = info.param.kind;
                           for (const auto& [key, value] : info.param.params) name += "_" + key + "_" + value;
                           for (char& ch : name) {
                             if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           }
                           return name;
                         });

TEST(MetricPropertiesTest, EveryKindIsCovered) {
  std::set<std::string> covered;
  for (const KindCase& k : AllCases()) covered.insert(k.kind);
  for (const std::string& kind : MetricKinds()) EXPECT_TRUE(covered.count(kind)) << kind;
}

}  // namespace
}  // namespace metrics
