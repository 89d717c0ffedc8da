// Usage and config errors: exit code 2, a clear message, and nothing written. Help, list-models,
// print-config and --set / --model_dir overrides.
#include <filesystem>

#include "cli/command_line.h"
#include "cli/commands.h"
#include "configs/config.h"
#include "gmock/gmock.h"
#include "graph/cpu_info.h"
#include "gtest/gtest.h"
#include "tests/cli/cli_test_util.h"

namespace cli {
namespace {

using cli_test::FreshTempDir;
using cli_test::RunCli;
using cli_test::TinyConfig;
using cli_test::WriteClassificationCsv;
using cli_test::WriteFile;
using ::testing::HasSubstr;

// A valid config in a fresh directory; its model_dir (not created) is dir/model.
struct TestFiles {
  std::string dir, config, model_dir;
};
TestFiles MakeSetup(const std::string& model = "dnn_classifier") {
  TestFiles s;
  s.dir = FreshTempDir();
  s.model_dir = s.dir + "/model";
  s.config = s.dir + "/c.yaml";
  WriteFile(s.config,
            TinyConfig(model, "{hidden_units: [4]}", WriteClassificationCsv(s.dir, 16), s.model_dir, 2));
  return s;
}

TEST(CommandLineTest, ParsesFlagsInBothForms) {
  auto cl = ParseCommandLine({"predict", "--config=c.yaml", "--set", "a.b=1", "--set=c=2", "--model_dir", "m",
                              "--output", "o.jsonl", "--input=i.csv", "--checkpoint", "k"});
  ASSERT_TRUE(cl.ok()) << cl.status();
  EXPECT_EQ(cl->command, "predict");
  EXPECT_EQ(cl->config, "c.yaml");
  EXPECT_EQ(cl->sets, (std::vector<std::string>{"a.b=1", "c=2"}));
  EXPECT_EQ(cl->model_dir, "m");
  EXPECT_EQ(cl->output, "o.jsonl");
  EXPECT_EQ(cl->input, "i.csv");
  EXPECT_EQ(cl->checkpoint, "k");
}

TEST(CommandLineTest, UsageErrors) {
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  const Case cases[] = {
      {{}, "no command given"},
      {{"trian", "--config", "c.yaml"}, "unknown command 'trian'; did you mean 'train'?"},
      {{"train"}, "train needs --config FILE"},
      {{"train", "--config"}, "flag --config needs a value"},
      {{"train", "--config", "c", "--confg", "x"}, "unknown flag '--confg'; did you mean 'config'?"},
      {{"train", "--config", "c", "--output", "x"}, "train does not take --output"},
      {{"train", "--config", "c", "--set", "novalue"}, "expected key.path=value"},
      {{"train", "--config", "c", "extra"}, "unexpected argument 'extra'"},
  };
  for (const Case& c : cases) {
    auto run = RunCli(c.args);
    EXPECT_EQ(run.exit_code, kExitUsage) << c.message;
    EXPECT_THAT(run.err, HasSubstr(c.message));
    EXPECT_THAT(run.err, HasSubstr("usage: estimator <command>"));
  }
}

TEST(CommandLineTest, HelpOnEveryCommand) {
  for (const std::string& command : CommandNames()) {
    auto run = RunCli({command, "--help"});
    EXPECT_EQ(run.exit_code, kExitOk) << command;
    EXPECT_THAT(run.out, HasSubstr("usage: estimator " + command));
    if (command != "list-models") {
      EXPECT_THAT(run.out, HasSubstr("--config FILE"));
    }
  }
  auto run = RunCli({"--help"});
  EXPECT_EQ(run.exit_code, kExitOk);
  EXPECT_THAT(run.out, HasSubstr("train_and_evaluate"));
}

TEST(CommandLineTest, ConfigErrorsWriteNothing) {
  TestFiles s = MakeSetup();
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  const Case cases[] = {
      {{"train", "--config", s.dir + "/missing.yaml"}, "missing.yaml"},
      {{"train", "--config", s.config, "--set", "train.max_steps=abc"},
       "--set train.max_steps=abc: train.max_steps: expected an integer, got 'abc'"},
      {{"train", "--config", s.config, "--set", "train.optimzer.name=sgd"}, "did you mean 'optimizer'?"},
      {{"train_and_evaluate", "--config", s.config, "--set", "model.name=dnn_clasifier"},
       "unknown model 'dnn_clasifier'; did you mean 'dnn_classifier'?"},
      {{"evaluate", "--config", s.config, "--set", "train.input.batch_size=0"}, "train.input.batch_size"},
  };
  for (const Case& c : cases) {
    auto run = RunCli(c.args);
    EXPECT_EQ(run.exit_code, kExitUsage) << c.message << "\n" << run.err;
    EXPECT_THAT(run.err, HasSubstr(c.message));
    EXPECT_FALSE(std::filesystem::exists(s.model_dir)) << c.message;
  }
}

TEST(CommandLineTest, EvaluateNeedsAnEvalSection) {
  TestFiles s = MakeSetup();
  std::string text = cli_test::ReadFile(s.config);
  WriteFile(s.config, text.substr(0, text.find("eval:")));
  auto run = RunCli({"evaluate", "--config", s.config});
  EXPECT_EQ(run.exit_code, kExitUsage);
  EXPECT_THAT(run.err, HasSubstr("evaluate needs an eval section"));
  EXPECT_FALSE(std::filesystem::exists(s.model_dir));
}

TEST(CommandLineTest, ListModelsShowsBuiltins) {
  auto run = RunCli({"list-models"});
  EXPECT_EQ(run.exit_code, kExitOk);
  for (const char* name : {"fashion_mnist_mlp\n", "fashion_mnist_cnn\n", "dnn_classifier\n",
                           "linear_classifier\n", "linear_regressor\n"}) {
    EXPECT_THAT(run.out, HasSubstr(name));
  }
}

// --version and the first log line of a run name the CPU and the ISA oneDNN dispatches to.
TEST(CommandLineTest, VersionAndFirstLogLineNameTheCpuAndIsa) {
  const graph::CpuInfo& cpu = graph::GetCpuInfo();
  ASSERT_FALSE(cpu.model.empty());
  auto version = RunCli({"--version"});
  EXPECT_EQ(version.exit_code, kExitOk) << version.err;
  EXPECT_EQ(version.out, "estimator " ESTIMATOR_TEST_VERSION "\n" + cpu.model + "; oneDNN " +
                             cpu.dnnl_version + ", ISA " + cpu.dnnl_isa + ", bf16 matmul " +
                             (cpu.native_bf16_matmul ? "native" : "emulated in f32") + "\n");

  TestFiles s = MakeSetup();
  auto train = RunCli({"train", "--config", s.config});
  ASSERT_EQ(train.exit_code, kExitOk) << train.err;
  EXPECT_EQ(train.err.substr(0, train.err.find('\n')), "running on " + graph::DescribeCpu());
  auto eval = RunCli({"evaluate", "--config", s.config});
  ASSERT_EQ(eval.exit_code, kExitOk) << eval.err;
  EXPECT_EQ(eval.err.substr(0, eval.err.find('\n')), "running on " + graph::DescribeCpu());
}

TEST(CommandLineTest, PrintConfigAppliesOverridesAndReloads) {
  TestFiles s = MakeSetup();
  auto run = RunCli({"print-config", "--config", s.config, "--set", "train.max_steps=7", "--set",
                     "model.params.hidden_units=[5, 3]", "--model_dir", s.dir + "/other dir: 'x'"});
  ASSERT_EQ(run.exit_code, kExitOk) << run.err;
  auto reloaded = configs::LoadConfigFromString(run.out, "printed");
  ASSERT_TRUE(reloaded.ok()) << reloaded.status() << "\n" << run.out;
  EXPECT_EQ(reloaded->train.max_steps, 7);
  EXPECT_EQ(reloaded->model.params.GetIntList("hidden_units"), (std::vector<int64_t>{5, 3}));
  EXPECT_EQ(reloaded->run.model_dir, s.dir + "/other dir: 'x'");
  EXPECT_EQ(reloaded->model.name, "dnn_classifier");
  EXPECT_EQ(configs::PrintConfig(*reloaded), run.out);
  EXPECT_FALSE(std::filesystem::exists(s.model_dir));
}

TEST(CommandLineTest, ExportAndServingFlags) {
  auto exp = ParseCommandLine(
      {"export", "--config", "c.yaml", "--format=onnx", "--export_dir", "out", "--checkpoint", "k"});
  ASSERT_TRUE(exp.ok()) << exp.status();
  EXPECT_EQ(exp->format, "onnx");
  EXPECT_EQ(exp->export_dir, "out");
  EXPECT_EQ(exp->checkpoint, "k");
  // predict --export_dir needs no config.
  auto serve =
      ParseCommandLine({"predict", "--export_dir=e/10", "--output_format", "csv", "--input", "i.csv"});
  ASSERT_TRUE(serve.ok()) << serve.status();
  EXPECT_EQ(serve->export_dir, "e/10");
  EXPECT_EQ(serve->output_format, "csv");
  EXPECT_EQ(serve->config, "");

  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  const Case cases[] = {
      {{"export", "--config", "c", "--format", "onx"}, "--format onx: unknown value; did you mean 'onnx'?"},
      {{"predict", "--config", "c", "--output_format", "json"},
       "--output_format json: unknown value; did you mean 'jsonl'?"},
      {{"predict"}, "predict needs --config FILE or --export_dir DIR"},
      {{"predict", "--export_dir", "e", "--checkpoint", "k"},
       "predict --export_dir does not take --checkpoint (the export holds its weights)"},
      {{"predict", "--export_dir", "e", "--model_dir", "m"},
       "predict --export_dir does not take --model_dir"},
      {{"export"}, "export needs --config FILE"},
      {{"evaluate", "--config", "c", "--export_dir", "e"}, "evaluate does not take --export_dir"},
      {{"train", "--config", "c", "--format", "onnx"}, "train does not take --format"},
  };
  for (const Case& c : cases) {
    auto run = RunCli(c.args);
    EXPECT_EQ(run.exit_code, kExitUsage) << c.message;
    EXPECT_THAT(run.err, HasSubstr(c.message));
  }
  EXPECT_THAT(Usage("predict"), HasSubstr("[--config FILE]"));
  EXPECT_THAT(Usage("predict"), HasSubstr("--output_format FORMAT"));
  EXPECT_THAT(Usage("export"), HasSubstr("usage: estimator export --config FILE"));
  EXPECT_THAT(Usage("export"), HasSubstr("--format FORMAT"));
}

TEST(CommandLineTest, ExportConfigErrorsWriteNothing) {
  TestFiles s = MakeSetup();
  auto run = RunCli({"export", "--config", s.config, "--set", "export.exporter=lattest"});
  EXPECT_EQ(run.exit_code, kExitUsage);
  EXPECT_THAT(run.err, HasSubstr("export.exporter: unknown value 'lattest'; did you mean 'latest'?"));
  EXPECT_FALSE(std::filesystem::exists(s.model_dir));
}

}  // namespace
}  // namespace cli
