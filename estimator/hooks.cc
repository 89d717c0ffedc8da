#include "estimator/hooks.h"

#include <cmath>
#include <cstdio>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "estimator/atomic_file.h"
#include "layers/variables.h"
#include "nlohmann/json.hpp"

namespace estimator {
namespace {

void DefaultSink(const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); }

}  // namespace

absl::Status StopAtStepHook::AfterRun(HookContext& ctx, absl::Span<const graph::Tensor>, bool* stop) {
  if (ctx.global_step >= last_step_) *stop = true;
  return absl::OkStatus();
}

absl::Status NanTensorHook::AfterRun(HookContext& ctx, absl::Span<const graph::Tensor> values, bool*) {
  if (ctx.mode != Mode::kPredict && !std::isfinite(ctx.loss)) {
    return absl::InvalidArgumentError(
        absl::StrCat("the loss is ", ctx.loss, " at step ", ctx.global_step, "; training stopped"));
  }
  for (size_t i = 0; i < values.size(); ++i) {
    const graph::Tensor& t = values[i];
    if (t.dtype() != graph::DType::kFloat32) continue;
    for (int64_t j = 0; j < t.num_elements(); ++j) {
      if (!std::isfinite(t.data<float>()[j])) {
        return absl::InvalidArgumentError(
            absl::StrCat("tensor '", tensors_[i].name(), "' (", tensors_[i].node->Location(), ") has ",
                         t.data<float>()[j], " at element ", j, " at step ", ctx.global_step));
      }
    }
  }
  return absl::OkStatus();
}

LoggingTensorHook::LoggingTensorHook(std::vector<Output> tensors, int64_t every_n_steps,
                                     std::function<void(const std::string&)> sink)
    : tensors_(std::move(tensors)), every_(every_n_steps), sink_(sink ? std::move(sink) : DefaultSink) {}

absl::Status LoggingTensorHook::AfterRun(HookContext& ctx, absl::Span<const graph::Tensor> values, bool*) {
  if (every_ <= 0 || ctx.global_step % every_ != 0) return absl::OkStatus();
  std::string line = absl::StrCat("step ", ctx.global_step, ":");
  for (size_t i = 0; i < values.size(); ++i) {
    absl::StrAppend(&line, " ", tensors_[i].name(), " = ", values[i].DebugString(8));
  }
  sink_(line);
  return absl::OkStatus();
}

StepCounterHook::StepCounterHook(int64_t every_n_steps, std::function<void(const std::string&)> sink)
    : every_(every_n_steps), sink_(sink ? std::move(sink) : DefaultSink) {}

absl::Status StepCounterHook::AfterRun(HookContext& ctx, absl::Span<const graph::Tensor>, bool*) {
  if (every_ <= 0) return absl::OkStatus();
  if (window_start_step_ < 0) {
    window_start_step_ = ctx.global_step;
    window_start_time_ = ctx.wall_seconds;
    window_examples_ = 0;
    return absl::OkStatus();
  }
  window_examples_ += ctx.batch_size;
  const int64_t steps = ctx.global_step - window_start_step_;
  if (steps < every_) return absl::OkStatus();
  const double secs = ctx.wall_seconds - window_start_time_;
  if (secs > 0) {
    last_steps_per_sec_ = static_cast<double>(steps) / secs;
    const double examples_per_sec = static_cast<double>(window_examples_) / secs;
    sink_(absl::StrFormat("step %d: loss = %.5g, %.1f steps/s, %.0f examples/s", ctx.global_step, ctx.loss,
                          last_steps_per_sec_, examples_per_sec));
    if (ctx.add_scalar) {
      ctx.add_scalar("global_step/sec", last_steps_per_sec_);
      ctx.add_scalar("examples/sec", examples_per_sec);
    }
  }
  window_start_step_ = ctx.global_step;
  window_start_time_ = ctx.wall_seconds;
  window_examples_ = 0;
  return absl::OkStatus();
}

CheckpointSaverHook::CheckpointSaverHook(int64_t every_n_steps, double every_n_secs,
                                         std::vector<CheckpointSaverListener*> listeners)
    : every_steps_(every_n_steps), every_secs_(every_n_secs), listeners_(std::move(listeners)) {}

absl::Status CheckpointSaverHook::Save(HookContext& ctx) {
  if (!ctx.save_checkpoint) return absl::OkStatus();
  for (auto* l : listeners_) l->BeforeSave(ctx.global_step);
  if (absl::Status st = ctx.save_checkpoint(); !st.ok()) return st;
  for (auto* l : listeners_) l->AfterSave(ctx.global_step);
  last_saved_step_ = ctx.global_step;
  last_saved_time_ = ctx.wall_seconds;
  return absl::OkStatus();
}

absl::Status CheckpointSaverHook::AfterRun(HookContext& ctx, absl::Span<const graph::Tensor>, bool*) {
  if (last_saved_step_ < 0) {  // the loop's first step: start the clocks
    last_saved_step_ = ctx.global_step - 1;
    last_saved_time_ = 0;
  }
  const bool by_steps = every_steps_ > 0 && ctx.global_step - last_saved_step_ >= every_steps_;
  const bool by_secs = every_secs_ > 0 && ctx.wall_seconds - last_saved_time_ >= every_secs_;
  return by_steps || by_secs ? Save(ctx) : absl::OkStatus();
}

absl::Status CheckpointSaverHook::End(HookContext& ctx) {
  return ctx.global_step != last_saved_step_ ? Save(ctx) : absl::OkStatus();
}

SummarySaverHook::SummarySaverHook(int64_t every_n_steps, std::vector<std::pair<std::string, Output>> scalars)
    : every_(every_n_steps), scalars_(std::move(scalars)) {}

std::vector<Output> SummarySaverHook::Fetches() {
  std::vector<Output> out;
  for (const auto& [tag, o] : scalars_) out.push_back(o);
  return out;
}

absl::Status SummarySaverHook::AfterRun(HookContext& ctx, absl::Span<const graph::Tensor> values, bool*) {
  if (every_ <= 0 || !ctx.add_scalar || ctx.global_step % every_ != 0) return absl::OkStatus();
  ctx.add_scalar("loss", ctx.loss);
  for (size_t i = 0; i < values.size(); ++i) ctx.add_scalar(scalars_[i].first, values[i].ElementAsDouble(0));
  return absl::OkStatus();
}

absl::Status WeightHistogramHook::AfterRun(HookContext& ctx, absl::Span<const graph::Tensor>, bool*) {
  if (every_ <= 0 || ctx.global_step % every_ != 0 || !ctx.add_histogram || ctx.session == nullptr) {
    return absl::OkStatus();
  }
  for (const Output& v : ctx.graph->Collection(layers::kTrainableVariables)) {
    auto value = ctx.session->ReadVariable(v.node->name());
    if (!value.ok()) return value.status();
    if (value->dtype() != graph::DType::kFloat32 || value->num_elements() == 0) continue;
    if (absl::Status st = ctx.add_histogram(v.node->name(), *value); !st.ok()) return st;
  }
  return absl::OkStatus();
}

std::string TraceToChromeJson(const graph::RunTrace& trace) {
  nlohmann::json events = nlohmann::json::array();
  const int64_t origin = trace.steps.empty() ? 0 : trace.steps.front().start_ns;
  for (const graph::StepTiming& t : trace.steps) {
    events.push_back(
        {{"name", t.node->name()},
         {"cat", graph::OpKindName(t.node->kind())},
         {"ph", "X"},
         {"pid", 0},
         {"tid", 0},
         {"ts", static_cast<double>(t.start_ns - origin) / 1000.0},
         {"dur", static_cast<double>(t.duration_ns) / 1000.0},
         {"args", {{"op", graph::OpKindName(t.node->kind())}, {"location", t.node->Location()}}}});
  }
  return nlohmann::json{{"traceEvents", events}, {"displayTimeUnit", "ms"}}.dump();
}

ProfilerHook::ProfilerHook(int64_t every_n_steps, std::string dir)
    : every_(every_n_steps), dir_(std::move(dir)) {}

absl::Status ProfilerHook::AfterRun(HookContext& ctx, absl::Span<const graph::Tensor>, bool*) {
  if (ctx.trace == nullptr || !WantsTrace(ctx.global_step)) return absl::OkStatus();
  const std::string path =
      absl::StrCat(dir_.empty() ? ctx.model_dir : dir_, "/timeline-", ctx.global_step, ".json");
  if (absl::Status st = WriteFileAtomically(path, TraceToChromeJson(*ctx.trace)); !st.ok()) return st;
  written_.push_back(path);
  return absl::OkStatus();
}

}  // namespace estimator
