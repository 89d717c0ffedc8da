#include "metrics/precision_recall.h"

#include <cmath>

#include "gtest/gtest.h"
#include "tests/metrics/metric_test_util.h"

namespace metrics {
namespace {

using test_util::F32;
using test_util::I32;

double Value(PrecisionRecallMetric::Score score, const PrecisionRecallOptions& o, const graph::Tensor& p,
             const graph::Tensor& y, const graph::Tensor& w = graph::Tensor()) {
  PrecisionRecallMetric m(score, o);
  absl::Status s = m.Update(p, y, w);
  EXPECT_TRUE(s.ok()) << s;
  return m.Result().value;
}

constexpr auto kP = PrecisionRecallMetric::Score::kPrecision;
constexpr auto kR = PrecisionRecallMetric::Score::kRecall;
constexpr auto kF = PrecisionRecallMetric::Score::kFBeta;

TEST(PrecisionRecallTest, BinaryHandComputed) {
  const graph::Tensor p = I32({1, 1, 0, 0, 1}), y = I32({1, 0, 1, 0, 1});
  PrecisionRecallOptions o;
  EXPECT_DOUBLE_EQ(Value(kP, o, p, y), 2.0 / 3.0);  // tp 2, fp 1
  EXPECT_DOUBLE_EQ(Value(kR, o, p, y), 2.0 / 3.0);  // tp 2, fn 1
  EXPECT_DOUBLE_EQ(Value(kF, o, p, y), 2.0 / 3.0);
  // Weights 1 2 1 1 3: tp 4, fp 2, fn 1.
  const graph::Tensor w = F32({1, 2, 1, 1, 3});
  EXPECT_DOUBLE_EQ(Value(kP, o, p, y, w), 4.0 / 6.0);
  EXPECT_DOUBLE_EQ(Value(kR, o, p, y, w), 4.0 / 5.0);
  EXPECT_DOUBLE_EQ(Value(kF, o, p, y, w), 8.0 / 11.0);
  // F-beta 2: 5 P R / (4 P + R) = 5 (2/3)(4/5) / (8/3 + 4/5).
  o.beta = 2.0;
  EXPECT_NEAR(Value(kF, o, p, y, w), (5.0 * 2 / 3 * 4 / 5) / (8.0 / 3 + 4.0 / 5), 1e-15);
  // pos_label 0: tp 1 (index 3), fp 1, fn 1.
  o = PrecisionRecallOptions{.pos_label = 0};
  EXPECT_DOUBLE_EQ(Value(kP, o, p, y), 0.5);
}

TEST(PrecisionRecallTest, BinaryFromProbabilitiesUsesStrictThreshold) {
  PrecisionRecallOptions o;
  // Predicted 0, 1, 1 -> tp 1, fp 1.
  EXPECT_DOUBLE_EQ(Value(kP, o, F32({0.5f, 0.6f, 0.9f}), I32({1, 0, 1})), 0.5);
  o.threshold = 0.7;
  EXPECT_DOUBLE_EQ(Value(kP, o, F32({0.5f, 0.6f, 0.9f}), I32({1, 0, 1})), 1.0);
}

TEST(PrecisionRecallTest, ZeroDivision) {
  // No predicted positives: precision is zero_division, recall 0, F 0.
  const graph::Tensor p = I32({0, 0}), y = I32({1, 0});
  for (double zd : {0.0, 1.0}) {
    PrecisionRecallOptions o{.zero_division = zd};
    EXPECT_EQ(Value(kP, o, p, y), zd);
    EXPECT_EQ(Value(kR, o, p, y), 0.0);
    EXPECT_EQ(Value(kF, o, p, y), 0.0);
  }
  // Neither labels nor predictions positive: every score is zero_division.
  const graph::Tensor none = I32({0, 0});
  for (double zd : {0.0, 1.0}) {
    PrecisionRecallOptions o{.zero_division = zd};
    EXPECT_EQ(Value(kP, o, none, none), zd);
    EXPECT_EQ(Value(kR, o, none, none), zd);
    EXPECT_EQ(Value(kF, o, none, none), zd);
  }
  PrecisionRecallOptions nan_zd{.zero_division = NAN};
  EXPECT_TRUE(std::isnan(Value(kP, nan_zd, none, none)));
  EXPECT_TRUE(std::isnan(Value(kF, nan_zd, none, none)));
  EXPECT_EQ(Value(kF, nan_zd, p, y), 0.0);  // tp 0 but fn 1: defined
  // Nothing seen at all.
  PrecisionRecallMetric empty(kP, PrecisionRecallOptions{.zero_division = 1.0});
  EXPECT_EQ(empty.Result().value, 1.0);
}

TEST(PrecisionRecallTest, MulticlassAveragesAndAbsentClasses) {
  // C = 4; class 3 never occurs. Per class (P, R): c0 (1, 1/2), c1 (0, 0), c2 (1/2, 1).
  const graph::Tensor p = I32({0, 2, 2, 1}), y = I32({0, 1, 2, 0});
  PrecisionRecallOptions o{.num_classes = 4, .average = Average::kMacro};
  EXPECT_DOUBLE_EQ(Value(kP, o, p, y), 0.5);
  EXPECT_DOUBLE_EQ(Value(kR, o, p, y), 0.5);
  EXPECT_DOUBLE_EQ(Value(kF, o, p, y), (2.0 / 3.0 + 0.0 + 2.0 / 3.0) / 3.0);
  o.include_absent_classes = true;
  EXPECT_DOUBLE_EQ(Value(kP, o, p, y), 1.5 / 4.0);
  o.include_absent_classes = false;
  o.average = Average::kMicro;
  EXPECT_DOUBLE_EQ(Value(kP, o, p, y), 0.5);
  EXPECT_DOUBLE_EQ(Value(kR, o, p, y), 0.5);
  o.average = Average::kWeighted;  // supports 2, 1, 1
  EXPECT_DOUBLE_EQ(Value(kP, o, p, y), (2 * 1.0 + 0.0 + 0.5) / 4.0);
  EXPECT_DOUBLE_EQ(Value(kR, o, p, y), (2 * 0.5 + 0.0 + 1.0) / 4.0);

  PrecisionRecallMetric m(kP, PrecisionRecallOptions{.num_classes = 4, .average = Average::kMacro});
  ASSERT_TRUE(m.Update(p, y).ok());
  const MetricResult r = m.Result();
  ASSERT_NE(r.Find("per_class"), nullptr);
  EXPECT_EQ(r.Find("per_class")->values, (std::vector<double>{1.0, 0.0, 0.5, 0.0}));
  EXPECT_EQ(r.Find("support")->values, (std::vector<double>{2, 1, 1, 0}));
  EXPECT_EQ(m.Kind(), "precision");
}

TEST(PrecisionRecallTest, MacroNanZeroDivisionSkipsUndefinedClasses) {
  // Class 1 is present only as a label: its precision is undefined -> skipped.
  PrecisionRecallOptions o{.num_classes = 3, .average = Average::kMacro, .zero_division = NAN};
  EXPECT_DOUBLE_EQ(Value(kP, o, I32({0, 0, 2}), I32({0, 1, 2})), (0.5 + 1.0) / 2.0);
}

TEST(PrecisionRecallTest, OptionsAndInputErrors) {
  EXPECT_FALSE((PrecisionRecallOptions{.num_classes = 3}).Validate().ok());  // binary needs 2 classes
  EXPECT_FALSE((PrecisionRecallOptions{.pos_label = 2}).Validate().ok());
  EXPECT_FALSE((PrecisionRecallOptions{.zero_division = 0.5}).Validate().ok());
  EXPECT_FALSE((PrecisionRecallOptions{.num_classes = 1, .average = Average::kMacro}).Validate().ok());
  EXPECT_FALSE((PrecisionRecallOptions{.beta = 0}).Validate().ok());
  Precision m(PrecisionRecallOptions{.num_classes = 3, .average = Average::kMicro});
  absl::Status s = m.Update(I32({0, 3}), I32({0, 1}));
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("predictions[1] = 3"), absl::string_view::npos) << s;
  EXPECT_FALSE(m.Update(F32({0.2f, 0.3f}), I32({0, 1})).ok());  // binary scores with 3 classes
  EXPECT_FALSE(m.Update(F32({0.2f, 0.3f, 0.5f, 0.1f}, {2, 2}), I32({0, 1})).ok());  // C mismatch
  Precision bad(PrecisionRecallOptions{.num_classes = 3});
  EXPECT_FALSE(bad.Update(I32({0}), I32({0})).ok());  // invalid options are reported by Update
}

}  // namespace
}  // namespace metrics
