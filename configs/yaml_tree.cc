#include "configs/yaml_tree.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <memory>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "yaml-cpp/depthguard.h"
#include "yaml-cpp/yaml.h"

namespace configs {
namespace {

std::string Position(const std::string& source, int64_t line, int64_t col) {
  return absl::StrCat(source, ":", line, ":", col);
}

// Length of the UTF-8 sequence starting at text[i], or 0 when it is invalid (overlong forms, surrogates and
// code points above U+10FFFF included).
size_t Utf8Length(const std::string& text, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char c = byte(i);
  size_t len = 0;
  unsigned char lo = 0x80, hi = 0xBF;  // range of the second byte
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (i + len > text.size()) return 0;
  if (byte(i + 1) < lo || byte(i + 1) > hi) return 0;
  for (size_t k = 2; k < len; ++k) {
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
  }
  return len;
}

// Refuses NUL and control bytes and invalid UTF-8; `where_fixed` (if not empty) replaces the position.
absl::Status CheckText(const std::string& text, const std::string& source, const std::string& where_fixed) {
  int64_t line = 1, col = 1;
  auto where = [&] { return where_fixed.empty() ? Position(source, line, col) : where_fixed; };
  for (size_t i = 0; i < text.size();) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == 0) return ConfigError(where(), "", "NUL byte: a config must be UTF-8 text");
    if (c < 0x80) {
      if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F) {
        return ConfigError(where(), "",
                           absl::StrFormat("control byte 0x%02x: a config must be UTF-8 text", c));
      }
      ++i;
      if (c == '\n') {
        ++line;
        col = 1;
      } else {
        ++col;
      }
      continue;
    }
    const size_t len = Utf8Length(text, i);
    if (len == 0) {
      return ConfigError(where(), "",
                         absl::StrFormat("invalid UTF-8 byte 0x%02x: a config must be UTF-8 text", c));
    }
    i += len;
    ++col;
  }
  return absl::OkStatus();
}

class Converter {
 public:
  Converter(std::string source, std::string where_fixed)
      : source_(std::move(source)), where_fixed_(std::move(where_fixed)) {}

  // Converts `in` (at key path `path`) into *out.
  absl::Status Convert(const YAML::Node& in, int depth, const std::string& fallback, const std::string& path,
                       YamlNode* out) {
    out->where = Where(in.Mark(), fallback);
    if (++visited_ > kMaxYamlNodes) {
      return ConfigError(out->where, "",
                         absl::StrCat("more than ", kMaxYamlNodes, " nodes once aliases are expanded"));
    }
    if (depth > kMaxYamlDepth) {
      return ConfigError(out->where, "", absl::StrCat("nesting deeper than ", kMaxYamlDepth, " levels"));
    }
    switch (in.Type()) {
      case YAML::NodeType::Undefined:
      case YAML::NodeType::Null:
        out->kind = YamlNode::Kind::kNull;
        out->where = fallback;  // an empty value: point at its key
        return absl::OkStatus();
      case YAML::NodeType::Scalar:
        out->kind = YamlNode::Kind::kScalar;
        scalar_bytes_ += static_cast<int64_t>(in.Scalar().size());
        if (scalar_bytes_ > kMaxYamlScalarBytes) {
          return ConfigError(
              out->where, "",
              absl::StrCat("more than ", kMaxYamlScalarBytes, " bytes of values once aliases are expanded"));
        }
        out->scalar = in.Scalar();
        out->quoted = in.Tag() == "!" || in.Tag() == "tag:yaml.org,2002:str";
        return absl::OkStatus();
      case YAML::NodeType::Sequence:
        out->kind = YamlNode::Kind::kSequence;
        for (const YAML::Node& item : in) {
          out->items.emplace_back();
          CONFIGS_RETURN_IF_ERROR(Convert(item, depth + 1, out->where, path, &out->items.back()));
        }
        return absl::OkStatus();
      case YAML::NodeType::Map:
        return ConvertMap(in, depth, path, out);
    }
    return absl::OkStatus();
  }

 private:
  absl::Status ConvertMap(const YAML::Node& in, int depth, const std::string& path, YamlNode* out) {
    out->kind = YamlNode::Kind::kMap;
    absl::flat_hash_map<std::string, std::string> first_seen;
    for (auto it = in.begin(); it != in.end(); ++it) {
      const std::string key_where = Where(it->first.Mark(), out->where);
      if (++visited_ > kMaxYamlNodes) {
        return ConfigError(key_where, "",
                           absl::StrCat("more than ", kMaxYamlNodes, " nodes once aliases are expanded"));
      }
      if (!it->first.IsScalar()) return ConfigError(key_where, "", "map keys must be plain scalars");
      const std::string key = it->first.Scalar();
      const std::string key_path = path.empty() ? key : absl::StrCat(path, ".", key);
      if (auto [pos, inserted] = first_seen.emplace(key, key_where); !inserted) {
        return ConfigError(key_where, key_path,
                           absl::StrCat("duplicate key (first defined at ", pos->second, ")"));
      }
      out->entries.push_back({key, key_where, {}});
      CONFIGS_RETURN_IF_ERROR(
          Convert(it->second, depth + 1, key_where, key_path, &out->entries.back().value));
    }
    return absl::OkStatus();
  }

  std::string Where(const YAML::Mark& mark, const std::string& fallback) const {
    if (!where_fixed_.empty()) return where_fixed_;
    if (mark.line < 0 || mark.column < 0) return fallback;
    return Position(source_, mark.line + 1, mark.column + 1);
  }

  std::string source_;
  std::string where_fixed_;
  int64_t visited_ = 0;
  int64_t scalar_bytes_ = 0;
};

absl::StatusOr<YamlNode> Parse(const std::string& text, const std::string& source, const std::string& fixed) {
  const std::string start = fixed.empty() ? Position(source, 1, 1) : fixed;
  if (static_cast<int64_t>(text.size()) > kMaxYamlBytes) {
    return ConfigError(
        start, "",
        absl::StrCat("text of ", text.size(), " bytes is over the limit of ", kMaxYamlBytes, " bytes"));
  }
  CONFIGS_RETURN_IF_ERROR(CheckText(text, source, fixed));
  auto at = [&](const YAML::Mark& m) {
    return fixed.empty() && m.line >= 0 ? Position(source, m.line + 1, m.column + 1) : start;
  };
  try {
    YAML::Node root = YAML::Load(text);
    YamlNode out;
    Converter converter(source, fixed);
    CONFIGS_RETURN_IF_ERROR(converter.Convert(root, 0, start, "", &out));
    return out;
  } catch (const YAML::DeepRecursion& e) {
    return ConfigError(at(e.mark), "", absl::StrCat("nesting deeper than ", kMaxYamlDepth, " levels"));
  } catch (const YAML::Exception& e) {
    return ConfigError(at(e.mark), "", absl::StrCat("invalid YAML: ", e.msg));
  } catch (const std::exception& e) {
    return ConfigError(start, "", absl::StrCat("cannot parse YAML: ", e.what()));
  } catch (...) {
    return ConfigError(start, "", "cannot parse YAML");
  }
}

}  // namespace

const YamlNode* YamlNode::Find(const std::string& key) const {
  for (const YamlEntry& e : entries) {
    if (e.key == key) return &e.value;
  }
  return nullptr;
}

YamlNode* YamlNode::FindMutable(const std::string& key) {
  for (YamlEntry& e : entries) {
    if (e.key == key) return &e.value;
  }
  return nullptr;
}

absl::Status ConfigError(const std::string& where, const std::string& path, const std::string& what) {
  if (path.empty()) return absl::InvalidArgumentError(absl::StrCat(where, ": ", what));
  return absl::InvalidArgumentError(absl::StrCat(where, ": ", path, ": ", what));
}

absl::StatusOr<YamlNode> ParseYaml(const std::string& text, const std::string& source) {
  return Parse(text, source, "");
}

absl::StatusOr<YamlNode> ParseYamlValue(const std::string& text, const std::string& where) {
  return Parse(text, where, where);
}

absl::StatusOr<YamlNode> ReadYamlFile(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    const std::string why = std::strerror(errno);
    if (errno == ENOENT) return absl::NotFoundError(absl::StrCat(path, ": cannot read config: ", why));
    return absl::PermissionDeniedError(absl::StrCat(path, ": cannot read config: ", why));
  }
  if (S_ISDIR(st.st_mode)) return ConfigError(path, "", "is a directory, not a config file");
  if (st.st_size > kMaxYamlBytes) {
    return ConfigError(
        Position(path, 1, 1), "",
        absl::StrCat("file of ", st.st_size, " bytes is over the limit of ", kMaxYamlBytes, " bytes"));
  }
  std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (f == nullptr) {
    return absl::PermissionDeniedError(absl::StrCat(path, ": cannot read config: ", std::strerror(errno)));
  }
  std::string text(static_cast<size_t>(kMaxYamlBytes) + 1, '\0');
  const size_t n = std::fread(text.data(), 1, text.size(), f.get());
  if (std::ferror(f.get())) {
    return absl::DataLossError(absl::StrCat(path, ": cannot read config: read error"));
  }
  text.resize(n);
  return ParseYaml(text, path);
}

int EditDistance(const std::string& a, const std::string& b) {
  std::vector<int> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = static_cast<int>(j);
  for (size_t i = 1; i <= a.size(); ++i) {
    int diag = row[0];
    row[0] = static_cast<int>(i);
    for (size_t j = 1; j <= b.size(); ++j) {
      const int up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

std::string SuggestFrom(const std::string& word, const std::vector<std::string>& known) {
  const std::string* best = nullptr;
  int best_distance = 0;
  for (const std::string& k : known) {
    const int d = EditDistance(word, k);
    if (best == nullptr || d < best_distance) {
      best = &k;
      best_distance = d;
    }
  }
  const int limit = std::max<int>(2, static_cast<int>(word.size()) / 3);
  if (best != nullptr && best_distance <= limit) return absl::StrCat("did you mean '", *best, "'?");
  if (word.size() >= 3 && word.size() <= 64) {
    for (const std::string& k : known) {
      if (k.find(word) != std::string::npos || word.find(k) != std::string::npos) {
        return absl::StrCat("did you mean '", k, "'?");
      }
    }
  }
  return absl::StrCat("expected one of: ", absl::StrJoin(known, ", "));
}

}  // namespace configs
