#include "configs/config_reader.h"

#include <algorithm>
#include <cerrno>
#include <cfloat>
#include <cmath>
#include <cstdlib>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace configs {
namespace {

const char* KindName(const YamlNode& node) {
  switch (node.kind) {
    case YamlNode::Kind::kNull:
      return "nothing";
    case YamlNode::Kind::kScalar:
      return "a scalar";
    case YamlNode::Kind::kSequence:
      return "a list";
    case YamlNode::Kind::kMap:
      return "a map";
  }
  return "?";
}

absl::Status Expected(const YamlNode& node, const std::string& path, const char* what) {
  if (node.IsScalar())
    return ConfigError(node.where, path, absl::StrCat("expected ", what, ", got '", node.scalar, "'"));
  return ConfigError(node.where, path, absl::StrCat("expected ", what, ", got ", KindName(node)));
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

bool LooksLikeInt(const std::string& text) {
  size_t i = (!text.empty() && (text[0] == '+' || text[0] == '-')) ? 1 : 0;
  if (i == text.size()) return false;
  for (; i < text.size(); ++i) {
    if (!IsDigit(text[i])) return false;
  }
  return true;
}

bool LooksLikeNumber(const std::string& text) {
  size_t i = (!text.empty() && (text[0] == '+' || text[0] == '-')) ? 1 : 0;
  size_t digits = 0;
  while (i < text.size() && IsDigit(text[i])) ++i, ++digits;
  if (i < text.size() && text[i] == '.') {
    ++i;
    while (i < text.size() && IsDigit(text[i])) ++i, ++digits;
  }
  if (digits == 0) return false;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
    size_t exp_digits = 0;
    while (i < text.size() && IsDigit(text[i])) ++i, ++exp_digits;
    if (exp_digits == 0) return false;
  }
  return i == text.size();
}

absl::StatusOr<int64_t> ReadInt(const YamlNode& node, const std::string& path, int64_t lo, int64_t hi) {
  if (!node.IsScalar() || !LooksLikeInt(node.scalar)) return Expected(node, path, "an integer");
  int64_t v = 0;
  if (!absl::SimpleAtoi(node.scalar, &v)) {
    return ConfigError(node.where, path,
                       absl::StrCat("'", node.scalar, "' is out of range for a 64-bit integer"));
  }
  if (v < lo || v > hi) {
    if (lo == INT32_MIN && hi == INT32_MAX) {
      return ConfigError(node.where, path,
                         absl::StrCat("'", node.scalar, "' is out of range for a 32-bit integer"));
    }
    if (hi == INT64_MAX || hi == INT32_MAX) {
      return ConfigError(node.where, path, absl::StrCat("must be >= ", lo, ", got ", v));
    }
    return ConfigError(node.where, path, absl::StrCat("must be in [", lo, ", ", hi, "], got ", v));
  }
  return v;
}

absl::StatusOr<double> ReadNumber(const YamlNode& node, const std::string& path, bool single) {
  if (!node.IsScalar() || !LooksLikeNumber(node.scalar)) return Expected(node, path, "a number");
  errno = 0;
  const double v = std::strtod(node.scalar.c_str(), nullptr);
  bool bad = errno == ERANGE || !std::isfinite(v);
  if (single && !bad) bad = std::fabs(v) > FLT_MAX || (v != 0 && std::fabs(v) < FLT_TRUE_MIN);
  if (bad) {
    return ConfigError(
        node.where, path,
        absl::StrCat("'", node.scalar, "' is out of range for a ", single ? "32" : "64", "-bit float"));
  }
  return v;
}

absl::StatusOr<bool> ReadBool(const YamlNode& node, const std::string& path) {
  if (node.IsScalar() && !node.quoted) {
    const std::string& s = node.scalar;
    if (s == "true" || s == "True" || s == "TRUE") return true;
    if (s == "false" || s == "False" || s == "FALSE") return false;
  }
  return Expected(node, path, "true or false");
}

absl::StatusOr<std::string> ReadString(const YamlNode& node, const std::string& path) {
  if (node.IsNull()) return std::string();
  if (!node.IsScalar()) return Expected(node, path, "a string");
  return node.scalar;
}

absl::StatusOr<std::string> ReadEnum(const YamlNode& node, const std::string& path,
                                     const std::vector<std::string>& names) {
  if (!node.IsScalar()) return Expected(node, path, "a name");
  for (const std::string& n : names) {
    if (n == node.scalar) return n;
  }
  return ConfigError(node.where, path,
                     absl::StrCat("unknown value '", node.scalar, "'; ", SuggestFrom(node.scalar, names)));
}

MapReader::MapReader(const YamlNode* node, std::string path, std::string where)
    : node_(node), path_(std::move(path)), where_(node != nullptr ? node->where : std::move(where)) {}

absl::Status MapReader::CheckKeys(const std::vector<std::string>& known) const {
  if (node_ == nullptr || node_->IsNull()) return absl::OkStatus();
  if (!node_->IsMap()) return Expected(*node_, path_, "a map");
  for (const YamlEntry& e : node_->entries) {
    if (std::find(known.begin(), known.end(), e.key) == known.end()) {
      return ConfigError(e.key_where, PathOf(e.key),
                         absl::StrCat("unknown key; ", SuggestFrom(e.key, known)));
    }
  }
  return absl::OkStatus();
}

const YamlNode* MapReader::Find(const std::string& key) const {
  return node_ != nullptr && node_->IsMap() ? node_->Find(key) : nullptr;
}

std::string MapReader::PathOf(const std::string& key) const {
  if (key.empty()) return path_;
  return path_.empty() ? key : absl::StrCat(path_, ".", key);
}

std::string MapReader::WhereOf(const std::string& key) const {
  const YamlNode* n = Find(key);
  return n != nullptr ? n->where : where_;
}

absl::Status MapReader::Error(const std::string& key, const std::string& what) const {
  return ConfigError(WhereOf(key), PathOf(key), what);
}

absl::Status MapReader::Require(const std::string& key) const {
  const YamlNode* n = Find(key);
  if (n == nullptr || n->IsNull() || (n->IsScalar() && n->scalar.empty())) return Error(key, "is required");
  return absl::OkStatus();
}

absl::Status MapReader::Int(const std::string& key, int64_t* out, int64_t lo, int64_t hi) const {
  const YamlNode* n = Find(key);
  if (n == nullptr) return absl::OkStatus();
  absl::StatusOr<int64_t> v = ReadInt(*n, PathOf(key), lo, hi);
  if (!v.ok()) return v.status();
  *out = *v;
  return absl::OkStatus();
}

absl::Status MapReader::Int32(const std::string& key, int* out, int64_t lo, int64_t hi) const {
  const YamlNode* n = Find(key);
  if (n == nullptr) return absl::OkStatus();
  absl::StatusOr<int64_t> wide = ReadInt(*n, PathOf(key), INT32_MIN, INT32_MAX);
  if (!wide.ok()) return wide.status();
  absl::StatusOr<int64_t> v = ReadInt(*n, PathOf(key), lo, hi);
  if (!v.ok()) return v.status();
  *out = static_cast<int>(*v);
  return absl::OkStatus();
}

absl::Status MapReader::Double(const std::string& key, double* out) const {
  const YamlNode* n = Find(key);
  if (n == nullptr) return absl::OkStatus();
  absl::StatusOr<double> v = ReadNumber(*n, PathOf(key), /*single=*/false);
  if (!v.ok()) return v.status();
  *out = *v;
  return absl::OkStatus();
}

absl::Status MapReader::Float(const std::string& key, float* out) const {
  const YamlNode* n = Find(key);
  if (n == nullptr) return absl::OkStatus();
  absl::StatusOr<double> v = ReadNumber(*n, PathOf(key), /*single=*/true);
  if (!v.ok()) return v.status();
  *out = static_cast<float>(*v);
  return absl::OkStatus();
}

absl::Status MapReader::Bool(const std::string& key, bool* out) const {
  const YamlNode* n = Find(key);
  if (n == nullptr) return absl::OkStatus();
  absl::StatusOr<bool> v = ReadBool(*n, PathOf(key));
  if (!v.ok()) return v.status();
  *out = *v;
  return absl::OkStatus();
}

absl::Status MapReader::String(const std::string& key, std::string* out) const {
  const YamlNode* n = Find(key);
  if (n == nullptr) return absl::OkStatus();
  absl::StatusOr<std::string> v = ReadString(*n, PathOf(key));
  if (!v.ok()) return v.status();
  *out = *std::move(v);
  return absl::OkStatus();
}

absl::Status MapReader::Enum(const std::string& key, const std::vector<std::string>& names,
                             std::string* out) const {
  const YamlNode* n = Find(key);
  if (n == nullptr) return absl::OkStatus();
  absl::StatusOr<std::string> v = ReadEnum(*n, PathOf(key), names);
  if (!v.ok()) return v.status();
  *out = *std::move(v);
  return absl::OkStatus();
}

absl::Status MapReader::StringList(const std::string& key, std::vector<std::string>* out) const {
  const YamlNode* n = Find(key);
  if (n == nullptr || n->IsNull()) return absl::OkStatus();
  if (!n->IsSequence()) return Expected(*n, PathOf(key), "a list of strings");
  out->clear();
  for (const YamlNode& item : n->items) {
    if (!item.IsScalar()) return Expected(item, PathOf(key), "a string");
    out->push_back(item.scalar);
  }
  return absl::OkStatus();
}

absl::Status MapReader::StringMap(const std::string& key,
                                  std::vector<std::pair<std::string, std::string>>* out) const {
  const YamlNode* n = Find(key);
  if (n == nullptr || n->IsNull()) return absl::OkStatus();
  if (!n->IsMap()) return Expected(*n, PathOf(key), "a map");
  out->clear();
  for (const YamlEntry& e : n->entries) {
    absl::StatusOr<std::string> v = ReadString(e.value, absl::StrCat(PathOf(key), ".", e.key));
    if (!v.ok()) return v.status();
    out->emplace_back(e.key, *std::move(v));
  }
  return absl::OkStatus();
}

absl::Status ApplyOverride(const std::string& override_text, YamlNode* root) {
  const std::string where = absl::StrCat("--set ", override_text);
  const size_t eq = override_text.find('=');
  if (eq == std::string::npos) return ConfigError(where, "", "expected key.path=value");
  const std::string key_path = override_text.substr(0, eq);
  std::vector<std::string> keys = absl::StrSplit(key_path, '.');
  for (const std::string& k : keys) {
    if (k.empty()) return ConfigError(where, key_path, "empty key in the key path");
  }
  absl::StatusOr<YamlNode> value = ParseYamlValue(override_text.substr(eq + 1), where);
  if (!value.ok()) return value.status();
  YamlNode* node = root;
  std::string path;
  for (const std::string& k : keys) {
    if (node->IsNull()) {
      node->kind = YamlNode::Kind::kMap;
      node->where = where;
    }
    if (!node->IsMap()) {
      // Positioned at the node that is in the way (the file's line and column unless an earlier override
      // made it), naming the override that needed a map there.
      return ConfigError(node->where, path,
                         absl::StrCat("expected a map, got ", KindName(*node), " (", where, " needs '", path,
                                      "' to be a map)"));
    }
    path = path.empty() ? k : absl::StrCat(path, ".", k);
    YamlNode* next = node->FindMutable(k);
    if (next == nullptr) {
      node->entries.push_back({k, where, YamlNode{}});
      next = &node->entries.back().value;
      next->where = where;
    }
    node = next;
  }
  *node = *std::move(value);
  return absl::OkStatus();
}

}  // namespace configs
