// `estimator export` and `estimator predict --export_dir` on a model trained for a few steps over a tiny
// CSV file, and the exporters of train_and_evaluate.
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "cli/commands.h"
#include "cli/prediction_output.h"
#include "cli/serving_predict.h"
#include "configs/config.h"
#include "estimator/export.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/cli/cli_test_util.h"

namespace cli {
namespace {

using cli_test::ReadFile;
using cli_test::RunCli;
using cli_test::TinyConfig;
using cli_test::WriteClassificationCsv;
using cli_test::WriteFile;
using ::testing::HasSubstr;

constexpr int kRows = 24;

std::vector<std::string> Lines(const std::string& text) {
  return absl::StrSplit(text, '\n', absl::SkipEmpty());
}

// One model trained once for the whole suite (checkpoints at steps 5 and 10); each test exports into its
// own directory.
class ExportTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // One directory per process: ctest runs the tests of this suite in parallel processes.
    dir_ = new std::string(::testing::TempDir() + "/cli_export_test_" + std::to_string(::getpid()));
    std::filesystem::remove_all(*dir_);
    std::filesystem::create_directories(*dir_);
    WriteFile(Config(), TinyConfig("dnn_classifier", "{hidden_units: [8], n_classes: 2}",
                                   WriteClassificationCsv(*dir_, kRows), ModelDir(), 10));
    auto train = RunCli({"train", "--config", Config(), "--set", "run.save_checkpoints_steps=5"});
    ASSERT_EQ(train.exit_code, kExitOk) << train.err;
  }
  static void TearDownTestSuite() {
    std::filesystem::remove_all(*dir_);
    delete dir_;
    dir_ = nullptr;
  }
  static std::string Config() { return *dir_ + "/c.yaml"; }
  static std::string ModelDir() { return *dir_ + "/model"; }
  // A new directory for one test's exports.
  static std::string Fresh(const std::string& name) {
    const std::string d = *dir_ + "/" + name;
    std::filesystem::remove_all(d);
    std::filesystem::create_directories(d);
    return d;
  }
  static std::string* dir_;
};
std::string* ExportTest::dir_ = nullptr;

TEST_F(ExportTest, WritesTheExportAndPrintsIt) {
  const std::string base = Fresh("plain");
  auto run = RunCli({"export", "--config", Config(), "--set", "export.dir=" + base});
  ASSERT_EQ(run.exit_code, kExitOk) << run.err;
  const std::string dir = base + "/10";
  EXPECT_THAT(run.out, HasSubstr("export           " + dir + "\nglobal_step      10\nrewrites         "));
  EXPECT_THAT(run.out, ::testing::Not(HasSubstr("onnx")));
  for (const char* f : {"metadata.json", "signature.json", "graph.json", "weights.safetensors"}) {
    EXPECT_TRUE(std::filesystem::exists(dir + "/" + f)) << f;
  }
  EXPECT_FALSE(std::filesystem::exists(dir + "/model.onnx"));

  auto loaded = estimator::ReadExport(dir);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->metadata.global_step, 10);
  EXPECT_EQ(loaded->metadata.checkpoint, ModelDir() + "/model.ckpt-10.safetensors");
  // Every rewrite is printed, one per line.
  for (const std::string& r : loaded->metadata.rewrites) EXPECT_THAT(run.out, HasSubstr("  " + r + "\n"));
  // The serving input: the eval input's features (x0, x1 as f32 scalars per example), not its label.
  ASSERT_EQ(loaded->signature.inputs.size(), 2u);
  EXPECT_EQ(loaded->signature.inputs[0].name, "x0");
  EXPECT_EQ(loaded->signature.inputs[1].name, "x1");
  EXPECT_EQ(loaded->signature.inputs[0].dtype, graph::DType::kFloat32);
  EXPECT_EQ(loaded->signature.inputs[0].shape.rank(), 1);
  std::vector<std::string> outputs;
  for (const auto& o : loaded->signature.outputs) outputs.push_back(o.name);
  EXPECT_EQ(outputs, (std::vector<std::string>{"class", "probabilities"}));
  // The resolved config (with the override) is stored and loads back to the same config.
  auto stored = configs::LoadConfigFromString(loaded->metadata.config, "stored");
  auto original = configs::LoadConfig(Config(), {"export.dir=" + base});
  ASSERT_TRUE(stored.ok()) << stored.status();
  ASSERT_TRUE(original.ok()) << original.status();
  EXPECT_TRUE(*stored == *original);
}

TEST_F(ExportTest, FlagsChooseFormatDirectoryAndCheckpoint) {
  const std::string base = Fresh("flags");
  auto run = RunCli({"export", "--config", Config(), "--format", "onnx", "--export_dir", base, "--checkpoint",
                     ModelDir() + "/model.ckpt-5.safetensors"});
  ASSERT_EQ(run.exit_code, kExitOk) << run.err;
  EXPECT_THAT(run.out, HasSubstr("export           " + base + "/5\nglobal_step      5\n"));
  EXPECT_THAT(run.out, HasSubstr("onnx             " + base + "/5/model.onnx\n"));
  EXPECT_TRUE(std::filesystem::exists(base + "/5/model.onnx"));
  auto loaded = estimator::ReadExport(base + "/5");
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_TRUE(loaded->metadata.has_onnx);
  EXPECT_EQ(loaded->metadata.global_step, 5);
  // The stored config says how the export was made.
  auto stored = configs::LoadConfigFromString(loaded->metadata.config, "stored");
  ASSERT_TRUE(stored.ok()) << stored.status();
  EXPECT_EQ(stored->export_.format, "onnx");
  EXPECT_EQ(stored->export_.dir, base);

  // export.keep = 1: the export of step 10 replaces that of step 5.
  auto newer = RunCli({"export", "--config", Config(), "--export_dir", base, "--set", "export.keep=1"});
  ASSERT_EQ(newer.exit_code, kExitOk) << newer.err;
  auto exports = estimator::ListExports(base);
  ASSERT_EQ(exports.size(), 1u);
  EXPECT_EQ(exports[0].first, 10);
}

TEST_F(ExportTest, DefaultDirectoryIsUnderModelDir) {
  const std::string model_dir = Fresh("copy");
  std::filesystem::copy_file(ModelDir() + "/model.ckpt-10.safetensors",
                             model_dir + "/model.ckpt-10.safetensors");
  auto run = RunCli({"export", "--config", Config(), "--model_dir", model_dir, "--checkpoint",
                     model_dir + "/model.ckpt-10.safetensors"});
  ASSERT_EQ(run.exit_code, kExitOk) << run.err;
  EXPECT_TRUE(std::filesystem::exists(model_dir + "/export/10/metadata.json"));
}

TEST_F(ExportTest, WithoutEvalSectionTheTrainInputGivesTheSignature) {
  const std::string base = Fresh("no_eval");
  const std::string text = ReadFile(Config());
  WriteFile(base + "/c.yaml", text.substr(0, text.find("eval:")));
  auto run = RunCli({"export", "--config", base + "/c.yaml", "--export_dir", base});
  ASSERT_EQ(run.exit_code, kExitOk) << run.err;
  auto loaded = estimator::ReadExport(base + "/10");
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  ASSERT_EQ(loaded->signature.inputs.size(), 2u);
  EXPECT_EQ(loaded->signature.inputs[1].name, "x1");
}

TEST_F(ExportTest, WithoutCheckpointFails) {
  const std::string empty = Fresh("empty");
  auto run = RunCli({"export", "--config", Config(), "--model_dir", empty});
  EXPECT_EQ(run.exit_code, kExitFailure);
  EXPECT_THAT(run.err, HasSubstr("no checkpoint in " + empty));
  EXPECT_EQ(run.out, "");
  EXPECT_FALSE(std::filesystem::exists(empty + "/export"));
}

TEST_F(ExportTest, PredictFromTheExportEqualsPredictFromTheCheckpoint) {
  const std::string base = Fresh("predict");
  ASSERT_EQ(RunCli({"export", "--config", Config(), "--export_dir", base}).exit_code, kExitOk);
  auto from_checkpoint = RunCli({"predict", "--config", Config()});
  ASSERT_EQ(from_checkpoint.exit_code, kExitOk) << from_checkpoint.err;
  ASSERT_EQ(Lines(from_checkpoint.out).size(), static_cast<size_t>(kRows));

  auto with_config = RunCli({"predict", "--export_dir", base + "/10", "--config", Config()});
  ASSERT_EQ(with_config.exit_code, kExitOk) << with_config.err;
  EXPECT_EQ(with_config.out, from_checkpoint.out);
  EXPECT_THAT(with_config.err, HasSubstr(absl::StrCat(kRows, " predictions from ", base, "/10")));

  // Without --config: the config stored in the export gives the input; to a file.
  const std::string out_file = base + "/p.jsonl";
  auto stored = RunCli({"predict", "--export_dir", base + "/10", "--output", out_file});
  ASSERT_EQ(stored.exit_code, kExitOk) << stored.err;
  EXPECT_EQ(stored.out, "");
  EXPECT_EQ(ReadFile(out_file), from_checkpoint.out);

  // --input replaces the data file; row order is the input's.
  const std::vector<std::string> rows = Lines(ReadFile(*dir_ + "/data.csv"));
  WriteFile(base + "/two.csv", rows[0] + "\n" + rows[3] + "\n" + rows[1] + "\n");
  auto two = RunCli({"predict", "--export_dir", base + "/10", "--input", base + "/two.csv"});
  ASSERT_EQ(two.exit_code, kExitOk) << two.err;
  const std::vector<std::string> expected = Lines(from_checkpoint.out);
  EXPECT_EQ(two.out, expected[2] + "\n" + expected[0] + "\n");
}

TEST_F(ExportTest, PredictWritesCsv) {
  const std::string base = Fresh("csv");
  ASSERT_EQ(RunCli({"export", "--config", Config(), "--export_dir", base}).exit_code, kExitOk);
  auto json = RunCli({"predict", "--export_dir", base + "/10"});
  ASSERT_EQ(json.exit_code, kExitOk) << json.err;
  auto csv = RunCli({"predict", "--export_dir", base + "/10", "--output_format", "csv"});
  ASSERT_EQ(csv.exit_code, kExitOk) << csv.err;
  const std::vector<std::string> rows = Lines(csv.out);
  const std::vector<std::string> objects = Lines(json.out);
  ASSERT_EQ(rows.size(), static_cast<size_t>(kRows) + 1);
  EXPECT_EQ(rows[0], "class,probabilities_0,probabilities_1");
  for (size_t i = 0; i < objects.size(); ++i) {
    // The same values as the JSON lines: the shortest f32 text of each probability.
    const nlohmann::json j = nlohmann::json::parse(objects[i]);
    const std::vector<std::string> fields = absl::StrSplit(rows[i + 1], ',');
    ASSERT_EQ(fields.size(), 3u) << rows[i + 1];
    EXPECT_EQ(fields[0], j["class"].dump());
    EXPECT_EQ(std::stof(fields[1]), static_cast<float>(j["probabilities"][0]));
    EXPECT_EQ(std::stof(fields[2]), static_cast<float>(j["probabilities"][1]));
  }
  // From the checkpoint, the same CSV.
  auto from_checkpoint = RunCli({"predict", "--config", Config(), "--output_format", "csv"});
  ASSERT_EQ(from_checkpoint.exit_code, kExitOk) << from_checkpoint.err;
  EXPECT_EQ(from_checkpoint.out, csv.out);
}

TEST_F(ExportTest, PredictErrors) {
  const std::string base = Fresh("errors");
  // A missing export directory: a runtime failure naming it.
  auto missing = RunCli({"predict", "--export_dir", base + "/nothing"});
  EXPECT_EQ(missing.exit_code, kExitFailure);
  EXPECT_THAT(missing.err, HasSubstr(base + "/nothing"));
  EXPECT_EQ(missing.out, "");

  ASSERT_EQ(RunCli({"export", "--config", Config(), "--export_dir", base}).exit_code, kExitOk);
  const std::string dir = base + "/10";
  // Data without one of the signature's inputs.
  WriteFile(base + "/x0.csv", "x0,label\n0.5,1\n");
  auto no_x1 = RunCli({"predict", "--export_dir", dir, "--input", base + "/x0.csv"});
  EXPECT_EQ(no_x1.exit_code, kExitFailure);
  EXPECT_THAT(no_x1.err, HasSubstr("the export's input 'x1' is not in the data (its components: x0, label)"));
  EXPECT_EQ(no_x1.out, "");
  // Config errors: exit 2, from a given config or the stored one.
  auto bad_set = RunCli({"predict", "--export_dir", dir, "--set", "eval.steps=abc"});
  EXPECT_EQ(bad_set.exit_code, kExitUsage);
  EXPECT_THAT(bad_set.err, HasSubstr("--set eval.steps=abc: eval.steps: expected an integer"));
  auto bad_config = RunCli({"predict", "--export_dir", dir, "--config", base + "/none.yaml"});
  EXPECT_EQ(bad_config.exit_code, kExitUsage);
  EXPECT_THAT(bad_config.err, HasSubstr("none.yaml"));
  auto unreadable = RunCli({"predict", "--export_dir", dir, "--input", base + "/none.csv"});
  EXPECT_EQ(unreadable.exit_code, kExitUsage);
  EXPECT_THAT(unreadable.err, HasSubstr("--input " + base + "/none.csv: cannot read the file"));
  // A config without an eval section has no data to predict on.
  std::string text = ReadFile(Config());
  WriteFile(base + "/no_eval.yaml", text.substr(0, text.find("eval:")));
  auto no_eval = RunCli({"predict", "--export_dir", dir, "--config", base + "/no_eval.yaml"});
  EXPECT_EQ(no_eval.exit_code, kExitUsage);
  EXPECT_THAT(no_eval.err, HasSubstr("predict needs an eval section"));
}

TEST_F(ExportTest, TrainAndEvaluateRunsTheConfiguredExporter) {
  const std::string latest_dir = Fresh("latest");
  auto latest = RunCli({"train_and_evaluate", "--config", Config(), "--model_dir", latest_dir, "--set",
                        "eval.every_steps=5", "--set", "export.exporter=latest"});
  ASSERT_EQ(latest.exit_code, kExitOk) << latest.err;
  auto exports = estimator::ListExports(latest_dir + "/export/latest");
  ASSERT_EQ(exports.size(), 2u);
  EXPECT_EQ(exports[0].first, 5);
  EXPECT_EQ(exports[1].first, 10);
  auto loaded = estimator::ReadExport(exports[1].second);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  // The evaluation that triggered the export is recorded with it.
  nlohmann::json metrics = nlohmann::json::parse(ReadFile(latest_dir + "/eval/metrics.json"));
  EXPECT_EQ(loaded->metadata.eval_metrics.at("accuracy"),
            static_cast<double>(metrics["metrics"]["accuracy"]));
  EXPECT_FALSE(loaded->metadata.config.empty());

  // best on accuracy (max): exported at the first evaluation, then only when accuracy strictly improves.
  const std::string best_dir = Fresh("best");
  auto best = RunCli({"train_and_evaluate", "--config", Config(), "--model_dir", best_dir, "--set",
                      "eval.every_steps=5", "--set", "export={exporter: best, metric: accuracy, mode: max}"});
  ASSERT_EQ(best.exit_code, kExitOk) << best.err;
  auto best_exports = estimator::ListExports(best_dir + "/export/best");
  ASSERT_GE(best_exports.size(), 1u);
  EXPECT_EQ(best_exports[0].first, 5);
  auto first = estimator::ReadExport(best_exports[0].second);
  ASSERT_TRUE(first.ok()) << first.status();
  const double accuracy_5 = first->metadata.eval_metrics.at("accuracy");
  nlohmann::json final_metrics = nlohmann::json::parse(ReadFile(best_dir + "/eval/metrics.json"));
  const double accuracy_10 = final_metrics["metrics"]["accuracy"];
  EXPECT_EQ(best_exports.size(), accuracy_10 > accuracy_5 ? 2u : 1u);
  EXPECT_FALSE(std::filesystem::exists(best_dir + "/export/latest"));

  // With export.dir set, the exporter writes under it.
  const std::string elsewhere = Fresh("elsewhere");
  auto moved = RunCli({"train_and_evaluate", "--config", Config(), "--model_dir", elsewhere + "/model",
                       "--set", "export={exporter: latest, dir: " + elsewhere + "/served, keep: 1}"});
  ASSERT_EQ(moved.exit_code, kExitOk) << moved.err;
  auto moved_exports = estimator::ListExports(elsewhere + "/served/latest");
  ASSERT_EQ(moved_exports.size(), 1u);
  EXPECT_EQ(moved_exports[0].first, 10);
  EXPECT_FALSE(std::filesystem::exists(elsewhere + "/model/export"));
}

}  // namespace
}  // namespace cli
