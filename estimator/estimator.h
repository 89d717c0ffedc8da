// Estimator: trains, evaluates and predicts with a user's model_fn and input_fn. It builds one static graph
// per mode (kept alive and reused), hides the Session, initializes or restores variables from the latest
// checkpoint, saves checkpoints and TensorBoard summaries, and resumes exactly where a previous run stopped.
#ifndef ESTIMATOR_ESTIMATOR_H_
#define ESTIMATOR_ESTIMATOR_H_

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "datasets/dataset.h"
#include "estimator/checkpoint_manager.h"
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
  // Without either limit, training runs until the input pipeline ends: epochs are the pipeline's
  // Repeat(count).
  absl::Status Validate() const;
};

struct EvalOptions {
  int64_t steps = 0;       // batches to evaluate (0: until the input ends)
  std::string checkpoint;  // a checkpoint file (empty: the latest valid one in model_dir)
  std::string name;        // results go to model_dir/eval[_<name>]/
};

struct EvalResult {
  int64_t global_step = 0;
  double loss = 0;                        // mean over examples
  std::map<std::string, double> metrics;  // every metric's value (and its arrays, flattened)
  int64_t num_examples = 0;
  std::string checkpoint;
};

// One prediction: each predictions tensor's row for one example.
using PredictionCallback = std::function<bool(const std::map<std::string, graph::Tensor>& example)>;

class Estimator {
 public:
  // `label_keys`: dataset components that are labels. Nothing is built or written until a method runs.
  Estimator(ModelFn model_fn, RunConfig config, Params params = {},
            std::vector<std::string> label_keys = {"label"});
  ~Estimator();

  // Trains from the latest valid checkpoint in model_dir (or fresh variables), saving checkpoints per the
  // RunConfig and at the end. The checkpoint holds every variable (with optimizer slots and global_step), the
  // input iterator's position and the random-op counters, so stopping and resuming gives bitwise the same
  // variables as one uninterrupted run. SIGINT/SIGTERM during training save a checkpoint and return
  // Cancelled.
  absl::Status Train(const InputFn& input_fn, const TrainOptions& options,
                     std::vector<std::shared_ptr<Hook>> hooks = {});

  // Evaluates a checkpoint (never fresh variables: no checkpoint is an error). Writes
  // model_dir/eval[_name]/metrics.json and summaries.
  absl::StatusOr<EvalResult> Evaluate(const InputFn& input_fn, const EvalOptions& options = {});

  // Streams per-example predictions from a checkpoint until the input ends or `on_example` returns false.
  absl::Status Predict(const InputFn& input_fn, const PredictionCallback& on_example,
                       const std::string& checkpoint = "");

  const RunConfig& config() const { return config_; }
  // The log lines the built-in hooks write go here (stderr by default).
  void set_log_sink(std::function<void(const std::string&)> sink) { log_ = std::move(sink); }

 private:
  struct ModeGraph;
  absl::StatusOr<ModeGraph*> GetGraph(Mode mode, const datasets::Element& sample);
  absl::Status RestoreVariables(ModeGraph& g, const SafetensorsFile& ckpt, bool with_state);
  absl::Status SaveCheckpoint(ModeGraph& g, const datasets::Iterator* it);
  absl::StatusOr<SafetensorsFile> LoadCheckpoint(const std::string& path, std::string* used_path);
  void Log(const std::string& line) const;

  ModelFn model_fn_;
  RunConfig config_;
  Params params_;
  std::vector<std::string> label_keys_;
  std::unique_ptr<CheckpointManager> checkpoints_;
  std::map<Mode, std::unique_ptr<ModeGraph>> graphs_;
  std::function<void(const std::string&)> log_;
};

}  // namespace estimator

#endif  // ESTIMATOR_ESTIMATOR_H_
