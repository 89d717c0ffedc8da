#include "metrics/reduction.h"

#include <cmath>

#include "gtest/gtest.h"
#include "tests/metrics/metric_test_util.h"

namespace metrics {
namespace {

using test_util::F32;
using test_util::I32;

TEST(MeanTest, WeightedPerExample) {
  Mean mean;
  ASSERT_TRUE(mean.Update(F32({1, 2, 3, 4}), graph::Tensor(), F32({1, 0, 2, 1})).ok());
  EXPECT_DOUBLE_EQ(mean.Result().value, 11.0 / 4.0);  // (1 + 6 + 4) / 4
  Sum sum;
  ASSERT_TRUE(sum.Update(F32({1, 2, 3, 4}), graph::Tensor(), F32({1, 0, 2, 1})).ok());
  EXPECT_DOUBLE_EQ(sum.Result().value, 11.0);
}

TEST(MeanTest, PerExampleWeightsBroadcastOverRow) {
  Mean mean;
  // Rows (1, 2) weight 1 and (3, 4) weight 3: (3 + 21) / (2 + 6).
  ASSERT_TRUE(mean.Update(F32({1, 2, 3, 4}, {2, 2}), graph::Tensor(), F32({1, 3})).ok());
  EXPECT_DOUBLE_EQ(mean.Result().value, 3.0);
}

TEST(MeanTest, ElementwiseWeights) {
  Mean mean;
  ASSERT_TRUE(mean.Update(F32({1, 2, 3, 4}, {2, 2}), graph::Tensor(), F32({1, 0, 0, 1}, {2, 2})).ok());
  EXPECT_DOUBLE_EQ(mean.Result().value, 2.5);
}

TEST(MeanTest, ScalarsAndIntegersStream) {
  Mean mean;
  ASSERT_TRUE(mean.Update(graph::Tensor::Scalar<float>(2.0f), graph::Tensor()).ok());
  ASSERT_TRUE(mean.Update(I32({4, 6}), graph::Tensor()).ok());
  EXPECT_DOUBLE_EQ(mean.Result().value, 4.0);
  EXPECT_EQ(mean.Name(), "mean");
  EXPECT_EQ(mean.Kind(), "mean");
}

TEST(MeanTest, EmptyIsNanSumIsZero) {
  Mean mean;
  Sum sum;
  EXPECT_TRUE(std::isnan(mean.Result().value));
  EXPECT_EQ(sum.Result().value, 0.0);
  ASSERT_TRUE(mean.Update(F32({5}), graph::Tensor(), F32({0})).ok());
  EXPECT_TRUE(std::isnan(mean.Result().value));  // all weight 0
}

TEST(MeanTest, ResetMergeAndRestore) {
  Mean a, b;
  ASSERT_TRUE(a.Update(F32({1, 2}), graph::Tensor()).ok());
  ASSERT_TRUE(b.Update(F32({6}), graph::Tensor(), F32({2})).ok());
  ASSERT_TRUE(a.Merge(b).ok());
  EXPECT_DOUBLE_EQ(a.Result().value, 15.0 / 4.0);
  Mean c;
  ASSERT_TRUE(c.RestoreState(a.SaveState()).ok());
  EXPECT_EQ(c.Result().value, a.Result().value);
  a.Reset();
  EXPECT_TRUE(std::isnan(a.Result().value));
  Sum s;
  EXPECT_FALSE(s.Merge(c).ok());  // different kind
  EXPECT_FALSE(s.RestoreState(c.SaveState()).ok());
}

TEST(MeanTest, RejectsBadInput) {
  Mean mean;
  ASSERT_TRUE(mean.Update(F32({1}), graph::Tensor()).ok());
  absl::Status s = mean.Update(F32({1, NAN}), graph::Tensor());
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("metric 'mean'"), absl::string_view::npos) << s;
  EXPECT_NE(s.message().find("NaN"), absl::string_view::npos) << s;
  EXPECT_FALSE(mean.Update(F32({1, 2}), F32({1, 2})).ok());                      // labels given
  EXPECT_FALSE(mean.Update(F32({1, 2}), graph::Tensor(), F32({1, 2, 3})).ok());  // weight length
  EXPECT_FALSE(mean.Update(F32({1, 2}), graph::Tensor(), F32({1, -1})).ok());    // negative weight
  EXPECT_FALSE(mean.Update(graph::Tensor(), graph::Tensor()).ok());
  EXPECT_DOUBLE_EQ(mean.Result().value, 1.0);  // failed updates changed nothing
}

}  // namespace
}  // namespace metrics
