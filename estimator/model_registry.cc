#include "estimator/model_registry.h"

#include <map>
#include <mutex>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace estimator {
namespace {

// Functions of one kind by name, with where each was registered ("file:line").
template <typename Fn>
struct Table {
  std::map<std::string, std::pair<Fn, std::string>> entries;
};

struct Registry {
  std::mutex mu;
  Table<ModelFn> models;
  Table<InputSourceFn> input_fns;
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

template <typename Fn>
absl::Status Register(Table<Fn>& table, const char* kind, const std::string& name, Fn fn, const char* file,
                      int line) {
  if (name.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(kind, " registered with an empty name at ", Where(file, line)));
  }
  if (!fn) {
    return absl::InvalidArgumentError(
        absl::StrCat(kind, " '", name, "' registered with a null function at ", Where(file, line)));
  }
  auto it = table.entries.find(name);
  if (it != table.entries.end()) {
    return absl::AlreadyExistsError(absl::StrCat(kind, " '", name, "' is registered twice: at ",
                                                 it->second.second, " and at ", Where(file, line), "; ", kind,
                                                 " names must be unique"));
  }
  table.entries.emplace(name, std::make_pair(std::move(fn), Where(file, line)));
  return absl::OkStatus();
}

template <typename Fn>
std::vector<std::string> Names(const Table<Fn>& table) {
  std::vector<std::string> names;
  for (const auto& [n, e] : table.entries) names.push_back(n);
  return names;
}

template <typename Fn>
absl::StatusOr<Fn> Find(const Table<Fn>& table, const char* kind, const std::string& name) {
  auto it = table.entries.find(name);
  if (it != table.entries.end()) return it->second.first;
  std::vector<std::string> names = Names(table);
  return absl::NotFoundError(
      absl::StrCat("unknown ", kind, " '", name,
                   "'; registered: ", names.empty() ? std::string("(none)") : absl::StrJoin(names, ", ")));
}

void KeepStaticError(const absl::Status& st) {
  if (st.ok()) return;
  Registry& r = GetRegistry();
  std::lock_guard<std::mutex> lock(r.mu);
  if (r.static_status.ok()) r.static_status = st;
}

}  // namespace

absl::Status RegisterModel(const std::string& name, ModelFn fn, const char* file, int line) {
  Registry& r = GetRegistry();
  std::lock_guard<std::mutex> lock(r.mu);
  return Register(r.models, "model", name, std::move(fn), file, line);
}

absl::StatusOr<ModelFn> FindModel(const std::string& name) {
  Registry& r = GetRegistry();
  std::lock_guard<std::mutex> lock(r.mu);
  return Find(r.models, "model", name);
}

std::vector<std::string> ModelNames() {
  Registry& r = GetRegistry();
  std::lock_guard<std::mutex> lock(r.mu);
  return Names(r.models);
}

absl::Status RegisterInputFn(const std::string& name, InputSourceFn fn, const char* file, int line) {
  Registry& r = GetRegistry();
  std::lock_guard<std::mutex> lock(r.mu);
  return Register(r.input_fns, "input function", name, std::move(fn), file, line);
}

absl::StatusOr<InputSourceFn> FindInputFn(const std::string& name) {
  Registry& r = GetRegistry();
  std::lock_guard<std::mutex> lock(r.mu);
  return Find(r.input_fns, "input function", name);
}

std::vector<std::string> InputFnNames() {
  Registry& r = GetRegistry();
  std::lock_guard<std::mutex> lock(r.mu);
  return Names(r.input_fns);
}

absl::Status RegistrationStatus() {
  Registry& r = GetRegistry();
  std::lock_guard<std::mutex> lock(r.mu);
  return r.static_status;
}

ModelRegistrar::ModelRegistrar(const char* name, ModelFn fn, const char* file, int line) {
  KeepStaticError(RegisterModel(name == nullptr ? "" : name, std::move(fn), file, line));
}

ModelRegistrar::ModelRegistrar(absl::Status (*register_all)()) {
  KeepStaticError(register_all == nullptr ? absl::OkStatus() : register_all());
}

InputFnRegistrar::InputFnRegistrar(const char* name, InputSourceFn fn, const char* file, int line) {
  KeepStaticError(RegisterInputFn(name == nullptr ? "" : name, std::move(fn), file, line));
}

void ClearModelRegistryForTesting() {
  Registry& r = GetRegistry();
  std::lock_guard<std::mutex> lock(r.mu);
  r.models.entries.clear();
  r.input_fns.entries.clear();
  r.static_status = absl::OkStatus();
}

}  // namespace estimator
