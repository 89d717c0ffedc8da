#include "metrics/log_loss.h"

#include <cmath>

#include "gtest/gtest.h"
#include "tests/metrics/metric_test_util.h"

namespace metrics {
namespace {

using test_util::F32;
using test_util::I32;

double LossOf(const LogLossOptions& o, const graph::Tensor& p, const graph::Tensor& y,
              const graph::Tensor& w = graph::Tensor()) {
  LogLoss m(o);
  absl::Status s = m.Update(p, y, w);
  EXPECT_TRUE(s.ok()) << s;
  return m.Result().value;
}

TEST(LogLossTest, BinaryProbabilities) {
  EXPECT_NEAR(LossOf({}, F32({0.9f, 0.2f}), I32({1, 0})),
              -(std::log(double{0.9f}) + std::log(1.0 - double{0.2f})) / 2, 1e-15);
  // Weighted: (1 * -log 0.9 + 3 * -log 0.8) / 4.
  EXPECT_NEAR(LossOf({}, F32({0.9f, 0.2f}), I32({1, 0}), F32({1, 3})),
              -(std::log(double{0.9f}) + 3 * std::log(1.0 - double{0.2f})) / 4, 1e-15);
}

TEST(LogLossTest, ExactZeroAndOneAreClippedLikeScikitLearn) {
  const double eps = 1.1920928955078125e-07;  // float32 epsilon
  EXPECT_NEAR(LossOf({}, F32({0.0f}), I32({1})), -std::log(eps), 1e-12);
  EXPECT_NEAR(LossOf({}, F32({1.0f}), I32({0})), -std::log(eps), 1e-12);
  EXPECT_NEAR(LossOf({}, F32({1.0f}), I32({1})), -std::log(1 - eps), 1e-15);
  // Multiclass: the clipped row (1-eps, eps, eps) is renormalised before the log.
  EXPECT_NEAR(LossOf({}, F32({1, 0, 0}, {1, 3}), I32({1})), -std::log(eps / (1 + eps)), 1e-12);
  EXPECT_NEAR(LossOf(LogLossOptions{.epsilon = 1e-15}, F32({0.0f}), I32({1})), -std::log(1e-15), 1e-9);
}

TEST(LogLossTest, MulticlassIdsAndSoftLabels) {
  const graph::Tensor p = F32({0.2f, 0.7f, 0.1f, 0.5f, 0.25f, 0.25f}, {2, 3});
  // Rows are renormalised (scikit-learn does the same): 0.2f + 0.7f + 0.1f is not exactly 1 in double.
  const double sum0 = double{0.2f} + double{0.7f} + double{0.1f};
  const double a = -std::log(double{0.7f} / sum0), b = -std::log(double{0.25f});
  EXPECT_NEAR(LossOf({}, p, I32({1, 2})), (a + b) / 2, 1e-12);
  EXPECT_NEAR(LossOf({}, p, F32({0, 1, 0, 0, 0, 1}, {2, 3})), (a + b) / 2, 1e-12);
  // Soft label row 2: 0.5 * -log 0.5 + 0.5 * -log 0.25.
  EXPECT_NEAR(LossOf({}, p, F32({0, 1, 0, 0.5f, 0, 0.5f}, {2, 3})), (a + 0.5 * -std::log(0.5) + 0.5 * b) / 2,
              1e-12);
}

TEST(LogLossTest, LogitsAreExactWithoutClipping) {
  const LogLossOptions o{.from_logits = true};
  EXPECT_NEAR(LossOf(o, F32({0.0f}), I32({1})), std::log(2.0), 1e-15);
  EXPECT_NEAR(LossOf(o, F32({-1000.0f}), I32({1})), 1000.0, 1e-9);
  EXPECT_NEAR(LossOf(o, F32({30.0f}), I32({1})), std::log1p(std::exp(-30.0)), 1e-28);
  // Softmax of (0, ln 3) = (1/4, 3/4).
  EXPECT_NEAR(LossOf(o, F32({0.0f, static_cast<float>(std::log(3.0))}, {1, 2}), I32({0})), std::log(4.0),
              1e-7);
  EXPECT_NEAR(LossOf(o, F32({0.0f, 2000.0f}, {1, 2}), I32({0})), 2000.0, 1e-9);
}

TEST(LogLossTest, RejectsBadInput) {
  LogLoss m;
  ASSERT_TRUE(m.Update(F32({0.5f}), I32({1})).ok());
  absl::Status s = m.Update(F32({1.5f}), I32({1}));
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("from_logits"), absl::string_view::npos) << s;
  EXPECT_NE(s.message().find("metric 'log_loss'"), absl::string_view::npos) << s;
  EXPECT_FALSE(m.Update(F32({-0.1f}), I32({1})).ok());
  EXPECT_FALSE(m.Update(F32({NAN}), I32({1})).ok());
  EXPECT_FALSE(m.Update(F32({0.5f}), I32({2})).ok());
  EXPECT_FALSE(m.Update(F32({0.2f, 0.8f}, {1, 2}), I32({2})).ok());
  EXPECT_FALSE(m.Update(F32({0.2f, 0.8f}, {1, 2}), F32({-1, 2}, {1, 2})).ok());
  EXPECT_FALSE(m.Update(F32({0.2f, 0.8f}, {1, 2}), I32({0, 1})).ok());
  EXPECT_NEAR(m.Result().value, std::log(2.0), 1e-15);
  EXPECT_FALSE((LogLossOptions{.epsilon = 0.5}).Validate().ok());
  LogLoss empty;
  EXPECT_TRUE(std::isnan(empty.Result().value));
}

}  // namespace
}  // namespace metrics
