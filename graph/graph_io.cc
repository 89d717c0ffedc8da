// SerializeGraph / DeserializeGraph: the JSON text form described in docs/GRAPH_FORMAT.md.
//
// The reader trusts nothing: every field is type-checked before it is read, every node is checked the way
// Scope::AddOp checks it (op kind, input count, inputs that precede it, attributes per graph/op_attrs.h,
// control-flow structure) before its shape function runs, and the declared output types must equal the
// inferred ones. Only then is the node appended with Graph::AddNode.
#include "graph/graph_io.h"

#include <bit>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "graph/op_attrs.h"
#include "graph/op_registry.h"
#include "nlohmann/json.hpp"

namespace graph {
namespace {

// Keeps object keys in the order written, so a file reads top-down (name, op, inputs, ...) and attributes
// keep their builder order through a round trip.
using Json = nlohmann::ordered_json;

// Limits that keep a malformed file from asking for absurd sizes (a shape function multiplies dims).
constexpr int kMaxRank = 32;
constexpr int64_t kMaxDim = int64_t{1} << 40;
constexpr int64_t kMaxElements = int64_t{1} << 48;
// Control flow nested deeper than this is refused (the reader recurses once per level).
constexpr int kMaxSubgraphDepth = 32;

// ---------------------------------------------------------------------------------------------------------
// Numbers. Finite floating-point values are JSON numbers that convert back exactly; NaN and infinities are
// strings: "inf", "-inf", "nan" / "-nan" (the canonical quiet NaN, with or without the sign bit) and
// "nan:0x<bits>" for any other NaN, so that every bit pattern survives.

struct FloatFormat {
  const char* name;
  int hex_digits;
  uint64_t sign, exponent, mantissa, quiet_nan;
};
constexpr FloatFormat kF64 = {
    "float", 16, uint64_t{1} << 63, 0x7ff0000000000000u, 0x000fffffffffffffu, 0x7ff8000000000000u};
constexpr FloatFormat kF32 = {"f32", 8, 0x80000000u, 0x7f800000u, 0x007fffffu, 0x7fc00000u};
constexpr FloatFormat kBF16 = {"bf16", 4, 0x8000u, 0x7f80u, 0x007fu, 0x7fc0u};

// The string for a NaN or infinity, or nullopt for a finite value.
std::optional<std::string> SpecialToString(uint64_t bits, const FloatFormat& f) {
  if ((bits & f.exponent) != f.exponent) return std::nullopt;
  const bool negative = (bits & f.sign) != 0;
  if ((bits & f.mantissa) == 0) return negative ? "-inf" : "inf";
  if ((bits & ~f.sign) == f.quiet_nan) return negative ? "-nan" : "nan";
  std::string hex(static_cast<size_t>(f.hex_digits), '0');
  for (int i = f.hex_digits - 1; i >= 0; --i, bits >>= 4)
    hex[static_cast<size_t>(i)] = "0123456789abcdef"[bits & 15];
  return absl::StrCat("nan:0x", hex);
}

// The bits a special string stands for; an error message for anything else.
absl::StatusOr<uint64_t> SpecialFromString(const std::string& s, const FloatFormat& f) {
  if (s == "inf") return f.exponent;
  if (s == "-inf") return f.sign | f.exponent;
  if (s == "nan") return f.quiet_nan;
  if (s == "-nan") return f.sign | f.quiet_nan;
  if (s.size() == static_cast<size_t>(6 + f.hex_digits) && s.compare(0, 6, "nan:0x") == 0) {
    uint64_t bits = 0;
    auto r = std::from_chars(s.data() + 6, s.data() + s.size(), bits, 16);
    if (r.ec == std::errc() && r.ptr == s.data() + s.size() && (bits & f.exponent) == f.exponent &&
        (bits & f.mantissa) != 0) {
      return bits;
    }
  }
  return absl::InvalidArgumentError(absl::StrCat("\"", s, "\" is not a ", f.name,
                                                 " value (numbers, \"inf\", \"-inf\", \"nan\", \"-nan\" or "
                                                 "\"nan:0x<",
                                                 f.hex_digits, " hex digits>\")"));
}

// The shortest decimal that converts back to exactly `f` (checked, else the exact double of `f`).
double ShortestDoubleOf(float f) {
  char buf[64];
  const auto end = std::to_chars(buf, buf + sizeof buf, f).ptr;
  double d = 0;
  std::from_chars(buf, end, d);
  return std::bit_cast<uint32_t>(static_cast<float>(d)) == std::bit_cast<uint32_t>(f)
             ? d
             : static_cast<double>(f);
}

Json DoubleToJson(double d) {
  if (auto s = SpecialToString(std::bit_cast<uint64_t>(d), kF64)) return *s;
  return d;
}

Json FloatToJson(float f) {
  if (auto s = SpecialToString(std::bit_cast<uint32_t>(f), kF32)) return *s;
  return ShortestDoubleOf(f);
}

Json BFloat16ToJson(bfloat16 b) {
  if (auto s = SpecialToString(b.bits, kBF16)) return *s;
  return ShortestDoubleOf(static_cast<float>(b));
}

absl::StatusOr<double> JsonToDouble(const Json& j) {
  if (j.is_number()) return j.get<double>();
  if (j.is_string()) {
    auto bits = SpecialFromString(j.get_ref<const std::string&>(), kF64);
    if (!bits.ok()) return bits.status();
    return std::bit_cast<double>(*bits);
  }
  return absl::InvalidArgumentError(absl::StrCat("expected a number, got ", j.type_name()));
}

absl::StatusOr<float> JsonToFloat(const Json& j) {
  if (j.is_string()) {
    auto bits = SpecialFromString(j.get_ref<const std::string&>(), kF32);
    if (!bits.ok()) return bits.status();
    return std::bit_cast<float>(static_cast<uint32_t>(*bits));
  }
  if (!j.is_number())
    return absl::InvalidArgumentError(absl::StrCat("expected a number, got ", j.type_name()));
  const double d = j.get<double>();
  const float f = static_cast<float>(d);
  if (std::isinf(f)) return absl::InvalidArgumentError(absl::StrCat(d, " is outside the f32 range"));
  return f;
}

absl::StatusOr<bfloat16> JsonToBFloat16(const Json& j) {
  if (j.is_string()) {
    auto bits = SpecialFromString(j.get_ref<const std::string&>(), kBF16);
    if (!bits.ok()) return bits.status();
    bfloat16 b;
    b.bits = static_cast<uint16_t>(*bits);
    return b;
  }
  auto f = JsonToFloat(j);
  if (!f.ok()) return f.status();
  const bfloat16 b(*f);
  if (std::isinf(static_cast<float>(b))) {
    return absl::InvalidArgumentError(absl::StrCat(*f, " is outside the bf16 range"));
  }
  return b;
}

absl::StatusOr<int64_t> JsonToInt(const Json& j) {
  if (j.is_number_unsigned()) {
    const uint64_t u = j.get<uint64_t>();
    if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return absl::InvalidArgumentError(absl::StrCat(u, " does not fit in a 64-bit signed integer"));
    }
    return static_cast<int64_t>(u);
  }
  if (j.is_number_integer()) return j.get<int64_t>();
  return absl::InvalidArgumentError(
      absl::StrCat("expected an integer, got ", j.is_number() ? j.dump() : std::string(j.type_name())));
}

// One value of a tensor of element type T.
template <typename T>
absl::StatusOr<T> JsonToElement(const Json& j) {
  if constexpr (std::is_same_v<T, float>) {
    return JsonToFloat(j);
  } else if constexpr (std::is_same_v<T, bfloat16>) {
    return JsonToBFloat16(j);
  } else if constexpr (std::is_same_v<T, bool>) {
    if (!j.is_boolean()) {
      return absl::InvalidArgumentError(absl::StrCat("expected true or false, got ", j.type_name()));
    }
    return j.get<bool>();
  } else {
    auto i = JsonToInt(j);
    if (!i.ok()) return i.status();
    if (*i < std::numeric_limits<T>::min() || *i > std::numeric_limits<T>::max()) {
      return absl::InvalidArgumentError(
          absl::StrCat(*i, " is outside the ", DTypeName(kDTypeOf<T>), " range"));
    }
    return static_cast<T>(*i);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Shared encodings of names, dtypes and shapes.

absl::StatusOr<DType> DTypeFromName(const std::string& name) {
  for (DType t : {DType::kFloat32, DType::kInt32, DType::kInt64, DType::kBool, DType::kBFloat16}) {
    if (name == DTypeName(t)) return t;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unknown dtype \"", name, "\"; known: f32, i32, i64, bool, bf16"));
}

Json ShapeToJson(const Shape& s) {
  Json dims = Json::array();
  for (int64_t d : s.dims()) dims.push_back(d);
  return dims;
}

// A shape: an array of at most kMaxRank dims, each >= 0 (or -1, the unknown dim, when `allow_unknown`),
// whose known dims multiply to at most kMaxElements.
absl::StatusOr<Shape> JsonToShape(const Json& j, bool allow_unknown) {
  if (!j.is_array())
    return absl::InvalidArgumentError(absl::StrCat("shape: expected an array, got ", j.type_name()));
  if (j.size() > static_cast<size_t>(kMaxRank)) {
    return absl::InvalidArgumentError(absl::StrCat("shape has rank ", j.size(), "; at most ", kMaxRank));
  }
  Shape shape;
  int64_t known = 1;
  for (size_t i = 0; i < j.size(); ++i) {
    auto d = JsonToInt(j[i]);
    if (!d.ok()) return absl::InvalidArgumentError(absl::StrCat("shape dim ", i, ": ", d.status().message()));
    if (*d < (allow_unknown ? -1 : 0) || *d > kMaxDim) {
      return absl::InvalidArgumentError(absl::StrCat("shape dim ", i, " is ", *d, "; expected ",
                                                     allow_unknown ? "-1 (unknown) or " : "", "0 to ",
                                                     kMaxDim));
    }
    if (*d > 0) {
      if (known > kMaxElements / *d) {
        return absl::InvalidArgumentError(
            absl::StrCat("shape ", j.dump(), " has more than ", kMaxElements, " elements"));
      }
      known *= *d;
    }
    shape.AddDim(*d);
  }
  return shape;
}

// "name" for output 0, else "name:index"; also "name:0" when the name itself contains ':', so that
// ParseRef splits it back correctly.
std::string RefString(const Output& o) {
  const std::string& name = o.node->name();
  if (o.index == 0 && name.find(':') == std::string::npos) return name;
  return absl::StrCat(name, ":", o.index);
}

struct Ref {
  std::string name;
  int64_t index = 0;
};

// Splits "name:index" at the last ':' when digits follow it; otherwise the whole string names output 0.
Ref ParseRef(const std::string& s) {
  const size_t colon = s.rfind(':');
  if (colon != std::string::npos && colon + 1 < s.size() && s.size() - colon - 1 <= 9) {
    int64_t index = 0;
    auto r = std::from_chars(s.data() + colon + 1, s.data() + s.size(), index);
    if (r.ec == std::errc() && r.ptr == s.data() + s.size() && s[colon + 1] != '-' && s[colon + 1] != '+') {
      return {s.substr(0, colon), index};
    }
  }
  return {s, 0};
}

std::string TypeString(const TensorType& t) { return absl::StrCat(DTypeName(t.dtype), t.shape.ToString()); }

// ---------------------------------------------------------------------------------------------------------
// Layout. nlohmann's indented output puts every array element on its own line; a graph reads better with
// short containers (attributes, output types, shapes) and every list of numbers on one line.

constexpr size_t kLineWidth = 100;

// Appends `j` on one line; gives up (returning false) once `out` grows past `limit` characters.
bool AppendOneLine(const Json& j, std::string* out, size_t limit) {
  if (!j.is_structured()) {
    *out += j.dump();
    return out->size() <= limit;
  }
  const bool object = j.is_object();
  *out += object ? '{' : '[';
  bool first = true;
  for (const auto& item : j.items()) {
    if (!first) *out += ", ";
    first = false;
    if (object) absl::StrAppend(out, Json(item.key()).dump(), ": ");
    if (!AppendOneLine(item.value(), out, limit)) return false;
  }
  *out += object ? '}' : ']';
  return out->size() <= limit;
}

void AppendPretty(const Json& j, int indent, int level, std::string* out) {
  const size_t used = static_cast<size_t>(indent * level);
  bool scalars = j.is_array();
  for (const Json& e : j) scalars &= !e.is_structured();
  std::string line;
  if (!j.is_structured() || j.empty() || scalars ||
      AppendOneLine(j, &line, used < kLineWidth ? kLineWidth - used : 0)) {
    if (line.empty()) AppendOneLine(j, &line, std::string::npos);
    *out += line;
    return;
  }
  const bool object = j.is_object();
  const std::string pad(static_cast<size_t>(indent * (level + 1)), ' ');
  *out += object ? "{\n" : "[\n";
  bool first = true;
  for (const auto& item : j.items()) {
    if (!first) *out += ",\n";
    first = false;
    *out += pad;
    if (object) absl::StrAppend(out, Json(item.key()).dump(), ": ");
    AppendPretty(item.value(), indent, level + 1, out);
  }
  absl::StrAppend(out, "\n", std::string(used, ' '), object ? "}" : "]");
}

// ---------------------------------------------------------------------------------------------------------
// Writer.

class Writer {
 public:
  Writer(const GraphWriteOptions& options, SerializedGraph* out) : options_(options), out_(out) {}

  absl::StatusOr<Json> WriteNodes(const Graph& g) {
    Json nodes = Json::array();
    for (const auto& node : g.nodes()) {
      auto n = WriteNode(*node);
      if (!n.ok()) return n.status();
      nodes.push_back(*std::move(n));
    }
    return nodes;
  }

 private:
  absl::StatusOr<Json> WriteNode(const Node& n) {
    if (absl::Status st = ValidateOpAttrs(n.kind(), n.attrs()); !st.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("SerializeGraph: ", n.Describe(), ": ", st.message()));
    }
    Json j = Json::object();
    j["name"] = n.name();
    j["op"] = OpKindName(n.kind());
    if (n.num_inputs() > 0) {
      Json inputs = Json::array();
      for (const Output& in : n.inputs()) inputs.push_back(RefString(in));
      j["inputs"] = std::move(inputs);
    }
    if (!n.control_inputs().empty()) {
      Json deps = Json::array();
      for (const Node* d : n.control_inputs()) deps.push_back(d->name());
      j["control_inputs"] = std::move(deps);
    }
    if (!n.attrs().items().empty()) {
      Json attrs = Json::object();
      for (const auto& [name, value] : n.attrs().items()) {
        attrs[name] = WriteAttr(n, name, value);
      }
      j["attrs"] = std::move(attrs);
    }
    Json outputs = Json::array();
    for (int i = 0; i < n.num_outputs(); ++i) {
      outputs.push_back(
          Json{{"dtype", DTypeName(n.output_type(i).dtype)}, {"shape", ShapeToJson(n.output_type(i).shape)}});
    }
    j["outputs"] = std::move(outputs);
    if (!n.subgraphs().empty()) {
      Json subgraphs = Json::array();
      for (const Graph* g : n.subgraphs()) {
        auto s = WriteSubgraph(*g);
        if (!s.ok()) return s.status();
        subgraphs.push_back(*std::move(s));
      }
      j["subgraphs"] = std::move(subgraphs);
    }
    // A node rebuilt by DeserializeGraph has no location; writing none keeps round trips identical.
    if (options_.include_locations && n.location().line() != 0) j["loc"] = n.Location();
    return j;
  }

  absl::StatusOr<Json> WriteSubgraph(const Graph& g) {
    Json j = Json::object();
    Json args = Json::array(), captures = Json::array(), results = Json::array();
    for (const Output& a : g.args()) args.push_back(a.node->name());
    for (const Output& c : g.captures()) captures.push_back(RefString(c));
    for (const Output& r : g.results()) results.push_back(RefString(r));
    j["args"] = std::move(args);
    j["captures"] = std::move(captures);
    auto nodes = WriteNodes(g);
    if (!nodes.ok()) return nodes.status();
    j["nodes"] = *std::move(nodes);
    j["results"] = std::move(results);
    return j;
  }

  // {"type": ..., "value": ...}. Tensors are valid here (ValidateOpAttrs checked them).
  Json WriteAttr(const Node& n, const std::string& name, const AttrValue& value) {
    Json v;
    switch (AttrTypeOf(value)) {
      case AttrType::kInt:
        v = std::get<int64_t>(value);
        break;
      case AttrType::kFloat:
        v = DoubleToJson(std::get<double>(value));
        break;
      case AttrType::kBool:
        v = std::get<bool>(value);
        break;
      case AttrType::kString:
        v = std::get<std::string>(value);
        break;
      case AttrType::kDType:
        v = DTypeName(std::get<DType>(value));
        break;
      case AttrType::kShape:
        v = ShapeToJson(std::get<Shape>(value));
        break;
      case AttrType::kTensor:
        v = WriteTensor(n, name, std::get<Tensor>(value));
        break;
      case AttrType::kInts:
        v = std::get<std::vector<int64_t>>(value);
        break;
    }
    return Json{{"type", AttrTypeName(AttrTypeOf(value))}, {"value", std::move(v)}};
  }

  Json WriteTensor(const Node& n, const std::string& attr, const Tensor& t) {
    Json j{{"dtype", DTypeName(t.dtype())}, {"shape", ShapeToJson(t.shape())}};
    if (t.num_elements() > options_.max_inline_elements) {
      std::string base =
          n.kind() == OpKind::kConst && attr == "value" ? n.name() : absl::StrCat(n.name(), "/", attr);
      std::string ref = base;
      for (int i = 1; !refs_.insert(ref).second; ++i) ref = absl::StrCat(base, "_", i);
      out_->tensors.emplace_back(ref, t);
      j["ref"] = ref;
      return j;
    }
    Json values = Json::array();
    DispatchDType(t.dtype(), [&](auto tag) {
      using T = decltype(tag);
      for (const T& v : t.flat<T>()) {
        if constexpr (std::is_same_v<T, float>) {
          values.push_back(FloatToJson(v));
        } else if constexpr (std::is_same_v<T, bfloat16>) {
          values.push_back(BFloat16ToJson(v));
        } else {
          values.push_back(v);
        }
      }
    });
    j["values"] = std::move(values);
    return j;
  }

  const GraphWriteOptions& options_;
  SerializedGraph* out_;
  absl::flat_hash_set<std::string> refs_;
};

// ---------------------------------------------------------------------------------------------------------
// Reader.

// `j` as JSON text, shortened to fit in an error message.
std::string Snippet(const Json& j) {
  std::string text;
  if (!AppendOneLine(j, &text, 60)) text.replace(std::min<size_t>(text.size(), 57), std::string::npos, "...");
  return text;
}

// Fails naming the first key of `j` (an object) that is not in `known`.
absl::Status CheckKeys(const Json& j, std::initializer_list<const char*> known) {
  for (const auto& item : j.items()) {
    bool found = false;
    for (const char* k : known) found |= item.key() == k;
    if (!found) {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown field \"", item.key(), "\" (known: ", absl::StrJoin(known, ", "), ")"));
    }
  }
  return absl::OkStatus();
}

const Json* Field(const Json& j, const char* key) {
  auto it = j.find(key);
  return it == j.end() ? nullptr : &*it;
}

// What the reader knows about the subgraph whose nodes it is reading.
struct SubgraphState {
  std::vector<std::string> arg_names;
  std::vector<Output> captures;  // in the parent graph
  size_t num_explicit = 0;
  size_t args_seen = 0;
};

class Reader {
 public:
  Reader(const std::map<std::string, Tensor>& tensors, const std::string& source)
      : tensors_(tensors), source_(source) {}

  absl::StatusOr<std::unique_ptr<Graph>> Read(absl::string_view text) {
    Json j;
    // A key given twice in one object would silently keep one value: refuse it instead.
    std::vector<absl::flat_hash_set<std::string>> keys;
    std::string duplicate;
    auto track = [&](int, Json::parse_event_t event, Json& parsed) {
      using E = Json::parse_event_t;
      if (event == E::object_start) keys.emplace_back();
      if (event == E::object_end && !keys.empty()) keys.pop_back();
      if (event == E::key && !keys.empty() && !keys.back().insert(parsed.get<std::string>()).second &&
          duplicate.empty()) {
        duplicate = parsed.get<std::string>();
      }
      return true;
    };
    try {
      j = Json::parse(text.begin(), text.end(), track);
    } catch (const Json::exception& e) {
      return absl::InvalidArgumentError(absl::StrCat(source_, ": invalid JSON: ", e.what()));
    }
    if (!duplicate.empty()) {
      return Err("", absl::StrCat("invalid JSON: the key \"", duplicate, "\" appears twice in one object"));
    }
    if (!j.is_object())
      return Err("", absl::StrCat("expected a JSON object at the top, got ", j.type_name()));
    const Json* format = Field(j, "format");
    if (format == nullptr || !format->is_string() ||
        format->get_ref<const std::string&>() != kGraphFormatName) {
      return Err("format", absl::StrCat("not a graph file: expected \"format\": \"", kGraphFormatName,
                                        "\", got ", format == nullptr ? "none" : Snippet(*format)));
    }
    const Json* version = Field(j, "version");
    if (version == nullptr) return Err("version", "missing");
    auto v = JsonToInt(*version);
    if (!v.ok()) return Err("version", v.status().message());
    if (*v > kGraphFormatVersion) {
      return absl::FailedPreconditionError(absl::StrCat(
          source_, ": format version ", *v, " is newer than this library reads (", kGraphFormatVersion, ")"));
    }
    if (*v < 1) return Err("version", absl::StrCat(*v, " is not a format version (they start at 1)"));
    if (absl::Status st = CheckKeys(j, {"format", "version", "seed", "nodes"}); !st.ok()) {
      return Err("", st.message());
    }
    auto graph = std::make_unique<Graph>();
    if (const Json* seed = Field(j, "seed")) {
      auto s = JsonToInt(*seed);
      if (!s.ok()) return Err("seed", s.status().message());
      graph->set_seed(*s);
    }
    const Json* nodes = Field(j, "nodes");
    if (nodes == nullptr) return Err("nodes", "missing");
    if (absl::Status st = ReadNodes(*nodes, graph.get(), "", nullptr, 0); !st.ok()) return st;
    return graph;
  }

 private:
  absl::Status Err(const std::string& where, absl::string_view message) const {
    return absl::InvalidArgumentError(where.empty() ? absl::StrCat(source_, ": ", message)
                                                    : absl::StrCat(source_, ": ", where, ": ", message));
  }

  // Reads the node list of `g`. `prefix` locates `g` in messages ("" for the root, else "node 'while' (#4),
  // subgraph 1, "); `sub` is set for subgraphs.
  absl::Status ReadNodes(const Json& nodes, Graph* g, const std::string& prefix, SubgraphState* sub,
                         int depth) {
    if (!nodes.is_array())
      return Err(prefix + "nodes", absl::StrCat("expected an array, got ", nodes.type_name()));
    // Where each name is declared, to tell a reference to a later node from one to no node at all.
    absl::flat_hash_map<std::string, size_t> declared;
    for (size_t i = 0; i < nodes.size(); ++i) {
      const Json* name = nodes[i].is_object() ? Field(nodes[i], "name") : nullptr;
      if (name != nullptr && name->is_string()) declared.try_emplace(name->get<std::string>(), i);
    }
    for (size_t i = 0; i < nodes.size(); ++i) {
      if (absl::Status st = ReadNode(nodes[i], i, declared, g, prefix, sub, depth); !st.ok()) return st;
    }
    return absl::OkStatus();
  }

  // The node of `g` called `name`; `text` is how the file wrote the reference.
  static absl::StatusOr<Node*> FindNode(const Graph& g, const std::string& name, const std::string& text,
                                        const absl::flat_hash_map<std::string, size_t>* declared,
                                        size_t position) {
    if (Node* n = g.FindNode(name)) return n;
    if (declared != nullptr) {
      auto it = declared->find(name);
      if (it != declared->end() && it->second >= position) {
        return absl::InvalidArgumentError(absl::StrCat("'", text, "' refers to node #", it->second,
                                                       ", which does not come before it; inputs must "
                                                       "precede the nodes that use them"));
      }
    }
    return absl::InvalidArgumentError(absl::StrCat("'", text, "' names no node of this graph"));
  }

  // Resolves "name[:index]" to an output of a node already in `g`.
  static absl::StatusOr<Output> ResolveOutput(const Json& j, const Graph& g,
                                              const absl::flat_hash_map<std::string, size_t>* declared,
                                              size_t position) {
    if (!j.is_string())
      return absl::InvalidArgumentError(absl::StrCat("expected a string, got ", j.type_name()));
    const std::string& text = j.get_ref<const std::string&>();
    const Ref ref = ParseRef(text);
    auto n = FindNode(g, ref.name, text, declared, position);
    if (!n.ok()) return n.status();
    if (ref.index >= (*n)->num_outputs()) {
      return absl::InvalidArgumentError(absl::StrCat("'", text, "': output index ", ref.index,
                                                     " is out of range; node '", (*n)->name(), "' has ",
                                                     (*n)->num_outputs(), " output(s)"));
    }
    return Output(*n, static_cast<int>(ref.index));
  }

  absl::StatusOr<std::vector<Output>> ResolveOutputs(const Json* j, const Graph& g, const char* what,
                                                     const absl::flat_hash_map<std::string, size_t>* declared,
                                                     size_t position) const {
    std::vector<Output> out;
    if (j == nullptr) return out;
    if (!j->is_array())
      return absl::InvalidArgumentError(absl::StrCat(what, ": expected an array, got ", j->type_name()));
    for (size_t k = 0; k < j->size(); ++k) {
      auto o = ResolveOutput((*j)[k], g, declared, position);
      if (!o.ok()) return absl::InvalidArgumentError(absl::StrCat(what, " ", k, " ", o.status().message()));
      out.push_back(*o);
    }
    return out;
  }

  absl::StatusOr<AttrMap> ReadAttrs(const Json* j) const {
    AttrMap attrs;
    if (j == nullptr) return attrs;
    if (!j->is_object())
      return absl::InvalidArgumentError(absl::StrCat("attrs: expected an object, got ", j->type_name()));
    for (const auto& item : j->items()) {
      auto v = ReadAttr(item.value());
      if (!v.ok())
        return absl::InvalidArgumentError(absl::StrCat("attr '", item.key(), "': ", v.status().message()));
      attrs.Set(item.key(), *std::move(v));
    }
    return attrs;
  }

  absl::StatusOr<AttrValue> ReadAttr(const Json& j) const {
    if (!j.is_object()) {
      return absl::InvalidArgumentError(
          absl::StrCat("expected {\"type\": ..., \"value\": ...}, got ", j.type_name()));
    }
    if (absl::Status st = CheckKeys(j, {"type", "value"}); !st.ok()) return st;
    const Json* type = Field(j, "type");
    const Json* value = Field(j, "value");
    if (type == nullptr || !type->is_string()) return absl::InvalidArgumentError("\"type\" must be a string");
    if (value == nullptr) return absl::InvalidArgumentError("missing \"value\"");
    auto t = AttrTypeFromName(type->get_ref<const std::string&>());
    if (!t.ok()) return t.status();
    const Json& v = *value;
    switch (*t) {
      case AttrType::kInt: {
        auto i = JsonToInt(v);
        if (!i.ok()) return i.status();
        return AttrValue(*i);
      }
      case AttrType::kFloat: {
        auto d = JsonToDouble(v);
        if (!d.ok()) return d.status();
        return AttrValue(*d);
      }
      case AttrType::kBool:
        if (!v.is_boolean())
          return absl::InvalidArgumentError(absl::StrCat("expected true or false, got ", v.type_name()));
        return AttrValue(v.get<bool>());
      case AttrType::kString:
        if (!v.is_string())
          return absl::InvalidArgumentError(absl::StrCat("expected a string, got ", v.type_name()));
        return AttrValue(v.get<std::string>());
      case AttrType::kDType: {
        if (!v.is_string())
          return absl::InvalidArgumentError(absl::StrCat("expected a dtype name, got ", v.type_name()));
        auto d = DTypeFromName(v.get<std::string>());
        if (!d.ok()) return d.status();
        return AttrValue(*d);
      }
      case AttrType::kShape: {
        auto s = JsonToShape(v, /*allow_unknown=*/true);
        if (!s.ok()) return s.status();
        return AttrValue(*std::move(s));
      }
      case AttrType::kTensor: {
        auto tensor = ReadTensor(v);
        if (!tensor.ok()) return tensor.status();
        return AttrValue(*std::move(tensor));
      }
      case AttrType::kInts: {
        if (!v.is_array())
          return absl::InvalidArgumentError(
              absl::StrCat("expected an array of integers, got ", v.type_name()));
        std::vector<int64_t> ints;
        for (size_t k = 0; k < v.size(); ++k) {
          auto i = JsonToInt(v[k]);
          if (!i.ok())
            return absl::InvalidArgumentError(absl::StrCat("entry ", k, ": ", i.status().message()));
          ints.push_back(*i);
        }
        return AttrValue(std::move(ints));
      }
    }
    return absl::InvalidArgumentError("unknown attribute type");
  }

  absl::StatusOr<Tensor> ReadTensor(const Json& j) const {
    if (!j.is_object())
      return absl::InvalidArgumentError(absl::StrCat("tensor: expected an object, got ", j.type_name()));
    if (absl::Status st = CheckKeys(j, {"dtype", "shape", "values", "ref"}); !st.ok()) return st;
    const Json* dtype_json = Field(j, "dtype");
    const Json* shape_json = Field(j, "shape");
    if (dtype_json == nullptr || !dtype_json->is_string()) {
      return absl::InvalidArgumentError("tensor: \"dtype\" must be a dtype name");
    }
    auto dtype = DTypeFromName(dtype_json->get<std::string>());
    if (!dtype.ok()) return dtype.status();
    if (shape_json == nullptr) return absl::InvalidArgumentError("tensor: missing \"shape\"");
    auto shape = JsonToShape(*shape_json, /*allow_unknown=*/false);
    if (!shape.ok()) return shape.status();
    const std::string declared = absl::StrCat(DTypeName(*dtype), shape->ToString());
    const Json* ref = Field(j, "ref");
    const Json* values = Field(j, "values");
    if ((ref == nullptr) == (values == nullptr)) {
      return absl::InvalidArgumentError(
          "tensor: needs exactly one of \"values\" (inline) and \"ref\" (external)");
    }
    if (ref != nullptr) {
      if (!ref->is_string()) return absl::InvalidArgumentError("tensor: \"ref\" must be a string");
      const std::string& name = ref->get_ref<const std::string&>();
      auto it = tensors_.find(name);
      if (it == tensors_.end()) {
        return absl::InvalidArgumentError(absl::StrCat("external tensor '", name, "' (", declared,
                                                       ") is missing from the ", tensors_.size(),
                                                       " tensor(s) given"));
      }
      const Tensor& t = it->second;
      if (!t.IsValid() || t.dtype() != *dtype || t.shape() != *shape) {
        return absl::InvalidArgumentError(
            absl::StrCat("external tensor '", name, "' is ",
                         t.IsValid() ? absl::StrCat(DTypeName(t.dtype()), t.shape().ToString()) : "empty",
                         " but the graph declares ", declared));
      }
      return t;
    }
    if (!values->is_array()) return absl::InvalidArgumentError("tensor: \"values\" must be an array");
    if (static_cast<int64_t>(values->size()) != shape->num_elements()) {
      return absl::InvalidArgumentError(absl::StrCat("tensor: ", values->size(), " values for ", declared,
                                                     " (", shape->num_elements(), " elements)"));
    }
    Tensor t(*dtype, *shape);
    absl::Status status;
    DispatchDType(*dtype, [&](auto tag) {
      using T = decltype(tag);
      T* out = t.data<T>();
      for (size_t k = 0; k < values->size() && status.ok(); ++k) {
        absl::StatusOr<T> e = JsonToElement<T>((*values)[k]);
        if (e.ok()) {
          out[k] = *e;
        } else {
          status = absl::InvalidArgumentError(absl::StrCat("tensor value ", k, ": ", e.status().message()));
        }
      }
    });
    if (!status.ok()) return status;
    return t;
  }

  absl::StatusOr<std::vector<TensorType>> ReadOutputTypes(const Json* j) const {
    if (j == nullptr) return absl::InvalidArgumentError("outputs: missing");
    if (!j->is_array())
      return absl::InvalidArgumentError(absl::StrCat("outputs: expected an array, got ", j->type_name()));
    std::vector<TensorType> types;
    for (size_t k = 0; k < j->size(); ++k) {
      const Json& o = (*j)[k];
      const std::string what = absl::StrCat("outputs ", k);
      if (!o.is_object())
        return absl::InvalidArgumentError(
            absl::StrCat(what, ": expected {\"dtype\", \"shape\"}, got ", o.type_name()));
      if (absl::Status st = CheckKeys(o, {"dtype", "shape"}); !st.ok())
        return absl::InvalidArgumentError(absl::StrCat(what, ": ", st.message()));
      const Json* dtype = Field(o, "dtype");
      const Json* shape = Field(o, "shape");
      if (dtype == nullptr || !dtype->is_string())
        return absl::InvalidArgumentError(absl::StrCat(what, ": \"dtype\" must be a dtype name"));
      if (shape == nullptr) return absl::InvalidArgumentError(absl::StrCat(what, ": missing \"shape\""));
      TensorType t;
      auto d = DTypeFromName(dtype->get<std::string>());
      if (!d.ok()) return absl::InvalidArgumentError(absl::StrCat(what, ": ", d.status().message()));
      auto s = JsonToShape(*shape, /*allow_unknown=*/true);
      if (!s.ok()) return absl::InvalidArgumentError(absl::StrCat(what, ": ", s.status().message()));
      t.dtype = *d;
      t.shape = *std::move(s);
      types.push_back(std::move(t));
    }
    return types;
  }

  absl::Status ReadNode(const Json& j, size_t i, const absl::flat_hash_map<std::string, size_t>& declared,
                        Graph* g, const std::string& prefix, SubgraphState* sub, int depth) {
    std::string where = absl::StrCat(prefix, "node #", i);
    if (!j.is_object()) return Err(where, absl::StrCat("expected an object, got ", j.type_name()));
    const Json* name_json = Field(j, "name");
    if (name_json == nullptr || !name_json->is_string() || name_json->get_ref<const std::string&>().empty()) {
      return Err(where, "\"name\" must be a non-empty string");
    }
    const std::string name = name_json->get<std::string>();
    where = absl::StrCat(prefix, "node '", name, "' (#", i, ")");
    if (absl::Status st =
            CheckKeys(j, {"name", "op", "inputs", "control_inputs", "attrs", "outputs", "subgraphs", "loc"});
        !st.ok()) {
      return Err(where, st.message());
    }
    if (Node* other = g->FindNode(name)) {
      return Err(where, absl::StrCat("duplicate node name (node #", other->id(), " has it too)"));
    }
    const Json* op = Field(j, "op");
    if (op == nullptr || !op->is_string()) return Err(where, "\"op\" must be an op name such as \"MatMul\"");
    auto kind = OpKindFromName(op->get<std::string>());
    if (!kind.ok()) return Err(where, kind.status().message());
    const OpSchema& schema = GetOpSchema(*kind);
    if (schema.shape_fn == nullptr)
      return Err(where, absl::StrCat("op ", OpKindName(*kind), " is not registered in this build"));
    if (*kind == OpKind::kArg && sub == nullptr) {
      return Err(where, "Arg nodes exist only in the subgraphs of While and Cond nodes");
    }
    if (const Json* loc = Field(j, "loc"); loc != nullptr && !loc->is_string()) {
      return Err(where, "\"loc\" must be a string such as \"model.cc:42\"");
    }

    auto inputs = ResolveOutputs(Field(j, "inputs"), *g, "input", &declared, i);
    if (!inputs.ok()) return Err(where, inputs.status().message());
    const int n = static_cast<int>(inputs->size());
    if (n < schema.min_inputs || (schema.max_inputs >= 0 && n > schema.max_inputs)) {
      return Err(where, absl::StrCat(OpKindName(*kind), " takes ", schema.min_inputs,
                                     schema.max_inputs == schema.min_inputs ? ""
                                     : schema.max_inputs < 0                ? " or more"
                                                             : absl::StrCat(" to ", schema.max_inputs),
                                     " inputs, got ", n));
    }
    std::vector<Node*> control;
    if (const Json* deps = Field(j, "control_inputs")) {
      if (!deps->is_array())
        return Err(where, absl::StrCat("control_inputs: expected an array, got ", deps->type_name()));
      for (size_t k = 0; k < deps->size(); ++k) {
        const Json& dep = (*deps)[k];
        absl::StatusOr<Node*> d =
            dep.is_string()
                ? FindNode(*g, dep.get<std::string>(), dep.get<std::string>(), &declared, i)
                : absl::InvalidArgumentError(absl::StrCat("expected a node name, got ", dep.type_name()));
        if (!d.ok()) return Err(where, absl::StrCat("control input ", k, " ", d.status().message()));
        control.push_back(*d);
      }
    }
    auto attrs = ReadAttrs(Field(j, "attrs"));
    if (!attrs.ok()) return Err(where, attrs.status().message());
    if (absl::Status st = ValidateOpAttrs(*kind, *attrs); !st.ok()) return Err(where, st.message());
    auto outputs = ReadOutputTypes(Field(j, "outputs"));
    if (!outputs.ok()) return Err(where, outputs.status().message());

    const Json* subgraphs_json = Field(j, "subgraphs");
    const bool control_flow = *kind == OpKind::kWhile || *kind == OpKind::kCond;
    if (!control_flow && subgraphs_json != nullptr)
      return Err(where, "only While and Cond nodes have subgraphs");
    if (*kind == OpKind::kArg) return ReadArg(name, *attrs, *outputs, g, where, sub);
    if (*kind == OpKind::kVariable && g->parent() != nullptr) {
      return Err(where, "variables cannot be created inside a control-flow body");
    }
    std::vector<Graph*> subgraphs;
    if (control_flow) {
      if (subgraphs_json == nullptr || !subgraphs_json->is_array() || subgraphs_json->size() != 2) {
        return Err(where, absl::StrCat("\"subgraphs\" must list 2 subgraphs (",
                                       *kind == OpKind::kWhile ? "cond, body" : "then, else", ")"));
      }
      if (depth >= kMaxSubgraphDepth) {
        return Err(where, absl::StrCat("control flow is nested more than ", kMaxSubgraphDepth, " deep"));
      }
      for (size_t s = 0; s < 2; ++s) {
        Graph* sg = g->NewSubgraph();
        const std::string sub_where = absl::StrCat(where, ", subgraph ", s);
        if (absl::Status st = ReadSubgraph((*subgraphs_json)[s], sg, sub_where, depth + 1); !st.ok())
          return st;
        subgraphs.push_back(sg);
      }
      absl::Status st = *kind == OpKind::kWhile ? CheckWhile(*attrs, *inputs, subgraphs)
                                                : CheckCond(*attrs, *inputs, subgraphs);
      if (!st.ok()) return Err(where, st.message());
    }

    std::vector<TensorType> input_types;
    for (const Output& in : *inputs) input_types.push_back(in.node->output_type(in.index));
    InferenceContext ctx(input_types, *attrs, subgraphs);
    if (absl::Status st = schema.shape_fn(ctx); !st.ok()) {
      return Err(where, absl::StrCat(OpKindName(*kind), ": ", st.message()));
    }
    if (absl::Status st = CheckDeclaredOutputs(*outputs, ctx.outputs()); !st.ok())
      return Err(where, st.message());

    NodeDef def;
    def.kind = *kind;
    def.name = name;
    def.inputs = *std::move(inputs);
    def.control_inputs = std::move(control);
    def.attrs = *std::move(attrs);
    def.outputs = std::move(ctx.outputs());
    def.subgraphs = std::move(subgraphs);
    g->AddNode(std::move(def));
    return absl::OkStatus();
  }

  static absl::Status CheckDeclaredOutputs(const std::vector<TensorType>& declared,
                                           const std::vector<TensorType>& inferred) {
    if (declared.size() != inferred.size()) {
      return absl::InvalidArgumentError(
          absl::StrCat("declares ", declared.size(), " output(s) but the op has ", inferred.size()));
    }
    for (size_t k = 0; k < declared.size(); ++k) {
      if (declared[k].dtype != inferred[k].dtype || declared[k].shape != inferred[k].shape) {
        return absl::InvalidArgumentError(absl::StrCat("declares output ", k, " as ", TypeString(declared[k]),
                                                       " but its inputs and attributes give ",
                                                       TypeString(inferred[k])));
      }
    }
    return absl::OkStatus();
  }

  absl::Status ReadSubgraph(const Json& j, Graph* g, const std::string& where, int depth) {
    if (!j.is_object()) return Err(where, absl::StrCat("expected an object, got ", j.type_name()));
    if (absl::Status st = CheckKeys(j, {"args", "captures", "nodes", "results"}); !st.ok())
      return Err(where, st.message());
    SubgraphState state;
    const Json* args = Field(j, "args");
    if (args == nullptr || !args->is_array())
      return Err(where, "\"args\" must be an array of Arg node names");
    for (const Json& a : *args) {
      if (!a.is_string()) return Err(where, absl::StrCat("args: expected names, got ", a.type_name()));
      state.arg_names.push_back(a.get<std::string>());
    }
    // Captured values live in the enclosing graph, which holds every node before the control-flow node.
    auto captures = ResolveOutputs(Field(j, "captures"), *g->parent(), "capture", nullptr, 0);
    if (!captures.ok()) return Err(where, captures.status().message());
    state.captures = *std::move(captures);
    if (state.captures.size() > state.arg_names.size()) {
      return Err(where,
                 absl::StrCat(state.captures.size(), " captures but only ", state.arg_names.size(), " args"));
    }
    state.num_explicit = state.arg_names.size() - state.captures.size();
    const Json* nodes = Field(j, "nodes");
    if (nodes == nullptr) return Err(where, "missing \"nodes\"");
    if (absl::Status st = ReadNodes(*nodes, g, where + ", ", &state, depth); !st.ok()) return st;
    if (state.args_seen != state.arg_names.size()) {
      return Err(where, absl::StrCat("\"args\" lists ", state.arg_names.size(),
                                     " names but the subgraph has ", state.args_seen, " Arg nodes"));
    }
    const Json* results = Field(j, "results");
    if (results == nullptr) return Err(where, "missing \"results\"");
    auto r = ResolveOutputs(results, *g, "result", nullptr, 0);
    if (!r.ok()) return Err(where, r.status().message());
    g->SetResults(*std::move(r));
    return absl::OkStatus();
  }

  // Arg nodes: the explicit ones are added as they are; a captured one is re-created through Graph::Capture
  // (the only way to register a capture), from the outer value that gives it its original name.
  absl::Status ReadArg(const std::string& name, const AttrMap& attrs, const std::vector<TensorType>& outputs,
                       Graph* g, const std::string& where, SubgraphState* sub) {
    const size_t k = sub->args_seen++;
    if (k >= sub->arg_names.size() || sub->arg_names[k] != name) {
      return Err(where, absl::StrCat("is Arg node ", k, " of the subgraph but \"args\" lists ",
                                     k < sub->arg_names.size() ? absl::StrCat("'", sub->arg_names[k], "'")
                                                               : std::string("fewer"),
                                     " at that position"));
    }
    if (attrs.GetInt("index") != static_cast<int64_t>(k)) {
      return Err(where,
                 absl::StrCat("attr 'index' is ", attrs.GetInt("index"), " but the Arg is argument ", k));
    }
    if (outputs.size() != 1) return Err(where, absl::StrCat("an Arg has 1 output, not ", outputs.size()));
    if (k < sub->num_explicit) {
      NodeDef def;
      def.kind = OpKind::kArg;
      def.name = name;
      def.attrs = attrs;
      def.outputs = outputs;
      g->AddArg(g->AddNode(std::move(def))->output(0));
      return absl::OkStatus();
    }
    const Output outer = sub->captures[k - sub->num_explicit];
    const TensorType& type = outer.node->output_type(outer.index);
    if (type.dtype != outputs[0].dtype || type.shape != outputs[0].shape) {
      return Err(where, absl::StrCat("declares ", TypeString(outputs[0]), " but captures '", RefString(outer),
                                     "' of type ", TypeString(type)));
    }
    // `outer` may itself be a capture of the enclosing subgraph, and so on up: the original capture was made
    // from one of these values, and the Arg is named after it.
    std::vector<Output> chain = {outer};
    while (true) {
      const Output& c = chain.back();
      const Graph* cg = c.node->graph();
      if (c.node->kind() != OpKind::kArg || cg->parent() == nullptr) break;
      const auto args = cg->args();
      size_t pos = 0;
      while (pos < args.size() && !(args[pos] == c)) ++pos;
      if (pos >= args.size() || pos < static_cast<size_t>(cg->num_explicit_args())) break;
      chain.push_back(cg->captures()[pos - static_cast<size_t>(cg->num_explicit_args())]);
    }
    const Output* source = nullptr;
    for (const Output& c : chain) {
      const std::string base = absl::StrCat("capture/", c.node->name());
      if (name == base) {
        source = &c;
        break;
      }
      if (source == nullptr && name.size() > base.size() + 1 &&
          name.compare(0, base.size() + 1, base + "_") == 0 &&
          name.find_first_not_of("0123456789", base.size() + 1) == std::string::npos) {
        source = &c;
      }
    }
    if (source == nullptr) {
      return Err(where, absl::StrCat("a captured argument must be named \"capture/<captured node>\" (with a "
                                     "\"_<n>\" suffix when taken) as the builders name it; '",
                                     RefString(outer), "' does not give this name"));
    }
    // Graph::Capture must add exactly this Arg, capturing `outer`, and touch no enclosing graph (it would
    // add an Arg there too when the value it is given is not yet captured one level up).
    std::vector<std::pair<const Graph*, int>> sizes;
    for (const Graph* a = g; a != nullptr; a = a->parent()) sizes.emplace_back(a, a->num_nodes());
    const Output arg = g->Capture(*source);
    bool exact = arg.node->name() == name && !g->captures().empty() && g->captures().back() == outer;
    for (const auto& [a, n] : sizes) exact &= a->num_nodes() == n + (a == g ? 1 : 0);
    if (!exact) {
      return Err(where, absl::StrCat("cannot rebuild this capture of '", RefString(outer), "' (of '",
                                     source->node->name(), "', ", &*source - chain.data(),
                                     " level(s) further out) as the builders made it"));
    }
    return absl::OkStatus();
  }

  static bool SameType(const TensorType& a, const TensorType& b) {
    return a.dtype == b.dtype && a.shape == b.shape;
  }

  // The explicit arguments and captures of a body against the control-flow node's inputs.
  static absl::Status CheckBody(const Graph& g, const char* label, absl::Span<const Output> explicit_inputs,
                                absl::Span<const Output> captured_inputs) {
    if (g.num_explicit_args() != static_cast<int>(explicit_inputs.size())) {
      return absl::InvalidArgumentError(absl::StrCat("the ", label, " subgraph has ", g.num_explicit_args(),
                                                     " explicit args; expected ", explicit_inputs.size()));
    }
    for (size_t k = 0; k < explicit_inputs.size(); ++k) {
      const TensorType& want = explicit_inputs[k].node->output_type(explicit_inputs[k].index);
      const TensorType& got = g.args()[k].node->output_type(0);
      if (!SameType(want, got)) {
        return absl::InvalidArgumentError(absl::StrCat("the ", label, " subgraph's arg ", k, " is ",
                                                       TypeString(got), " but the node passes ",
                                                       TypeString(want)));
      }
    }
    if (g.captures().size() != captured_inputs.size()) {
      return absl::InvalidArgumentError(absl::StrCat("the ", label, " subgraph captures ",
                                                     g.captures().size(), " values but the node passes ",
                                                     captured_inputs.size()));
    }
    for (size_t k = 0; k < captured_inputs.size(); ++k) {
      if (!(g.captures()[k] == captured_inputs[k])) {
        return absl::InvalidArgumentError(absl::StrCat("the ", label, " subgraph's capture ", k, " is '",
                                                       RefString(g.captures()[k]), "' but the node passes '",
                                                       RefString(captured_inputs[k]), "'"));
      }
    }
    return absl::OkStatus();
  }

  static absl::Status CheckWhile(const AttrMap& attrs, absl::Span<const Output> inputs,
                                 const std::vector<Graph*>& subgraphs) {
    const int64_t n = attrs.GetInt("num_loop_vars");
    const int64_t cond_caps = attrs.GetInt("num_cond_captures");
    const int64_t total = static_cast<int64_t>(inputs.size());
    if (n < 1 || n > total || cond_caps < 0 || cond_caps > total - n) {
      return absl::InvalidArgumentError(absl::StrCat("num_loop_vars ", n, " and num_cond_captures ",
                                                     cond_caps, " do not fit its ", total, " inputs"));
    }
    const auto vars = inputs.subspan(0, static_cast<size_t>(n));
    const Graph& cond = *subgraphs[0];
    const Graph& body = *subgraphs[1];
    if (absl::Status st = CheckBody(cond, "cond", vars,
                                    inputs.subspan(static_cast<size_t>(n), static_cast<size_t>(cond_caps)));
        !st.ok()) {
      return st;
    }
    if (absl::Status st = CheckBody(body, "body", vars, inputs.subspan(static_cast<size_t>(n + cond_caps)));
        !st.ok()) {
      return st;
    }
    if (cond.results().size() != 1 || !SameType(cond.results()[0].node->output_type(cond.results()[0].index),
                                                TensorType{DType::kBool, Shape{}})) {
      return absl::InvalidArgumentError("the cond subgraph must have one result, a bool scalar");
    }
    if (body.results().size() != vars.size()) {
      return absl::InvalidArgumentError(absl::StrCat("the body subgraph has ", body.results().size(),
                                                     " results for ", vars.size(), " loop variables"));
    }
    for (size_t k = 0; k < vars.size(); ++k) {
      const TensorType& before = vars[k].node->output_type(vars[k].index);
      const TensorType& after = body.results()[k].node->output_type(body.results()[k].index);
      if (before.dtype != after.dtype || !before.shape.IsCompatibleWith(after.shape)) {
        return absl::InvalidArgumentError(absl::StrCat("loop variable ", k, " is ", TypeString(before),
                                                       " but the body returns ", TypeString(after)));
      }
    }
    return absl::OkStatus();
  }

  static absl::Status CheckCond(const AttrMap& attrs, absl::Span<const Output> inputs,
                                const std::vector<Graph*>& subgraphs) {
    const int64_t then_caps = attrs.GetInt("num_then_captures");
    const int64_t total = static_cast<int64_t>(inputs.size());
    if (then_caps < 0 || then_caps > total - 1) {
      return absl::InvalidArgumentError(
          absl::StrCat("num_then_captures ", then_caps, " does not fit its ", total, " inputs"));
    }
    const auto none = inputs.subspan(0, 0);
    if (absl::Status st =
            CheckBody(*subgraphs[0], "then", none, inputs.subspan(1, static_cast<size_t>(then_caps)));
        !st.ok()) {
      return st;
    }
    if (absl::Status st =
            CheckBody(*subgraphs[1], "else", none, inputs.subspan(static_cast<size_t>(1 + then_caps)));
        !st.ok()) {
      return st;
    }
    if (subgraphs[0]->results().size() != subgraphs[1]->results().size()) {
      return absl::InvalidArgumentError(absl::StrCat("the then subgraph has ", subgraphs[0]->results().size(),
                                                     " results but the else subgraph ",
                                                     subgraphs[1]->results().size()));
    }
    return absl::OkStatus();
  }

  const std::map<std::string, Tensor>& tensors_;
  const std::string& source_;
};

}  // namespace

absl::StatusOr<SerializedGraph> SerializeGraph(const Graph& graph, const GraphWriteOptions& options) {
  SerializedGraph out;
  Writer writer(options, &out);
  auto nodes = writer.WriteNodes(graph);
  if (!nodes.ok()) return nodes.status();
  Json j = Json::object();
  j["format"] = kGraphFormatName;
  j["version"] = kGraphFormatVersion;
  j["seed"] = graph.seed();
  j["nodes"] = *std::move(nodes);
  try {
    if (options.indent < 0) {
      out.json = j.dump();
    } else {
      AppendPretty(j, options.indent, 0, &out.json);
      out.json += '\n';
    }
  } catch (const Json::exception& e) {
    // Names and strings must be valid UTF-8 to be written as JSON.
    return absl::InvalidArgumentError(absl::StrCat("SerializeGraph: ", e.what()));
  }
  return out;
}

absl::StatusOr<std::unique_ptr<Graph>> DeserializeGraph(absl::string_view json,
                                                        const std::map<std::string, Tensor>& tensors,
                                                        const std::string& source) {
  return Reader(tensors, source).Read(json);
}

}  // namespace graph
