// The export section: its defaults, the exporter keys (exporter, metric, mode), their errors and printing.
#include <string>

#include "configs/config.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/configs/config_test_util.h"

namespace configs {
namespace {

using configs_test::FreshTempDir;
using configs_test::MinimalConfig;
using configs_test::WriteFile;
using ::testing::HasSubstr;

class ExportConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = FreshTempDir();
    csv_ = dir_ + "/d.csv";
    WriteFile(csv_, "x,y\n1,0\n");
    file_ = dir_ + "/c.yaml";
  }
  // MinimalConfig(csv_) followed by `extra` (from line 10), loaded from a file.
  absl::StatusOr<Config> Load(const std::string& extra) {
    WriteFile(file_, MinimalConfig(csv_, extra));
    return LoadConfig(file_);
  }
  std::string Error(const std::string& extra) {
    absl::StatusOr<Config> c = Load(extra);
    return c.ok() ? std::string("OK") : std::string(c.status().message());
  }
  // PrintConfig of `c` loads back to a config that prints the same.
  static void ExpectRoundTrip(const Config& c) {
    const std::string printed = PrintConfig(c);
    absl::StatusOr<Config> again = LoadConfigFromString(printed, "printed.yaml");
    ASSERT_TRUE(again.ok()) << again.status() << "\n" << printed;
    EXPECT_EQ(PrintConfig(*again), printed);
    EXPECT_EQ(again->export_.exporter, c.export_.exporter);
    EXPECT_EQ(again->export_.metric, c.export_.metric);
    EXPECT_EQ(again->export_.goal, c.export_.goal);
  }
  std::string dir_, csv_, file_;
};

TEST_F(ExportConfigTest, Defaults) {
  absl::StatusOr<Config> c = Load("");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->export_.exporter, "none");
  EXPECT_EQ(c->export_.metric, "loss");
  EXPECT_EQ(c->export_.goal, estimator::MetricGoal::kMinimize);
  const std::string printed = PrintConfig(*c);
  EXPECT_THAT(printed,
              HasSubstr("export:\n  dir: \"\"\n  keep: 5\n  format: safetensors\n  exporter: none\n"));
  // metric and mode apply to the best exporter only, so they are not written for the others.
  EXPECT_THAT(printed, ::testing::Not(HasSubstr("metric:")));
  ExpectRoundTrip(*c);
  const estimator::ExportOptions options = c->export_.ToExportOptions();
  EXPECT_EQ(options.keep, 5);
  EXPECT_FALSE(options.onnx);
}

TEST_F(ExportConfigTest, BestExporter) {
  absl::StatusOr<Config> c =
      Load("export:\n  exporter: best\n  metric: accuracy\n  mode: max\n  keep: 2\n  format: onnx\n");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->export_.exporter, "best");
  EXPECT_EQ(c->export_.metric, "accuracy");
  EXPECT_EQ(c->export_.goal, estimator::MetricGoal::kMaximize);
  EXPECT_THAT(PrintConfig(*c),
              HasSubstr("  format: onnx\n  exporter: best\n  metric: \"accuracy\"\n  mode: max\n"));
  ExpectRoundTrip(*c);
  const estimator::ExportOptions options = c->export_.ToExportOptions();
  EXPECT_EQ(options.keep, 2);
  EXPECT_TRUE(options.onnx);

  // Defaults of the best exporter: the loss, minimized.
  c = Load("export: {exporter: best}\n");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->export_.metric, "loss");
  EXPECT_EQ(c->export_.goal, estimator::MetricGoal::kMinimize);
  EXPECT_THAT(PrintConfig(*c), HasSubstr("  exporter: best\n  metric: \"loss\"\n  mode: min\n"));
  ExpectRoundTrip(*c);
}

TEST_F(ExportConfigTest, LatestExporter) {
  absl::StatusOr<Config> c = Load("export: {exporter: latest, keep: 0}\n");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->export_.exporter, "latest");
  EXPECT_EQ(c->export_.keep, 0);
  ExpectRoundTrip(*c);
}

TEST_F(ExportConfigTest, Errors) {
  EXPECT_EQ(Error("export:\n  exporter: lastest\n"),
            file_ + ":11:13: export.exporter: unknown value 'lastest'; did you mean 'latest'?");
  EXPECT_EQ(Error("export:\n  exporter: best\n  mode: mx\n"),
            file_ + ":12:9: export.mode: unknown value 'mx'; did you mean 'max'?");
  EXPECT_EQ(Error("export: {exportr: best}\n"),
            file_ + ":10:10: export.exportr: unknown key; did you mean 'exporter'?");
  EXPECT_EQ(Error("export:\n  exporter: latest\n  metric: accuracy\n"),
            file_ + ":12:3: export.metric: applies to exporter best, not latest");
  EXPECT_EQ(Error("export: {mode: max}\n"),
            file_ + ":10:10: export.mode: applies to exporter best, not none");
  EXPECT_EQ(Error("export: {exporter: best, metric: \"\"}\n"),
            file_ + ":10:34: export.metric: must name a metric (or loss)");
  EXPECT_EQ(Error("export: {exporter: [best]}\n"),
            file_ + ":10:20: export.exporter: expected a name, got a list");
}

TEST_F(ExportConfigTest, Overrides) {
  WriteFile(file_, MinimalConfig(csv_));
  absl::StatusOr<Config> c = LoadConfig(file_, {"export.exporter=best", "export.mode=max"});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->export_.goal, estimator::MetricGoal::kMaximize);
  c = LoadConfig(file_, {"export.metric=auc"});
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().message(),
            "--set export.metric=auc: export.metric: applies to exporter best, not none");
}

}  // namespace
}  // namespace configs
