#include "metrics/accuracy.h"

#include <cmath>

#include "gtest/gtest.h"
#include "tests/metrics/metric_test_util.h"

namespace metrics {
namespace {

using test_util::F32;
using test_util::I32;
using test_util::I64;

TEST(AccuracyTest, SparseArgmaxTakesFirstMaximum) {
  Accuracy acc(AccuracyOptions{.mode = AccuracyMode::kSparseCategorical});
  // argmax = 1, 0, 0 (tie -> first); labels 1, 1, 0.
  ASSERT_TRUE(acc.Update(F32({0.1f, 0.9f, 0.8f, 0.2f, 0.5f, 0.5f}, {3, 2}), I32({1, 1, 0})).ok());
  EXPECT_DOUBLE_EQ(acc.Result().value, 2.0 / 3.0);
  acc.Reset();
  ASSERT_TRUE(
      acc.Update(F32({0.1f, 0.9f, 0.8f, 0.2f, 0.5f, 0.5f}, {3, 2}), I64({1, 1, 0}), F32({1, 2, 1})).ok());
  EXPECT_DOUBLE_EQ(acc.Result().value, 0.5);  // (1 + 1) / 4
}

TEST(AccuracyTest, LabelsAsColumnAndIntegralFloats) {
  Accuracy acc;
  ASSERT_TRUE(acc.Update(F32({0.1f, 0.9f, 0.8f, 0.2f}, {2, 2}), F32({1, 1}, {2, 1})).ok());
  EXPECT_DOUBLE_EQ(acc.Result().value, 0.5);
  EXPECT_FALSE(acc.Update(F32({0.1f, 0.9f}, {1, 2}), F32({0.5f})).ok());  // not an integer
}

TEST(AccuracyTest, Categorical) {
  Accuracy acc(AccuracyOptions{.mode = AccuracyMode::kCategorical});
  ASSERT_TRUE(
      acc.Update(F32({0.2f, 0.7f, 0.1f, 0.6f, 0.3f, 0.1f}, {2, 3}), F32({0, 1, 0, 0, 0, 1}, {2, 3})).ok());
  EXPECT_DOUBLE_EQ(acc.Result().value, 0.5);
  EXPECT_FALSE(acc.Update(F32({0.2f, 0.8f}, {1, 2}), I32({1})).ok());  // categorical needs one-hot
}

TEST(AccuracyTest, BinaryThresholdIsStrict) {
  Accuracy acc(AccuracyOptions{.mode = AccuracyMode::kBinary});
  // predicted 0, 0 (0.5 is not > 0.5), 1, 1; labels 0, 0, 1, 0.
  ASSERT_TRUE(acc.Update(F32({0.2f, 0.5f, 0.51f, 0.9f}), I32({0, 0, 1, 0})).ok());
  EXPECT_DOUBLE_EQ(acc.Result().value, 0.75);
  Accuracy low(AccuracyOptions{.mode = AccuracyMode::kBinary, .threshold = 0.1});
  ASSERT_TRUE(low.Update(F32({0.2f, 0.5f, 0.51f, 0.9f}), I32({0, 0, 1, 0})).ok());
  EXPECT_DOUBLE_EQ(low.Result().value, 0.25);
  EXPECT_FALSE(acc.Update(F32({0.2f}), I32({2})).ok());  // not a binary label
}

TEST(AccuracyTest, BinaryMultiLabelCountsEveryElement) {
  Accuracy acc(AccuracyOptions{.mode = AccuracyMode::kBinary});
  // Row 0: 2 of 2 right, weight 1; row 1: 1 of 2 right, weight 2 -> (2 + 2) / (2 + 4).
  ASSERT_TRUE(acc.Update(F32({0.9f, 0.1f, 0.9f, 0.9f}, {2, 2}), F32({1, 0, 1, 0}, {2, 2}), F32({1, 2})).ok());
  EXPECT_DOUBLE_EQ(acc.Result().value, 4.0 / 6.0);
}

TEST(AccuracyTest, AutoModeFollowsShapes) {
  Accuracy binary, ids, categorical;
  ASSERT_TRUE(binary.Update(F32({0.7f, 0.2f}, {2, 1}), I32({1, 1})).ok());
  EXPECT_DOUBLE_EQ(binary.Result().value, 0.5);
  ASSERT_TRUE(ids.Update(I32({3, 2, 7}), I64({3, 1, 7})).ok());
  EXPECT_DOUBLE_EQ(ids.Result().value, 2.0 / 3.0);
  ASSERT_TRUE(categorical.Update(F32({0.2f, 0.8f}, {1, 2}), F32({0, 1}, {1, 2})).ok());
  EXPECT_DOUBLE_EQ(categorical.Result().value, 1.0);
}

TEST(AccuracyTest, EmptyIsNan) {
  Accuracy acc;
  EXPECT_TRUE(std::isnan(acc.Result().value));
}

TEST(AccuracyTest, BadInputNamesMetricAndLeavesStateAlone) {
  Accuracy acc(AccuracyOptions{.name = "val_acc"});
  ASSERT_TRUE(acc.Update(F32({0.1f, 0.9f}, {1, 2}), I32({1})).ok());
  absl::Status s = acc.Update(F32({0.1f, 0.9f, 0.3f, 0.7f}, {2, 2}), I32({1, 2}));
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("val_acc"), absl::string_view::npos) << s;
  EXPECT_NE(s.message().find("labels[1] = 2"), absl::string_view::npos) << s;
  EXPECT_FALSE(acc.Update(F32({NAN, 0.9f}, {1, 2}), I32({1})).ok());
  EXPECT_FALSE(acc.Update(F32({0.1f, 0.9f, 0.3f, 0.7f}, {2, 2}), I32({1, 0, 1})).ok());
  EXPECT_FALSE(acc.Update(F32({0.1f, 0.9f}, {1, 2}), I32({-1})).ok());
  EXPECT_DOUBLE_EQ(acc.Result().value, 1.0);
}

TEST(TopKAccuracyTest, TiesFavourLargerClassIndexLikeScikitLearn) {
  const graph::Tensor scores = F32({0.5f, 0.5f, 0.1f, 0.3f, 0.2f, 0.5f}, {2, 3});
  const graph::Tensor labels = I32({0, 1});
  // Row 0: label 0 ties with class 1, which ranks first -> rank 1. Row 1: label 1 has two higher -> rank 2.
  const double expected[] = {0.0, 0.5, 1.0};
  for (int k = 1; k <= 3; ++k) {
    TopKAccuracy m(TopKAccuracyOptions{.k = k});
    ASSERT_TRUE(m.Update(scores, labels).ok());
    EXPECT_DOUBLE_EQ(m.Result().value, expected[k - 1]) << "k=" << k;
  }
  TopKAccuracy top1(TopKAccuracyOptions{.k = 1});
  ASSERT_TRUE(top1.Update(F32({0.5f, 0.5f, 0.1f}, {1, 3}), I32({1})).ok());
  EXPECT_DOUBLE_EQ(top1.Result().value, 1.0);
}

TEST(TopKAccuracyTest, WeightsOneHotAndErrors) {
  TopKAccuracy m(TopKAccuracyOptions{.k = 2});
  ASSERT_TRUE(m.Update(F32({0.5f, 0.5f, 0.1f, 0.3f, 0.2f, 0.5f}, {2, 3}), F32({1, 0, 0, 0, 1, 0}, {2, 3}),
                       F32({3, 1}))
                  .ok());
  EXPECT_DOUBLE_EQ(m.Result().value, 0.75);
  EXPECT_FALSE(m.Update(F32({0.5f, 0.5f}), I32({0, 1})).ok());  // not [N,C]
  EXPECT_FALSE(TopKAccuracyOptions{.k = 0}.Validate().ok());
  TopKAccuracy bad(TopKAccuracyOptions{.k = 0});
  EXPECT_FALSE(bad.Update(F32({0.5f, 0.5f}, {1, 2}), I32({0})).ok());
}

}  // namespace
}  // namespace metrics
