#include "metrics/registry.h"

#include <cmath>

#include "gtest/gtest.h"
#include "tests/metrics/metric_test_util.h"

namespace metrics {
namespace {

using test_util::F32;
using test_util::I32;

TEST(RegistryTest, CreatesEveryKind) {
  const std::vector<std::string> kinds = MetricKinds();
  EXPECT_EQ(kinds.size(), 22u);
  EXPECT_TRUE(std::is_sorted(kinds.begin(), kinds.end()));
  for (const std::string& kind : kinds) {
    absl::StatusOr<std::unique_ptr<Metric>> m = CreateMetric(kind);
    if (kind == "fbeta") {  // beta must differ from 1
      EXPECT_FALSE(m.ok());
      m = CreateMetric(kind, PrecisionRecallOptions{.beta = 2.0});
    }
    ASSERT_TRUE(m.ok()) << kind << ": " << m.status();
    EXPECT_EQ((*m)->Name(), kind == "auc" ? "auc_roc" : kind);  // "auc" is ROC unless curve says pr
  }
}

TEST(RegistryTest, TypedOptionsAreUsedAndChecked) {
  absl::StatusOr<std::unique_ptr<Metric>> m = CreateMetric(
      "precision", PrecisionRecallOptions{.name = "p_macro", .num_classes = 3, .average = Average::kMacro});
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ((*m)->Name(), "p_macro");
  EXPECT_EQ((*m)->Kind(), "precision");
  EXPECT_NE((*m)->Config().find("average=macro"), std::string::npos);

  absl::StatusOr<std::unique_ptr<Metric>> wrong = CreateMetric("precision", AucOptions{});
  EXPECT_FALSE(wrong.ok());
  EXPECT_NE(wrong.status().message().find("wrong type"), absl::string_view::npos);
  absl::StatusOr<std::unique_ptr<Metric>> invalid =
      CreateMetric("precision", PrecisionRecallOptions{.num_classes = 3});
  EXPECT_FALSE(invalid.ok());
  EXPECT_NE(invalid.status().message().find("average=binary"), absl::string_view::npos) << invalid.status();
  absl::StatusOr<std::unique_ptr<Metric>> unknown = CreateMetric("acuracy");
  EXPECT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("accuracy"), absl::string_view::npos);  // lists known kinds
  EXPECT_FALSE(CreateMetric("f1", PrecisionRecallOptions{.beta = 2.0}).ok());
  EXPECT_FALSE(CreateMetric("binary_accuracy", AccuracyOptions{.mode = AccuracyMode::kCategorical}).ok());
}

TEST(RegistryTest, AliasesFixTheirMode) {
  absl::StatusOr<std::unique_ptr<Metric>> auc_pr = CreateMetric("auc_pr");
  ASSERT_TRUE(auc_pr.ok());
  // Classic example: AP 0.8333 (ROC would be 0.75).
  ASSERT_TRUE((*auc_pr)->Update(F32({0.1f, 0.4f, 0.35f, 0.8f}), I32({0, 0, 1, 1})).ok());
  EXPECT_NEAR((*auc_pr)->Result().value, 5.0 / 6.0, 1e-15);
  absl::StatusOr<std::unique_ptr<Metric>> binary = CreateMetric("binary_accuracy");
  ASSERT_TRUE(binary.ok());
  EXPECT_FALSE((*binary)->Update(F32({0.1f, 0.9f}, {1, 2}), I32({1})).ok());  // shapes differ: not binary
}

TEST(RegistryTest, FromParams) {
  absl::StatusOr<std::unique_ptr<Metric>> m = CreateMetricFromParams(
      "f1", {{"num_classes", "3"}, {"average", "macro"}, {"zero_division", "nan"}, {"name", "f1_macro"}});
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ((*m)->Name(), "f1_macro");
  EXPECT_NE((*m)->Config().find("zero_division=nan"), std::string::npos) << (*m)->Config();

  absl::StatusOr<std::unique_ptr<Metric>> auc =
      CreateMetricFromParams("auc", {{"curve", "pr"}, {"num_thresholds", "200"}});
  ASSERT_TRUE(auc.ok()) << auc.status();
  EXPECT_EQ((*auc)->Kind(), "auc_pr");

  auto error = [](std::string_view kind, std::vector<std::pair<std::string, std::string>> params) {
    absl::StatusOr<std::unique_ptr<Metric>> r = CreateMetricFromParams(kind, params);
    EXPECT_FALSE(r.ok()) << kind;
    return std::string(r.status().message());
  };
  EXPECT_NE(error("precision", {{"averge", "macro"}}).find("unknown option 'averge'"), std::string::npos);
  EXPECT_NE(error("precision", {{"averge", "macro"}}).find("average"), std::string::npos);  // lists options
  EXPECT_NE(error("precision", {{"average", "mean"}}).find("one of binary, micro, macro, weighted"),
            std::string::npos);
  EXPECT_NE(error("top_k_accuracy", {{"k", "two"}}).find("'k' = 'two'"), std::string::npos);
  EXPECT_NE(error("top_k_accuracy", {{"k", "2"}, {"k", "3"}}).find("twice"), std::string::npos);
  EXPECT_NE(error("log_loss", {{"from_logits", "yes"}}).find("true or false"), std::string::npos);
  EXPECT_NE(error("mean_iou", {{"num_classes", "1"}}).find("num_classes"), std::string::npos);
  EXPECT_NE(error("f1", {{"beta", "2"}}).find("unknown option 'beta'"), std::string::npos);
  EXPECT_NE(error("nope", {}).find("unknown metric kind"), std::string::npos);
}

}  // namespace
}  // namespace metrics
