#include "metrics/regression.h"

#include <cmath>

#include "gtest/gtest.h"
#include "tests/metrics/metric_test_util.h"

namespace metrics {
namespace {

using test_util::F32;
using test_util::I32;

double ValueOf(RegressionMetric::Type type, const graph::Tensor& p, const graph::Tensor& y,
               const graph::Tensor& w = graph::Tensor()) {
  RegressionMetric m(type, {});
  absl::Status s = m.Update(p, y, w);
  EXPECT_TRUE(s.ok()) << s;
  return m.Result().value;
}

using K = RegressionMetric::Type;

TEST(RegressionTest, HandComputed) {
  // Errors 0, 1, 2; labels mean 3, SST 8.
  const graph::Tensor p = F32({1, 2, 3}), y = F32({1, 3, 5});
  EXPECT_DOUBLE_EQ(ValueOf(K::kMse, p, y), 5.0 / 3.0);
  EXPECT_DOUBLE_EQ(ValueOf(K::kRmse, p, y), std::sqrt(5.0 / 3.0));
  EXPECT_DOUBLE_EQ(ValueOf(K::kMae, p, y), 1.0);
  EXPECT_DOUBLE_EQ(ValueOf(K::kR2, p, y), 1.0 - 5.0 / 8.0);
  // Weights 1 1 2: SSE 9, W 4; weighted mean 3.5, SST 6.25 + 0.25 + 4.5 = 11.
  const graph::Tensor w = F32({1, 1, 2});
  EXPECT_DOUBLE_EQ(ValueOf(K::kMse, p, y, w), 9.0 / 4.0);
  EXPECT_DOUBLE_EQ(ValueOf(K::kMae, p, y, w), 5.0 / 4.0);
  EXPECT_DOUBLE_EQ(ValueOf(K::kR2, p, y, w), 1.0 - 9.0 / 11.0);
  // Integer labels and a [N,1] column are accepted.
  EXPECT_DOUBLE_EQ(ValueOf(K::kMse, F32({1, 2, 3}, {3, 1}), I32({1, 3, 5})), 5.0 / 3.0);
}

TEST(RegressionTest, MultiOutputAveragesPerOutputValues) {
  // Output 0 errors (1, 1) -> mse 1; output 1 errors (0, 2) -> mse 2. RMSE = (1 + sqrt 2) / 2.
  const graph::Tensor p = F32({1, 0, 2, 0}, {2, 2}), y = F32({2, 0, 3, 2}, {2, 2});
  EXPECT_DOUBLE_EQ(ValueOf(K::kMse, p, y), 1.5);
  EXPECT_DOUBLE_EQ(ValueOf(K::kRmse, p, y), (1.0 + std::sqrt(2.0)) / 2.0);
  RegressionMetric m(K::kMse, {});
  ASSERT_TRUE(m.Update(p, y).ok());
  EXPECT_EQ(m.Result().Find("per_output")->values, (std::vector<double>{1.0, 2.0}));
  EXPECT_FALSE(m.Update(F32({1, 2, 3}, {1, 3}), F32({1, 2, 3}, {1, 3})).ok());  // output count changed
  RegressionMetric other(K::kMse, {});
  ASSERT_TRUE(other.Update(F32({1}), F32({1})).ok());
  EXPECT_FALSE(m.Merge(other).ok());
}

TEST(RegressionTest, R2EdgeCases) {
  EXPECT_TRUE(std::isnan(ValueOf(K::kR2, F32({1}), F32({2}))));  // one example
  EXPECT_EQ(ValueOf(K::kR2, F32({1, 2}), F32({2, 2})), 0.0);     // constant labels, imperfect
  EXPECT_EQ(ValueOf(K::kR2, F32({2, 2}), F32({2, 2})), 1.0);     // perfect
  // Constant labels split over batches still give SST exactly 0.
  R2Score r2;
  ASSERT_TRUE(r2.Update(F32({0.1f}), F32({0.1f}), F32({0.3f})).ok());
  ASSERT_TRUE(r2.Update(F32({0.2f}), F32({0.1f}), F32({0.7f})).ok());
  EXPECT_EQ(r2.Result().value, 0.0);
  MeanSquaredError empty;
  EXPECT_TRUE(std::isnan(empty.Result().value));
  EXPECT_EQ(empty.Kind(), "mse");
  EXPECT_EQ(R2Score().Kind(), "r2");
}

TEST(RegressionTest, RejectsBadInput) {
  MeanAbsoluteError m;
  ASSERT_TRUE(m.Update(F32({1}), F32({2})).ok());
  absl::Status s = m.Update(F32({1, 2}), F32({1, 2, 3}));
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("metric 'mae'"), absl::string_view::npos) << s;
  EXPECT_FALSE(m.Update(F32({NAN}), F32({1})).ok());
  EXPECT_FALSE(m.Update(F32({1}), F32({INFINITY})).ok());
  EXPECT_FALSE(m.Update(F32({1}), graph::Tensor()).ok());
  EXPECT_FALSE(m.Update(F32({1, 2}), F32({1, 2}), F32({1})).ok());
  EXPECT_DOUBLE_EQ(m.Result().value, 1.0);
}

}  // namespace
}  // namespace metrics
