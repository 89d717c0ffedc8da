// Typed, positioned reading of YAML tree values: the building blocks of the config schema.
#ifndef CONFIGS_CONFIG_READER_H_
#define CONFIGS_CONFIG_READER_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "configs/yaml_tree.h"

namespace configs {

// Scalar conversions; errors are "<node.where>: <path>: what is wrong".
// An integer in [lo, hi] (decimal digits with an optional sign).
absl::StatusOr<int64_t> ReadInt(const YamlNode& node, const std::string& path, int64_t lo, int64_t hi);
// A finite number representable as a double (single = true: as a 32-bit float).
absl::StatusOr<double> ReadNumber(const YamlNode& node, const std::string& path, bool single);
// true/false (also True, TRUE, False, FALSE).
absl::StatusOr<bool> ReadBool(const YamlNode& node, const std::string& path);
// Any scalar's text; null gives "".
absl::StatusOr<std::string> ReadString(const YamlNode& node, const std::string& path);
// A scalar equal to one of `names` (else an error with a suggestion).
absl::StatusOr<std::string> ReadEnum(const YamlNode& node, const std::string& path,
                                     const std::vector<std::string>& names);
// True when `text` is a plain integer or number the readers above accept.
bool LooksLikeInt(const std::string& text);
bool LooksLikeNumber(const std::string& text);

// One map of the config: checks its keys against the schema and reads its fields by name. A field that is
// absent leaves the output unchanged (its default). Holds pointers into the tree, which must outlive it.
class MapReader {
 public:
  // `node` null or kNull reads as an empty map; `where` is used for errors about missing keys then.
  MapReader(const YamlNode* node, std::string path, std::string where);

  // Fails when the node is neither a map nor null, or has a key outside `known` (with a suggestion).
  absl::Status CheckKeys(const std::vector<std::string>& known) const;

  bool Has(const std::string& key) const { return Find(key) != nullptr; }
  const YamlNode* Find(const std::string& key) const;
  // "path.key".
  std::string PathOf(const std::string& key) const;
  // Position of the value of `key`, or of this map when absent.
  std::string WhereOf(const std::string& key) const;
  const std::string& where() const { return where_; }
  const std::string& path() const { return path_; }
  // A positioned error about `key` (or about this map when key is empty).
  absl::Status Error(const std::string& key, const std::string& what) const;
  // "is required" when `key` is absent or null.
  absl::Status Require(const std::string& key) const;

  absl::Status Int(const std::string& key, int64_t* out, int64_t lo = INT64_MIN,
                   int64_t hi = INT64_MAX) const;
  absl::Status Int32(const std::string& key, int* out, int64_t lo = INT32_MIN, int64_t hi = INT32_MAX) const;
  absl::Status Double(const std::string& key, double* out) const;
  absl::Status Float(const std::string& key, float* out) const;
  absl::Status Bool(const std::string& key, bool* out) const;
  absl::Status String(const std::string& key, std::string* out) const;
  absl::Status Enum(const std::string& key, const std::vector<std::string>& names, std::string* out) const;
  // A sequence of strings.
  absl::Status StringList(const std::string& key, std::vector<std::string>* out) const;
  // A map whose values are strings (kept in file order).
  absl::Status StringMap(const std::string& key, std::vector<std::pair<std::string, std::string>>* out) const;

 private:
  const YamlNode* node_;
  std::string path_;
  std::string where_;
};

// Applies one "key.path=value" override to `root` (creating maps as needed). Errors name the override.
absl::Status ApplyOverride(const std::string& override_text, YamlNode* root);

}  // namespace configs

#endif  // CONFIGS_CONFIG_READER_H_
