// ParamReader: typed option values out of (key, value) strings, as configuration files give them.
#ifndef METRICS_PARAM_READER_H_
#define METRICS_PARAM_READER_H_

#include <initializer_list>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace metrics {

// Each getter looks `key` up, parses it into `*out` when present (leaving the default otherwise) and
// remembers the key as known. The first parse error is kept; Finish() returns it, or an error for a key no
// getter asked for (listing the known ones) or given twice. Errors are InvalidArgument prefixed by `context`.
// `params` must outlive the reader. Thread-compatible.
class ParamReader {
 public:
  ParamReader(std::string context, const std::vector<std::pair<std::string, std::string>>& params)
      : context_(std::move(context)), params_(params) {}

  void String(const char* key, std::string* out);
  // A decimal integer in [-2^30, 2^30].
  void Int(const char* key, int* out);
  // A finite number, or "nan".
  void Double(const char* key, double* out);
  // true / false / 1 / 0.
  void Bool(const char* key, bool* out);
  // One of `names`.
  template <typename E>
  void Enum(const char* key, std::initializer_list<std::pair<const char*, E>> names, E* out) {
    const std::string* v = Find(key);
    if (v == nullptr) return;
    std::vector<std::string> options;
    for (const auto& [name, value] : names) {
      if (*v == name) {
        *out = value;
        return;
      }
      options.push_back(name);
    }
    Fail(key, *v, absl::StrCat("one of ", absl::StrJoin(options, ", ")));
  }

  // The first parse error, else an error for an unknown or duplicate key, else OK.
  absl::Status Finish() const;

 private:
  const std::string* Find(const char* key);
  void Fail(const char* key, const std::string& value, const std::string& expected);
  absl::Status Error(const std::string& message) const;

  std::string context_;
  const std::vector<std::pair<std::string, std::string>>& params_;
  std::set<std::string> known_;
  absl::Status error_;
};

}  // namespace metrics

#endif  // METRICS_PARAM_READER_H_
