// Estimator: trains, evaluates and predicts with a user's model_fn and input_fn. It builds one static graph
// per mode (kept alive and reused), hides the Session, initializes or restores variables from the latest
// checkpoint, saves checkpoints and TensorBoard summaries, and resumes exactly where a previous run stopped.
#ifndef ESTIMATOR_ESTIMATOR_H_
#define ESTIMATOR_ESTIMATOR_H_

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "datasets/dataset.h"
#include "estimator/checkpoint_manager.h"
#include "estimator/export.h"
#include "estimator/hooks.h"
#include "estimator/model_fn.h"
#include "estimator/run_config.h"
#include "estimator/summary_writer.h"

namespace estimator {

// Returns the input pipeline. Elements are batches of named tensors (dim 0 is the batch); components named in
// the Estimator's label keys become labels, the others features.
using InputFn = std::function<datasets::Dataset()>;

struct TrainOptions {
  int64_t steps = 0;      // train this many more steps (0: no limit)
  int64_t max_steps = 0;  // stop when global_step reaches this (0: no limit); already there: nothing to do
  // Passes over the input_fn's data (0: off). When > 0 the Estimator trains on input_fn().Repeat(epochs), so
  // the input_fn should then not repeat its data itself. Training stops when the last epoch ends, or at
  // steps / max_steps, whichever comes first. The input position is checkpointed, so the epochs count from
  // step 0 of model_dir across resumed runs (resume with the same input_fn and epochs). Without epochs and
  // without a step limit, training runs until the input pipeline ends.
  int64_t epochs = 0;
  // Continue the live training run in memory: when this Estimator's previous Train call returned OK, its
  // session (variables, random-op counters) and its input iterator are still alive, and training goes on
  // from them: input_fn is not called, no checkpoint is read and `epochs` is ignored. Without a live run
  // (the first call, or after a call that failed or was interrupted) training starts as usual.
  bool continue_in_memory = false;
  // Ranges; errors name the field.
  absl::Status Validate() const;
};

struct EvalOptions {
  int64_t steps = 0;            // batches to evaluate (0: until the input ends)
  std::string checkpoint = {};  // a checkpoint file (empty: the latest valid one in model_dir)
  std::string name = {};        // results go to model_dir/eval[_<name>]/
  // Run with the spec's evaluation_hooks (Begin, AfterCreateSession, AfterRun per batch — a hook may stop the
  // evaluation early — and End). ctx.loss is the batch's loss; ctx.global_step the checkpoint's step.
  std::vector<std::shared_ptr<Hook>> hooks = {};
};

struct EvalResult {
  int64_t global_step = 0;
  double loss = 0;                        // mean over examples
  std::map<std::string, double> metrics;  // every metric's value (and its arrays, flattened)
  int64_t num_examples = 0;
  std::string checkpoint;
};

// Initial values for some variables taken from another model's checkpoint. Applied when training starts
// with no checkpoint in model_dir: the selected tensors overwrite the matching model variables after the
// normal initialization; every other variable keeps its initializer's value. global_step is never taken.
struct WarmStartSettings {
  // A checkpoint file, or a model directory (its latest valid checkpoint is used).
  std::string checkpoint = {};
  // Which checkpoint tensors to take and how to rename them to model names (see SelectWarmStartTensors).
  WarmStartOptions options = {};
  // OK when `checkpoint` is set.
  absl::Status Validate() const;
};

struct ExportOptions {
  std::string checkpoint = {};  // a checkpoint file (empty: the latest valid one in model_dir)
  bool onnx = false;            // also write model.onnx (fails, listing them, when an op has no ONNX form)
  int keep = 5;                 // exports kept under export_dir_base, newest by step (0: all)
  std::string config = {};      // the resolved config, stored in metadata.json
  std::map<std::string, double> eval_metrics = {};  // stored in metadata.json (exporters set it)
  graph::InferenceGraphOptions inference = {};
};

// The serving input matching an input pipeline: its first batch's components that are not labels, with
// their dtypes and per-example shapes.
absl::StatusOr<ServingInput> ServingInputFromInput(const InputFn& input_fn,
                                                   const std::vector<std::string>& label_keys = {"label"});

// One prediction: each predictions tensor's row for one example.
using PredictionCallback = std::function<bool(const std::map<std::string, graph::Tensor>& example)>;

// Not thread-safe: one call at a time.
class Estimator {
 public:
  // `label_keys`: dataset components that are labels. Nothing is built or written until a method runs.
  Estimator(ModelFn model_fn, RunConfig config, Params params = {},
            std::vector<std::string> label_keys = {"label"});
  ~Estimator();

  // Trains from the latest valid checkpoint in model_dir (or fresh variables, warm-started if set), saving
  // checkpoints per the RunConfig and at the end. The checkpoint holds every variable (with optimizer slots
  // and global_step), the input iterator's position and the random-op counters, so stopping and resuming
  // gives bitwise the same variables as one uninterrupted run. SIGINT/SIGTERM during training save a
  // checkpoint and return Cancelled. The training graph is built once per Estimator; after an OK return its
  // session and the input iterator stay alive (see TrainOptions::continue_in_memory and EvaluateInMemory).
  // Hooks see one Begin ... End sequence per call.
  absl::Status Train(const InputFn& input_fn, const TrainOptions& options,
                     std::vector<std::shared_ptr<Hook>> hooks = {});

  // Evaluates a checkpoint (never fresh variables: no checkpoint is an error). The evaluation graph is built
  // once per Estimator. Writes model_dir/eval[_name]/metrics.json and summaries (one event file per
  // evaluation directory for the Estimator's lifetime).
  absl::StatusOr<EvalResult> Evaluate(const InputFn& input_fn, const EvalOptions& options = {});

  // Evaluates the variables of the live training run (left by a Train call that returned OK) instead of a
  // checkpoint: they are copied by name from the training session into the evaluation graph's session, so
  // nothing is read from disk and both graphs stay built. Results and files as Evaluate; the result's
  // `checkpoint` names model_dir's checkpoint of the same step when that file exists (else empty).
  // options.checkpoint must be empty. FailedPrecondition when there is no live run.
  absl::StatusOr<EvalResult> EvaluateInMemory(const InputFn& input_fn, const EvalOptions& options = {});

  // The global_step of the live training run; FailedPrecondition when there is none.
  absl::StatusOr<int64_t> LiveGlobalStep();

  // Streams per-example predictions from a checkpoint until the input ends or `on_example` returns false.
  absl::Status Predict(const InputFn& input_fn, const PredictionCallback& on_example,
                       const std::string& checkpoint = "");

  // Exports a checkpoint for serving to <export_dir_base>/<global_step>/ (estimator/export.h): builds the
  // PREDICT graph with one placeholder per serving feature, freezes the checkpoint's variables into it,
  // prunes it to the spec's export_outputs (or its predictions), removes dropout, folds batch normalization
  // and writes it atomically with its signature. Returns the export's directory. Outputs of the export equal
  // Predict's on the same checkpoint (bitwise unless batch normalization was folded).
  absl::StatusOr<std::string> Export(const std::string& export_dir_base, const ServingInput& serving_input,
                                     const ExportOptions& options = {});

  // Sets the warm start used by later Train calls that start with no checkpoint in model_dir (nullopt: none).
  void set_warm_start(std::optional<WarmStartSettings> settings) { warm_start_ = std::move(settings); }

  const RunConfig& config() const { return config_; }
  // The log lines the built-in hooks write go here (stderr by default).
  void set_log_sink(std::function<void(const std::string&)> sink) { log_ = std::move(sink); }

 private:
  struct ModeGraph;
  struct LiveRun;
  using VariableLoader = std::function<absl::Status(ModeGraph&)>;
  absl::StatusOr<ModeGraph*> GetGraph(Mode mode, const datasets::Element& sample);
  absl::Status StartTraining(const InputFn& input_fn, const TrainOptions& options);
  absl::Status RunTrainingLoop(const TrainOptions& options, std::vector<std::shared_ptr<Hook>> hooks);
  absl::Status ApplyWarmStart(ModeGraph& g);
  absl::StatusOr<EvalResult> RunEvaluation(const InputFn& input_fn, const EvalOptions& options,
                                           const VariableLoader& load, std::string checkpoint);
  absl::Status WriteEvalResult(const EvalResult& result, const std::string& name);
  absl::Status RestoreVariables(ModeGraph& g, const SafetensorsFile& ckpt, bool with_state);
  absl::Status SaveCheckpoint(ModeGraph& g, const datasets::Iterator* it);
  absl::StatusOr<SafetensorsFile> LoadCheckpoint(const std::string& path, std::string* used_path);
  void Log(const std::string& line) const;
  // Logs the CPU and the ISA oneDNN dispatches to, the first time this Estimator runs anything.
  void LogEnvironmentOnce();

  ModelFn model_fn_;
  RunConfig config_;
  Params params_;
  std::vector<std::string> label_keys_;
  std::unique_ptr<CheckpointManager> checkpoints_;
  std::map<Mode, std::unique_ptr<ModeGraph>> graphs_;
  std::unique_ptr<LiveRun> live_;  // the live training run (null when there is none)
  std::optional<WarmStartSettings> warm_start_;
  std::map<std::string, std::unique_ptr<SummaryWriter>> eval_writers_;  // by evaluation directory
  std::function<void(const std::string&)> log_;
  bool environment_logged_ = false;
};

}  // namespace estimator

#endif  // ESTIMATOR_ESTIMATOR_H_
