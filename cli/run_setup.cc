#include "cli/run_setup.h"

#include <utility>
#include <variant>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "configs/input_spec.h"
#include "configs/yaml_tree.h"
#include "estimator/model_registry.h"
#include "layers/learning_rate_schedule.h"
#include "layers/optimizer_factory.h"

namespace cli {

absl::Status CheckModelName(const std::string& name) {
  if (estimator::FindModel(name).ok()) return absl::OkStatus();
  const std::vector<std::string> names = estimator::ModelNames();
  if (names.empty())
    return absl::NotFoundError(absl::StrCat("unknown model '", name, "'; no model is registered"));
  return absl::NotFoundError(absl::StrCat("unknown model '", name, "'; ", configs::SuggestFrom(name, names),
                                          " (registered: ", absl::StrJoin(names, ", "), ")"));
}

absl::StatusOr<configs::Config> LoadCliConfig(const CommandLine& cl) {
  std::vector<std::string> overrides = cl.sets;
  if (!cl.model_dir.empty()) {
    // A single-quoted YAML scalar is always a string; quotes inside are doubled.
    overrides.push_back(
        absl::StrCat("run.model_dir='", absl::StrReplaceAll(cl.model_dir, {{"'", "''"}}), "'"));
  }
  return configs::LoadConfig(cl.config, overrides, CheckModelName);
}

estimator::Params MakeParams(const configs::Config& config) {
  estimator::Params params = config.model.params;
  const configs::OptimizerConfig opt = config.train.optimizer;
  params.SetMinimize([opt](const estimator::Scope& s, estimator::Output loss) -> estimator::Node* {
    layers::GenericOptimizerOptions options = opt.options;
    if (const float* constant = std::get_if<float>(&opt.learning_rate)) {
      options.learning_rate = layers::LearningRate(*constant);
    } else {
      options.learning_rate = layers::LearningRate(layers::LearningRateSchedule(s, opt.learning_rate));
    }
    absl::StatusOr<std::unique_ptr<layers::Optimizer>> optimizer = layers::CreateOptimizer(opt.name, options);
    if (!optimizer.ok()) {
      s.UpdateStatus(
          absl::InvalidArgumentError(absl::StrCat("train.optimizer: ", optimizer.status().message())));
      return nullptr;
    }
    layers::MinimizeOptions minimize;
    minimize.clipping = opt.clipping;
    return (*optimizer)->Minimize(s, loss, minimize);
  });
  return params;
}

const std::vector<std::string>& LabelKeys() {
  static const auto* keys = new std::vector<std::string>{"label"};  // configs' input specs name it so
  return *keys;
}

absl::StatusOr<std::unique_ptr<estimator::Estimator>> MakeEstimator(const configs::Config& config,
                                                                    Console* console) {
  absl::StatusOr<estimator::ModelFn> fn = estimator::FindModel(config.model.name);
  if (!fn.ok()) return fn.status();
  estimator::RunConfig run = config.run;
  run.log_step_count_steps = 0;  // the ProgressHook logs instead
  auto est = std::make_unique<estimator::Estimator>(*fn, run, MakeParams(config), LabelKeys());
  est->set_log_sink([console](const std::string& line) { console->Line(line); });
  return est;
}

absl::StatusOr<datasets::Dataset> TrainDataset(const configs::Config& config, bool repeat_epochs) {
  absl::StatusOr<datasets::Dataset> data = configs::BuildDataset(config.train.input);
  if (!data.ok()) return data.status();
  if (repeat_epochs && config.train.epochs > 0) return data->Repeat(config.train.epochs);
  return data;
}

std::shared_ptr<ProgressHook> MakeProgressHook(const configs::Config& config,
                                               const datasets::Dataset& train_data, bool data_repeats_epochs,
                                               Console* console) {
  int64_t total = config.train.max_steps;
  const int64_t cardinality = train_data.Cardinality();
  if (config.train.epochs > 0 && cardinality > 0) {
    const int64_t per_run = data_repeats_epochs ? cardinality : cardinality * config.train.epochs;
    total = total > 0 ? std::min(total, per_run) : per_run;
  }
  return std::make_shared<ProgressHook>(console, total, config.train.steps, config.run.log_step_count_steps);
}

}  // namespace cli
