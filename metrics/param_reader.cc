#include "metrics/param_reader.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>

namespace metrics {

void ParamReader::String(const char* key, std::string* out) {
  if (const std::string* v = Find(key)) *out = *v;
}

void ParamReader::Int(const char* key, int* out) {
  const std::string* v = Find(key);
  if (v == nullptr) return;
  char* end = nullptr;
  errno = 0;
  const long x = std::strtol(v->c_str(), &end, 10);
  if (v->empty() || *end != '\0' || errno != 0 || x < -(1L << 30) || x > (1L << 30)) {
    Fail(key, *v, "an integer");
    return;
  }
  *out = static_cast<int>(x);
}

void ParamReader::Double(const char* key, double* out) {
  const std::string* v = Find(key);
  if (v == nullptr) return;
  if (*v == "nan" || *v == "NaN" || *v == "NAN") {
    *out = std::nan("");
    return;
  }
  char* end = nullptr;
  const double x = std::strtod(v->c_str(), &end);
  if (v->empty() || *end != '\0' || !std::isfinite(x)) {
    Fail(key, *v, "a finite number (or nan)");
    return;
  }
  *out = x;
}

void ParamReader::Bool(const char* key, bool* out) {
  const std::string* v = Find(key);
  if (v == nullptr) return;
  if (*v == "true" || *v == "1") {
    *out = true;
  } else if (*v == "false" || *v == "0") {
    *out = false;
  } else {
    Fail(key, *v, "true or false");
  }
}

absl::Status ParamReader::Finish() const {
  if (!error_.ok()) return error_;
  std::set<std::string> seen;
  for (const auto& [key, value] : params_) {
    if (!seen.insert(key).second) return Error(absl::StrCat("option '", key, "' is given twice"));
    if (known_.count(key) == 0) {
      return Error(
          absl::StrCat("unknown option '", key, "'; options of this kind: ", absl::StrJoin(known_, ", ")));
    }
  }
  return absl::OkStatus();
}

const std::string* ParamReader::Find(const char* key) {
  known_.insert(key);
  for (const auto& [k, v] : params_) {
    if (k == key) return &v;
  }
  return nullptr;
}

void ParamReader::Fail(const char* key, const std::string& value, const std::string& expected) {
  if (error_.ok()) error_ = Error(absl::StrCat("option '", key, "' = '", value, "' is not ", expected));
}

absl::Status ParamReader::Error(const std::string& message) const {
  return absl::InvalidArgumentError(absl::StrCat(context_, ": ", message));
}

}  // namespace metrics
