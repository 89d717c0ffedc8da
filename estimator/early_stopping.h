// Decisions driven by a sequence of evaluations: stopping when a metric stops improving, and keeping a copy
// of the checkpoint with the best metric value.
#ifndef ESTIMATOR_EARLY_STOPPING_H_
#define ESTIMATOR_EARLY_STOPPING_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "estimator/estimator.h"
#include "estimator/hooks.h"

namespace estimator {

// Whether smaller or larger values of a metric are better.
enum class MetricGoal { kMinimize, kMaximize };
// "min" or "max".
const char* MetricGoalName(MetricGoal goal);

// The value of `metric` in `result`: "loss" is EvalResult::loss, any other name a key of
// EvalResult::metrics. NotFound listing the available names when it is neither.
absl::StatusOr<double> MetricValue(const EvalResult& result, const std::string& metric);

struct EarlyStoppingOptions {
  std::string metric = {};                  // "loss" or a metric name; empty: early stopping is off
  MetricGoal goal = MetricGoal::kMinimize;  // kMinimize for losses, kMaximize for accuracies
  int patience = 1;       // stop after this many consecutive evaluations without improvement (>= 1)
  double min_delta = 0;   // an improvement must beat the best value by more than this (>= 0)
  int64_t min_steps = 0;  // never stop while global_step is below this (>= 0)

  bool enabled() const { return !metric.empty(); }
  // Ranges; errors name the field.
  absl::Status Validate() const;
};

// Tracks one metric over evaluations (Keras' EarlyStopping rule). The first evaluation sets the best value;
// a later one improves when it is better than the best by more than min_delta (then it becomes the best and
// the count of evaluations without improvement restarts at 0), otherwise the count grows by one. NaN never
// improves. Training should stop once the count reaches `patience` at a global_step >= min_steps.
// Thread-compatible.
class EarlyStopping {
 public:
  // `options` should be valid (Update reports it otherwise).
  explicit EarlyStopping(EarlyStoppingOptions options) : options_(std::move(options)) {}

  // Records one evaluation; true when training should stop after it. Errors: invalid options, or the metric
  // missing from `result` (nothing is recorded then).
  absl::StatusOr<bool> Update(const EvalResult& result);

  bool has_best() const { return best_step_ >= 0; }
  double best_value() const { return best_value_; }
  int64_t best_step() const { return best_step_; }  // -1 before the first evaluation
  int evaluations_without_improvement() const { return without_improvement_; }
  const EarlyStoppingOptions& options() const { return options_; }

 private:
  EarlyStoppingOptions options_;
  double best_value_ = 0;
  int64_t best_step_ = -1;
  int without_improvement_ = 0;
};

struct BestCheckpointOptions {
  std::string metric = {};  // "loss" or a metric name; empty: no best-checkpoint copy
  MetricGoal goal = MetricGoal::kMinimize;

  bool enabled() const { return !metric.empty(); }
  // OK (every value is valid); kept for symmetry with the other options.
  absl::Status Validate() const { return absl::OkStatus(); }
};

// Keeps a copy of the best evaluated checkpoint of a model directory as
// <model_dir>/best/model.ckpt-<step>.safetensors, described by <model_dir>/best/best.json:
//   {"metric": name, "goal": "min"|"max", "value": v, "global_step": step, "checkpoint": file name,
//    "source": path of the copied checkpoint}
// A checkpoint replaces the kept one only when its value is strictly better. The new copy and best.json are
// written atomically before the previous copy is deleted, so a failure never loses the best copy. Values
// from best.json of an earlier run are taken into account (Load). One writer per model directory.
class BestCheckpointKeeper {
 public:
  // Touches no file until Load or Update.
  BestCheckpointKeeper(std::string model_dir, BestCheckpointOptions options);

  // Reads best.json if it exists. DataLoss naming the file when it is unreadable or describes another
  // metric or goal (then it is left untouched and Update must not be used).
  absl::Status Load();

  // Considers `result`, an evaluation of the checkpoint file `checkpoint`: when its value is finite and it is
  // the first or strictly better than the best, verifies and copies the file into best/ and rewrites
  // best.json. Returns whether it became the best. Errors name the file: a missing metric, an unreadable or
  // corrupt checkpoint, a failed write (the previous copy and best.json then stay as they were).
  absl::StatusOr<bool> Update(const EvalResult& result, const std::string& checkpoint);

  bool has_best() const { return best_step_ >= 0; }
  double best_value() const { return best_value_; }
  int64_t best_step() const { return best_step_; }
  // The kept copy (empty before any).
  const std::string& best_path() const { return best_path_; }
  // <model_dir>/best
  std::string dir() const { return model_dir_ + "/best"; }

 private:
  std::string model_dir_;
  BestCheckpointOptions options_;
  double best_value_ = 0;
  int64_t best_step_ = -1;
  std::string best_path_;
};

// A training hook that stops training when the evaluations written to <model_dir>/eval[_<eval_name>]/
// metrics.json stop improving — for an evaluator that runs beside training (another process, or Evaluate
// calls between Train calls). Every `check_every_n_steps` steps it reads that file; each new global_step
// found there counts as one evaluation for an EarlyStopping with `options`. A missing file is not an error
// (no evaluation yet); a malformed one is.
class EarlyStoppingHook : public Hook {
 public:
  EarlyStoppingHook(EarlyStoppingOptions options, std::string eval_name = "",
                    int64_t check_every_n_steps = 100);
  absl::Status Begin(HookContext& ctx) override;
  absl::Status AfterRun(HookContext& ctx, absl::Span<const graph::Tensor> values, bool* stop) override;
  const EarlyStopping& tracker() const { return tracker_; }

 private:
  EarlyStopping tracker_;
  std::string eval_name_;
  int64_t every_;
  int64_t last_seen_step_ = -1;
};

}  // namespace estimator

#endif  // ESTIMATOR_EARLY_STOPPING_H_
