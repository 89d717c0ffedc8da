// TrainAndEvaluate: trains and evaluates in turns within one process, with early stopping and a copy of the
// best checkpoint. Both graphs are built once and stay alive: training continues from the live session and
// input iterator after every evaluation, and each evaluation copies the live variables into the evaluation
// session (no checkpoint is read back).
#ifndef ESTIMATOR_TRAIN_AND_EVALUATE_H_
#define ESTIMATOR_TRAIN_AND_EVALUATE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "estimator/early_stopping.h"
#include "estimator/estimator.h"
#include "estimator/exporters.h"
#include "estimator/hooks.h"

namespace estimator {

struct TrainSpec {
  InputFn input_fn = {};  // required; called once per TrainAndEvaluate
  int64_t max_steps = 0;  // stop when global_step reaches this (0: when the input ends)
  std::vector<std::shared_ptr<Hook>> hooks = {};  // see one Begin ... End per interval between evaluations

  // input_fn set, max_steps >= 0; errors name the field.
  absl::Status Validate() const;
};

struct EvalSpec {
  InputFn input_fn = {};    // required; called once per evaluation
  int64_t steps = 0;        // batches per evaluation (0: until the input ends)
  int64_t every_steps = 0;  // evaluate whenever global_step reaches a multiple of this (0: only at the end)
  std::string name = {};    // results go to model_dir/eval[_<name>]/
  EarlyStoppingOptions early_stopping = {};    // off unless its metric is set
  BestCheckpointOptions best_checkpoint = {};  // off unless its metric is set
  // Called after every evaluation (after the best-checkpoint copy, with is_final on the last one); an
  // exporter's error ends the run with that error (the evaluated checkpoint stays saved).
  std::vector<std::shared_ptr<Exporter>> exporters = {};

  // input_fn set, ranges, the nested options; errors name the field.
  absl::Status Validate() const;
};

// Trains `estimator` with train_spec from the latest checkpoint in model_dir (or fresh or warm-started
// variables) and evaluates at every multiple of every_steps and once at the end (when max_steps is reached,
// the input ends or a training hook stops). A checkpoint is saved at every evaluation step (besides those the
// RunConfig asks for), so each result names the checkpoint it equals. After each evaluation the
// best-checkpoint copy is updated and early stopping may end training. Returns every evaluation, in order.
// Errors from training or evaluation are returned as they come (a checkpoint of the last good state was
// saved by training). SIGINT/SIGTERM give Cancelled: during training as Estimator::Train does, during an
// evaluation once it has finished (its step's checkpoint is saved and the best copy updated). Installs
// process-wide SIGINT/SIGTERM handlers while it runs: one TrainAndEvaluate per process at a time.
absl::StatusOr<std::vector<EvalResult>> TrainAndEvaluate(Estimator& estimator, const TrainSpec& train_spec,
                                                         const EvalSpec& eval_spec);

}  // namespace estimator

#endif  // ESTIMATOR_TRAIN_AND_EVALUATE_H_
