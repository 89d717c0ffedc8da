#include "estimator/export_json.h"

#include <set>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace estimator::export_json {
namespace {

using Json = nlohmann::json;
using OrderedJson = nlohmann::ordered_json;

absl::Status FieldError(const std::string& source, const std::string& field, const std::string& what) {
  return absl::InvalidArgumentError(absl::StrCat(source, ": ", field, ": ", what));
}

// The member `key` of object `j` with the JSON type `type`, or an error naming `path`.key.
absl::StatusOr<const Json*> Member(const Json& j, const std::string& key, Json::value_t type,
                                   const std::string& source, const std::string& path) {
  const std::string field = path.empty() ? key : absl::StrCat(path, ".", key);
  if (!j.is_object()) return FieldError(source, path.empty() ? "(top level)" : path, "expected an object");
  auto it = j.find(key);
  if (it == j.end()) return FieldError(source, field, "missing");
  const bool ok = type == Json::value_t::number_integer
                      ? (it->is_number_integer())
                      : (type == Json::value_t::number_float ? it->is_number() : it->type() == type);
  if (!ok)
    return FieldError(source, field,
                      absl::StrCat("expected ", Json(type).type_name(), ", got ", it->type_name()));
  return &*it;
}

absl::StatusOr<std::string> GetString(const Json& j, const std::string& key, const std::string& source,
                                      const std::string& path) {
  auto m = Member(j, key, Json::value_t::string, source, path);
  if (!m.ok()) return m.status();
  return (*m)->get<std::string>();
}

absl::StatusOr<int64_t> GetInt(const Json& j, const std::string& key, const std::string& source,
                               const std::string& path) {
  auto m = Member(j, key, Json::value_t::number_integer, source, path);
  if (!m.ok()) return m.status();
  return (*m)->get<int64_t>();
}

OrderedJson SpecToJson(const TensorSpec& spec) {
  OrderedJson j;
  j["name"] = spec.name;
  j["tensor"] = spec.tensor;
  j["dtype"] = graph::DTypeName(spec.dtype);
  OrderedJson dims = OrderedJson::array();
  for (int64_t d : spec.shape.dims()) dims.push_back(d);
  j["shape"] = std::move(dims);
  return j;
}

absl::StatusOr<TensorSpec> SpecFromJson(const Json& j, const std::string& source, const std::string& path) {
  TensorSpec spec;
  auto name = GetString(j, "name", source, path);
  if (!name.ok()) return name.status();
  if (name->empty()) return FieldError(source, path + ".name", "must not be empty");
  spec.name = *name;
  auto tensor = GetString(j, "tensor", source, path);
  if (!tensor.ok()) return tensor.status();
  spec.tensor = *tensor;
  auto dtype_name = GetString(j, "dtype", source, path);
  if (!dtype_name.ok()) return dtype_name.status();
  auto dtype = ParseDType(*dtype_name);
  if (!dtype.ok()) return FieldError(source, path + ".dtype", std::string(dtype.status().message()));
  spec.dtype = *dtype;
  auto shape = Member(j, "shape", Json::value_t::array, source, path);
  if (!shape.ok()) return shape.status();
  for (size_t i = 0; i < (*shape)->size(); ++i) {
    const Json& d = (**shape)[i];
    if (!d.is_number_integer() || d.get<int64_t>() < -1 || d.get<int64_t>() > (int64_t{1} << 40)) {
      return FieldError(source, absl::StrCat(path, ".shape[", i, "]"),
                        absl::StrCat("expected a dim >= 0 or -1 (the batch), got ", d.dump()));
    }
    spec.shape.AddDim(d.get<int64_t>());
  }
  return spec;
}

absl::Status SpecsFromJson(const Json& j, const std::string& key, const std::string& source,
                           std::vector<TensorSpec>* specs) {
  auto list = Member(j, key, Json::value_t::array, source, "");
  if (!list.ok()) return list.status();
  if ((*list)->empty()) return FieldError(source, key, "must list at least one tensor");
  std::set<std::string> names;
  for (size_t i = 0; i < (*list)->size(); ++i) {
    const std::string path = absl::StrCat(key, "[", i, "]");
    auto spec = SpecFromJson((**list)[i], source, path);
    if (!spec.ok()) return spec.status();
    if (!names.insert(spec->name).second) {
      return FieldError(source, path + ".name", absl::StrCat("duplicate name '", spec->name, "'"));
    }
    specs->push_back(*std::move(spec));
  }
  return absl::OkStatus();
}

}  // namespace

std::string ToText(const OrderedJson& j) {
  if (!j.is_object() || j.empty()) return j.dump() + "\n";
  std::string out = "{\n";
  size_t i = 0;
  for (const auto& [key, value] : j.items()) {
    out += "  " + OrderedJson(key).dump() + ": ";
    const bool list_of_objects = value.is_array() && !value.empty() && value[0].is_object();
    const bool object_of_objects = value.is_object() && !value.empty() && value.begin()->is_object();
    if (list_of_objects || object_of_objects) {
      out += list_of_objects ? "[\n" : "{\n";
      size_t k = 0;
      for (const auto& [member, element] : value.items()) {
        out += "    " + (object_of_objects ? OrderedJson(member).dump() + ": " : "") + element.dump();
        out += ++k < value.size() ? ",\n" : "\n";
      }
      out += list_of_objects ? "  ]" : "  }";
    } else {
      out += value.dump();
    }
    out += ++i < j.size() ? ",\n" : "\n";
  }
  return out + "}\n";
}

absl::StatusOr<graph::DType> ParseDType(const std::string& name) {
  for (graph::DType t : {graph::DType::kFloat32, graph::DType::kInt32, graph::DType::kInt64,
                         graph::DType::kBool, graph::DType::kBFloat16}) {
    if (name == graph::DTypeName(t)) return t;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unknown dtype '", name, "' (expected f32, i32, i64, bool or bf16)"));
}

OrderedJson SignatureToJson(const Signature& signature) {
  OrderedJson j;
  j["inputs"] = OrderedJson::array();
  for (const TensorSpec& s : signature.inputs) j["inputs"].push_back(SpecToJson(s));
  j["outputs"] = OrderedJson::array();
  for (const TensorSpec& s : signature.outputs) j["outputs"].push_back(SpecToJson(s));
  return j;
}

absl::StatusOr<Signature> SignatureFromJson(const Json& j, const std::string& source) {
  Signature sig;
  if (absl::Status st = SpecsFromJson(j, "inputs", source, &sig.inputs); !st.ok()) return st;
  if (absl::Status st = SpecsFromJson(j, "outputs", source, &sig.outputs); !st.ok()) return st;
  return sig;
}

OrderedJson MetadataToJson(const ExportMetadata& m, const std::map<std::string, FileDigest>& files) {
  OrderedJson j;
  j["format"] = kExportFormatName;
  j["format_version"] = m.format_version;
  j["global_step"] = m.global_step;
  j["checkpoint"] = m.checkpoint;
  j["created"] = m.created;
  j["has_onnx"] = m.has_onnx;
  OrderedJson metrics = OrderedJson::object();
  for (const auto& [k, v] : m.eval_metrics) metrics[k] = v;
  j["eval_metrics"] = std::move(metrics);
  j["rewrites"] = m.rewrites;
  OrderedJson f = OrderedJson::object();
  for (const auto& [name, d] : files) {
    f[name] = {{"bytes", d.bytes}, {"crc32c", absl::StrFormat("%08x", d.crc32c)}};
  }
  j["files"] = std::move(f);
  j["config"] = m.config;
  return j;
}

absl::StatusOr<ExportMetadata> MetadataFromJson(const Json& j, const std::string& source,
                                                std::map<std::string, FileDigest>* files) {
  ExportMetadata m;
  auto format = GetString(j, "format", source, "");
  if (!format.ok()) return format.status();
  if (*format != kExportFormatName) {
    return FieldError(
        source, "format",
        absl::StrCat("'", *format, "' is not an export of this library ('", kExportFormatName, "')"));
  }
  auto version = GetInt(j, "format_version", source, "");
  if (!version.ok()) return version.status();
  if (*version > kExportFormatVersion) {
    return absl::FailedPreconditionError(
        absl::StrCat(source, ": format_version ", *version, " is newer than this library reads (up to ",
                     kExportFormatVersion, "); load it with a newer version"));
  }
  if (*version < 1) return FieldError(source, "format_version", absl::StrCat("invalid version ", *version));
  m.format_version = static_cast<int>(*version);
  auto step = GetInt(j, "global_step", source, "");
  if (!step.ok()) return step.status();
  m.global_step = *step;
  for (auto [key, dst] : {std::pair{"checkpoint", &m.checkpoint}, std::pair{"created", &m.created},
                          std::pair{"config", &m.config}}) {
    auto v = GetString(j, key, source, "");
    if (!v.ok()) return v.status();
    *dst = *v;
  }
  auto onnx = Member(j, "has_onnx", Json::value_t::boolean, source, "");
  if (!onnx.ok()) return onnx.status();
  m.has_onnx = (*onnx)->get<bool>();
  auto metrics = Member(j, "eval_metrics", Json::value_t::object, source, "");
  if (!metrics.ok()) return metrics.status();
  for (const auto& [k, v] : (*metrics)->items()) {
    if (!v.is_number()) return FieldError(source, "eval_metrics." + k, "expected a number");
    m.eval_metrics[k] = v.get<double>();
  }
  auto rewrites = Member(j, "rewrites", Json::value_t::array, source, "");
  if (!rewrites.ok()) return rewrites.status();
  for (const Json& r : **rewrites) {
    if (!r.is_string()) return FieldError(source, "rewrites", "expected strings");
    m.rewrites.push_back(r.get<std::string>());
  }
  auto listed = Member(j, "files", Json::value_t::object, source, "");
  if (!listed.ok()) return listed.status();
  for (const auto& [name, d] : (*listed)->items()) {
    const std::string path = "files." + name;
    if (name.empty() || name.find('/') != std::string::npos || name[0] == '.') {
      return FieldError(source, path, "not a file name of the export directory");
    }
    auto bytes = GetInt(d, "bytes", source, path);
    if (!bytes.ok()) return bytes.status();
    auto crc = GetString(d, "crc32c", source, path);
    if (!crc.ok()) return crc.status();
    uint32_t value = 0;
    if (crc->size() != 8 || crc->find_first_not_of("0123456789abcdef") != std::string::npos) {
      return FieldError(source, path + ".crc32c",
                        absl::StrCat("expected 8 lowercase hex digits, got '", *crc, "'"));
    }
    value = static_cast<uint32_t>(std::stoul(*crc, nullptr, 16));
    if (*bytes < 0) return FieldError(source, path + ".bytes", "must be >= 0");
    (*files)[name] = FileDigest{static_cast<uint64_t>(*bytes), value};
  }
  return m;
}

}  // namespace estimator::export_json
