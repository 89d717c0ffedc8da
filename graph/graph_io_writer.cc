// Writing a graph as JSON: the Writer (nodes, attributes, subgraphs, external tensors) and the line layout
// of the document.
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "graph/graph_io_internal.h"
#include "graph/op_attrs.h"

namespace graph::graph_io_internal {
namespace {

// Layout. nlohmann's indented output puts every array element on its own line; a graph reads better with
// short containers (attributes, output types, shapes) and every list of numbers on one line.
constexpr size_t kLineWidth = 100;

}  // namespace

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

// Writer.

absl::StatusOr<Json> Writer::WriteNodes(const Graph& g) {
  Json nodes = Json::array();
  for (const auto& node : g.nodes()) {
    auto n = WriteNode(*node);
    if (!n.ok()) return n.status();
    nodes.push_back(*std::move(n));
  }
  return nodes;
}

absl::StatusOr<Json> Writer::WriteNode(const Node& n) {
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

absl::StatusOr<Json> Writer::WriteSubgraph(const Graph& g) {
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

Json Writer::WriteAttr(const Node& n, const std::string& name, const AttrValue& value) {
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

Json Writer::WriteTensor(const Node& n, const std::string& attr, const Tensor& t) {
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
  j["values"] = TensorValuesToJson(t);
  return j;
}

}  // namespace graph::graph_io_internal
