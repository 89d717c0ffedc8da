#include "metrics/confusion.h"

#include <cmath>

#include "gtest/gtest.h"
#include "tests/metrics/metric_test_util.h"

namespace metrics {
namespace {

using test_util::F32;
using test_util::I32;

TEST(ConfusionMatrixTest, RowsAreLabelsColumnsPredictions) {
  ConfusionMatrix m(ConfusionMatrixOptions{.num_classes = 3});
  // (label, pred): (0,0) (0,1) (1,1) (2,1) (2,2) with weights 1 2 1 1 3.
  ASSERT_TRUE(m.Update(I32({0, 1, 1, 1, 2}), I32({0, 0, 1, 2, 2}), F32({1, 2, 1, 1, 3})).ok());
  const MetricResult r = m.Result();
  const MetricArray* cm = r.Find("confusion_matrix");
  ASSERT_NE(cm, nullptr);
  EXPECT_EQ(cm->shape, (std::vector<int64_t>{3, 3}));
  EXPECT_EQ(cm->values, (std::vector<double>{1, 2, 0, 0, 1, 0, 0, 1, 3}));
  EXPECT_DOUBLE_EQ(r.value, 5.0 / 8.0);  // accuracy: trace / total
}

TEST(ConfusionMatrixTest, NormalizeTrueAndBinaryScores) {
  ConfusionMatrix m(ConfusionMatrixOptions{.num_classes = 2, .normalize = ConfusionNormalize::kTrue});
  // Scores > 0.5 -> 1: predictions 0, 1, 1, 0; labels 0, 0, 1, 1.
  ASSERT_TRUE(m.Update(F32({0.1f, 0.7f, 0.9f, 0.5f}), I32({0, 0, 1, 1})).ok());
  EXPECT_EQ(m.Result().Find("confusion_matrix")->values, (std::vector<double>{0.5, 0.5, 0.5, 0.5}));
  ConfusionMatrix empty(ConfusionMatrixOptions{.num_classes = 2, .normalize = ConfusionNormalize::kPred});
  EXPECT_TRUE(std::isnan(empty.Result().value));
  EXPECT_EQ(empty.Result().Find("confusion_matrix")->values, (std::vector<double>{0, 0, 0, 0}));
}

TEST(MeanIoUTest, AbsentClassesAreNotAveraged) {
  MeanIoU m(MeanIoUOptions{.num_classes = 3});
  // c0: tp 1, fn 1 -> 1/2; c1: tp 2, fp 1 -> 2/3; c2 never occurs.
  ASSERT_TRUE(m.Update(I32({0, 1, 1, 1}), I32({0, 0, 1, 1})).ok());
  const MetricResult r = m.Result();
  EXPECT_DOUBLE_EQ(r.value, (0.5 + 2.0 / 3.0) / 2.0);
  EXPECT_EQ(r.Find("per_class")->values[2], 0.0);
  MeanIoU empty(MeanIoUOptions{.num_classes = 3});
  EXPECT_TRUE(std::isnan(empty.Result().value));
}

TEST(MeanPerClassAccuracyTest, MeanRecallOverLabelledClasses) {
  MeanPerClassAccuracy m(MeanPerClassAccuracyOptions{.num_classes = 3});
  // Recall c0 = 1/2, c1 = 2/3; class 2 only predicted -> not averaged.
  ASSERT_TRUE(m.Update(I32({0, 1, 1, 1, 2}), I32({0, 0, 1, 1, 1})).ok());
  EXPECT_DOUBLE_EQ(m.Result().value, (0.5 + 2.0 / 3.0) / 2.0);
  m.Reset();
  ASSERT_TRUE(m.Update(I32({0, 1, 1, 1}), I32({0, 0, 1, 1})).ok());
  EXPECT_DOUBLE_EQ(m.Result().value, 0.75);
}

TEST(ConfusionTest, MergeNeedsSameClassCount) {
  MeanIoU a(MeanIoUOptions{.num_classes = 3}), b(MeanIoUOptions{.num_classes = 4});
  absl::Status s = a.Merge(b);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("num_classes=4"), absl::string_view::npos) << s;
  EXPECT_FALSE(a.RestoreState(b.SaveState()).ok());
}

TEST(ConfusionTest, RejectsOutOfRangeAndBadOptions) {
  ConfusionMatrix m(ConfusionMatrixOptions{.num_classes = 3});
  EXPECT_FALSE(m.Update(I32({0, 1}), I32({0, 3})).ok());
  EXPECT_FALSE(m.Update(F32({0.1f, 0.2f, 0.7f}, {1, 3}), I32({0, 1})).ok());  // row count
  EXPECT_FALSE((ConfusionMatrixOptions{.num_classes = 1}).Validate().ok());
  EXPECT_FALSE((ConfusionMatrixOptions{.num_classes = kMaxConfusionClasses + 1}).Validate().ok());
  ConfusionMatrix huge(ConfusionMatrixOptions{.num_classes = 1 << 30});  // no allocation, errors on use
  EXPECT_FALSE(huge.Update(I32({0}), I32({0})).ok());
}

}  // namespace
}  // namespace metrics
