#include "estimator/estimator.h"

#include "estimator/estimator_internal.h"

#include <chrono>
#include <cstdio>
#include <filesystem>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "estimator/atomic_file.h"
#include "graph/cpu_info.h"
#include "graph/ops/state_ops.h"
#include "layers/variables.h"
#include "nlohmann/json.hpp"

namespace estimator {

using internal::kGlobalStepKey;
using internal::kIteratorKey;
using internal::kRngPrefix;

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

void Estimator::LogEnvironmentOnce() {
  if (environment_logged_) return;
  environment_logged_ = true;
  Log(absl::StrCat("running on ", graph::DescribeCpu()));
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

}  // namespace estimator
