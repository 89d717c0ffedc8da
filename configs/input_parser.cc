// Reading of input specs and model params from the config tree.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <variant>

#include "absl/strings/str_cat.h"
#include "configs/section_parsers.h"

#include "estimator/model_registry.h"

namespace configs {
namespace {

const std::vector<std::string>& CommonKeys() {
  static const auto* keys =
      new std::vector<std::string>{"source", "batch_size", "shuffle_buffer", "seed", "repeat",
                                   "cache",  "prefetch",   "drop_remainder", "map"};
  return *keys;
}
const std::vector<std::string>& IdxKeys() {
  static const auto* keys = new std::vector<std::string>{"images", "labels"};
  return *keys;
}
const std::vector<std::string>& InputFnKeys() {
  static const auto* keys = new std::vector<std::string>{"name"};
  return *keys;
}
const std::vector<std::string>& CsvKeys() {
  static const auto* keys = new std::vector<std::string>{
      "path", "header", "delimiter", "columns", "default_dtype", "column_dtypes", "defaults", "label_column"};
  return *keys;
}

// Fails unless the path under `key` names a readable regular file.
absl::Status CheckReadable(const MapReader& r, const std::string& key, const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    return r.Error(key, absl::StrCat("cannot read '", path, "': ", std::strerror(errno)));
  }
  if (S_ISDIR(st.st_mode)) return r.Error(key, absl::StrCat("'", path, "' is a directory, not a file"));
  if (::access(path.c_str(), R_OK) != 0) {
    return r.Error(key, absl::StrCat("cannot read '", path, "': ", std::strerror(errno)));
  }
  FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return r.Error(key, absl::StrCat("cannot read '", path, "': ", std::strerror(errno)));
  std::fclose(f);
  return absl::OkStatus();
}

absl::StatusOr<graph::DType> ParseDType(const YamlNode& node, const std::string& path) {
  absl::StatusOr<std::string> name = ReadEnum(node, path, {"f32", "i32", "i64"});
  if (!name.ok()) return name.status();
  if (*name == "f32") return graph::DType::kFloat32;
  if (*name == "i32") return graph::DType::kInt32;
  return graph::DType::kInt64;
}

absl::Status ParseMapPresets(const MapReader& r, InputSpec* out) {
  const YamlNode* list = r.Find("map");
  if (list == nullptr || list->IsNull()) return absl::OkStatus();
  const std::string path = r.PathOf("map");
  if (!list->IsSequence())
    return ConfigError(list->where, path, "expected a list of presets (scale, flatten)");
  out->map.clear();
  for (const YamlNode& item : list->items) {
    if (item.IsScalar() && item.scalar == "flatten") {
      out->map.push_back({MapPreset::Kind::kFlatten, 1});
      continue;
    }
    if (!item.IsMap() || item.entries.size() != 1) {
      return ConfigError(item.where, path, "each preset is one of 'scale: <number>' or 'flatten: true'");
    }
    MapReader preset(&item, path, item.where);
    CONFIGS_RETURN_IF_ERROR(preset.CheckKeys({"scale", "flatten"}));
    if (preset.Has("scale")) {
      double scale = 1;
      CONFIGS_RETURN_IF_ERROR(preset.Double("scale", &scale));
      if (!(scale > 0)) return preset.Error("scale", absl::StrCat("must be > 0, got ", scale));
      out->map.push_back({MapPreset::Kind::kScale, scale});
    } else {
      bool flatten = false;
      CONFIGS_RETURN_IF_ERROR(preset.Bool("flatten", &flatten));
      if (flatten) out->map.push_back({MapPreset::Kind::kFlatten, 1});
    }
  }
  return absl::OkStatus();
}

absl::Status ParseCsvFields(const MapReader& r, InputSpec* out) {
  CONFIGS_RETURN_IF_ERROR(r.Require("path"));
  CONFIGS_RETURN_IF_ERROR(r.String("path", &out->path));
  CONFIGS_RETURN_IF_ERROR(CheckReadable(r, "path", out->path));
  CONFIGS_RETURN_IF_ERROR(r.Bool("header", &out->header));
  if (r.Has("delimiter")) {
    std::string d;
    CONFIGS_RETURN_IF_ERROR(r.String("delimiter", &d));
    if (d.size() != 1 || d[0] == '\n' || d[0] == '\r' || d[0] == '"') {
      return r.Error("delimiter",
                     absl::StrCat("must be one character (not a quote or line break), got '", d, "'"));
    }
    out->delimiter = d[0];
  }
  CONFIGS_RETURN_IF_ERROR(r.StringList("columns", &out->columns));
  if (const YamlNode* n = r.Find("default_dtype")) {
    absl::StatusOr<graph::DType> t = ParseDType(*n, r.PathOf("default_dtype"));
    if (!t.ok()) return t.status();
    out->default_dtype = *t;
  }
  if (const YamlNode* n = r.Find("column_dtypes"); n != nullptr && !n->IsNull()) {
    if (!n->IsMap()) return r.Error("column_dtypes", "expected a map of column name to f32, i32 or i64");
    out->column_dtypes.clear();
    for (const YamlEntry& e : n->entries) {
      absl::StatusOr<graph::DType> t =
          ParseDType(e.value, absl::StrCat(r.PathOf("column_dtypes"), ".", e.key));
      if (!t.ok()) return t.status();
      out->column_dtypes.emplace_back(e.key, *t);
    }
  }
  CONFIGS_RETURN_IF_ERROR(r.StringMap("defaults", &out->defaults));
  return r.String("label_column", &out->label_column);
}

}  // namespace

absl::Status ParseInputSpec(const MapReader& parent, const std::string& key, InputSpec* out) {
  CONFIGS_RETURN_IF_ERROR(parent.Require(key));
  const YamlNode* node = parent.Find(key);
  MapReader r(node, parent.PathOf(key), node->where);
  std::vector<std::string> known = CommonKeys();
  known.insert(known.end(), IdxKeys().begin(), IdxKeys().end());
  known.insert(known.end(), CsvKeys().begin(), CsvKeys().end());
  known.insert(known.end(), InputFnKeys().begin(), InputFnKeys().end());
  CONFIGS_RETURN_IF_ERROR(r.CheckKeys(known));
  CONFIGS_RETURN_IF_ERROR(r.Require("source"));
  std::string source;
  CONFIGS_RETURN_IF_ERROR(r.Enum("source", {"idx", "csv", "input_fn"}, &source));
  out->source = source == "idx"   ? InputSource::kIdx
                : source == "csv" ? InputSource::kCsv
                                  : InputSource::kInputFn;
  // Keys of the other sources are errors naming the source they belong to.
  const std::pair<const char*, const std::vector<std::string>*> kinds[] = {
      {"idx", &IdxKeys()}, {"csv", &CsvKeys()}, {"input_fn", &InputFnKeys()}};
  for (const YamlEntry& e : node->entries) {
    for (const auto& [kind, keys] : kinds) {
      if (kind != source && std::find(keys->begin(), keys->end(), e.key) != keys->end()) {
        return ConfigError(e.key_where, r.PathOf(e.key),
                           absl::StrCat("applies to source ", kind, ", not ", source));
      }
    }
  }
  if (out->source == InputSource::kInputFn) {
    CONFIGS_RETURN_IF_ERROR(r.Require("name"));
    CONFIGS_RETURN_IF_ERROR(r.String("name", &out->name));
    if (absl::StatusOr<estimator::InputSourceFn> fn = estimator::FindInputFn(out->name); !fn.ok()) {
      return r.Error("name", std::string(fn.status().message()));
    }
  } else if (out->source == InputSource::kIdx) {
    CONFIGS_RETURN_IF_ERROR(r.Require("images"));
    CONFIGS_RETURN_IF_ERROR(r.String("images", &out->images));
    CONFIGS_RETURN_IF_ERROR(CheckReadable(r, "images", out->images));
    CONFIGS_RETURN_IF_ERROR(r.String("labels", &out->labels));
    if (!out->labels.empty()) CONFIGS_RETURN_IF_ERROR(CheckReadable(r, "labels", out->labels));
  } else {
    CONFIGS_RETURN_IF_ERROR(ParseCsvFields(r, out));
  }
  CONFIGS_RETURN_IF_ERROR(r.Require("batch_size"));
  CONFIGS_RETURN_IF_ERROR(r.Int("batch_size", &out->batch_size, 1));
  CONFIGS_RETURN_IF_ERROR(r.Int("shuffle_buffer", &out->shuffle_buffer, 0));
  CONFIGS_RETURN_IF_ERROR(r.Int("seed", &out->seed, 0));
  CONFIGS_RETURN_IF_ERROR(r.Int("repeat", &out->repeat, -1));
  if (out->repeat == 0) return r.Error("repeat", "must be >= 1 or -1 (forever), got 0");
  CONFIGS_RETURN_IF_ERROR(r.Bool("cache", &out->cache));
  CONFIGS_RETURN_IF_ERROR(r.Int("prefetch", &out->prefetch, 0));
  CONFIGS_RETURN_IF_ERROR(r.Bool("drop_remainder", &out->drop_remainder));
  return ParseMapPresets(r, out);
}

absl::Status ParseParams(const MapReader& parent, const std::string& key, estimator::Params* out) {
  const YamlNode* node = parent.Find(key);
  if (node == nullptr || node->IsNull()) return absl::OkStatus();
  if (!node->IsMap()) return parent.Error(key, "expected a map of names to values");
  for (const YamlEntry& e : node->entries) {
    const std::string path = absl::StrCat(parent.PathOf(key), ".", e.key);
    const YamlNode& v = e.value;
    auto classify = [&](const YamlNode& s) -> absl::StatusOr<estimator::Params::Value> {
      if (s.quoted) return estimator::Params::Value(s.scalar);
      if (s.scalar == "true" || s.scalar == "false") return estimator::Params::Value(s.scalar == "true");
      if (LooksLikeInt(s.scalar)) {
        absl::StatusOr<int64_t> i = ReadInt(s, path, INT64_MIN, INT64_MAX);
        if (!i.ok()) return i.status();
        return estimator::Params::Value(*i);
      }
      if (LooksLikeNumber(s.scalar)) {
        absl::StatusOr<double> d = ReadNumber(s, path, /*single=*/false);
        if (!d.ok()) return d.status();
        return estimator::Params::Value(*d);
      }
      return estimator::Params::Value(s.scalar);
    };
    if (v.IsScalar()) {
      absl::StatusOr<estimator::Params::Value> value = classify(v);
      if (!value.ok()) return value.status();
      out->Set(e.key, *std::move(value));
      continue;
    }
    if (!v.IsSequence()) return ConfigError(v.where, path, "expected a scalar or a list of scalars");
    std::vector<int64_t> ints;
    std::vector<double> floats;
    std::vector<std::string> strings;
    for (const YamlNode& item : v.items) {
      if (!item.IsScalar()) return ConfigError(item.where, path, "list items must be scalars");
      absl::StatusOr<estimator::Params::Value> value = classify(item);
      if (!value.ok()) return value.status();
      if (const auto* i = std::get_if<int64_t>(&*value)) {
        ints.push_back(*i);
        floats.push_back(static_cast<double>(*i));
      } else if (const auto* d = std::get_if<double>(&*value)) {
        floats.push_back(*d);
      } else if (const auto* s = std::get_if<std::string>(&*value)) {
        strings.push_back(*s);
      } else {
        return ConfigError(item.where, path, "lists of booleans are not supported");
      }
    }
    if (!strings.empty() && !floats.empty()) {
      return ConfigError(v.where, path, "a list must hold only numbers or only strings");
    }
    if (!strings.empty()) {
      out->Set(e.key, strings);
    } else if (ints.size() == floats.size()) {
      out->Set(e.key, ints);
    } else {
      out->Set(e.key, floats);
    }
  }
  return absl::OkStatus();
}

}  // namespace configs
