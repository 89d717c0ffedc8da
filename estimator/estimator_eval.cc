// Estimator::Evaluate / EvaluateInMemory / Predict and the evaluation results they write.
#include <chrono>
#include <cmath>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "estimator/atomic_file.h"
#include "estimator/estimator.h"
#include "estimator/estimator_internal.h"
#include "estimator/prediction_rows.h"
#include "nlohmann/json.hpp"

namespace estimator {

using internal::kGlobalStepKey;
using internal::Seconds;

absl::StatusOr<EvalResult> Estimator::Evaluate(const InputFn& input_fn, const EvalOptions& options) {
  LogEnvironmentOnce();
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
  LogEnvironmentOnce();
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
  datasets::Element batch;
  bool end = false;
  auto it = internal::StartInput(input_fn, &batch, &end);
  if (!it.ok()) return it.status();
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
  std::vector<std::shared_ptr<Hook>> hook_list = g.spec.evaluation_hooks;
  hook_list.insert(hook_list.end(), options.hooks.begin(), options.hooks.end());
  internal::HookRunner hooks(std::move(hook_list));
  HookContext ctx;
  ctx.mode = Mode::kEval;
  ctx.graph = g.scope.graph();
  ctx.session = g.session.get();
  ctx.model_dir = config_.model_dir;
  if (absl::Status st = hooks.Start(ctx, &fetches); !st.ok()) return st;
  bool stop = false;
  const auto start = std::chrono::steady_clock::now();
  std::vector<graph::Feed> feeds;
  for (const Output& p : g.placeholders) feeds.push_back({p, graph::Tensor()});
  std::vector<graph::Tensor> out;
  double loss_sum = 0;
  int64_t batches = 0;
  internal::BatchFeeder feeder(g.input_names);
  while (!end && !stop && (options.steps == 0 || batches < options.steps)) {
    if (absl::Status st = feeder.Feed(batch, &feeds); !st.ok()) return st;
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
    if (absl::Status st = hooks.AfterRun(ctx, out, &stop); !st.ok()) return st;
    if (absl::Status st = it->GetNext(&batch, &end); !st.ok()) return st;
  }
  if (absl::Status st = hooks.End(ctx); !st.ok()) return st;
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
  LogEnvironmentOnce();
  std::string used;
  auto ckpt = LoadCheckpoint(checkpoint, &used);
  if (absl::IsNotFound(ckpt.status()) && checkpoint.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("no checkpoint in ", config_.model_dir, " to predict with; train first"));
  }
  if (!ckpt.ok()) return ckpt.status();
  datasets::Element batch;
  bool end = false;
  auto it = internal::StartInput(input_fn, &batch, &end);
  if (!it.ok()) return it.status();
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
  internal::HookRunner hooks(g.spec.prediction_hooks);
  HookContext ctx;
  ctx.mode = Mode::kPredict;
  ctx.graph = g.scope.graph();
  ctx.session = g.session.get();
  ctx.model_dir = config_.model_dir;
  if (absl::Status st = hooks.Start(ctx, &fetches); !st.ok()) return st;
  std::vector<graph::Feed> feeds;
  for (const Output& p : g.placeholders) feeds.push_back({p, graph::Tensor()});
  std::vector<graph::Tensor> out;
  bool stop = false;
  internal::BatchFeeder feeder(g.input_names);
  while (!end && !stop) {
    if (absl::Status st = feeder.Feed(batch, &feeds); !st.ok()) return st;
    if (absl::Status st = g.session->Run(feeds, fetches, &out); !st.ok()) return st;
    const int64_t n = feeds.empty() ? 1 : feeds[0].second.dim(0);
    ctx.batch_size = n;
    if (absl::Status st = hooks.AfterRun(ctx, out, &stop); !st.ok()) return st;
    // The predictions come first in `out`; the hooks' fetches follow them.
    auto examples = SplitExamples(names, absl::MakeConstSpan(out).subspan(0, names.size()), n, "prediction");
    if (!examples.ok()) return examples.status();
    for (const std::map<std::string, graph::Tensor>& example : *examples) {
      if (!on_example(example)) return absl::OkStatus();
    }
    if (absl::Status st = it->GetNext(&batch, &end); !st.ok()) return st;
  }
  if (absl::Status st = hooks.End(ctx); !st.ok()) return st;
  return absl::OkStatus();
}

}  // namespace estimator
