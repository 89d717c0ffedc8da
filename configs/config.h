// Config: a training run described by a YAML file (docs/CONFIG.md), parsed and validated into the typed
// options of estimator/ and layers/ before any work starts.
//
//   absl::StatusOr<configs::Config> config =
//       configs::LoadConfig("configs/fashion_mnist_mlp.yaml", {"train.max_steps=2000"});
//   if (!config.ok()) { /* "file:line:col: key.path: what is wrong" */ }
#ifndef CONFIGS_CONFIG_H_
#define CONFIGS_CONFIG_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "configs/input_spec.h"
#include "estimator/early_stopping.h"
#include "estimator/estimator.h"
#include "estimator/model_fn.h"
#include "estimator/run_config.h"
#include "layers/gradient_clipping.h"
#include "layers/learning_rate_schedule.h"
#include "layers/optimizer_factory.h"

namespace configs {

struct ModelConfig {
  std::string name;          // required; a registered model (checked by LoadConfig's model-name hook)
  estimator::Params params;  // handed to model_fn: scalars and lists of scalars
};

struct OptimizerConfig {
  std::string name = "adam";  // one of layers::OptimizerNames()
  // A constant rate or a schedule. After loading it is always set (the optimizer's default when absent).
  layers::LearningRateScheduleOptions learning_rate = 0.001f;
  // The optimizer's own fields; after loading every field that applies to `name` is set (to its default when
  // absent) and the others are unset. `options.learning_rate` is never set: see learning_rate above.
  layers::GenericOptimizerOptions options;
  layers::GradientClippingOptions clipping;  // clip_value, clip_global_norm (0: off)
};

struct TrainConfig {
  InputSpec input;  // required
  int64_t max_steps = 0;
  int64_t steps = 0;
  int64_t epochs = 0;
  OptimizerConfig optimizer;

  // The estimator's options for these fields.
  estimator::TrainOptions ToTrainOptions() const;
};

struct EvalConfig {
  bool enabled = false;  // the file has an eval section
  InputSpec input;       // required when enabled
  int64_t steps = 0;
  int64_t every_steps = 0;
  std::string name;
  estimator::EarlyStoppingOptions early_stopping;
  estimator::BestCheckpointOptions best_checkpoint;

  // The estimator's options for steps and name.
  estimator::EvalOptions ToEvalOptions() const;
};

// Export formats: "safetensors" (the toolkit's inference graph + weights + signature) or "onnx" (the same,
// plus model.onnx). `exporter` is what train_and_evaluate exports after its evaluations: "none", "latest"
// (every evaluated checkpoint, to <run.model_dir>/export/latest/) or "best" (a checkpoint whose `metric`
// beats every earlier export's, to <run.model_dir>/export/best/).
struct ExportConfig {
  std::string dir;  // empty: <run.model_dir>/export
  int keep = 5;     // newest exports kept (0: all)
  std::string format = "safetensors";
  std::string exporter = "none";
  std::string metric = "loss";                                    // exporter "best" only
  estimator::MetricGoal goal = estimator::MetricGoal::kMinimize;  // exporter "best" only

  // The estimator's options for keep and format (ExportOptions::onnx).
  estimator::ExportOptions ToExportOptions() const;
};

struct Config {
  std::string source;  // the file it was loaded from ("" when from a string)
  ModelConfig model;
  estimator::RunConfig run;
  TrainConfig train;
  EvalConfig eval;
  ExportConfig export_;  // the `export` section
};

// Checks a model name; a non-OK status (e.g. "unknown model 'x'; registered: a, b") is reported at the
// position of model.name. Null: any non-empty name is accepted.
using ModelNameCheck = std::function<absl::Status(const std::string& name)>;

// Reads, validates and resolves the config at `path` with `overrides` ("key.path=value", applied in order
// over the file; a value is YAML, e.g. "train.optimizer.learning_rate=0.01" or "model.params.units=[64,32]").
// Data paths of the input specs must be readable files. Every error is one InvalidArgument (NotFound /
// PermissionDenied for the config file itself) message "file:line:col: key.path: what is wrong", or
// "--set key.path=value: key.path: ..." for an override. Never throws; hostile files are refused quickly.
absl::StatusOr<Config> LoadConfig(const std::string& path, const std::vector<std::string>& overrides = {},
                                  const ModelNameCheck& check_model_name = nullptr);

// LoadConfig for a YAML text; positions name `source`.
absl::StatusOr<Config> LoadConfigFromString(const std::string& text, const std::string& source,
                                            const std::vector<std::string>& overrides = {},
                                            const ModelNameCheck& check_model_name = nullptr);

// The fully resolved config as YAML, every default written out. LoadConfigFromString of the result gives a
// config that prints identically (floats are written in their shortest exact form).
std::string PrintConfig(const Config& config);

// Configs that print identically.
bool operator==(const Config& a, const Config& b);

}  // namespace configs

#endif  // CONFIGS_CONFIG_H_
