// The command line on real runs of a few steps over tiny CSV files: train → evaluate → predict, and
// train_and_evaluate with the configured optimizer.
#include <cmath>
#include <filesystem>
#include <sstream>

#include "absl/strings/str_split.h"
#include "cli/commands.h"
#include "cli/predict_command.h"
#include "configs/config.h"
#include "estimator/safetensors.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/cli/cli_test_util.h"

namespace cli {
namespace {

using cli_test::FreshTempDir;
using cli_test::ReadFile;
using cli_test::RunCli;
using cli_test::TinyConfig;
using cli_test::WriteClassificationCsv;
using cli_test::WriteFile;
using ::testing::HasSubstr;

TEST(PredictionJsonTest, NestsByShapeAndKeepsTypes) {
  std::map<std::string, graph::Tensor> example;
  example["class"] = graph::Tensor::Scalar<int64_t>(3);
  example["probabilities"] = graph::Tensor::Of<float>({0.1f, 0.25f, NAN, 0.65f}, {2, 2});
  example["flag"] = graph::Tensor::Scalar<bool>(true);
  EXPECT_EQ(PredictionJson(example), R"({"class":3,"flag":true,"probabilities":[[0.1,0.25],[null,0.65]]})");
}

TEST(EndToEndTest, TrainEvaluatePredict) {
  const std::string dir = FreshTempDir();
  const std::string model_dir = dir + "/model";
  const std::string config = dir + "/c.yaml";
  WriteFile(config, TinyConfig("dnn_classifier", "{hidden_units: [8], n_classes: 2}",
                               WriteClassificationCsv(dir, 48), model_dir, 20));

  auto train = RunCli({"train", "--config", config});
  ASSERT_EQ(train.exit_code, kExitOk) << train.err;
  EXPECT_THAT(train.out, HasSubstr("trained to global_step 20"));
  // Not a terminal: plain progress lines every log_step_count_steps (5); total = max_steps.
  EXPECT_THAT(train.err, HasSubstr("step 5/20 (25%)  loss "));
  EXPECT_THAT(train.err, HasSubstr("step 20/20 (100%)  loss "));
  EXPECT_TRUE(std::filesystem::exists(model_dir + "/model.ckpt-20.safetensors"));
  EXPECT_TRUE(std::filesystem::exists(model_dir + "/model.ckpt-10.safetensors"));
  // The resolved config, reloadable and equal to the one the run used.
  auto saved = configs::LoadConfig(model_dir + "/config.yaml");
  auto original = configs::LoadConfig(config);
  ASSERT_TRUE(saved.ok()) << saved.status();
  ASSERT_TRUE(original.ok()) << original.status();
  EXPECT_TRUE(*saved == *original);

  auto eval = RunCli({"evaluate", "--config", config});
  ASSERT_EQ(eval.exit_code, kExitOk) << eval.err;
  EXPECT_THAT(eval.out, HasSubstr("global_step      20\n"));
  EXPECT_THAT(eval.out, HasSubstr("examples         48\n"));
  nlohmann::json metrics = nlohmann::json::parse(ReadFile(model_dir + "/eval/metrics.json"));
  EXPECT_EQ(metrics["global_step"], 20);
  EXPECT_EQ(metrics["num_examples"], 48);
  const double accuracy = metrics["metrics"]["accuracy"];
  EXPECT_GE(accuracy, 0.0);
  EXPECT_LE(accuracy, 1.0);
  // accuracy is a multiple of 1/48.
  EXPECT_NEAR(accuracy * 48, std::round(accuracy * 48), 1e-9);
  const double auc = metrics["metrics"]["auc"];
  EXPECT_GE(auc, 0.0);
  EXPECT_LE(auc, 1.0);

  const std::string out_file = dir + "/predictions.jsonl";
  auto predict = RunCli({"predict", "--config", config, "--output", out_file});
  ASSERT_EQ(predict.exit_code, kExitOk) << predict.err;
  EXPECT_EQ(predict.out, "");
  std::vector<std::string> lines = absl::StrSplit(ReadFile(out_file), '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 48u);
  int correct = 0;
  std::vector<std::string> csv_rows = absl::StrSplit(ReadFile(dir + "/data.csv"), '\n', absl::SkipEmpty());
  for (size_t i = 0; i < lines.size(); ++i) {
    nlohmann::json p = nlohmann::json::parse(lines[i]);
    ASSERT_EQ(p["probabilities"].size(), 2u);
    const double p0 = p["probabilities"][0], p1 = p["probabilities"][1];
    EXPECT_NEAR(p0 + p1, 1.0, 1e-6);
    const int cls = p["class"];
    EXPECT_EQ(cls, p1 > p0 ? 1 : 0);
    correct += cls == csv_rows[i + 1].back() - '0';
  }
  // The evaluation and the predictions come from the same checkpoint and data.
  EXPECT_NEAR(accuracy, correct / 48.0, 1e-9);

  // To stdout, the same lines.
  auto to_stdout = RunCli({"predict", "--config", config});
  ASSERT_EQ(to_stdout.exit_code, kExitOk) << to_stdout.err;
  EXPECT_EQ(to_stdout.out, ReadFile(out_file));

  // --input: another file with the same columns; the first 3 rows give the first 3 predictions.
  WriteFile(dir + "/three.csv",
            csv_rows[0] + "\n" + csv_rows[1] + "\n" + csv_rows[2] + "\n" + csv_rows[3] + "\n");
  auto three = RunCli({"predict", "--config", config, "--input", dir + "/three.csv"});
  ASSERT_EQ(three.exit_code, kExitOk) << three.err;
  EXPECT_EQ(three.out, lines[0] + "\n" + lines[1] + "\n" + lines[2] + "\n");

  // A failed prediction leaves an existing output file as it was.
  auto failed = RunCli({"predict", "--config", config, "--output", out_file, "--checkpoint", dir + "/none"});
  EXPECT_EQ(failed.exit_code, kExitFailure);
  EXPECT_EQ(ReadFile(out_file).size(), to_stdout.out.size());
}

TEST(EndToEndTest, EvaluateWithoutCheckpointFails) {
  const std::string dir = FreshTempDir();
  const std::string config = dir + "/c.yaml";
  WriteFile(config, TinyConfig("linear_classifier", "{}", WriteClassificationCsv(dir, 8), dir + "/model", 4));
  auto run = RunCli({"evaluate", "--config", config});
  EXPECT_EQ(run.exit_code, kExitFailure);
  EXPECT_THAT(run.err, HasSubstr("train first"));
  auto predict = RunCli({"predict", "--config", config});
  EXPECT_EQ(predict.exit_code, kExitFailure);
  EXPECT_EQ(predict.out, "");
}

TEST(EndToEndTest, TrainAndEvaluateUsesTheConfiguredOptimizer) {
  const std::string dir = FreshTempDir();
  const std::string model_dir = dir + "/model";
  const std::string config = dir + "/c.yaml";
  WriteFile(config, TinyConfig("linear_classifier", "{n_classes: 2}", WriteClassificationCsv(dir, 32),
                               model_dir, 12));
  auto run = RunCli({"train_and_evaluate", "--config", config, "--set", "train.optimizer={name: momentum}",
                     "--set", "eval.every_steps=6"});
  ASSERT_EQ(run.exit_code, kExitOk) << run.err;
  EXPECT_THAT(run.err, HasSubstr("evaluation at step 6: loss "));
  EXPECT_THAT(run.out, HasSubstr("global_step      12\n"));
  auto ckpt = estimator::ReadSafetensors(model_dir + "/model.ckpt-12.safetensors");
  ASSERT_TRUE(ckpt.ok()) << ckpt.status();
  bool has_momentum_slot = false, has_adam_slot = false;
  for (const auto& [name, t] : ckpt->tensors) {
    has_momentum_slot |= name.find("momentum") != std::string::npos;
    has_adam_slot |= name.find("adam") != std::string::npos;
  }
  EXPECT_TRUE(has_momentum_slot);
  EXPECT_FALSE(has_adam_slot);
  nlohmann::json metrics = nlohmann::json::parse(ReadFile(model_dir + "/eval/metrics.json"));
  EXPECT_EQ(metrics["global_step"], 12);
}

TEST(EndToEndTest, LinearRegressorFitsALine) {
  const std::string dir = FreshTempDir();
  std::string csv = "x0,x1,label\n";
  for (int i = 0; i < 32; ++i) {
    const double x0 = (i % 8) / 4.0 - 1, x1 = (i / 8) / 2.0 - 1;
    csv += std::to_string(x0) + "," + std::to_string(x1) + "," + std::to_string(2 * x0 - x1 + 0.5) + "\n";
  }
  WriteFile(dir + "/line.csv", csv);
  std::string config = TinyConfig("linear_regressor", "{}", dir + "/line.csv", dir + "/model", 400);
  config.replace(config.find("column_dtypes: {label: i64}"), 27, "column_dtypes: {label: f32}");
  config.replace(config.find("column_dtypes: {label: i64}"), 27, "column_dtypes: {label: f32}");
  WriteFile(dir + "/c.yaml", config);
  auto run = RunCli({"train_and_evaluate", "--config", dir + "/c.yaml"});
  ASSERT_EQ(run.exit_code, kExitOk) << run.err;
  nlohmann::json metrics = nlohmann::json::parse(ReadFile(dir + "/model/eval/metrics.json"));
  EXPECT_LT(static_cast<double>(metrics["metrics"]["mse"]), 1e-3);
  EXPECT_GT(static_cast<double>(metrics["metrics"]["r2"]), 0.999);
  EXPECT_LE(static_cast<double>(metrics["metrics"]["mae"]), 0.05);
}

}  // namespace
}  // namespace cli
