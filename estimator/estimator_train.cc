// Estimator::Train: starting (restore, warm start, fresh init) and the training loop with its hooks.
#include <atomic>
#include <chrono>
#include <csignal>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "estimator/estimator.h"
#include "estimator/estimator_internal.h"
#include "layers/variables.h"

namespace estimator {

namespace {

using internal::kGlobalStepKey;
using internal::kIteratorKey;
using internal::Seconds;

std::atomic<int> g_signal{0};
void OnSignal(int sig) { g_signal.store(sig); }

// Installs SIGINT/SIGTERM handlers for the duration of a training loop.
class SignalGuard {
 public:
  SignalGuard() {
    g_signal.store(0);
    old_int_ = std::signal(SIGINT, OnSignal);
    old_term_ = std::signal(SIGTERM, OnSignal);
  }
  ~SignalGuard() {
    std::signal(SIGINT, old_int_);
    std::signal(SIGTERM, old_term_);
  }

 private:
  void (*old_int_)(int);
  void (*old_term_)(int);
};

}  // namespace

absl::Status Estimator::Train(const InputFn& input_fn, const TrainOptions& options,
                              std::vector<std::shared_ptr<Hook>> hooks) {
  LogEnvironmentOnce();
  if (absl::Status st = config_.Validate(); !st.ok()) return st;
  if (absl::Status st = options.Validate(); !st.ok()) return st;
  if (!options.continue_in_memory || live_ == nullptr) {
    live_.reset();  // StartTraining sets it only once the session and iterator are ready
    if (absl::Status st = StartTraining(input_fn, options); !st.ok()) return st;
  }
  absl::Status result = RunTrainingLoop(options, std::move(hooks));
  if (!result.ok()) live_.reset();
  return result;
}

absl::Status Estimator::StartTraining(const InputFn& input_fn, const TrainOptions& options) {
  datasets::Dataset ds = input_fn();
  if (options.epochs > 0) ds = ds.Repeat(options.epochs);
  if (!ds.ok()) return ds.status();
  // The first element defines the placeholders; a separate iterator keeps the training one untouched.
  datasets::Element sample;
  {
    auto peek = ds.MakeIterator();
    if (!peek.ok()) return peek.status();
    bool end = false;
    if (absl::Status st = peek->GetNext(&sample, &end); !st.ok()) return st;
    if (end) return absl::InvalidArgumentError("the training input is empty");
  }
  auto graph_or = GetGraph(Mode::kTrain, sample);
  if (!graph_or.ok()) return graph_or.status();
  ModeGraph& g = **graph_or;
  auto it = ds.MakeIterator();
  if (!it.ok()) return it.status();
  std::string used;
  auto ckpt = LoadCheckpoint("", &used);
  if (ckpt.ok()) {
    if (absl::Status st = RestoreVariables(g, *ckpt, /*with_state=*/true); !st.ok()) return st;
    auto state_text = ckpt->metadata.find(kIteratorKey);
    if (state_text != ckpt->metadata.end()) {
      auto state = datasets::IteratorState::FromText(state_text->second);
      if (!state.ok()) return state.status();
      if (absl::Status st = it->RestoreState(*state); !st.ok()) return st;
    }
    Log(absl::StrCat("restored ", used));
  } else if (absl::IsNotFound(ckpt.status())) {
    if (absl::Status st = g.session->RunTargets({g.init}); !st.ok()) return st;
    if (warm_start_.has_value()) {
      if (absl::Status st = ApplyWarmStart(g); !st.ok()) return st;
    }
  } else {
    return ckpt.status();
  }
  live_ = std::make_unique<LiveRun>(LiveRun{*std::move(it), nullptr});
  return absl::OkStatus();
}

absl::Status Estimator::ApplyWarmStart(ModeGraph& g) {
  const WarmStartSettings& ws = *warm_start_;
  if (absl::Status st = ws.Validate(); !st.ok()) return st;
  SafetensorsFile src;
  std::error_code ec;
  if (std::filesystem::is_directory(ws.checkpoint, ec)) {
    auto latest = CheckpointManager(ws.checkpoint).LatestValid();
    if (!latest.ok()) {
      return absl::Status(latest.status().code(), absl::StrCat("warm start: ", latest.status().message()));
    }
    src = std::move(latest->file);
  } else {
    auto file = ReadSafetensors(ws.checkpoint);
    if (!file.ok()) {
      return absl::Status(file.status().code(), absl::StrCat("warm start: ", file.status().message()));
    }
    src = *std::move(file);
  }
  auto selected = SelectWarmStartTensors(src, ws.options);
  if (!selected.ok()) {
    return absl::Status(selected.status().code(),
                        absl::StrCat("warm start from ", src.path, ": ", selected.status().message()));
  }
  int loaded = 0;
  for (const Output& v : g.variables) {
    const std::string& name = v.node->name();
    auto found = selected->find(name);
    if (name == kGlobalStepKey || found == selected->end()) continue;
    const graph::Tensor& t = found->second;
    if (t.dtype() != v.dtype() || t.shape() != v.shape()) {
      return absl::FailedPreconditionError(
          absl::StrCat("warm start from ", src.path, ": variable ", name, " is ", graph::DTypeName(v.dtype()),
                       v.shape().ToString(), " in the model but ", graph::DTypeName(t.dtype()),
                       t.shape().ToString(), " in the checkpoint"));
    }
    if (absl::Status st = g.session->WriteVariable(name, t); !st.ok()) return st;
    ++loaded;
  }
  if (loaded == 0) {
    return absl::NotFoundError(
        absl::StrCat("warm start from ", src.path, ": the selected tensors match no variable of the model"));
  }
  Log(absl::StrCat("warm-started ", loaded, " variables from ", src.path));
  return absl::OkStatus();
}

absl::Status Estimator::RunTrainingLoop(const TrainOptions& options,
                                        std::vector<std::shared_ptr<Hook>> hooks) {
  ModeGraph& g = *graphs_.at(Mode::kTrain);
  graph::Session& sess = *g.session;
  datasets::Iterator& it = live_->it;
  std::vector<graph::Tensor> out;
  if (absl::Status st = sess.Run({g.global_step}, &out); !st.ok()) return st;
  HookContext ctx;
  ctx.model_dir = config_.model_dir;
  ctx.global_step = out[0].data<int64_t>()[0];
  const int64_t first_step = ctx.global_step;
  if (options.max_steps > 0 && ctx.global_step >= options.max_steps) {
    Log(absl::StrCat("global_step ", ctx.global_step, " already reached max_steps ", options.max_steps));
    return absl::OkStatus();
  }
  if (config_.save_summary_steps > 0 && live_->summaries == nullptr) {
    auto w = SummaryWriter::Create(config_.model_dir);
    if (!w.ok()) return w.status();
    live_->summaries = *std::move(w);
  }
  SummaryWriter* summaries = config_.save_summary_steps > 0 ? live_->summaries.get() : nullptr;
  auto log = [this](const std::string& line) { Log(line); };
  std::vector<std::shared_ptr<Hook>> all = g.spec.training_hooks;
  all.insert(all.end(), hooks.begin(), hooks.end());
  all.push_back(std::make_shared<NanTensorHook>());
  if (config_.log_step_count_steps > 0)
    all.push_back(std::make_shared<StepCounterHook>(config_.log_step_count_steps, log));
  if (config_.save_summary_steps > 0) {
    std::vector<std::pair<std::string, Output>> scalars(g.spec.scalar_summaries.begin(),
                                                        g.spec.scalar_summaries.end());
    all.push_back(std::make_shared<SummarySaverHook>(config_.save_summary_steps, std::move(scalars)));
  }
  all.push_back(
      std::make_shared<CheckpointSaverHook>(config_.save_checkpoints_steps, config_.save_checkpoints_secs));

  ctx.mode = Mode::kTrain;
  ctx.graph = g.scope.graph();
  ctx.session = &sess;
  ctx.save_checkpoint = [this, &g, &it]() { return SaveCheckpoint(g, &it); };
  if (summaries != nullptr) {
    ctx.add_scalar = [summaries, &ctx](const std::string& tag, double v) {
      (void)summaries->AddScalar(tag, ctx.global_step, v);
    };
    ctx.add_histogram = [summaries, &ctx](const std::string& tag, const graph::Tensor& values) {
      return summaries->AddHistogram(tag, ctx.global_step, values);
    };
  }
  std::vector<Output> fetches = {g.spec.loss, g.global_step};
  internal::HookRunner runner(std::move(all));
  if (absl::Status st = runner.Start(ctx, &fetches); !st.ok()) return st;
  std::vector<graph::Feed> feeds;
  for (const Output& p : g.placeholders) feeds.push_back({p, graph::Tensor()});
  std::vector<Node*> targets = {g.spec.train_op};
  datasets::Element batch;
  internal::BatchFeeder feeder(g.input_names);
  graph::RunTrace trace;
  SignalGuard signals;
  const auto start = std::chrono::steady_clock::now();
  absl::Status result = absl::OkStatus();
  bool stop = false;
  while (!stop) {
    if (options.max_steps > 0 && ctx.global_step >= options.max_steps) break;
    if (options.steps > 0 && ctx.global_step - first_step >= options.steps) break;
    if (int sig = g_signal.load(); sig != 0) {
      result = absl::CancelledError(absl::StrCat("training interrupted by signal ", sig, " at step ",
                                                 ctx.global_step, "; a checkpoint was saved"));
      break;
    }
    bool end = false;
    if (absl::Status st = it.GetNext(&batch, &end); !st.ok()) {
      result = st;
      break;
    }
    if (end) break;
    if (absl::Status st = feeder.Feed(batch, &feeds); !st.ok()) {
      result = st;
      break;
    }
    const bool traced = runner.WantsTrace(ctx.global_step + 1);
    if (traced) trace.steps.clear();
    if (absl::Status st = sess.Run(feeds, fetches, targets, &out, traced ? &trace : nullptr); !st.ok()) {
      result = st;
      break;
    }
    ctx.trace = traced ? &trace : nullptr;
    ctx.loss = out[0].data<float>()[0];
    ctx.global_step = out[1].data<int64_t>()[0];
    ctx.batch_size = feeds.empty() ? 0 : feeds[0].second.dim(0);
    ctx.wall_seconds = Seconds(start);
    result = runner.AfterRun(ctx, out, &stop);
    if (!result.ok()) break;
  }
  // End hooks run even after a failure or a signal, so the last good state is saved.
  if (absl::Status st = runner.End(ctx); !st.ok() && result.ok()) result = st;
  if (summaries != nullptr) {
    if (absl::Status st = summaries->Flush(); !st.ok() && result.ok()) result = st;
  }
  return result;
}

}  // namespace estimator
