// Loading the shipped configs, the PrintConfig round trip, overrides and model params.
#include "configs/config.h"

#include <string>
#include <variant>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/configs/config_test_util.h"

namespace configs {
namespace {

using configs_test::FreshTempDir;
using configs_test::MinimalConfig;
using configs_test::WriteFile;
using ::testing::ElementsAre;

constexpr char kFmnist[] = "/usr/share/datasets/fashion-mnist/";

TEST(ShippedConfigTest, FashionMnistMlp) {
  absl::StatusOr<Config> c =
      LoadConfig(std::string(ESTIMATOR_SOURCE_DIR) + "/configs/fashion_mnist_mlp.yaml");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->model.name, "fashion_mnist_mlp");
  EXPECT_EQ(c->model.params.GetIntList("hidden_units"), (std::vector<int64_t>{256, 256}));
  EXPECT_EQ(c->run.model_dir, "/tmp/estimator/fashion_mnist_mlp");
  const InputSpec& in = c->train.input;
  EXPECT_EQ(in.source, InputSource::kIdx);
  EXPECT_EQ(in.images, std::string(kFmnist) + "train-images-idx3-ubyte.gz");
  EXPECT_EQ(in.labels, std::string(kFmnist) + "train-labels-idx1-ubyte.gz");
  ASSERT_EQ(in.map.size(), 1u);
  EXPECT_EQ(in.map[0].kind, MapPreset::Kind::kScale);
  EXPECT_EQ(in.map[0].scale, 255.0);
  EXPECT_EQ(in.shuffle_buffer, 60000);
  EXPECT_EQ(in.batch_size, 128);
  EXPECT_EQ(in.prefetch, 2);  // default
  EXPECT_EQ(c->train.epochs, 10);
  EXPECT_EQ(c->train.optimizer.name, "adam");
  const auto& cosine = std::get<layers::CosineDecayOptions>(c->train.optimizer.learning_rate);
  EXPECT_EQ(cosine.initial_learning_rate, 1e-3f);
  EXPECT_EQ(cosine.decay_steps, 4690);
  EXPECT_EQ(cosine.alpha, 0.0f);                       // default
  EXPECT_EQ(c->train.optimizer.options.beta_1, 0.9f);  // resolved default
  EXPECT_EQ(c->train.optimizer.options.nesterov, std::nullopt);
  EXPECT_TRUE(c->eval.enabled);
  EXPECT_EQ(c->eval.input.images, std::string(kFmnist) + "t10k-images-idx3-ubyte.gz");
  EXPECT_EQ(c->eval.input.batch_size, 1000);
  EXPECT_EQ(c->export_.format, "safetensors");
  EXPECT_EQ(c->export_.keep, 5);
}

TEST(ShippedConfigTest, FashionMnistCnn) {
  absl::StatusOr<Config> c =
      LoadConfig(std::string(ESTIMATOR_SOURCE_DIR) + "/configs/fashion_mnist_cnn.yaml");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->model.name, "fashion_mnist_cnn");
  EXPECT_TRUE(c->model.params.values().empty());
  EXPECT_EQ(c->run.model_dir, "/tmp/estimator/fashion_mnist_cnn");
  EXPECT_EQ(c->train.epochs, 5);
  EXPECT_EQ(c->train.input.batch_size, 128);
  EXPECT_EQ(c->run.save_checkpoints_secs, 60.0);
}

TEST(RoundTripTest, ShippedConfigPrintsAndReloadsIdentically) {
  absl::StatusOr<Config> c =
      LoadConfig(std::string(ESTIMATOR_SOURCE_DIR) + "/configs/fashion_mnist_mlp.yaml");
  ASSERT_TRUE(c.ok()) << c.status();
  const std::string printed = PrintConfig(*c);
  EXPECT_THAT(printed,
              ::testing::HasSubstr("  optimizer:\n    name: adam\n    learning_rate:\n"
                                   "      type: cosine_decay\n      initial_learning_rate: 0.001\n"
                                   "      decay_steps: 4690\n      alpha: 0.0\n      warmup_steps: 0\n"
                                   "    beta_1: 0.9\n    beta_2: 0.999\n    epsilon: 1e-07\n"));
  absl::StatusOr<Config> again = LoadConfigFromString(printed, "printed.yaml");
  ASSERT_TRUE(again.ok()) << again.status() << "\n" << printed;
  EXPECT_TRUE(*again == *c);
  EXPECT_EQ(PrintConfig(*again), printed);
  EXPECT_EQ(again->train.optimizer.options.epsilon, 1e-7f);
  EXPECT_EQ(again->run.save_checkpoints_secs, 60.0);
}

TEST(RoundTripTest, EveryFeature) {
  const std::string dir = FreshTempDir();
  WriteFile(dir + "/d.csv", "a;b;y\n1;2;0\n");
  const std::string text = MinimalConfig(dir + "/d.csv",
                                         "    delimiter: \";\"\n"
                                         "    column_dtypes: {y: i64, b: i32}\n"
                                         "    defaults: {a: \"0.5\"}\n"
                                         "    label_column: y\n"
                                         "    columns: [a, b]\n"
                                         "    header: true\n"
                                         "    map: [flatten, {scale: 0.1}]\n"
                                         "    repeat: -1\n"
                                         "  optimizer:\n"
                                         "    name: momentum\n"
                                         "    nesterov: true\n"
                                         "    clip_global_norm: 5\n"
                                         "    learning_rate: {type: cosine_decay, initial_learning_rate: 0.1,"
                                         " decay_steps: 100, warmup_steps: 10, warmup_target: 0.3}\n");
  const std::string extra = "eval:\n  input: {source: csv, path: " + dir +
                            "/d.csv, delimiter: \";\", batch_size: 1}\n"
                            "  early_stopping: {metric: accuracy, mode: max, patience: 3, min_delta: 0.001}\n"
                            "  best_checkpoint: {metric: loss}\n"
                            "export: {format: onnx, keep: 0}\n";
  absl::StatusOr<Config> c =
      LoadConfigFromString(text + extra, "every.yaml",
                           {"model.params.lr=0.25", "model.params.tags=[x, \"1\"]", "model.params.flag=true",
                            "model.params.name='3'", "model.params.mixed=[1, 2.5]"});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->train.input.delimiter, ';');
  EXPECT_EQ(c->train.input.column_dtypes[0].first, "y");
  EXPECT_EQ(c->train.input.column_dtypes[1].second, graph::DType::kInt32);
  const auto& cos = std::get<layers::CosineDecayOptions>(c->train.optimizer.learning_rate);
  EXPECT_EQ(cos.warmup_target, 0.3f);
  EXPECT_EQ(cos.decay_steps, 100);
  EXPECT_EQ(c->train.optimizer.options.momentum, 0.9f);
  EXPECT_EQ(c->train.optimizer.clipping.clip_global_norm, 5.0f);
  EXPECT_EQ(c->eval.early_stopping.goal, estimator::MetricGoal::kMaximize);
  EXPECT_EQ(c->eval.early_stopping.patience, 3);
  EXPECT_EQ(c->eval.best_checkpoint.goal, estimator::MetricGoal::kMinimize);
  EXPECT_EQ(c->model.params.GetFloat("lr"), 0.25);
  EXPECT_EQ(c->model.params.GetString("name"), "3");
  EXPECT_TRUE(c->model.params.GetBool("flag"));
  EXPECT_EQ(std::get<std::vector<std::string>>(c->model.params.values().at("tags")),
            (std::vector<std::string>{"x", "1"}));
  EXPECT_THAT(c->model.params.GetFloatList("mixed"), ElementsAre(1.0, 2.5));
  EXPECT_TRUE(c->model.params.status().ok());

  const std::string printed = PrintConfig(*c);
  absl::StatusOr<Config> again = LoadConfigFromString(printed, "printed.yaml");
  ASSERT_TRUE(again.ok()) << again.status() << "\n" << printed;
  EXPECT_EQ(PrintConfig(*again), printed);
  EXPECT_EQ(again->model.params.values(), c->model.params.values());
  EXPECT_EQ(std::get<layers::CosineDecayOptions>(again->train.optimizer.learning_rate).warmup_steps, 10);
  EXPECT_EQ(again->train.input.defaults, c->train.input.defaults);
  EXPECT_EQ(again->train.input.map.size(), 2u);
  EXPECT_EQ(again->train.input.map[1].scale, 0.1);
  EXPECT_EQ(again->export_.format, "onnx");
}

TEST(RoundTripTest, DefaultsAreWrittenOut) {
  const std::string dir = FreshTempDir();
  WriteFile(dir + "/d.csv", "x\n1\n");
  absl::StatusOr<Config> c = LoadConfigFromString(MinimalConfig(dir + "/d.csv"), "min.yaml");
  ASSERT_TRUE(c.ok()) << c.status();
  const std::string printed = PrintConfig(*c);
  EXPECT_THAT(printed, ::testing::HasSubstr("run:\n  model_dir: \"/tmp/m\"\n  random_seed: 0\n"
                                            "  save_checkpoints_steps: 0\n  save_checkpoints_secs: 600.0\n"
                                            "  keep_checkpoint_max: 5\n"));
  EXPECT_THAT(printed, ::testing::HasSubstr("    shuffle_buffer: 0\n    seed: 0\n    repeat: 1\n"
                                            "    cache: false\n    prefetch: 2\n"));
  EXPECT_THAT(printed, ::testing::HasSubstr("export:\n  dir: \"\"\n  keep: 5\n  format: safetensors\n"));
  EXPECT_THAT(printed, ::testing::Not(::testing::HasSubstr("eval:")));
}

TEST(RoundTripTest, HandBuiltConfigResolvesUnsetOptimizerFields) {
  const std::string dir = FreshTempDir();
  WriteFile(dir + "/d.csv", "x\n1\n");
  Config c;
  c.model.name = "m";
  c.run.model_dir = "/tmp/m";
  c.train.input.source = InputSource::kCsv;
  c.train.input.path = dir + "/d.csv";
  c.train.input.batch_size = 4;
  c.train.optimizer.name = "rmsprop";
  c.train.optimizer.options.rho = 0.8f;
  absl::StatusOr<Config> again = LoadConfigFromString(PrintConfig(c), "printed.yaml");
  ASSERT_TRUE(again.ok()) << again.status() << "\n" << PrintConfig(c);
  EXPECT_EQ(again->train.optimizer.options.rho, 0.8f);
  EXPECT_EQ(again->train.optimizer.options.momentum, 0.0f);  // RMSProp's default, now explicit
  EXPECT_EQ(again->train.optimizer.options.centered, false);
  EXPECT_FALSE(*again == c);
  EXPECT_THAT(PrintConfig(*again),
              ::testing::HasSubstr("    rho: 0.8\n    momentum: 0.0\n    epsilon: 1e-07\n"
                                   "    centered: false\n"));
}

TEST(OverrideTest, TypedValuesReplaceAndCreateKeys) {
  const std::string dir = FreshTempDir();
  WriteFile(dir + "/d.csv", "x\n1\n");
  WriteFile(dir + "/c.yaml", MinimalConfig(dir + "/d.csv", "  max_steps: 10\n"));
  absl::StatusOr<Config> c =
      LoadConfig(dir + "/c.yaml", {"train.max_steps=2000", "train.optimizer.name=sgd",
                                   "train.optimizer.learning_rate=0.05", "model.params.hidden_units=[64, 32]",
                                   "run.save_checkpoints_steps=500", "export.format=onnx"});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->train.max_steps, 2000);
  EXPECT_EQ(c->train.optimizer.name, "sgd");
  EXPECT_EQ(std::get<float>(c->train.optimizer.learning_rate), 0.05f);
  EXPECT_EQ(c->model.params.GetIntList("hidden_units"), (std::vector<int64_t>{64, 32}));
  EXPECT_EQ(c->run.save_checkpoints_steps, 500);
  EXPECT_EQ(c->run.save_checkpoints_secs, 0.0);  // steps chosen: the time default is turned off
  EXPECT_EQ(c->export_.format, "onnx");
  // Later overrides win.
  c = LoadConfig(dir + "/c.yaml", {"train.max_steps=1", "train.max_steps=7"});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->train.max_steps, 7);
}

TEST(OverrideTest, ErrorsNameTheOverride) {
  const std::string dir = FreshTempDir();
  WriteFile(dir + "/d.csv", "x\n1\n");
  const std::string text = MinimalConfig(dir + "/d.csv");
  auto error = [&](const std::string& o) {
    absl::StatusOr<Config> c = LoadConfigFromString(text, "c.yaml", {o});
    return c.ok() ? std::string("OK") : std::string(c.status().message());
  };
  EXPECT_EQ(error("train.max_steps=abc"),
            "--set train.max_steps=abc: train.max_steps: expected an integer, got 'abc'");
  EXPECT_EQ(error("train.optimzer.name=sgd"),
            "--set train.optimzer.name=sgd: train.optimzer: unknown key; did you mean 'optimizer'?");
  EXPECT_EQ(error("train.max_steps"), "--set train.max_steps: expected key.path=value");
  EXPECT_EQ(error("train..steps=1"), "--set train..steps=1: train..steps: empty key in the key path");
  EXPECT_EQ(error("run.model_dir.x=1"),
            "c.yaml:4:14: run.model_dir: expected a map, got a scalar (--set run.model_dir.x=1 needs "
            "'run.model_dir' to be a map)");
  EXPECT_EQ(error("train.epochs=-3"), "--set train.epochs=-3: train.epochs: must be >= 0, got -3");
  EXPECT_EQ(
      error("train.optimizer.name=adamm"),
      "--set train.optimizer.name=adamm: train.optimizer.name: unknown value 'adamm'; did you mean 'adam'?");
  EXPECT_EQ(error("train.max_steps=[1"),
            "--set train.max_steps=[1: invalid YAML: end of sequence flow not found");
}

// A section of the wrong kind is reported at its own line and column, whether or not an override (--set,
// or --model_dir, which sets run.model_dir) reaches into it.
TEST(OverrideTest, StructureErrorsNameTheFilePosition) {
  const std::string dir = FreshTempDir();
  WriteFile(dir + "/d.csv", "x\n1\n");
  const std::string text =
      "model:\n  name: m\nrun:\n  - model_dir: /tmp/m\ntrain:\n  input:\n    source: csv\n"
      "    path: " +
      dir + "/d.csv\n    batch_size: 2\n";
  auto error = [&](std::vector<std::string> overrides) {
    absl::StatusOr<Config> c = LoadConfigFromString(text, "c.yaml", overrides);
    return c.ok() ? std::string("OK") : std::string(c.status().message());
  };
  EXPECT_EQ(error({}), "c.yaml:4:3: run: expected a map, got a list");
  EXPECT_EQ(
      error({"run.model_dir='/tmp/x'"}),
      "c.yaml:4:3: run: expected a map, got a list (--set run.model_dir='/tmp/x' needs 'run' to be a map)");
  EXPECT_EQ(error({"train.max_steps=3", "run.seed=1"}),
            "c.yaml:4:3: run: expected a map, got a list (--set run.seed=1 needs 'run' to be a map)");
  EXPECT_EQ(error({"train.input.path.x=1"}),
            "c.yaml:8:11: train.input.path: expected a map, got a scalar (--set train.input.path.x=1 needs "
            "'train.input.path' to be a map)");
  // A section an earlier override replaced is positioned at that override.
  EXPECT_EQ(error({"eval=[1]", "eval.steps=2"}),
            "--set eval=[1]: eval: expected a map, got a list (--set eval.steps=2 needs 'eval' to be a map)");
}

TEST(ModelNameTest, HookRejectionIsPositioned) {
  const std::string dir = FreshTempDir();
  WriteFile(dir + "/d.csv", "x\n1\n");
  auto check = [](const std::string& name) {
    return name == "known" ? absl::OkStatus()
                           : absl::NotFoundError("unknown model '" + name + "'; registered: known");
  };
  absl::StatusOr<Config> c = LoadConfigFromString(MinimalConfig(dir + "/d.csv"), "c.yaml", {}, check);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().message(), "c.yaml:2:9: model.name: unknown model 'm'; registered: known");
  EXPECT_TRUE(
      LoadConfigFromString(MinimalConfig(dir + "/d.csv"), "c.yaml", {"model.name=known"}, check).ok());
}

}  // namespace
}  // namespace configs
