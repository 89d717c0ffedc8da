// Every class of config error, with its exact "file:line:col: key.path: what" message.
#include <string>

#include "configs/config.h"
#include "gtest/gtest.h"
#include "tests/configs/config_test_util.h"

namespace configs {
namespace {

using configs_test::FreshTempDir;
using configs_test::MinimalConfig;
using configs_test::WriteFile;

class ValidationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = FreshTempDir();
    csv_ = dir_ + "/d.csv";
    WriteFile(csv_, "x,y\n1,0\n");
    file_ = dir_ + "/c.yaml";
  }
  // Loads MinimalConfig(csv_, extra) from a file; the error message, or "OK".
  std::string Error(const std::string& extra) { return ErrorOf(MinimalConfig(csv_, extra)); }
  std::string ErrorOf(const std::string& text) {
    WriteFile(file_, text);
    absl::StatusOr<Config> c = LoadConfig(file_);
    return c.ok() ? std::string("OK") : std::string(c.status().message());
  }
  std::string dir_, csv_, file_;
};

TEST_F(ValidationTest, MinimalConfigIsValid) { EXPECT_EQ(Error(""), "OK"); }

TEST_F(ValidationTest, UnknownKeysSuggestTheClosest) {
  EXPECT_EQ(Error("  optimzer:\n    name: sgd\n"),
            file_ + ":10:3: train.optimzer: unknown key; did you mean 'optimizer'?");
  EXPECT_EQ(Error("evaluation: {}\n"), file_ + ":10:1: evaluation: unknown key; did you mean 'eval'?");
  EXPECT_EQ(Error("zzz: {}\n"),
            file_ + ":10:1: zzz: unknown key; expected one of: model, run, train, eval, export");
  const std::string minimal = MinimalConfig(csv_);
  EXPECT_EQ(ErrorOf(std::string(minimal).replace(minimal.find("run:"), 4, "run:\n  seed: 3")),
            file_ + ":4:3: run.seed: unknown key; did you mean 'random_seed'?");
  EXPECT_EQ(Error("    batch_sise: 3\n"),
            file_ + ":10:5: train.input.batch_sise: unknown key; did you mean 'batch_size'?");
}

TEST_F(ValidationTest, WrongTypes) {
  EXPECT_EQ(Error("  max_steps: abc\n"), file_ + ":10:14: train.max_steps: expected an integer, got 'abc'");
  EXPECT_EQ(Error("  max_steps: 1.5\n"), file_ + ":10:14: train.max_steps: expected an integer, got '1.5'");
  EXPECT_EQ(Error("  steps: [1]\n"), file_ + ":10:10: train.steps: expected an integer, got a list");
  EXPECT_EQ(Error("    cache: yes\n"),
            file_ + ":10:12: train.input.cache: expected true or false, got 'yes'");
  EXPECT_EQ(Error("  optimizer: {name: sgd, learning_rate: fast}\n"),
            file_ + ":10:41: train.optimizer.learning_rate: expected a number, got 'fast'");
  EXPECT_EQ(Error("  optimizer: 3\n"), file_ + ":10:14: train.optimizer: expected a map, got '3'");
}

TEST_F(ValidationTest, OutOfRangeValues) {
  EXPECT_EQ(Error("  epochs: -1\n"), file_ + ":10:11: train.epochs: must be >= 0, got -1");
  EXPECT_EQ(Error("    batch_size: 0\n"),
            file_ + ":10:5: train.input.batch_size: duplicate key (first defined at " + file_ + ":9:5)");
  EXPECT_EQ(
      ErrorOf(MinimalConfig(csv_).substr(0, MinimalConfig(csv_).find("batch_size")) + "batch_size: 0\n"),
      file_ + ":9:17: train.input.batch_size: must be >= 1, got 0");
  EXPECT_EQ(Error("  max_steps: 99999999999999999999\n"),
            file_ + ":10:14: train.max_steps: '99999999999999999999' is out of range for a 64-bit integer");
  EXPECT_EQ(ErrorOf(MinimalConfig(csv_) + "export:\n  keep: 3000000000\n"),
            file_ + ":11:9: export.keep: '3000000000' is out of range for a 32-bit integer");
  EXPECT_EQ(Error("  optimizer:\n    learning_rate: 1e400\n"),
            file_ + ":11:20: train.optimizer.learning_rate: '1e400' is out of range for a 32-bit float");
  EXPECT_EQ(Error("  optimizer:\n    learning_rate: 1e39\n"),
            file_ + ":11:20: train.optimizer.learning_rate: '1e39' is out of range for a 32-bit float");
  EXPECT_EQ(Error("  optimizer:\n    learning_rate: -0.1\n"),
            file_ + ":11:20: train.optimizer.learning_rate: learning_rate must be finite and > 0, got -0.1");
  EXPECT_EQ(Error("    repeat: 0\n"),
            file_ + ":10:13: train.input.repeat: must be >= 1 or -1 (forever), got 0");
  EXPECT_EQ(Error("    map: [{scale: 0}]\n"), file_ + ":10:19: train.input.map.scale: must be > 0, got 0");
}

TEST_F(ValidationTest, MissingRequiredKeys) {
  const std::string full = MinimalConfig(csv_);
  EXPECT_EQ(ErrorOf(full.substr(0, full.find("    batch_size"))),
            file_ + ":7:5: train.input.batch_size: is required");
  EXPECT_EQ(ErrorOf(full.substr(full.find("run:"))), file_ + ":1:1: model: is required");
  EXPECT_EQ(ErrorOf("model: {name: m}\nrun: {model_dir: /tmp/m}\n"), file_ + ":1:1: train: is required");
  EXPECT_EQ(ErrorOf("model: {name: m}\nrun: {}\n"), file_ + ":2:6: run.model_dir: is required");
  EXPECT_EQ(ErrorOf(""), file_ + ":1:1: model: is required");
  EXPECT_EQ(ErrorOf(full + "eval:\n  steps: 3\n"), file_ + ":11:3: eval.input: is required");
  EXPECT_EQ(ErrorOf(full + "eval:\n"), file_ + ":10:1: eval.input: is required");
}

TEST_F(ValidationTest, UnknownEnumValues) {
  EXPECT_EQ(Error("  optimizer: {name: adamm}\n"),
            file_ + ":10:21: train.optimizer.name: unknown value 'adamm'; did you mean 'adam'?");
  EXPECT_EQ(Error("  optimizer: {name: lbfgs}\n"),
            file_ +
                ":10:21: train.optimizer.name: unknown value 'lbfgs'; expected one of: sgd, momentum, adam, "
                "adamw, adagrad, rmsprop");
  EXPECT_EQ(Error("  optimizer:\n    learning_rate: {type: cosine_decy}\n"),
            file_ +
                ":11:27: train.optimizer.learning_rate.type: unknown value 'cosine_decy'; did you mean "
                "'cosine_decay'?");
  EXPECT_EQ(ErrorOf(MinimalConfig(csv_) + "export: {format: tflite}\n"),
            file_ + ":10:18: export.format: unknown value 'tflite'; expected one of: safetensors, onnx");
  EXPECT_EQ(Error("    column_dtypes: {x: f64}\n"),
            file_ + ":10:24: train.input.column_dtypes.x: unknown value 'f64'; did you mean 'i64'?");
}

TEST_F(ValidationTest, FieldsThatDoNotApply) {
  EXPECT_EQ(Error("  optimizer: {name: adam, nesterov: true}\n"),
            file_ +
                ":10:27: train.optimizer.nesterov: does not apply to optimizer 'adam'; its fields: "
                "learning_rate, beta_1, beta_2, epsilon, amsgrad, clip_value, clip_global_norm");
  EXPECT_EQ(Error("    images: /x\n"), file_ + ":10:5: train.input.images: applies to source idx, not csv");
  EXPECT_EQ(Error("  optimizer:\n    learning_rate: {type: exponential_decay, power: 2}\n"),
            file_ +
                ":11:46: train.optimizer.learning_rate.power: unknown key; expected one of: type, "
                "initial_learning_rate, decay_steps, decay_rate, staircase");
  EXPECT_EQ(ErrorOf(MinimalConfig(csv_) + "run2: {save_checkpoints_steps: 10}\n"),
            file_ + ":10:1: run2: unknown key; did you mean 'run'?");
}

TEST_F(ValidationTest, CrossFieldRules) {
  const std::string text =
      "model: {name: m}\nrun: {model_dir: /tmp/m, save_checkpoints_steps: 10, "
      "save_checkpoints_secs: 5}\n";
  EXPECT_EQ(ErrorOf(text), file_ +
                               ":2:50: run.save_checkpoints_steps: set either save_checkpoints_steps or "
                               "save_checkpoints_secs, not both");
  EXPECT_EQ(
      Error("  optimizer:\n    learning_rate: {type: piecewise_constant, boundaries: [10], values: [1]}\n"),
      file_ +
          ":11:20: train.optimizer.learning_rate: piecewise constant: 1 values for 1 boundaries; need one "
          "more value than boundaries");
}

TEST_F(ValidationTest, UnreadableDataPaths) {
  const std::string text = MinimalConfig(dir_ + "/missing.csv");
  EXPECT_EQ(ErrorOf(text), file_ + ":8:11: train.input.path: cannot read '" + dir_ +
                               "/missing.csv': No such file or directory");
  EXPECT_EQ(ErrorOf(MinimalConfig(dir_)),
            file_ + ":8:11: train.input.path: '" + dir_ + "' is a directory, not a file");
  EXPECT_EQ(ErrorOf("model: {name: m}\nrun: {model_dir: /tmp/m}\ntrain:\n  input: {source: idx, images: " +
                    csv_ + ", labels: /nonexistent/l.gz, batch_size: 1}\n"),
            file_ + ":4:" + std::to_string(42 + csv_.size()) +
                ": train.input.labels: cannot read '/nonexistent/l.gz': No such file or directory");
}

TEST_F(ValidationTest, DuplicateKeys) {
  EXPECT_EQ(ErrorOf(MinimalConfig(csv_) + "model:\n  name: other\n"),
            file_ + ":10:1: model: duplicate key (first defined at " + file_ + ":1:1)");
  EXPECT_EQ(ErrorOf("model: {name: a, name: b}\n"),
            file_ + ":1:18: model.name: duplicate key (first defined at " + file_ + ":1:9)");
}

TEST_F(ValidationTest, ConfigFileItselfMissing) {
  absl::StatusOr<Config> c = LoadConfig(dir_ + "/nope.yaml");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(c.status().message(), dir_ + "/nope.yaml: cannot read config: No such file or directory");
}

TEST_F(ValidationTest, SyntaxErrorsArePositioned) {
  EXPECT_EQ(ErrorOf("model: [1, 2\n"), file_ + ":2:1: invalid YAML: end of sequence flow not found");
  EXPECT_EQ(ErrorOf("- 1\n- 2\n"),
            file_ + ":1:1: expected a map with sections model, run, train, eval, export");
}

}  // namespace
}  // namespace configs
