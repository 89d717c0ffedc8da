// Hooks: code that runs around the training, evaluation and prediction loops (TensorFlow's SessionRunHook).
#ifndef ESTIMATOR_HOOKS_H_
#define ESTIMATOR_HOOKS_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/types/span.h"
#include "estimator/model_fn.h"
#include "graph/session.h"

namespace estimator {

// What hooks see. Valid during the loop that calls them.
struct HookContext {
  Mode mode = Mode::kTrain;
  const graph::Graph* graph = nullptr;
  graph::Session* session = nullptr;
  int64_t global_step = 0;  // after the step that just ran (AfterRun), or at the start (Begin)
  int64_t batch_size = 0;   // examples in the step that just ran
  float loss = 0;           // loss of the step that just ran (TRAIN/EVAL)
  double wall_seconds = 0;  // since the loop began
  // Saves a checkpoint now (TRAIN only; set by the Estimator).
  std::function<absl::Status()> save_checkpoint;
  // Writes a scalar summary for the current step (set when summaries are on).
  std::function<void(const std::string& tag, double value)> add_scalar;
  // Writes a histogram summary of `values` for the current step (set when summaries are on).
  std::function<absl::Status(const std::string& tag, const graph::Tensor& values)> add_histogram;
  // The kernel timings of the step that just ran, when a hook asked for them with WantsTrace (else null).
  const graph::RunTrace* trace = nullptr;
  std::string model_dir;
};

// Called in this order: Begin (graph built), AfterCreateSession (variables initialized or restored), then per
// step Fetches-values → AfterRun, and End. Fetches() is asked once, after Begin: the values of those tensors
// arrive in AfterRun every step (so the step allocates no new fetch list). Any non-OK Status stops the loop
// and is returned by it.
class Hook {
 public:
  virtual ~Hook() = default;
  virtual absl::Status Begin(HookContext&) { return absl::OkStatus(); }
  virtual absl::Status AfterCreateSession(HookContext&) { return absl::OkStatus(); }
  virtual std::vector<Output> Fetches() { return {}; }
  // `values` holds this hook's Fetches() values. Set *stop to end the loop after this step.
  virtual absl::Status AfterRun(HookContext&, absl::Span<const graph::Tensor> values, bool* stop) {
    (void)values;
    (void)stop;
    return absl::OkStatus();
  }
  virtual absl::Status End(HookContext&) { return absl::OkStatus(); }
  // True to have the step that will make global_step == `step` traced (ctx.trace set in AfterRun).
  virtual bool WantsTrace(int64_t step) const {
    (void)step;
    return false;
  }
};

// Stops training once global_step reaches `last_step`.
class StopAtStepHook : public Hook {
 public:
  explicit StopAtStepHook(int64_t last_step) : last_step_(last_step) {}
  absl::Status AfterRun(HookContext& ctx, absl::Span<const graph::Tensor>, bool* stop) override;

 private:
  int64_t last_step_;
};

// Fails the loop when the loss (or any of `tensors`) is NaN or infinite, naming the step and the tensor.
class NanTensorHook : public Hook {
 public:
  explicit NanTensorHook(std::vector<Output> tensors = {}) : tensors_(std::move(tensors)) {}
  std::vector<Output> Fetches() override { return tensors_; }
  absl::Status AfterRun(HookContext& ctx, absl::Span<const graph::Tensor> values, bool* stop) override;

 private:
  std::vector<Output> tensors_;
};

// Prints the named tensors every `every_n_steps` steps (to `sink`, stderr by default).
class LoggingTensorHook : public Hook {
 public:
  LoggingTensorHook(std::vector<Output> tensors, int64_t every_n_steps,
                    std::function<void(const std::string&)> sink = nullptr);
  std::vector<Output> Fetches() override { return tensors_; }
  absl::Status AfterRun(HookContext& ctx, absl::Span<const graph::Tensor> values, bool* stop) override;

 private:
  std::vector<Output> tensors_;
  int64_t every_;
  std::function<void(const std::string&)> sink_;
};

// Measures steps/s and examples/s over each window of `every_n_steps` steps; logs them and writes them as the
// summaries "global_step/sec" and "examples/sec".
class StepCounterHook : public Hook {
 public:
  explicit StepCounterHook(int64_t every_n_steps, std::function<void(const std::string&)> sink = nullptr);
  absl::Status AfterRun(HookContext& ctx, absl::Span<const graph::Tensor> values, bool* stop) override;
  double last_steps_per_sec() const { return last_steps_per_sec_; }

 private:
  int64_t every_;
  std::function<void(const std::string&)> sink_;
  int64_t window_start_step_ = -1;
  double window_start_time_ = 0;
  int64_t window_examples_ = 0;
  double last_steps_per_sec_ = 0;
};

// Listens to checkpoint saves.
class CheckpointSaverListener {
 public:
  virtual ~CheckpointSaverListener() = default;
  virtual void BeforeSave(int64_t step) { (void)step; }
  virtual void AfterSave(int64_t step) { (void)step; }
};

// Saves a checkpoint every `every_n_steps` steps or `every_n_secs` seconds (one of them non-zero), and at
// End.
class CheckpointSaverHook : public Hook {
 public:
  CheckpointSaverHook(int64_t every_n_steps, double every_n_secs,
                      std::vector<CheckpointSaverListener*> listeners = {});
  absl::Status AfterRun(HookContext& ctx, absl::Span<const graph::Tensor> values, bool* stop) override;
  absl::Status End(HookContext& ctx) override;

 private:
  absl::Status Save(HookContext& ctx);
  int64_t every_steps_;
  double every_secs_;
  std::vector<CheckpointSaverListener*> listeners_;
  int64_t last_saved_step_ = -1;
  double last_saved_time_ = 0;
};

// Writes the loss (and learning rate, if given) as summaries every `every_n_steps` steps.
class SummarySaverHook : public Hook {
 public:
  SummarySaverHook(int64_t every_n_steps, std::vector<std::pair<std::string, Output>> scalars = {});
  std::vector<Output> Fetches() override;
  absl::Status AfterRun(HookContext& ctx, absl::Span<const graph::Tensor> values, bool* stop) override;

 private:
  int64_t every_;
  std::vector<std::pair<std::string, Output>> scalars_;
};

// Every `every_n_steps` steps, writes a histogram summary of every trainable variable (tag "<name>"), read
// from the session at that step only.
class WeightHistogramHook : public Hook {
 public:
  explicit WeightHistogramHook(int64_t every_n_steps) : every_(every_n_steps) {}
  absl::Status AfterRun(HookContext& ctx, absl::Span<const graph::Tensor> values, bool* stop) override;

 private:
  int64_t every_;
};

// Every `every_n_steps` steps, traces one step and writes its kernel timings as Chrome trace-event JSON to
// <dir>/timeline-<step>.json (open in Perfetto or chrome://tracing): one complete event per kernel with the
// node name, op kind and the user's file:line.
class ProfilerHook : public Hook {
 public:
  ProfilerHook(int64_t every_n_steps, std::string dir = "");  // dir "": the model_dir
  bool WantsTrace(int64_t step) const override { return every_ > 0 && step % every_ == 0; }
  absl::Status AfterRun(HookContext& ctx, absl::Span<const graph::Tensor> values, bool* stop) override;
  const std::vector<std::string>& written() const { return written_; }

 private:
  int64_t every_;
  std::string dir_;
  std::vector<std::string> written_;
};

// Chrome trace-event JSON ({"traceEvents": [...]}) of one traced run.
std::string TraceToChromeJson(const graph::RunTrace& trace);

}  // namespace estimator

#endif  // ESTIMATOR_HOOKS_H_
