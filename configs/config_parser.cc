// LoadConfig: the top-level schema (model, run, train, eval, export) over the YAML tree.
#include "absl/strings/str_cat.h"
#include "configs/config.h"
#include "configs/section_parsers.h"

namespace configs {
namespace {

absl::Status ParseModel(const MapReader& top, const ModelNameCheck& check, ModelConfig* out) {
  CONFIGS_RETURN_IF_ERROR(top.Require("model"));
  MapReader r(top.Find("model"), "model", top.WhereOf("model"));
  CONFIGS_RETURN_IF_ERROR(r.CheckKeys({"name", "params"}));
  CONFIGS_RETURN_IF_ERROR(r.Require("name"));
  CONFIGS_RETURN_IF_ERROR(r.String("name", &out->name));
  if (check) {
    if (absl::Status st = check(out->name); !st.ok()) return r.Error("name", std::string(st.message()));
  }
  return ParseParams(r, "params", &out->params);
}

absl::Status ParseRun(const MapReader& top, estimator::RunConfig* out) {
  CONFIGS_RETURN_IF_ERROR(top.Require("run"));
  MapReader r(top.Find("run"), "run", top.WhereOf("run"));
  CONFIGS_RETURN_IF_ERROR(r.CheckKeys(
      {"model_dir", "random_seed", "save_checkpoints_steps", "save_checkpoints_secs", "keep_checkpoint_max",
       "keep_checkpoint_every_n_hours", "save_summary_steps", "log_step_count_steps", "intra_op_threads"}));
  CONFIGS_RETURN_IF_ERROR(r.Require("model_dir"));
  CONFIGS_RETURN_IF_ERROR(r.String("model_dir", &out->model_dir));
  CONFIGS_RETURN_IF_ERROR(r.Int("random_seed", &out->random_seed));
  CONFIGS_RETURN_IF_ERROR(r.Int("save_checkpoints_steps", &out->save_checkpoints_steps, 0));
  CONFIGS_RETURN_IF_ERROR(r.Double("save_checkpoints_secs", &out->save_checkpoints_secs));
  if (out->save_checkpoints_secs < 0) {
    return r.Error("save_checkpoints_secs", absl::StrCat("must be >= 0, got ", out->save_checkpoints_secs));
  }
  if (out->save_checkpoints_steps > 0) {
    // Choosing steps turns the time-based default off; setting both is an error.
    if (!r.Has("save_checkpoints_secs")) {
      out->save_checkpoints_secs = 0;
    } else if (out->save_checkpoints_secs > 0) {
      return r.Error("save_checkpoints_steps",
                     "set either save_checkpoints_steps or save_checkpoints_secs, not both");
    }
  }
  CONFIGS_RETURN_IF_ERROR(r.Int32("keep_checkpoint_max", &out->keep_checkpoint_max, 0));
  CONFIGS_RETURN_IF_ERROR(r.Double("keep_checkpoint_every_n_hours", &out->keep_checkpoint_every_n_hours));
  if (!(out->keep_checkpoint_every_n_hours > 0)) {
    return r.Error("keep_checkpoint_every_n_hours",
                   absl::StrCat("must be > 0, got ", out->keep_checkpoint_every_n_hours));
  }
  CONFIGS_RETURN_IF_ERROR(r.Int("save_summary_steps", &out->save_summary_steps, 0));
  CONFIGS_RETURN_IF_ERROR(r.Int("log_step_count_steps", &out->log_step_count_steps, 0));
  CONFIGS_RETURN_IF_ERROR(r.Int32("intra_op_threads", &out->intra_op_threads, 0));
  if (absl::Status st = out->Validate(); !st.ok()) return r.Error("", std::string(st.message()));
  return absl::OkStatus();
}

absl::Status ParseTrain(const MapReader& top, TrainConfig* out) {
  CONFIGS_RETURN_IF_ERROR(top.Require("train"));
  MapReader r(top.Find("train"), "train", top.WhereOf("train"));
  CONFIGS_RETURN_IF_ERROR(r.CheckKeys({"input", "max_steps", "steps", "epochs", "optimizer"}));
  CONFIGS_RETURN_IF_ERROR(ParseInputSpec(r, "input", &out->input));
  CONFIGS_RETURN_IF_ERROR(r.Int("max_steps", &out->max_steps, 0));
  CONFIGS_RETURN_IF_ERROR(r.Int("steps", &out->steps, 0));
  CONFIGS_RETURN_IF_ERROR(r.Int("epochs", &out->epochs, 0));
  return ParseOptimizer(r, "optimizer", &out->optimizer);
}

absl::Status ParseGoal(const MapReader& r, estimator::MetricGoal* goal) {
  std::string mode = estimator::MetricGoalName(*goal);
  CONFIGS_RETURN_IF_ERROR(r.Enum("mode", {"min", "max"}, &mode));
  *goal = mode == "min" ? estimator::MetricGoal::kMinimize : estimator::MetricGoal::kMaximize;
  return absl::OkStatus();
}

absl::Status ParseEval(const MapReader& top, EvalConfig* out) {
  out->enabled = top.Has("eval");
  if (!out->enabled) return absl::OkStatus();
  MapReader r(top.Find("eval"), "eval", top.WhereOf("eval"));
  CONFIGS_RETURN_IF_ERROR(
      r.CheckKeys({"input", "steps", "every_steps", "name", "early_stopping", "best_checkpoint"}));
  CONFIGS_RETURN_IF_ERROR(ParseInputSpec(r, "input", &out->input));
  CONFIGS_RETURN_IF_ERROR(r.Int("steps", &out->steps, 0));
  CONFIGS_RETURN_IF_ERROR(r.Int("every_steps", &out->every_steps, 0));
  CONFIGS_RETURN_IF_ERROR(r.String("name", &out->name));
  if (out->name.find('/') != std::string::npos) return r.Error("name", "must not contain '/'");
  if (r.Has("early_stopping")) {
    MapReader es(r.Find("early_stopping"), r.PathOf("early_stopping"), r.WhereOf("early_stopping"));
    CONFIGS_RETURN_IF_ERROR(es.CheckKeys({"metric", "mode", "patience", "min_delta", "min_steps"}));
    estimator::EarlyStoppingOptions& o = out->early_stopping;
    CONFIGS_RETURN_IF_ERROR(es.Require("metric"));
    CONFIGS_RETURN_IF_ERROR(es.String("metric", &o.metric));
    CONFIGS_RETURN_IF_ERROR(ParseGoal(es, &o.goal));
    CONFIGS_RETURN_IF_ERROR(es.Int32("patience", &o.patience, 1));
    CONFIGS_RETURN_IF_ERROR(es.Double("min_delta", &o.min_delta));
    if (o.min_delta < 0) return es.Error("min_delta", absl::StrCat("must be >= 0, got ", o.min_delta));
    CONFIGS_RETURN_IF_ERROR(es.Int("min_steps", &o.min_steps, 0));
    if (absl::Status st = o.Validate(); !st.ok()) return es.Error("", std::string(st.message()));
  }
  if (r.Has("best_checkpoint")) {
    MapReader bc(r.Find("best_checkpoint"), r.PathOf("best_checkpoint"), r.WhereOf("best_checkpoint"));
    CONFIGS_RETURN_IF_ERROR(bc.CheckKeys({"metric", "mode"}));
    CONFIGS_RETURN_IF_ERROR(bc.Require("metric"));
    CONFIGS_RETURN_IF_ERROR(bc.String("metric", &out->best_checkpoint.metric));
    CONFIGS_RETURN_IF_ERROR(ParseGoal(bc, &out->best_checkpoint.goal));
  }
  return absl::OkStatus();
}

absl::Status ParseExport(const MapReader& top, ExportConfig* out) {
  const YamlNode* node = top.Find("export");
  MapReader r(node, "export", top.WhereOf("export"));
  CONFIGS_RETURN_IF_ERROR(r.CheckKeys({"dir", "keep", "format", "exporter", "metric", "mode"}));
  CONFIGS_RETURN_IF_ERROR(r.String("dir", &out->dir));
  CONFIGS_RETURN_IF_ERROR(r.Int32("keep", &out->keep, 0));
  CONFIGS_RETURN_IF_ERROR(r.Enum("format", {"safetensors", "onnx"}, &out->format));
  CONFIGS_RETURN_IF_ERROR(r.Enum("exporter", {"none", "latest", "best"}, &out->exporter));
  if (out->exporter != "best") {
    // metric and mode choose which evaluations the best exporter exports; elsewhere they would be ignored.
    if (node == nullptr || !node->IsMap()) return absl::OkStatus();
    for (const YamlEntry& e : node->entries) {
      if (e.key == "metric" || e.key == "mode") {
        return ConfigError(e.key_where, r.PathOf(e.key),
                           absl::StrCat("applies to exporter best, not ", out->exporter));
      }
    }
    return absl::OkStatus();
  }
  CONFIGS_RETURN_IF_ERROR(r.String("metric", &out->metric));
  if (out->metric.empty()) return r.Error("metric", "must name a metric (or loss)");
  return ParseGoal(r, &out->goal);
}

absl::StatusOr<Config> FromTree(YamlNode root, const std::string& source,
                                const std::vector<std::string>& overrides, const ModelNameCheck& check) {
  if (!root.IsMap() && !root.IsNull()) {
    return ConfigError(root.where, "", "expected a map with sections model, run, train, eval, export");
  }
  for (const std::string& o : overrides) CONFIGS_RETURN_IF_ERROR(ApplyOverride(o, &root));
  MapReader top(&root, "", root.where);
  CONFIGS_RETURN_IF_ERROR(top.CheckKeys({"model", "run", "train", "eval", "export"}));
  Config config;
  config.source = source;
  CONFIGS_RETURN_IF_ERROR(ParseModel(top, check, &config.model));
  CONFIGS_RETURN_IF_ERROR(ParseRun(top, &config.run));
  CONFIGS_RETURN_IF_ERROR(ParseTrain(top, &config.train));
  CONFIGS_RETURN_IF_ERROR(ParseEval(top, &config.eval));
  CONFIGS_RETURN_IF_ERROR(ParseExport(top, &config.export_));
  return config;
}

}  // namespace

estimator::TrainOptions TrainConfig::ToTrainOptions() const {
  estimator::TrainOptions o;
  o.steps = steps;
  o.max_steps = max_steps;
  o.epochs = epochs;
  return o;
}

estimator::EvalOptions EvalConfig::ToEvalOptions() const {
  estimator::EvalOptions o;
  o.steps = steps;
  o.name = name;
  return o;
}

estimator::ExportOptions ExportConfig::ToExportOptions() const {
  estimator::ExportOptions o;
  o.keep = keep;
  o.onnx = format == "onnx";
  return o;
}

absl::StatusOr<Config> LoadConfig(const std::string& path, const std::vector<std::string>& overrides,
                                  const ModelNameCheck& check_model_name) {
  absl::StatusOr<YamlNode> root = ReadYamlFile(path);
  if (!root.ok()) return root.status();
  return FromTree(*std::move(root), path, overrides, check_model_name);
}

absl::StatusOr<Config> LoadConfigFromString(const std::string& text, const std::string& source,
                                            const std::vector<std::string>& overrides,
                                            const ModelNameCheck& check_model_name) {
  absl::StatusOr<YamlNode> root = ParseYaml(text, source);
  if (!root.ok()) return root.status();
  return FromTree(*std::move(root), "", overrides, check_model_name);
}

}  // namespace configs
