#include "estimator/checkpoint_manager.h"

#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <regex>
#include <set>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "estimator/atomic_file.h"
#include "nlohmann/json.hpp"

namespace estimator {
namespace {

using Json = nlohmann::json;

constexpr char kIndexName[] = "checkpoint";

// The step of a checkpoint file name, or -1 if `name` is not model.ckpt-<step>.safetensors.
int64_t StepOf(const std::string& name) {
  static const std::regex kPattern("model\\.ckpt-([0-9]{1,18})\\.safetensors");
  std::smatch m;
  if (!std::regex_match(name, m, kPattern)) return -1;
  return std::stoll(m[1].str());
}

std::string BaseName(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string TypeString(graph::DType dtype, const graph::Shape& shape) {
  return absl::StrCat(graph::DTypeName(dtype), shape.ToString());
}

// Parses the index text into `list`; returns why it is unusable otherwise.
absl::Status ParseIndex(const std::string& text, const std::string& dir, std::vector<CheckpointInfo>* list,
                        double* last_preserved) {
  Json json = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded() || !json.is_object()) return absl::DataLossError("not a JSON object");
  const Json& all = json.contains("all") ? json["all"] : Json();
  if (!all.is_array()) return absl::DataLossError("\"all\" is not a list");
  std::set<std::string> preserved;
  if (json.contains("preserved")) {
    if (!json["preserved"].is_array()) return absl::DataLossError("\"preserved\" is not a list");
    for (const Json& p : json["preserved"]) {
      if (p.is_string()) preserved.insert(p.get<std::string>());
    }
  }
  const Json& stamps = json.contains("timestamps") ? json["timestamps"] : Json::object();
  if (!stamps.is_object()) return absl::DataLossError("\"timestamps\" is not an object");
  for (const Json& entry : all) {
    const std::string name = entry.is_string() ? entry.get<std::string>() : entry.dump();
    const int64_t step = entry.is_string() ? StepOf(name) : -1;
    if (step < 0) return absl::DataLossError(absl::StrCat("entry ", name, " is not a checkpoint file name"));
    CheckpointInfo info{step, absl::StrCat(dir, "/", name), 0, preserved.count(name) > 0};
    if (stamps.contains(name) && stamps[name].is_number()) info.timestamp = stamps[name].get<double>();
    list->push_back(std::move(info));
  }
  const Json& latest = json.contains("latest") ? json["latest"] : Json();
  const std::string expected = list->empty() ? "" : BaseName(list->back().path);
  if (!(list->empty() && latest.is_null()) &&
      !(latest.is_string() && latest.get<std::string>() == expected)) {
    return absl::DataLossError(absl::StrCat("\"latest\" ", latest.dump(), " is not the last of \"all\""));
  }
  if (json.contains("last_preserved_timestamp") && json["last_preserved_timestamp"].is_number()) {
    *last_preserved = json["last_preserved_timestamp"].get<double>();
  }
  return absl::OkStatus();
}

// The checkpoint files in `dir`, sorted by step, timestamped with their modification times.
std::vector<CheckpointInfo> ScanDirectory(const std::string& dir) {
  std::vector<CheckpointInfo> list;
  std::error_code ec;
  for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    const std::string path = absl::StrCat(dir, "/", name);
    const int64_t step = StepOf(name);
    struct stat st;
    if (step < 0 || ::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    list.push_back({step, path, static_cast<double>(st.st_mtim.tv_sec), false});
  }
  std::sort(list.begin(), list.end(), [](const auto& a, const auto& b) { return a.step < b.step; });
  return list;
}

// Loads the list from the index, or rebuilds it by scanning; `last_preserved` is set when the index has it.
absl::StatusOr<CheckpointList> LoadList(const std::string& dir, const std::string& index_path,
                                        double* last_preserved) {
  CheckpointList result;
  absl::StatusOr<std::string> text = ReadFileToString(index_path);
  absl::Status problem = text.status();
  if (text.ok()) {
    problem = ParseIndex(*text, dir, &result.checkpoints, last_preserved);
    if (problem.ok()) return result;
  } else if (!absl::IsNotFound(problem)) {
    return problem;
  }
  result.checkpoints = ScanDirectory(dir);
  if (absl::IsNotFound(problem) && result.checkpoints.empty()) return result;
  result.index_problem =
      absl::StrCat("checkpoint index ", index_path, " is ",
                   absl::IsNotFound(problem) ? "missing" : "garbled (" + std::string(problem.message()) + ")",
                   "; rebuilt from ", result.checkpoints.size(), " checkpoint files in ", dir);
  return result;
}

}  // namespace

absl::Status CheckpointManagerOptions::Validate() const {
  if (keep_checkpoint_max < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("keep_checkpoint_max must be >= 0, got ", keep_checkpoint_max));
  }
  if (!(keep_checkpoint_every_n_hours > 0)) {
    return absl::InvalidArgumentError(
        absl::StrCat("keep_checkpoint_every_n_hours must be > 0, got ", keep_checkpoint_every_n_hours));
  }
  return absl::OkStatus();
}

CheckpointManager::CheckpointManager(std::string model_dir, CheckpointManagerOptions options)
    : model_dir_(std::move(model_dir)), options_(std::move(options)) {
  while (model_dir_.size() > 1 && model_dir_.back() == '/') model_dir_.pop_back();
  created_ = Now();
}

double CheckpointManager::Now() const {
  if (options_.clock) return options_.clock();
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string CheckpointManager::IndexPath() const { return absl::StrCat(model_dir_, "/", kIndexName); }

std::string CheckpointManager::CheckpointFileName(int64_t step) {
  return absl::StrCat("model.ckpt-", step, ".safetensors");
}

absl::Status CheckpointManager::WriteIndex(const std::vector<CheckpointInfo>& list,
                                           double last_preserved) const {
  Json json = Json::object();
  json["all"] = Json::array();
  json["timestamps"] = Json::object();
  json["preserved"] = Json::array();
  for (const CheckpointInfo& info : list) {
    const std::string name = BaseName(info.path);
    json["all"].push_back(name);
    json["timestamps"][name] = info.timestamp;
    if (info.preserved) json["preserved"].push_back(name);
  }
  json["latest"] = list.empty() ? Json() : Json(BaseName(list.back().path));
  json["last_preserved_timestamp"] = last_preserved;
  return WriteFileAtomically(IndexPath(), json.dump(1) + "\n");
}

absl::StatusOr<SaveResult> CheckpointManager::Save(
    int64_t step, const std::vector<std::pair<std::string, graph::Tensor>>& tensors,
    const std::map<std::string, std::string>& metadata) {
  if (absl::Status s = options_.Validate(); !s.ok()) return s;
  if (step < 0) return absl::InvalidArgumentError(absl::StrCat("checkpoint step must be >= 0, got ", step));
  std::error_code ec;
  std::filesystem::create_directories(model_dir_, ec);
  if (ec)
    return absl::InternalError(absl::StrCat("cannot create model_dir ", model_dir_, ": ", ec.message()));
  double last_preserved = created_;
  absl::StatusOr<CheckpointList> list = LoadList(model_dir_, IndexPath(), &last_preserved);
  if (!list.ok()) return list.status();
  SaveResult result;
  result.path = absl::StrCat(model_dir_, "/", CheckpointFileName(step));
  if (absl::Status s = WriteSafetensors(result.path, tensors, metadata); !s.ok()) return s;
  result.warning = list->index_problem;

  std::vector<CheckpointInfo>& all = list->checkpoints;
  std::erase_if(all, [&](const CheckpointInfo& c) { return c.path == result.path; });
  all.push_back({step, result.path, Now(), false});
  std::vector<CheckpointInfo> doomed;
  const double period = options_.keep_checkpoint_every_n_hours * 3600.0;
  auto unpreserved = [&] {
    return std::count_if(all.begin(), all.end(), [](auto& c) { return !c.preserved; });
  };
  while (options_.keep_checkpoint_max > 0 && unpreserved() > options_.keep_checkpoint_max) {
    auto oldest = std::find_if(all.begin(), all.end(), [](const CheckpointInfo& c) { return !c.preserved; });
    if (oldest->timestamp - last_preserved >= period) {
      oldest->preserved = true;
      last_preserved = oldest->timestamp;
    } else {
      doomed.push_back(*oldest);
      all.erase(oldest);
    }
  }
  // The index no longer names the doomed files before any of them is removed.
  if (absl::Status s = WriteIndex(all, last_preserved); !s.ok()) return s;
  for (const CheckpointInfo& c : doomed) {
    if (std::filesystem::remove(c.path, ec) || !ec) {
      result.deleted.push_back(c.path);
    } else {
      absl::StrAppend(&result.warning, result.warning.empty() ? "" : "; ", "cannot delete old checkpoint ",
                      c.path, ": ", ec.message());
    }
  }
  return result;
}

absl::StatusOr<CheckpointList> CheckpointManager::All() const {
  double last_preserved = created_;
  return LoadList(model_dir_, IndexPath(), &last_preserved);
}

absl::StatusOr<SafetensorsFile> CheckpointManager::Restore(const std::string& path) const {
  if (path.find('/') == std::string::npos) return ReadSafetensors(absl::StrCat(model_dir_, "/", path));
  return ReadSafetensors(path);
}

absl::StatusOr<RestoredCheckpoint> CheckpointManager::LatestValid() const {
  absl::StatusOr<CheckpointList> list = All();
  if (!list.ok()) return list.status();
  if (list->checkpoints.empty()) return absl::NotFoundError(absl::StrCat("no checkpoint in ", model_dir_));
  RestoredCheckpoint result;
  result.index_problem = list->index_problem;
  for (auto it = list->checkpoints.rbegin(); it != list->checkpoints.rend(); ++it) {
    absl::StatusOr<SafetensorsFile> file = Restore(it->path);
    if (file.ok()) {
      result.info = *it;
      result.file = *std::move(file);
      return result;
    }
    result.skipped.push_back({it->path, file.status()});
  }
  std::vector<std::string> reasons;
  for (const SkippedCheckpoint& s : result.skipped) reasons.push_back(std::string(s.reason.message()));
  return absl::DataLossError(
      absl::StrCat("no readable checkpoint in ", model_dir_, ": ", absl::StrJoin(reasons, "; ")));
}

absl::Status CheckCompatible(const SafetensorsFile& ckpt,
                             const std::vector<std::pair<std::string, graph::TensorType>>& expected) {
  std::vector<std::string> missing, unexpected, mismatched;
  std::set<std::string> wanted;
  for (const auto& [name, type] : expected) {
    wanted.insert(name);
    auto it = ckpt.tensors.find(name);
    const std::string model_type = TypeString(type.dtype, type.shape);
    if (it == ckpt.tensors.end()) {
      missing.push_back(absl::StrCat(name, " (model ", model_type, ")"));
    } else if (it->second.dtype() != type.dtype || !it->second.shape().IsCompatibleWith(type.shape)) {
      mismatched.push_back(absl::StrCat(
          name, ": checkpoint ", TypeString(it->second.dtype(), it->second.shape()), ", model ", model_type));
    }
  }
  for (const auto& [name, tensor] : ckpt.tensors) {
    if (!wanted.count(name)) {
      unexpected.push_back(
          absl::StrCat(name, " (checkpoint ", TypeString(tensor.dtype(), tensor.shape()), ")"));
    }
  }
  if (missing.empty() && unexpected.empty() && mismatched.empty()) return absl::OkStatus();
  std::string message =
      absl::StrCat("checkpoint ", ckpt.path, " does not match the model: ", missing.size(), " missing, ",
                   unexpected.size(), " unexpected, ", mismatched.size(), " mismatched");
  for (const std::string& m : missing) absl::StrAppend(&message, "\n  missing from checkpoint: ", m);
  for (const std::string& u : unexpected) absl::StrAppend(&message, "\n  not in model: ", u);
  for (const std::string& m : mismatched) absl::StrAppend(&message, "\n  mismatched: ", m);
  return absl::FailedPreconditionError(message);
}

namespace {

// True if `name` matches `glob`, where '*' matches any run of characters.
bool GlobMatch(const std::string& glob, const std::string& name) {
  size_t g = 0, n = 0, star = std::string::npos, resume = 0;
  while (n < name.size()) {
    if (g < glob.size() && glob[g] == '*') {
      star = g++;
      resume = n;
    } else if (g < glob.size() && glob[g] == name[n]) {
      ++g;
      ++n;
    } else if (star != std::string::npos) {
      g = star + 1;
      n = ++resume;
    } else {
      return false;
    }
  }
  while (g < glob.size() && glob[g] == '*') ++g;
  return g == glob.size();
}

}  // namespace

absl::StatusOr<std::map<std::string, graph::Tensor>> SelectWarmStartTensors(const SafetensorsFile& ckpt,
                                                                            const WarmStartOptions& options) {
  std::vector<std::regex> regexes;
  if (options.syntax == WarmStartOptions::Syntax::kRegex) {
    for (const std::string& p : options.patterns) {
      try {
        regexes.emplace_back(p);
      } catch (const std::regex_error& e) {
        return absl::InvalidArgumentError(
            absl::StrCat("warm-start pattern '", p, "' is not a valid regex: ", e.what()));
      }
    }
  }
  std::map<std::string, graph::Tensor> selected;
  std::map<std::string, std::string> source_of;
  std::vector<bool> used(options.patterns.size(), false);
  for (const auto& [name, tensor] : ckpt.tensors) {
    bool take = false;
    for (size_t i = 0; i < options.patterns.size(); ++i) {
      const bool match =
          regexes.empty() ? GlobMatch(options.patterns[i], name) : std::regex_match(name, regexes[i]);
      used[i] = used[i] || match;
      take = take || match;
    }
    if (!take) continue;
    std::string renamed = name;
    const std::string* best = nullptr;
    for (const auto& [from, to] : options.rename_prefixes) {
      if (name.compare(0, from.size(), from) == 0 && (best == nullptr || from.size() > best->size())) {
        best = &from;
        renamed = to + name.substr(from.size());
      }
    }
    if (auto [it, inserted] = source_of.emplace(renamed, name); !inserted) {
      return absl::InvalidArgumentError(absl::StrCat("warm start from ", ckpt.path, ": tensors '", it->second,
                                                     "' and '", name, "' are both renamed to '", renamed,
                                                     "'"));
    }
    selected.emplace(renamed, tensor);
  }
  for (size_t i = 0; i < used.size(); ++i) {
    if (!used[i]) {
      return absl::NotFoundError(
          absl::StrCat("warm-start pattern '", options.patterns[i], "' matches no tensor in ", ckpt.path));
    }
  }
  return selected;
}

}  // namespace estimator
