#include "metrics/auc.h"

#include <cmath>
#include <random>

#include "gtest/gtest.h"
#include "tests/metrics/metric_test_util.h"

namespace metrics {
namespace {

using test_util::F32;
using test_util::I32;

double AucOf(AucCurve curve, const graph::Tensor& s, const graph::Tensor& y, const graph::Tensor& w = {},
             int num_thresholds = 0) {
  Auc m(AucOptions{.curve = curve, .num_thresholds = num_thresholds});
  absl::Status st = m.Update(s, y, w);
  EXPECT_TRUE(st.ok()) << st;
  return m.Result().value;
}

TEST(AucTest, ClassicExample) {
  // scikit-learn's documented example: roc_auc 0.75, average precision 0.8333.
  const graph::Tensor s = F32({0.1f, 0.4f, 0.35f, 0.8f}), y = I32({0, 0, 1, 1});
  EXPECT_DOUBLE_EQ(AucOf(AucCurve::kRoc, s, y), 0.75);
  EXPECT_DOUBLE_EQ(AucOf(AucCurve::kPr, s, y), 0.5 * 1.0 + 0.5 * (2.0 / 3.0));
}

TEST(AucTest, TiedScoresFormOneStep) {
  // Pairs: (0.9 > 0.5), (0.9 > 0.1), (0.5 == 0.5 counts 1/2), (0.5 > 0.1) -> 3.5 / 4.
  const graph::Tensor s = F32({0.9f, 0.5f, 0.5f, 0.1f}), y = I32({1, 1, 0, 0});
  EXPECT_DOUBLE_EQ(AucOf(AucCurve::kRoc, s, y), 0.875);
  // Thresholds 0.9: P 1, R 1/2; 0.5: P 2/3, R 1.
  EXPECT_DOUBLE_EQ(AucOf(AucCurve::kPr, s, y), 0.5 + 0.5 * (2.0 / 3.0));
  const graph::Tensor all_tied = F32({0.5f, 0.5f, 0.5f, 0.5f}), y2 = I32({0, 1, 0, 1});
  EXPECT_DOUBLE_EQ(AucOf(AucCurve::kRoc, all_tied, y2), 0.5);
  EXPECT_DOUBLE_EQ(AucOf(AucCurve::kPr, all_tied, y2), 0.5);
}

TEST(AucTest, WeightsActLikeRepeats) {
  const graph::Tensor s = F32({0.1f, 0.4f, 0.35f, 0.8f}), y = I32({0, 0, 1, 1});
  const graph::Tensor s_rep = F32({0.1f, 0.4f, 0.4f, 0.35f, 0.8f, 0.8f, 0.8f}),
                      y_rep = I32({0, 0, 0, 1, 1, 1, 1});
  for (AucCurve c : {AucCurve::kRoc, AucCurve::kPr}) {
    EXPECT_NEAR(AucOf(c, s, y, F32({1, 2, 1, 3})), AucOf(c, s_rep, y_rep), 1e-15);
  }
  // Zero weight removes an example.
  EXPECT_DOUBLE_EQ(AucOf(AucCurve::kRoc, s, y, F32({1, 0, 1, 1})), 1.0);
}

TEST(AucTest, OneClassEdgeCases) {
  const graph::Tensor s = F32({0.2f, 0.6f});
  EXPECT_TRUE(std::isnan(AucOf(AucCurve::kRoc, s, I32({0, 0}))));  // scikit-learn raises
  EXPECT_TRUE(std::isnan(AucOf(AucCurve::kRoc, s, I32({1, 1}))));
  EXPECT_EQ(AucOf(AucCurve::kPr, s, I32({0, 0})), 0.0);  // no positives: scikit-learn gives 0
  EXPECT_EQ(AucOf(AucCurve::kPr, s, I32({1, 1})), 1.0);
  Auc empty(AucOptions{.curve = AucCurve::kPr});
  EXPECT_TRUE(std::isnan(empty.Result().value));
}

TEST(AucTest, ThresholdedEqualsExactWhenBucketsSeparateScores) {
  // With 11 thresholds at multiples of 0.1, these scores fall in distinct buckets in the same order.
  const graph::Tensor s = F32({0.05f, 0.45f, 0.25f, 0.85f, 0.65f}), y = I32({0, 0, 1, 1, 0});
  for (AucCurve c : {AucCurve::kRoc, AucCurve::kPr}) {
    EXPECT_NEAR(AucOf(c, s, y, {}, 11), AucOf(c, s, y), 1e-15);
  }
}

TEST(AucTest, ThresholdedApproximatesExactAndHandlesLogits) {
  std::mt19937 rng(7);
  std::normal_distribution<float> noise(0.0f, 1.0f);
  std::vector<float> logits, probs;
  std::vector<int32_t> labels;
  for (int i = 0; i < 5000; ++i) {
    const int32_t y = i % 3 == 0;
    const float z = noise(rng) + (y ? 1.0f : 0.0f);
    labels.push_back(y);
    logits.push_back(z);
    probs.push_back(1.0f / (1.0f + std::exp(-z)));
  }
  for (AucCurve c : {AucCurve::kRoc, AucCurve::kPr}) {
    const double exact = AucOf(c, F32(probs), I32(labels));
    EXPECT_NEAR(AucOf(c, F32(probs), I32(labels), {}, 200), exact, 5e-3);
    EXPECT_DOUBLE_EQ(AucOf(c, F32(logits), I32(labels)), exact);  // ranking only
    Auc from_logits(AucOptions{.curve = c, .num_thresholds = 200, .from_logits = true});
    ASSERT_TRUE(from_logits.Update(F32(logits), I32(labels)).ok());
    EXPECT_NEAR(from_logits.Result().value, exact, 5e-3);
  }
}

TEST(AucTest, MultiLabelColumnsAndOneVsRest) {
  // Column 0: the classic example (ROC 0.75); column 1: perfectly ranked (1.0).
  const graph::Tensor s = F32({0.1f, 0.0f, 0.4f, 0.1f, 0.35f, 0.8f, 0.8f, 0.9f}, {4, 2});
  const graph::Tensor y = I32({0, 0, 0, 0, 1, 1, 1, 1});
  Auc macro;
  ASSERT_TRUE(macro.Update(s, *y.Reshaped({4, 2})).ok());
  EXPECT_DOUBLE_EQ(macro.Result().value, (0.75 + 1.0) / 2.0);
  EXPECT_EQ(macro.Result().Find("per_class")->values, (std::vector<double>{0.75, 1.0}));
  // Weighted by positive weight: column 0 has 2 positives, column 1 has 2 -> same as macro here.
  Auc weighted(AucOptions{.average = AucAverage::kWeighted});
  ASSERT_TRUE(weighted.Update(s, *y.Reshaped({4, 2})).ok());
  EXPECT_DOUBLE_EQ(weighted.Result().value, 0.875);
  // One-vs-rest: labels as ids, class 1 is the positive column.
  Auc ovr;
  ASSERT_TRUE(ovr.Update(F32({0.9f, 0.1f, 0.2f, 0.8f, 0.6f, 0.4f}, {3, 2}), I32({0, 1, 1})).ok());
  // Column 0 positives {0.9} vs negatives {0.2, 0.6} -> 1; column 1 positives {0.8, 0.4} vs {0.1} -> 1.
  EXPECT_DOUBLE_EQ(ovr.Result().value, 1.0);
  // A column with a single class is skipped by the macro average.
  Auc skip;
  ASSERT_TRUE(skip.Update(F32({0.9f, 0.1f, 0.2f, 0.3f}, {2, 2}), *I32({1, 0, 0, 0}).Reshaped({2, 2})).ok());
  EXPECT_DOUBLE_EQ(skip.Result().value, 1.0);
  EXPECT_TRUE(std::isnan(skip.Result().Find("per_class")->values[1]));
  EXPECT_FALSE(skip.Update(F32({0.9f, 0.1f, 0.2f}, {1, 3}), I32({0})).ok());  // column count changed
}

TEST(AucTest, RejectsBadInput) {
  Auc m;
  ASSERT_TRUE(m.Update(F32({0.1f, 0.9f}), I32({0, 1})).ok());
  absl::Status s = m.Update(F32({0.1f, NAN}), I32({0, 1}));
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("metric 'auc_roc'"), absl::string_view::npos) << s;
  EXPECT_FALSE(m.Update(F32({0.1f, INFINITY}), I32({0, 1})).ok());
  EXPECT_FALSE(m.Update(F32({0.1f, 0.2f}), I32({0, 2})).ok());
  EXPECT_FALSE(m.Update(F32({0.1f, 0.2f}), I32({0, 1, 1})).ok());
  EXPECT_FALSE(m.Update(F32({0.1f, 0.2f, 0.3f, 0.4f}, {2, 2}), I32({0, 1})).ok());
  EXPECT_FALSE(m.Update(I32({0, 1}), I32({0, 1})).ok());  // scores must be floating point
  EXPECT_FALSE(m.Update(F32({0.1f, 0.2f}), I32({0, 1}), F32({1, -2})).ok());
  EXPECT_EQ(m.num_stored(), 2);
  EXPECT_DOUBLE_EQ(m.Result().value, 1.0);
  EXPECT_FALSE((AucOptions{.num_thresholds = 2}).Validate().ok());
  Auc thresholded(AucOptions{.num_thresholds = 100});
  EXPECT_FALSE(thresholded.Update(F32({0.5f, 1.5f}), I32({0, 1})).ok());  // not a probability
  Auc a(AucOptions{.num_thresholds = 100}), b(AucOptions{.num_thresholds = 200});
  EXPECT_FALSE(a.Merge(b).ok());
}

}  // namespace
}  // namespace metrics
