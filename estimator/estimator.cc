#include "estimator/estimator.h"

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "estimator/atomic_file.h"
#include "graph/ops/state_ops.h"
#include "layers/variables.h"
#include "nlohmann/json.hpp"

namespace estimator {

namespace {

constexpr char kGlobalStepKey[] = "global_step";
constexpr char kIteratorKey[] = "iterator_state";
constexpr char kRngPrefix[] = "rng/";

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

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

}  // namespace

absl::Status TrainOptions::Validate() const {
  if (steps < 0)
    return absl::InvalidArgumentError(absl::StrCat("TrainOptions.steps must be >= 0, got ", steps));
  if (max_steps < 0) {
    return absl::InvalidArgumentError(absl::StrCat("TrainOptions.max_steps must be >= 0, got ", max_steps));
  }
  if (epochs < 0)
    return absl::InvalidArgumentError(absl::StrCat("TrainOptions.epochs must be >= 0, got ", epochs));
  return absl::OkStatus();
}

absl::Status WarmStartSettings::Validate() const {
  if (checkpoint.empty()) {
    return absl::InvalidArgumentError(
        "WarmStartSettings.checkpoint is required (a checkpoint file or model_dir)");
  }
  return absl::OkStatus();
}

// A graph built for one mode, with its session and the placeholders fed from dataset components.
struct Estimator::ModeGraph {
  Mode mode;
  Scope scope = Scope::NewRootScope();
  std::unique_ptr<graph::Session> session;
  std::vector<std::string> input_names;  // dataset component names, in feed order
  std::vector<Output> placeholders;
  EstimatorSpec spec;
  Output global_step;
  Node* init = nullptr;
  std::vector<Output> variables;
};

// The live training run: the input iterator and the summary writer that later Train calls continue with.
struct Estimator::LiveRun {
  datasets::Iterator it;
  std::unique_ptr<SummaryWriter> summaries;
};

Estimator::Estimator(ModelFn model_fn, RunConfig config, Params params, std::vector<std::string> label_keys)
    : model_fn_(std::move(model_fn)),
      config_(std::move(config)),
      params_(std::move(params)),
      label_keys_(std::move(label_keys)) {
  CheckpointManagerOptions opts;
  opts.keep_checkpoint_max = config_.keep_checkpoint_max;
  opts.keep_checkpoint_every_n_hours = config_.keep_checkpoint_every_n_hours;
  checkpoints_ = std::make_unique<CheckpointManager>(config_.model_dir, opts);
}

Estimator::~Estimator() = default;

void Estimator::Log(const std::string& line) const {
  if (log_) {
    log_(line);
  } else {
    std::fprintf(stderr, "%s\n", line.c_str());
  }
}

absl::StatusOr<Estimator::ModeGraph*> Estimator::GetGraph(Mode mode, const datasets::Element& sample) {
  auto& slot = graphs_[mode];
  if (slot) {
    // The pipeline must keep giving the components the graph was built for.
    for (size_t i = 0; i < slot->input_names.size(); ++i) {
      const graph::Tensor* t = sample.Find(slot->input_names[i]);
      const Output& p = slot->placeholders[i];
      if (t == nullptr || t->dtype() != p.dtype() || !t->shape().IsCompatibleWith(p.shape())) {
        return absl::InvalidArgumentError(absl::StrCat(
            "input component '", slot->input_names[i], "' is ",
            t ? absl::StrCat(graph::DTypeName(t->dtype()), t->shape().ToString()) : "missing", " but the ",
            ModeName(mode), " graph was built for ", graph::DTypeName(p.dtype()), p.shape().ToString()));
      }
    }
    return slot.get();
  }
  auto g = std::make_unique<ModeGraph>();
  g->mode = mode;
  g->scope = Scope::NewRootScope(config_.random_seed);
  const Scope& s = g->scope;
  std::map<std::string, Output> features, labels;
  for (int i = 0; i < sample.size(); ++i) {
    const std::string& name = sample.name(i);
    const graph::Tensor& t = sample.tensor(i);
    if (t.rank() < 1) {
      return absl::InvalidArgumentError(absl::StrCat(
          "input component '", name, "' is a scalar; inputs must be batched (dim 0 is the batch)"));
    }
    const bool is_label = std::find(label_keys_.begin(), label_keys_.end(), name) != label_keys_.end();
    if (is_label && mode == Mode::kPredict) continue;
    graph::Shape shape = t.shape();
    shape.set_dim(0, graph::Shape::kUnknownDim);
    Output p = graph::ops::Placeholder(s.WithOpName(is_label ? "labels/" + name : "features/" + name),
                                       t.dtype(), shape);
    g->input_names.push_back(name);
    g->placeholders.push_back(p);
    (is_label ? labels : features)[name] = p;
  }
  g->global_step = layers::GetOrCreateGlobalStep(s);
  g->spec = model_fn_(Features(s, features), Labels(s, labels), mode, params_);
  if (!params_.status().ok()) return params_.status();
  if (!s.ok()) return s.status();
  if (absl::Status st = ValidateSpec(g->spec, mode); !st.ok()) return st;
  g->variables = layers::GlobalVariables(s);
  g->init = layers::InitializeAllVariables(s);
  graph::SessionOptions so;
  so.intra_op_threads = config_.intra_op_threads;
  g->session = std::make_unique<graph::Session>(*s.graph(), so);
  slot = std::move(g);
  return slot.get();
}

absl::StatusOr<SafetensorsFile> Estimator::LoadCheckpoint(const std::string& path, std::string* used_path) {
  if (!path.empty()) {
    *used_path = path;
    return checkpoints_->Restore(path);
  }
  auto latest = checkpoints_->LatestValid();
  if (!latest.ok()) return latest.status();
  for (const SkippedCheckpoint& sk : latest->skipped) {
    Log(absl::StrCat("skipping unreadable checkpoint ", sk.path, ": ", sk.reason.message()));
  }
  *used_path = latest->info.path;
  return std::move(latest->file);
}

absl::Status Estimator::RestoreVariables(ModeGraph& g, const SafetensorsFile& ckpt, bool with_state) {
  std::vector<std::string> missing, mismatched;
  for (const Output& v : g.variables) {
    auto it = ckpt.tensors.find(v.node->name());
    if (it == ckpt.tensors.end()) {
      missing.push_back(v.node->name());
    } else if (it->second.dtype() != v.dtype() || it->second.shape() != v.shape()) {
      mismatched.push_back(absl::StrCat(
          v.node->name(), " (model ", graph::DTypeName(v.dtype()), v.shape().ToString(), ", checkpoint ",
          graph::DTypeName(it->second.dtype()), it->second.shape().ToString(), ")"));
    }
  }
  if (!missing.empty() || !mismatched.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "checkpoint ", ckpt.path, " does not match the model: ",
        missing.empty() ? "" : absl::StrCat("missing variables: ", absl::StrJoin(missing, ", "), "; "),
        mismatched.empty() ? ""
                           : absl::StrCat("shape or dtype mismatches: ", absl::StrJoin(mismatched, ", "))));
  }
  for (const Output& v : g.variables) {
    if (absl::Status st = g.session->WriteVariable(v.node->name(), ckpt.tensors.at(v.node->name()));
        !st.ok()) {
      return st;
    }
  }
  if (with_state) {
    for (const auto& [key, value] : ckpt.metadata) {
      if (key.rfind(kRngPrefix, 0) != 0) continue;
      const std::string node = key.substr(sizeof(kRngPrefix) - 1);
      // A random op of another mode's graph is simply not in this one.
      if (g.scope.graph()->FindNode(node) == nullptr) continue;
      uint64_t counter = 0;
      if (!absl::SimpleAtoi(value, &counter)) {
        return absl::DataLossError(
            absl::StrCat("checkpoint ", ckpt.path, ": metadata ", key, " = '", value, "' is not a counter"));
      }
      if (absl::Status st = g.session->SetRngCounter(node, counter); !st.ok()) return st;
    }
  }
  return absl::OkStatus();
}

absl::Status Estimator::SaveCheckpoint(ModeGraph& g, const datasets::Iterator* it) {
  std::vector<std::pair<std::string, graph::Tensor>> tensors;
  for (const Output& v : g.variables) {
    auto value = g.session->ReadVariable(v.node->name());
    if (!value.ok()) return value.status();
    tensors.emplace_back(v.node->name(), *std::move(value));
  }
  auto step = g.session->ReadVariable("global_step");
  if (!step.ok()) return step.status();
  std::map<std::string, std::string> meta;
  meta[kGlobalStepKey] = absl::StrCat(step->data<int64_t>()[0]);
  if (it != nullptr) meta[kIteratorKey] = it->SaveState().ToText();
  for (const auto& [node, counter] : g.session->RngCounters())
    meta[kRngPrefix + node] = absl::StrCat(counter);
  auto saved = checkpoints_->Save(step->data<int64_t>()[0], tensors, meta);
  if (!saved.ok()) return saved.status();
  if (!saved->warning.empty()) Log(saved->warning);
  return absl::OkStatus();
}

absl::Status Estimator::Train(const InputFn& input_fn, const TrainOptions& options,
                              std::vector<std::shared_ptr<Hook>> hooks) {
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
  for (auto& h : all) {
    if (absl::Status st = h->Begin(ctx); !st.ok()) return st;
  }
  std::vector<Output> fetches = {g.spec.loss, g.global_step};
  std::vector<std::pair<size_t, size_t>> ranges;
  for (auto& h : all) {
    std::vector<Output> f = h->Fetches();
    ranges.emplace_back(fetches.size(), f.size());
    fetches.insert(fetches.end(), f.begin(), f.end());
  }
  for (auto& h : all) {
    if (absl::Status st = h->AfterCreateSession(ctx); !st.ok()) return st;
  }
  std::vector<graph::Feed> feeds;
  for (const Output& p : g.placeholders) feeds.push_back({p, graph::Tensor()});
  std::vector<Node*> targets = {g.spec.train_op};
  datasets::Element batch;
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
    for (size_t i = 0; i < feeds.size(); ++i) {
      const graph::Tensor* t = batch.Find(g.input_names[i]);
      if (t == nullptr) {
        result = absl::InvalidArgumentError(absl::StrCat("a batch lacks the input '", g.input_names[i], "'"));
        break;
      }
      feeds[i].second = *t;
    }
    if (!result.ok()) break;
    bool traced = false;
    for (const auto& h : all) traced |= h->WantsTrace(ctx.global_step + 1);
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
    for (size_t h = 0; h < all.size() && result.ok(); ++h) {
      result =
          all[h]->AfterRun(ctx, absl::MakeConstSpan(out).subspan(ranges[h].first, ranges[h].second), &stop);
    }
    if (!result.ok()) break;
  }
  // End hooks run even after a failure or a signal, so the last good state is saved.
  for (auto& h : all) {
    if (absl::Status st = h->End(ctx); !st.ok() && result.ok()) result = st;
  }
  if (summaries != nullptr) {
    if (absl::Status st = summaries->Flush(); !st.ok() && result.ok()) result = st;
  }
  return result;
}

absl::StatusOr<EvalResult> Estimator::Evaluate(const InputFn& input_fn, const EvalOptions& options) {
  if (absl::Status st = config_.Validate(); !st.ok()) return st;
  std::string used;
  auto ckpt = LoadCheckpoint(options.checkpoint, &used);
  if (absl::IsNotFound(ckpt.status()) && options.checkpoint.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("no checkpoint in ", config_.model_dir, " to evaluate; train first"));
  }
  if (!ckpt.ok()) return ckpt.status();
  auto load = [this, &ckpt](ModeGraph& g) { return RestoreVariables(g, *ckpt, /*with_state=*/false); };
  return RunEvaluation(input_fn, options, load, used);
}

absl::StatusOr<int64_t> Estimator::LiveGlobalStep() {
  if (live_ == nullptr)
    return absl::FailedPreconditionError("there is no live training run; call Train first");
  auto step = graphs_.at(Mode::kTrain)->session->ReadVariable(kGlobalStepKey);
  if (!step.ok()) return step.status();
  return step->data<int64_t>()[0];
}

absl::StatusOr<EvalResult> Estimator::EvaluateInMemory(const InputFn& input_fn, const EvalOptions& options) {
  if (absl::Status st = config_.Validate(); !st.ok()) return st;
  if (!options.checkpoint.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("EvaluateInMemory evaluates the live training run; got ",
                                                   "EvalOptions.checkpoint = '", options.checkpoint, "'"));
  }
  auto step = LiveGlobalStep();
  if (!step.ok()) return step.status();
  std::string ckpt = absl::StrCat(config_.model_dir, "/", CheckpointManager::CheckpointFileName(*step));
  std::error_code ec;
  if (!std::filesystem::exists(ckpt, ec)) ckpt.clear();
  graph::Session& source = *graphs_.at(Mode::kTrain)->session;
  auto load = [&source](ModeGraph& g) {
    for (const Output& v : g.variables) {
      auto value = source.ReadVariable(v.node->name());
      if (!value.ok()) {
        return absl::FailedPreconditionError(
            absl::StrCat("the evaluation graph's variable ", v.node->name(),
                         " is not in the training session: ", value.status().message()));
      }
      if (absl::Status st = g.session->WriteVariable(v.node->name(), *value); !st.ok()) return st;
    }
    return absl::OkStatus();
  };
  return RunEvaluation(input_fn, options, load, ckpt);
}

absl::StatusOr<EvalResult> Estimator::RunEvaluation(const InputFn& input_fn, const EvalOptions& options,
                                                    const VariableLoader& load, std::string checkpoint) {
  EvalResult result;
  result.checkpoint = std::move(checkpoint);
  datasets::Dataset ds = input_fn();
  auto it = ds.MakeIterator();
  if (!it.ok()) return it.status();
  datasets::Element batch;
  bool end = false;
  if (absl::Status st = it->GetNext(&batch, &end); !st.ok()) return st;
  if (end) return absl::InvalidArgumentError("the evaluation input is empty");
  auto graph_or = GetGraph(Mode::kEval, batch);
  if (!graph_or.ok()) return graph_or.status();
  ModeGraph& g = **graph_or;
  if (absl::Status st = load(g); !st.ok()) return st;

  std::vector<Output> fetches = {g.spec.loss, g.global_step};
  for (const EvalMetric& m : g.spec.eval_metrics) {
    m.metric->Reset();
    fetches.push_back(m.predictions);
    fetches.push_back(m.labels.valid() ? m.labels : m.predictions);
    fetches.push_back(m.weights.valid() ? m.weights : m.predictions);
  }
  std::vector<std::shared_ptr<Hook>> hooks = g.spec.evaluation_hooks;
  hooks.insert(hooks.end(), options.hooks.begin(), options.hooks.end());
  HookContext ctx;
  ctx.mode = Mode::kEval;
  ctx.graph = g.scope.graph();
  ctx.session = g.session.get();
  ctx.model_dir = config_.model_dir;
  std::vector<std::pair<size_t, size_t>> ranges;
  for (auto& h : hooks) {
    if (absl::Status st = h->Begin(ctx); !st.ok()) return st;
    std::vector<Output> f = h->Fetches();
    ranges.emplace_back(fetches.size(), f.size());
    fetches.insert(fetches.end(), f.begin(), f.end());
  }
  for (auto& h : hooks) {
    if (absl::Status st = h->AfterCreateSession(ctx); !st.ok()) return st;
  }
  bool stop = false;
  const auto start = std::chrono::steady_clock::now();
  std::vector<graph::Feed> feeds;
  for (const Output& p : g.placeholders) feeds.push_back({p, graph::Tensor()});
  std::vector<graph::Tensor> out;
  double loss_sum = 0;
  int64_t batches = 0;
  while (!end && !stop && (options.steps == 0 || batches < options.steps)) {
    for (size_t i = 0; i < feeds.size(); ++i) {
      const graph::Tensor* t = batch.Find(g.input_names[i]);
      if (t == nullptr)
        return absl::InvalidArgumentError(absl::StrCat("a batch lacks the input '", g.input_names[i], "'"));
      feeds[i].second = *t;
    }
    if (absl::Status st = g.session->Run(feeds, fetches, &out); !st.ok()) return st;
    const int64_t n = feeds.empty() ? 1 : feeds[0].second.dim(0);
    loss_sum += static_cast<double>(out[0].data<float>()[0]) * static_cast<double>(n);
    result.num_examples += n;
    result.global_step = out[1].data<int64_t>()[0];
    for (size_t m = 0; m < g.spec.eval_metrics.size(); ++m) {
      const EvalMetric& em = g.spec.eval_metrics[m];
      const graph::Tensor& labels = em.labels.valid() ? out[3 + 3 * m] : graph::Tensor();
      const graph::Tensor& weights = em.weights.valid() ? out[4 + 3 * m] : graph::Tensor();
      if (absl::Status st = em.metric->Update(out[2 + 3 * m], labels, weights); !st.ok()) return st;
    }
    ++batches;
    ctx.global_step = result.global_step;
    ctx.loss = out[0].data<float>()[0];
    ctx.batch_size = n;
    ctx.wall_seconds = Seconds(start);
    for (size_t h = 0; h < hooks.size(); ++h) {
      absl::Status st =
          hooks[h]->AfterRun(ctx, absl::MakeConstSpan(out).subspan(ranges[h].first, ranges[h].second), &stop);
      if (!st.ok()) return st;
    }
    if (absl::Status st = it->GetNext(&batch, &end); !st.ok()) return st;
  }
  for (auto& h : hooks) {
    if (absl::Status st = h->End(ctx); !st.ok()) return st;
  }
  result.loss = result.num_examples > 0 ? loss_sum / static_cast<double>(result.num_examples) : 0;
  for (const EvalMetric& m : g.spec.eval_metrics) {
    for (const auto& [tag, value] : m.metric->Result().Flatten(m.name)) result.metrics[tag] = value;
  }
  if (absl::Status st = WriteEvalResult(result, options.name); !st.ok()) return st;
  return result;
}

absl::Status Estimator::WriteEvalResult(const EvalResult& result, const std::string& name) {
  const std::string dir = config_.model_dir + "/" + (name.empty() ? "eval" : "eval_" + name);
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return absl::InternalError(absl::StrCat("cannot create ", dir, ": ", ec.message()));
  nlohmann::json j;
  j["global_step"] = result.global_step;
  j["loss"] = result.loss;
  j["num_examples"] = result.num_examples;
  j["checkpoint"] = result.checkpoint;
  for (const auto& [tag, value] : result.metrics) {
    j["metrics"][tag] = std::isfinite(value) ? nlohmann::json(value) : nlohmann::json(nullptr);
  }
  if (absl::Status st = WriteFileAtomically(dir + "/metrics.json", j.dump(2) + "\n"); !st.ok()) return st;
  // One event file per evaluation directory for the Estimator's lifetime.
  std::unique_ptr<SummaryWriter>& writer = eval_writers_[dir];
  if (writer == nullptr) {
    auto w = SummaryWriter::Create(dir);
    if (!w.ok()) return w.status();
    writer = *std::move(w);
  }
  std::vector<std::pair<std::string, double>> scalars = {{"loss", result.loss}};
  for (const auto& [tag, value] : result.metrics) scalars.emplace_back(tag, value);
  if (absl::Status st = writer->AddScalars(result.global_step, scalars); !st.ok()) return st;
  return writer->Flush();
}

absl::Status Estimator::Predict(const InputFn& input_fn, const PredictionCallback& on_example,
                                const std::string& checkpoint) {
  std::string used;
  auto ckpt = LoadCheckpoint(checkpoint, &used);
  if (absl::IsNotFound(ckpt.status()) && checkpoint.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("no checkpoint in ", config_.model_dir, " to predict with; train first"));
  }
  if (!ckpt.ok()) return ckpt.status();
  datasets::Dataset ds = input_fn();
  auto it = ds.MakeIterator();
  if (!it.ok()) return it.status();
  datasets::Element batch;
  bool end = false;
  if (absl::Status st = it->GetNext(&batch, &end); !st.ok()) return st;
  if (end) return absl::OkStatus();
  auto graph_or = GetGraph(Mode::kPredict, batch);
  if (!graph_or.ok()) return graph_or.status();
  ModeGraph& g = **graph_or;
  if (absl::Status st = RestoreVariables(g, *ckpt, /*with_state=*/false); !st.ok()) return st;
  std::vector<std::string> names;
  std::vector<Output> fetches;
  for (const auto& [name, o] : g.spec.predictions) {
    names.push_back(name);
    fetches.push_back(o);
  }
  // The spec's prediction_hooks see each batch (their fetches follow the predictions).
  const std::vector<std::shared_ptr<Hook>>& hooks = g.spec.prediction_hooks;
  HookContext ctx;
  ctx.mode = Mode::kPredict;
  ctx.graph = g.scope.graph();
  ctx.session = g.session.get();
  ctx.model_dir = config_.model_dir;
  std::vector<std::pair<size_t, size_t>> ranges;
  for (auto& h : hooks) {
    if (absl::Status st = h->Begin(ctx); !st.ok()) return st;
    std::vector<Output> f = h->Fetches();
    ranges.emplace_back(fetches.size(), f.size());
    fetches.insert(fetches.end(), f.begin(), f.end());
  }
  for (auto& h : hooks) {
    if (absl::Status st = h->AfterCreateSession(ctx); !st.ok()) return st;
  }
  std::vector<graph::Feed> feeds;
  for (const Output& p : g.placeholders) feeds.push_back({p, graph::Tensor()});
  std::vector<graph::Tensor> out;
  bool stop = false;
  while (!end && !stop) {
    for (size_t i = 0; i < feeds.size(); ++i) {
      const graph::Tensor* t = batch.Find(g.input_names[i]);
      if (t == nullptr) {
        return absl::InvalidArgumentError(absl::StrCat("a batch lacks the input '", g.input_names[i], "'"));
      }
      feeds[i].second = *t;
    }
    if (absl::Status st = g.session->Run(feeds, fetches, &out); !st.ok()) return st;
    const int64_t n = feeds.empty() ? 1 : feeds[0].second.dim(0);
    ctx.batch_size = n;
    for (size_t h = 0; h < hooks.size(); ++h) {
      absl::Status st =
          hooks[h]->AfterRun(ctx, absl::MakeConstSpan(out).subspan(ranges[h].first, ranges[h].second), &stop);
      if (!st.ok()) return st;
    }
    for (int64_t row = 0; row < n; ++row) {
      std::map<std::string, graph::Tensor> example;
      for (size_t k = 0; k < names.size(); ++k) {
        const graph::Tensor& t = out[k];
        if (t.rank() == 0 || t.dim(0) != n) {
          return absl::InvalidArgumentError(absl::StrCat("prediction '", names[k], "' has shape ",
                                                         t.shape().ToString(),
                                                         "; predictions need the batch dim ", n));
        }
        graph::Shape row_shape(t.shape().dims().subspan(1));
        graph::Tensor r(t.dtype(), row_shape);
        const size_t bytes = r.nbytes();
        std::memcpy(r.raw_data(), static_cast<const char*>(t.raw_data()) + static_cast<size_t>(row) * bytes,
                    bytes);
        example[names[k]] = std::move(r);
      }
      if (!on_example(example)) return absl::OkStatus();
    }
    if (absl::Status st = it->GetNext(&batch, &end); !st.ok()) return st;
  }
  for (auto& h : hooks) {
    if (absl::Status st = h->End(ctx); !st.ok()) return st;
  }
  return absl::OkStatus();
}

}  // namespace estimator
