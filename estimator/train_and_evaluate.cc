#include "estimator/train_and_evaluate.h"

#include <atomic>
#include <csignal>
#include <utility>

#include "absl/strings/str_cat.h"

namespace estimator {
namespace {

// Stops a Train call when global_step reaches a multiple of `every` (an evaluation is due).
class EvaluationDueHook : public Hook {
 public:
  explicit EvaluationDueHook(int64_t every) : every_(every) {}
  absl::Status Begin(HookContext&) override {
    due_ = false;
    return absl::OkStatus();
  }
  absl::Status AfterRun(HookContext& ctx, absl::Span<const graph::Tensor>, bool* stop) override {
    if (every_ > 0 && ctx.global_step % every_ == 0) {
      due_ = true;
      *stop = true;
    }
    return absl::OkStatus();
  }
  // Whether the last Train call was stopped by this hook.
  bool due() const { return due_; }

 private:
  int64_t every_;
  bool due_ = false;
};

std::atomic<int> g_signal{0};
void OnSignal(int sig) { g_signal.store(sig); }

// Catches SIGINT/SIGTERM between training intervals (Train installs its own handlers while it runs), so a
// signal during an evaluation ends TrainAndEvaluate cleanly instead of killing the process.
class SignalCatcher {
 public:
  SignalCatcher() {
    g_signal.store(0);
    old_int_ = std::signal(SIGINT, OnSignal);
    old_term_ = std::signal(SIGTERM, OnSignal);
  }
  ~SignalCatcher() {
    std::signal(SIGINT, old_int_);
    std::signal(SIGTERM, old_term_);
  }
  int signal() const { return g_signal.load(); }

 private:
  void (*old_int_)(int);
  void (*old_term_)(int);
};

}  // namespace

absl::Status TrainSpec::Validate() const {
  if (!input_fn) return absl::InvalidArgumentError("TrainSpec.input_fn is required");
  if (max_steps < 0)
    return absl::InvalidArgumentError(absl::StrCat("TrainSpec.max_steps must be >= 0, got ", max_steps));
  return absl::OkStatus();
}

absl::Status EvalSpec::Validate() const {
  if (!input_fn) return absl::InvalidArgumentError("EvalSpec.input_fn is required");
  if (steps < 0) return absl::InvalidArgumentError(absl::StrCat("EvalSpec.steps must be >= 0, got ", steps));
  if (every_steps < 0) {
    return absl::InvalidArgumentError(absl::StrCat("EvalSpec.every_steps must be >= 0, got ", every_steps));
  }
  if (early_stopping.enabled()) {
    if (absl::Status st = early_stopping.Validate(); !st.ok()) return st;
  }
  for (const auto& exporter : exporters) {
    if (exporter == nullptr) return absl::InvalidArgumentError("EvalSpec.exporters holds a null exporter");
  }
  return best_checkpoint.Validate();
}

absl::StatusOr<std::vector<EvalResult>> TrainAndEvaluate(Estimator& estimator, const TrainSpec& train_spec,
                                                         const EvalSpec& eval_spec) {
  if (absl::Status st = train_spec.Validate(); !st.ok()) return st;
  if (absl::Status st = eval_spec.Validate(); !st.ok()) return st;
  EarlyStopping stopper(eval_spec.early_stopping);
  BestCheckpointKeeper best(estimator.config().model_dir, eval_spec.best_checkpoint);
  if (eval_spec.best_checkpoint.enabled()) {
    if (absl::Status st = best.Load(); !st.ok()) return st;
  }
  auto due = std::make_shared<EvaluationDueHook>(eval_spec.every_steps);
  std::vector<std::shared_ptr<Hook>> hooks = train_spec.hooks;
  hooks.push_back(due);
  EvalOptions eval_options;
  eval_options.steps = eval_spec.steps;
  eval_options.name = eval_spec.name;

  SignalCatcher signals;
  std::vector<EvalResult> results;
  int64_t last_evaluated = -1;
  for (bool first = true;; first = false) {
    TrainOptions options;
    options.max_steps = train_spec.max_steps;
    // The first call restores model_dir's state (and builds the graph); later ones go on in memory.
    options.continue_in_memory = !first;
    if (absl::Status st = estimator.Train(train_spec.input_fn, options, hooks); !st.ok()) return st;
    auto step = estimator.LiveGlobalStep();
    if (!step.ok()) return step.status();
    // Nothing was trained since the last evaluation: the input ended or max_steps was reached with it.
    if (*step == last_evaluated) break;
    const bool more = due->due() && (train_spec.max_steps == 0 || *step < train_spec.max_steps);
    auto result = estimator.EvaluateInMemory(eval_spec.input_fn, eval_options);
    if (!result.ok()) return result.status();
    last_evaluated = *step;
    results.push_back(*result);
    if (eval_spec.best_checkpoint.enabled()) {
      if (auto kept = best.Update(*result, result->checkpoint); !kept.ok()) return kept.status();
    }
    bool stop_now = !more;
    if (eval_spec.early_stopping.enabled()) {
      auto stop = stopper.Update(*result);
      if (!stop.ok()) return stop.status();
      stop_now = stop_now || *stop;
    }
    for (const std::shared_ptr<Exporter>& exporter : eval_spec.exporters) {
      auto exported = exporter->Export(estimator, *result, stop_now);
      if (!exported.ok()) return exported.status();
    }
    if (int sig = signals.signal(); sig != 0) {
      return absl::CancelledError(absl::StrCat("interrupted by signal ", sig,
                                               " during the evaluation at step ", *step,
                                               "; the checkpoint of that step was saved"));
    }
    if (stop_now) break;
  }
  return results;
}

}  // namespace estimator
