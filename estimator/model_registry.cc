#include "estimator/model_registry.h"

#include <map>
#include <mutex>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace estimator {
namespace {

struct Entry {
  ModelFn fn;
  std::string where;  // "file:line" of the registration
};

struct Registry {
  std::mutex mu;
  std::map<std::string, Entry> models;
  absl::Status static_status;
};

// Constructed on first use, so registrations from static initializers of any translation unit work.
Registry& GetRegistry() {
  static Registry* registry = new Registry();
  return *registry;
}

std::string Where(const char* file, int line) {
  if (file == nullptr || *file == '\0') return "(unknown location)";
  return absl::StrCat(file, ":", line);
}

}  // namespace

absl::Status RegisterModel(const std::string& name, ModelFn fn, const char* file, int line) {
  if (name.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("model registered with an empty name at ", Where(file, line)));
  }
  if (!fn) {
    return absl::InvalidArgumentError(
        absl::StrCat("model '", name, "' registered with a null model function at ", Where(file, line)));
  }
  Registry& r = GetRegistry();
  std::lock_guard<std::mutex> lock(r.mu);
  auto it = r.models.find(name);
  if (it != r.models.end()) {
    return absl::AlreadyExistsError(absl::StrCat("model '", name, "' is registered twice: at ",
                                                 it->second.where, " and at ", Where(file, line),
                                                 "; model names must be unique"));
  }
  r.models.emplace(name, Entry{std::move(fn), Where(file, line)});
  return absl::OkStatus();
}

absl::StatusOr<ModelFn> FindModel(const std::string& name) {
  Registry& r = GetRegistry();
  std::lock_guard<std::mutex> lock(r.mu);
  auto it = r.models.find(name);
  if (it != r.models.end()) return it->second.fn;
  std::vector<std::string> names;
  for (const auto& [n, e] : r.models) names.push_back(n);
  return absl::NotFoundError(
      absl::StrCat("unknown model '", name,
                   "'; registered: ", names.empty() ? std::string("(none)") : absl::StrJoin(names, ", ")));
}

std::vector<std::string> ModelNames() {
  Registry& r = GetRegistry();
  std::lock_guard<std::mutex> lock(r.mu);
  std::vector<std::string> names;
  for (const auto& [n, e] : r.models) names.push_back(n);
  return names;
}

absl::Status RegistrationStatus() {
  Registry& r = GetRegistry();
  std::lock_guard<std::mutex> lock(r.mu);
  return r.static_status;
}

ModelRegistrar::ModelRegistrar(const char* name, ModelFn fn, const char* file, int line) {
  absl::Status st = RegisterModel(name == nullptr ? "" : name, std::move(fn), file, line);
  if (st.ok()) return;
  Registry& r = GetRegistry();
  std::lock_guard<std::mutex> lock(r.mu);
  if (r.static_status.ok()) r.static_status = st;
}

ModelRegistrar::ModelRegistrar(absl::Status (*register_all)()) {
  absl::Status st = register_all == nullptr ? absl::OkStatus() : register_all();
  if (st.ok()) return;
  Registry& r = GetRegistry();
  std::lock_guard<std::mutex> lock(r.mu);
  if (r.static_status.ok()) r.static_status = st;
}

void ClearModelRegistryForTesting() {
  Registry& r = GetRegistry();
  std::lock_guard<std::mutex> lock(r.mu);
  r.models.clear();
  r.static_status = absl::OkStatus();
}

}  // namespace estimator
