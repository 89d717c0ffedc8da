#include "estimator/early_stopping.h"

#include <limits>

#include <cmath>
#include <filesystem>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "estimator/atomic_file.h"
#include "estimator/safetensors.h"
#include "nlohmann/json.hpp"

namespace estimator {
namespace {

constexpr char kBestIndex[] = "best.json";

// True when `value` is better than `best` by more than `min_delta`.
bool Improves(MetricGoal goal, double value, double best, double min_delta) {
  if (std::isnan(value)) return false;
  return goal == MetricGoal::kMinimize ? value < best - min_delta : value > best + min_delta;
}

}  // namespace

const char* MetricGoalName(MetricGoal goal) { return goal == MetricGoal::kMinimize ? "min" : "max"; }

absl::StatusOr<double> MetricValue(const EvalResult& result, const std::string& metric) {
  if (metric == "loss") return result.loss;
  auto it = result.metrics.find(metric);
  if (it != result.metrics.end()) return it->second;
  std::vector<std::string> names = {"loss"};
  for (const auto& [name, value] : result.metrics) names.push_back(name);
  return absl::NotFoundError(absl::StrCat(
      "no metric '", metric, "' in the evaluation results; available: ", absl::StrJoin(names, ", ")));
}

absl::Status EarlyStoppingOptions::Validate() const {
  if (patience < 1)
    return absl::InvalidArgumentError(
        absl::StrCat("EarlyStoppingOptions.patience must be >= 1, got ", patience));
  if (!(min_delta >= 0) || std::isinf(min_delta)) {
    return absl::InvalidArgumentError(
        absl::StrCat("EarlyStoppingOptions.min_delta must be finite and >= 0, got ", min_delta));
  }
  if (min_steps < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("EarlyStoppingOptions.min_steps must be >= 0, got ", min_steps));
  }
  return absl::OkStatus();
}

absl::StatusOr<bool> EarlyStopping::Update(const EvalResult& result) {
  if (absl::Status st = options_.Validate(); !st.ok()) return st;
  auto value = MetricValue(result, options_.metric);
  if (!value.ok()) return value.status();
  if (!has_best() && !std::isnan(*value)) {
    best_value_ = *value;
    best_step_ = result.global_step;
    without_improvement_ = 0;
  } else if (has_best() && Improves(options_.goal, *value, best_value_, options_.min_delta)) {
    best_value_ = *value;
    best_step_ = result.global_step;
    without_improvement_ = 0;
  } else {
    ++without_improvement_;
  }
  return without_improvement_ >= options_.patience && result.global_step >= options_.min_steps;
}

BestCheckpointKeeper::BestCheckpointKeeper(std::string model_dir, BestCheckpointOptions options)
    : model_dir_(std::move(model_dir)), options_(std::move(options)) {}

absl::Status BestCheckpointKeeper::Load() {
  const std::string path = dir() + "/" + kBestIndex;
  auto text = ReadFileToString(path);
  if (absl::IsNotFound(text.status())) return absl::OkStatus();
  if (!text.ok()) return text.status();
  auto bad = [&path](const std::string& why) {
    return absl::DataLossError(absl::StrCat(path, ": ", why, "; fix or remove the file"));
  };
  nlohmann::json j = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return bad("not a JSON object");
  const auto metric = j.find("metric");
  const auto goal = j.find("goal");
  const auto value = j.find("value");
  const auto step = j.find("global_step");
  const auto file = j.find("checkpoint");
  if (metric == j.end() || !metric->is_string() || goal == j.end() || !goal->is_string() ||
      value == j.end() || !value->is_number() || step == j.end() || !step->is_number_integer() ||
      file == j.end() || !file->is_string()) {
    return bad("needs string metric, goal and checkpoint, number value and integer global_step");
  }
  if (metric->get<std::string>() != options_.metric ||
      goal->get<std::string>() != MetricGoalName(options_.goal)) {
    return bad(absl::StrCat("it keeps the best by ", metric->get<std::string>(), " (",
                            goal->get<std::string>(), "), not by ", options_.metric, " (",
                            MetricGoalName(options_.goal), ")"));
  }
  best_value_ = value->get<double>();
  best_step_ = step->get<int64_t>();
  best_path_ = dir() + "/" + file->get<std::string>();
  return absl::OkStatus();
}

absl::StatusOr<bool> BestCheckpointKeeper::Update(const EvalResult& result, const std::string& checkpoint) {
  auto value = MetricValue(result, options_.metric);
  if (!value.ok()) return value.status();
  if (!std::isfinite(*value)) return false;  // not representable in best.json
  if (has_best() && !Improves(options_.goal, *value, best_value_, 0)) return false;
  if (checkpoint.empty()) {
    return absl::FailedPreconditionError(absl::StrCat("no checkpoint of step ", result.global_step, " in ",
                                                      model_dir_, " to keep as the best"));
  }
  auto bytes = ReadFileToString(checkpoint);
  if (!bytes.ok()) return bytes.status();
  // Verify the checksums so a damaged file never becomes the best copy.
  if (auto parsed = ParseSafetensors(*bytes, checkpoint); !parsed.ok()) return parsed.status();
  std::error_code ec;
  std::filesystem::create_directories(dir(), ec);
  if (ec) return absl::InternalError(absl::StrCat("cannot create ", dir(), ": ", ec.message()));
  const std::string name = std::filesystem::path(checkpoint).filename().string();
  const std::string copy = dir() + "/" + name;
  if (absl::Status st = WriteFileAtomically(copy, *bytes); !st.ok()) return st;
  nlohmann::json j;
  j["metric"] = options_.metric;
  j["goal"] = MetricGoalName(options_.goal);
  j["value"] = *value;
  j["global_step"] = result.global_step;
  j["checkpoint"] = name;
  j["source"] = checkpoint;
  if (absl::Status st = WriteFileAtomically(dir() + "/" + kBestIndex, j.dump(2) + "\n"); !st.ok()) {
    if (copy != best_path_) std::filesystem::remove(copy, ec);
    return st;
  }
  // best.json now names the new copy; the previous one is no longer needed.
  if (!best_path_.empty() && best_path_ != copy) std::filesystem::remove(best_path_, ec);
  best_value_ = *value;
  best_step_ = result.global_step;
  best_path_ = copy;
  return true;
}

EarlyStoppingHook::EarlyStoppingHook(EarlyStoppingOptions options, std::string eval_name,
                                     int64_t check_every_n_steps)
    : tracker_(std::move(options)), eval_name_(std::move(eval_name)), every_(check_every_n_steps) {}

absl::Status EarlyStoppingHook::Begin(HookContext&) {
  if (absl::Status st = tracker_.options().Validate(); !st.ok()) return st;
  if (!tracker_.options().enabled()) return absl::InvalidArgumentError("EarlyStoppingHook needs a metric");
  if (every_ <= 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("EarlyStoppingHook checks every N > 0 steps, got ", every_));
  }
  return absl::OkStatus();
}

absl::Status EarlyStoppingHook::AfterRun(HookContext& ctx, absl::Span<const graph::Tensor>, bool* stop) {
  if (ctx.global_step % every_ != 0) return absl::OkStatus();
  const std::string path =
      absl::StrCat(ctx.model_dir, "/", eval_name_.empty() ? "eval" : "eval_" + eval_name_, "/metrics.json");
  auto text = ReadFileToString(path);
  if (absl::IsNotFound(text.status())) return absl::OkStatus();
  if (!text.ok()) return text.status();
  EvalResult result;
  try {
    const nlohmann::json j = nlohmann::json::parse(*text);
    result.global_step = j.at("global_step").get<int64_t>();
    result.loss = j.at("loss").get<double>();
    if (j.contains("metrics")) {
      for (const auto& [k, v] : j.at("metrics").items()) {
        result.metrics[k] = v.is_null() ? std::numeric_limits<double>::quiet_NaN() : v.get<double>();
      }
    }
  } catch (const nlohmann::json::exception& e) {
    return absl::DataLossError(absl::StrCat(path, ": not an evaluation result: ", e.what()));
  }
  if (result.global_step <= last_seen_step_) return absl::OkStatus();
  last_seen_step_ = result.global_step;
  auto should_stop = tracker_.Update(result);
  if (!should_stop.ok()) return should_stop.status();
  if (*should_stop && ctx.global_step >= tracker_.options().min_steps) *stop = true;
  return absl::OkStatus();
}

}  // namespace estimator
