// Reading a graph from its JSON text. The reader trusts nothing: every field is type-checked before it is
// read, every node is checked the way Scope::AddOp checks it (op kind, input count, inputs that precede it,
// attributes per graph/op_attrs.h, control-flow structure) before its shape function runs, and the declared
// output types must equal the inferred ones. Only then is the node appended with Graph::AddNode.
#include <algorithm>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "graph/graph_io_internal.h"
#include "graph/op_attrs.h"
#include "graph/op_registry.h"

namespace graph::graph_io_internal {
namespace {

// `j` as JSON text, shortened to fit in an error message.
std::string Snippet(const Json& j) {
  std::string text;
  if (!AppendOneLine(j, &text, 60)) text.replace(std::min<size_t>(text.size(), 57), std::string::npos, "...");
  return text;
}

// The declared output types of a node against the ones its shape function infers.
absl::Status CheckDeclaredOutputs(const std::vector<TensorType>& declared,
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

}  // namespace

absl::StatusOr<std::unique_ptr<Graph>> Reader::Read(absl::string_view text) {
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
  if (!j.is_object()) return Err("", absl::StrCat("expected a JSON object at the top, got ", j.type_name()));
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

absl::Status Reader::Err(const std::string& where, absl::string_view message) const {
  return absl::InvalidArgumentError(where.empty() ? absl::StrCat(source_, ": ", message)
                                                  : absl::StrCat(source_, ": ", where, ": ", message));
}

absl::Status Reader::ReadNodes(const Json& nodes, Graph* g, const std::string& prefix, SubgraphState* sub,
                               int depth) {
  if (!nodes.is_array())
    return Err(prefix + "nodes", absl::StrCat("expected an array, got ", nodes.type_name()));
  // Where each name is declared, to tell a reference to a later node from one to no node at all.
  DeclaredNames declared;
  for (size_t i = 0; i < nodes.size(); ++i) {
    const Json* name = nodes[i].is_object() ? Field(nodes[i], "name") : nullptr;
    if (name != nullptr && name->is_string()) declared.try_emplace(name->get<std::string>(), i);
  }
  for (size_t i = 0; i < nodes.size(); ++i) {
    if (absl::Status st = ReadNode(nodes[i], i, declared, g, prefix, sub, depth); !st.ok()) return st;
  }
  return absl::OkStatus();
}

absl::StatusOr<Node*> Reader::FindNode(const Graph& g, const std::string& name, const std::string& text,
                                       const DeclaredNames* declared, size_t position) {
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

absl::StatusOr<Output> Reader::ResolveOutput(const Json& j, const Graph& g, const DeclaredNames* declared,
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

absl::StatusOr<std::vector<Output>> Reader::ResolveOutputs(const Json* j, const Graph& g, const char* what,
                                                           const DeclaredNames* declared, size_t position) {
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

absl::Status Reader::ReadNode(const Json& j, size_t i, const DeclaredNames& declared, Graph* g,
                              const std::string& prefix, SubgraphState* sub, int depth) {
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
  auto attrs = ReadAttrs(Field(j, "attrs"), tensors_);
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
      if (absl::Status st = ReadSubgraph((*subgraphs_json)[s], sg, sub_where, depth + 1); !st.ok()) return st;
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

}  // namespace graph::graph_io_internal
