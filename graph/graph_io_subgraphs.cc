// Reading the subgraphs of While and Cond nodes: their arguments (captures rebuilt the way the builders made
// them), their nodes and results, then the checks of each body against the inputs of its node.
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "graph/graph_io_internal.h"

namespace graph::graph_io_internal {
namespace {

bool SameType(const TensorType& a, const TensorType& b) { return a.dtype == b.dtype && a.shape == b.shape; }

// The explicit arguments and captures of a body against the control-flow node's inputs.
absl::Status CheckBody(const Graph& g, const char* label, absl::Span<const Output> explicit_inputs,
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
    return absl::InvalidArgumentError(absl::StrCat("the ", label, " subgraph captures ", g.captures().size(),
                                                   " values but the node passes ", captured_inputs.size()));
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

}  // namespace

absl::Status Reader::ReadSubgraph(const Json& j, Graph* g, const std::string& where, int depth) {
  if (!j.is_object()) return Err(where, absl::StrCat("expected an object, got ", j.type_name()));
  if (absl::Status st = CheckKeys(j, {"args", "captures", "nodes", "results"}); !st.ok())
    return Err(where, st.message());
  SubgraphState state;
  const Json* args = Field(j, "args");
  if (args == nullptr || !args->is_array()) return Err(where, "\"args\" must be an array of Arg node names");
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
    return Err(where, absl::StrCat("\"args\" lists ", state.arg_names.size(), " names but the subgraph has ",
                                   state.args_seen, " Arg nodes"));
  }
  const Json* results = Field(j, "results");
  if (results == nullptr) return Err(where, "missing \"results\"");
  auto r = ResolveOutputs(results, *g, "result", nullptr, 0);
  if (!r.ok()) return Err(where, r.status().message());
  g->SetResults(*std::move(r));
  return absl::OkStatus();
}

absl::Status Reader::ReadArg(const std::string& name, const AttrMap& attrs,
                             const std::vector<TensorType>& outputs, Graph* g, const std::string& where,
                             SubgraphState* sub) {
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

absl::Status CheckWhile(const AttrMap& attrs, absl::Span<const Output> inputs,
                        const std::vector<Graph*>& subgraphs) {
  const int64_t n = attrs.GetInt("num_loop_vars");
  const int64_t cond_caps = attrs.GetInt("num_cond_captures");
  const int64_t total = static_cast<int64_t>(inputs.size());
  if (n < 1 || n > total || cond_caps < 0 || cond_caps > total - n) {
    return absl::InvalidArgumentError(absl::StrCat("num_loop_vars ", n, " and num_cond_captures ", cond_caps,
                                                   " do not fit its ", total, " inputs"));
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

absl::Status CheckCond(const AttrMap& attrs, absl::Span<const Output> inputs,
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

}  // namespace graph::graph_io_internal
