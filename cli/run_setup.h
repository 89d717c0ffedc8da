// Turning a command line into a loaded config, the model's Params (with the configured optimizer) and an
// Estimator, for the subcommands of the `estimator` command.
#ifndef CLI_RUN_SETUP_H_
#define CLI_RUN_SETUP_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "cli/command_line.h"
#include "cli/progress_hook.h"
#include "configs/config.h"
#include "estimator/estimator.h"

namespace cli {

// The registry's check for LoadConfig: OK for a registered name, else NotFound "unknown model 'x'; did you
// mean 'y'?" (or the list of registered names).
absl::Status CheckModelName(const std::string& name);

// Loads cl.config with the --set overrides and --model_dir (applied last, as run.model_dir) and the model
// name check. Errors are config errors (the message names file:line:col or the override).
absl::StatusOr<configs::Config> LoadCliConfig(const CommandLine& cl);

// config.model.params with the configured training op: train.optimizer (layers::CreateOptimizer), its
// learning-rate schedule and gradient clipping. Errors building it are recorded in the model's scope.
estimator::Params MakeParams(const configs::Config& config);

// The dataset components that are labels for the Estimators of the command line (the others are features).
const std::vector<std::string>& LabelKeys();

// An Estimator for the registered model of `config`. Its log lines go to `console`; the RunConfig's
// log_step_count_steps is left to a ProgressHook (see MakeProgressHook), so it is 0 in the Estimator's copy.
absl::StatusOr<std::unique_ptr<estimator::Estimator>> MakeEstimator(const configs::Config& config,
                                                                    Console* console);

// The training pipeline of `config` (train.input); with `repeat_epochs` and train.epochs > 0 it is repeated
// that many times (for TrainAndEvaluate, which has no epochs option). Errors name the data file.
absl::StatusOr<datasets::Dataset> TrainDataset(const configs::Config& config, bool repeat_epochs);

// A ProgressHook whose total is train.max_steps or, with train.epochs, epochs times the batches per epoch
// of `train_data` (when known; the smaller of both when both are set), capped by train.steps per call.
std::shared_ptr<ProgressHook> MakeProgressHook(const configs::Config& config,
                                               const datasets::Dataset& train_data, bool data_repeats_epochs,
                                               Console* console);

}  // namespace cli

#endif  // CLI_RUN_SETUP_H_
