#include "estimator/exporters.h"

#include <cmath>
#include <utility>

#include "absl/strings/str_cat.h"
#include "estimator/atomic_file.h"
#include "estimator/export_json.h"
#include "nlohmann/json.hpp"

namespace estimator {
namespace {

// The full metric set stored with an export: the loss and every metric.
std::map<std::string, double> MetricsOf(const EvalResult& r) {
  std::map<std::string, double> m = r.metrics;
  m["loss"] = r.loss;
  return m;
}

ExportOptions ForResult(ExportOptions o, const EvalResult& r) {
  o.checkpoint = r.checkpoint;
  o.eval_metrics = MetricsOf(r);
  return o;
}

}  // namespace

std::string ExporterDir(const Estimator& estimator, const std::string& name,
                        const std::string& export_dir_base) {
  if (!export_dir_base.empty()) return export_dir_base;
  return absl::StrCat(estimator.config().model_dir, "/export/", name);
}

LatestExporter::LatestExporter(std::string name, ServingInput serving_input, ExportOptions options,
                               std::string export_dir_base)
    : name_(std::move(name)),
      serving_input_(std::move(serving_input)),
      options_(std::move(options)),
      base_(std::move(export_dir_base)) {}

absl::StatusOr<std::optional<std::string>> LatestExporter::Export(Estimator& estimator,
                                                                  const EvalResult& result,
                                                                  bool /*is_final*/) {
  absl::StatusOr<std::string> dir =
      estimator.Export(ExporterDir(estimator, name_, base_), serving_input_, ForResult(options_, result));
  if (!dir.ok()) return dir.status();
  return std::optional<std::string>(*dir);
}

BestExporter::BestExporter(std::string name, ServingInput serving_input, std::string metric, MetricGoal goal,
                           ExportOptions options, std::string export_dir_base)
    : name_(std::move(name)),
      serving_input_(std::move(serving_input)),
      metric_(std::move(metric)),
      goal_(goal),
      options_(std::move(options)),
      base_(std::move(export_dir_base)) {}

absl::Status BestExporter::LoadBest(const std::string& base) {
  for (const auto& [step, dir] : ListExports(base)) {
    const std::string path = dir + "/" + kExportMetadataFile;
    absl::StatusOr<std::string> text = ReadFileToString(path);
    if (!text.ok()) continue;  // an export being replaced, or not an export at all
    nlohmann::json j = nlohmann::json::parse(*text, nullptr, false);
    std::map<std::string, export_json::FileDigest> files;
    absl::StatusOr<ExportMetadata> meta = export_json::MetadataFromJson(j, path, &files);
    if (!meta.ok()) return meta.status();
    auto it = meta->eval_metrics.find(metric_);
    if (it == meta->eval_metrics.end() || !std::isfinite(it->second)) continue;
    const double v = it->second;
    if (!best_ || (goal_ == MetricGoal::kMinimize ? v < *best_ : v > *best_)) best_ = v;
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<std::string>> BestExporter::Export(Estimator& estimator,
                                                                const EvalResult& result, bool /*is_final*/) {
  const std::string base = ExporterDir(estimator, name_, base_);
  if (!loaded_) {
    if (absl::Status st = LoadBest(base); !st.ok()) return st;
    loaded_ = true;
  }
  absl::StatusOr<double> value = MetricValue(result, metric_);
  if (!value.ok()) return value.status();
  if (!std::isfinite(*value)) return std::optional<std::string>();
  if (best_ && !(goal_ == MetricGoal::kMinimize ? *value < *best_ : *value > *best_)) {
    return std::optional<std::string>();
  }
  absl::StatusOr<std::string> dir = estimator.Export(base, serving_input_, ForResult(options_, result));
  if (!dir.ok()) return dir.status();
  best_ = *value;
  return std::optional<std::string>(*dir);
}

}  // namespace estimator
