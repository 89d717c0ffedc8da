// A small YAML document tree with source positions, built from yaml-cpp's parse after checks that refuse
// hostile input (oversized files, NUL or other control bytes, invalid UTF-8, deep nesting, alias expansion
// beyond a node budget, duplicate keys). The config reader walks this tree instead of yaml-cpp nodes.
#ifndef CONFIGS_YAML_TREE_H_
#define CONFIGS_YAML_TREE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

// Returns early from the enclosing function when `expr` (an absl::Status) is not OK.
#define CONFIGS_RETURN_IF_ERROR(expr)           \
  do {                                          \
    if (absl::Status _st = (expr); !_st.ok()) { \
      return _st;                               \
    }                                           \
  } while (false)

namespace configs {

// Limits applied while reading a YAML text.
inline constexpr int64_t kMaxYamlBytes = 1 << 20;  // larger files are refused before parsing
inline constexpr int kMaxYamlDepth = 64;           // nesting of maps and sequences
inline constexpr int64_t kMaxYamlNodes = 100000;   // nodes visited, counting every alias expansion
inline constexpr int64_t kMaxYamlScalarBytes = 16 * kMaxYamlBytes;  // scalar text, counting expansions

struct YamlEntry;

// One node. `where` is the position used in error messages: "file:line:col" (1-based) or, for values given
// on the command line, "--set key.path=value".
struct YamlNode {
  enum class Kind { kNull, kScalar, kSequence, kMap };
  Kind kind = Kind::kNull;
  std::string scalar;              // kScalar: the text
  bool quoted = false;             // kScalar: written in quotes (then always a string)
  std::vector<YamlNode> items;     // kSequence
  std::vector<YamlEntry> entries;  // kMap, in document order, keys unique
  std::string where;

  bool IsMap() const { return kind == Kind::kMap; }
  bool IsScalar() const { return kind == Kind::kScalar; }
  bool IsSequence() const { return kind == Kind::kSequence; }
  bool IsNull() const { return kind == Kind::kNull; }
  // The value of `key` in a map, or nullptr (also when this is not a map).
  const YamlNode* Find(const std::string& key) const;
  YamlNode* FindMutable(const std::string& key);
};

struct YamlEntry {
  std::string key;
  std::string key_where;  // position of the key
  YamlNode value;
};

// An InvalidArgument status reading "<where>: <path>: <what>" (the path part is left out when empty).
absl::Status ConfigError(const std::string& where, const std::string& path, const std::string& what);

// Parses `text` (one YAML document) into a tree whose positions name `source` ("file" gives "file:3:7").
// Refuses, with one positioned message: more than kMaxYamlBytes, NUL or control bytes other than tab, CR and
// LF, invalid UTF-8, syntax errors, non-scalar or duplicate map keys, nesting deeper than kMaxYamlDepth,
// more than kMaxYamlNodes nodes or kMaxYamlScalarBytes bytes of scalar text after alias expansion. Never
// throws. An empty text gives a kNull root.
absl::StatusOr<YamlNode> ParseYaml(const std::string& text, const std::string& source);

// Like ParseYaml, for a value given on the command line: every node's position is `where`.
absl::StatusOr<YamlNode> ParseYamlValue(const std::string& text, const std::string& where);

// Reads the file at `path` (refusing files over kMaxYamlBytes before reading them) and parses it.
// NotFound / PermissionDenied / InvalidArgument messages name the path.
absl::StatusOr<YamlNode> ReadYamlFile(const std::string& path);

// Levenshtein distance between two strings.
int EditDistance(const std::string& a, const std::string& b);

// "did you mean 'x'?" for the closest of `known` to `word` by edit distance when it is close enough, else for
// a known word containing `word` or contained in it (3+ characters), else "expected one of: a, b, c".
std::string SuggestFrom(const std::string& word, const std::vector<std::string>& known);

}  // namespace configs

#endif  // CONFIGS_YAML_TREE_H_
