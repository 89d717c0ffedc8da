// MakeInferenceGraph copies one graph level at a time: the root, then each control-flow body when its node
// is copied. Per level: check what the roots need, choose the batch norms to fold, mark what stays live once
// removed nodes are bypassed, then copy the live nodes in source order (so inputs are always copied first).
#include "graph/passes/inference_graph.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "graph/op_registry.h"
#include "graph/passes/inference_graph_internal.h"

namespace graph {
namespace inference_graph_internal {
namespace {

bool ChangesState(OpKind kind) {
  return kind == OpKind::kAssign || kind == OpKind::kAssignAdd || kind == OpKind::kAssignSub;
}

}  // namespace

absl::StatusOr<Tensor> SharedState::ConstantValue(const Node& n) {
  if (n.kind() == OpKind::kConst) return n.attrs().GetTensor("value");
  auto it = frozen.find(&n);
  if (it != frozen.end()) return it->second;
  if (!variable_value) {
    return absl::InvalidArgumentError(absl::StrCat(n.Describe(), ": no variable values were given"));
  }
  absl::StatusOr<Tensor> value = variable_value(n);
  if (!value.ok()) {
    return absl::Status(value.status().code(),
                        absl::StrCat("reading the value of ", n.Describe(), ": ", value.status().message()));
  }
  if (!value->IsValid()) {
    return absl::InvalidArgumentError(absl::StrCat(n.Describe(), ": the value given for it is empty"));
  }
  const TensorType& want = n.output_type(0);
  if (value->dtype() != want.dtype || value->shape() != want.shape) {
    return absl::InvalidArgumentError(absl::StrCat(
        n.Describe(), ": the value given for it is ", DTypeName(value->dtype()), value->shape().ToString(),
        " but the variable is ", DTypeName(want.dtype), want.shape.ToString()));
  }
  frozen.emplace(&n, *value);
  return *std::move(value);
}

bool LevelCopy::Bypassed(const Node* n) const {
  return (n->kind() == OpKind::kIdentity && state_.options.remove_identity) ||
         (n->kind() == OpKind::kDropout && state_.options.remove_dropout);
}

// Only output 0 of a removed Dropout is its input; its mask (output 1) is rewritten as ones.
Output LevelCopy::Resolve(Output o) const {
  while (o.index == 0 && Bypassed(o.node)) o = o.node->input(0);
  return o;
}

const Node* LevelCopy::ConstantNode(const Output& o) const {
  const Output r = Resolve(o);
  return r.node->kind() == OpKind::kConst || r.node->kind() == OpKind::kVariable ? r.node : nullptr;
}

absl::StatusOr<Output> LevelCopy::Map(const Output& o) const {
  const Output r = Resolve(o);
  auto it = values_.find(r);
  if (it == values_.end()) {
    return absl::InternalError(
        absl::StrCat("no copy was made of '", r.name(), "' (", r.node->Location(), ")"));
  }
  return it->second;
}

absl::Status LevelCopy::CheckNeeded(absl::Span<const Output> roots) {
  needed_.assign(static_cast<size_t>(src_.num_nodes()), false);
  std::vector<const Node*> stack;
  for (const Output& o : roots) stack.push_back(o.node);
  while (!stack.empty()) {
    const Node* n = stack.back();
    stack.pop_back();
    if (needed_[static_cast<size_t>(n->id())]) continue;
    needed_[static_cast<size_t>(n->id())] = true;
    for (const Output& in : n->inputs()) stack.push_back(in.node);
    for (const Node* c : n->control_inputs()) stack.push_back(c);
  }
  for (const auto& node : src_.nodes()) {
    const Node* n = node.get();
    if (!needed_[static_cast<size_t>(n->id())]) continue;
    if (ChangesState(n->kind())) {
      return absl::FailedPreconditionError(
          absl::StrCat("the outputs need ", n->Describe(),
                       ", which changes a variable; an inference graph holds no state changes (build it in "
                       "prediction mode, without update ops)"));
    }
    if (n->kind() == OpKind::kPlaceholder && !state_.inputs.contains(n)) {
      return absl::InvalidArgumentError(
          absl::StrCat("the outputs need ", n->Describe(), ", which is not among the given inputs"));
    }
  }
  return absl::OkStatus();
}

void LevelCopy::MarkLive(absl::Span<const Output> roots) {
  live_.assign(static_cast<size_t>(src_.num_nodes()), false);
  uses_.clear();
  std::vector<const Node*> stack;
  auto need_value = [&](const Output& o) {
    const Output r = Resolve(o);
    ++uses_[r];
    stack.push_back(r.node);
  };
  // Ordering after a bypassed node is dropped with it: nothing left changes state, so only values matter.
  auto need_controls = [&](const Node* n) {
    for (const Node* c : n->control_inputs()) {
      if (!Bypassed(c)) stack.push_back(c);
    }
  };
  for (const Output& o : roots) need_value(o);
  for (const auto& node : src_.nodes()) {
    if (node->kind() == OpKind::kArg || state_.inputs.contains(node.get())) stack.push_back(node.get());
  }
  while (!stack.empty()) {
    const Node* n = stack.back();
    stack.pop_back();
    if (IsLive(n)) continue;
    live_[static_cast<size_t>(n->id())] = true;
    const Fold* f = FoldOf(n);
    if (f == nullptr) {
      for (const Output& in : n->inputs()) need_value(in);
      need_controls(n);
    } else if (n == f->linear) {  // its weights are replaced by folded ones
      need_value(n->input(0));
      need_controls(n);
    } else if (n == f->batch_norm) {  // a BiasAdd on the folded linear op
      stack.push_back(f->linear);
      if (f->bias_add != nullptr) need_controls(f->bias_add);
      need_controls(n);
    } else {  // a dependency on the folded BiasAdd becomes one on the folded linear op
      stack.push_back(f->linear);
    }
  }
}

std::vector<Node*> LevelCopy::MapControls(absl::Span<Node* const> deps) const {
  std::vector<Node*> out;
  for (const Node* c : deps) {
    if (Bypassed(c)) continue;
    auto it = nodes_.find(c);
    if (it == nodes_.end()) continue;  // a NoOp left without dependencies
    bool seen = false;
    for (const Node* o : out) seen = seen || o == it->second;
    if (!seen) out.push_back(it->second);
  }
  return out;
}

absl::StatusOr<Node*> LevelCopy::Add(NodeDef def, const Node* like) {
  bool same_types = like != nullptr && like->num_inputs() == static_cast<int>(def.inputs.size());
  for (size_t i = 0; same_types && i < def.inputs.size(); ++i) {
    const Output& before = like->inputs()[i];
    const Output& after = def.inputs[i];
    same_types = before.dtype() == after.dtype() && before.shape() == after.shape();
  }
  if (same_types) {
    for (int i = 0; i < like->num_outputs(); ++i) def.outputs.push_back(like->output_type(i));
  } else {
    std::vector<TensorType> in;
    for (const Output& o : def.inputs) in.push_back(o.node->output_type(o.index));
    InferenceContext ic(in, def.attrs, def.subgraphs);
    if (absl::Status st = GetOpSchema(def.kind).shape_fn(ic); !st.ok()) {
      return absl::InternalError(absl::StrCat(OpKindName(def.kind), " '", def.name,
                                              "': the rewritten node does not type-check: ", st.message()));
    }
    def.outputs = std::move(ic.outputs());
  }
  def.name = dst_->UniqueName(def.name);
  return dst_->AddNode(std::move(def));
}

absl::StatusOr<Node*> LevelCopy::AddConst(const std::string& base_name, Tensor value, const Node* at) {
  std::string name = base_name;
  for (int i = 1; src_.FindNode(name) != nullptr || dst_->FindNode(name) != nullptr; ++i) {
    name = absl::StrCat(base_name, "_", i);
  }
  NodeDef def;
  def.kind = OpKind::kConst;
  def.name = std::move(name);
  def.attrs.Set("value", std::move(value));
  def.location = at->location();
  return Add(std::move(def), nullptr);
}

absl::Status LevelCopy::CopyArgs() {
  if (parent_ == nullptr) return absl::OkStatus();
  const size_t explicit_args = static_cast<size_t>(src_.num_explicit_args());
  for (size_t i = 0; i < explicit_args; ++i) {
    const Node* a = src_.args()[i].node;
    NodeDef def;
    def.kind = OpKind::kArg;
    def.name = dst_->UniqueName(a->name());
    def.attrs = a->attrs();
    def.location = a->location();
    def.outputs.push_back(a->output_type(0));
    Node* copy = dst_->AddNode(std::move(def));
    dst_->AddArg(copy->output(0));
    values_[src_.args()[i]] = copy->output(0);
    nodes_[a] = copy;
  }
  // Captures are made again from the parent's copies, so a frozen variable is captured as its Const.
  for (size_t i = 0; i < src_.captures().size(); ++i) {
    absl::StatusOr<Output> outer = parent_->Map(src_.captures()[i]);
    if (!outer.ok()) return outer.status();
    const Output local = dst_->Capture(*outer);
    values_[src_.args()[explicit_args + i]] = local;
    nodes_[src_.args()[explicit_args + i].node] = local.node;
  }
  return absl::OkStatus();
}

absl::Status LevelCopy::CopyControlFlow(const Node* n, NodeDef& def) {
  if (n->subgraphs().size() != 2) {
    return absl::UnimplementedError(
        absl::StrCat(n->Describe(), ": expected two subgraphs, found ", n->subgraphs().size()));
  }
  for (const Graph* sub : n->subgraphs()) {
    Graph* copy = dst_->NewSubgraph();
    LevelCopy level(state_, *sub, copy, this);
    if (absl::Status st = level.Run(sub->results()); !st.ok()) return st;
    def.subgraphs.push_back(copy);
  }
  // Inputs: the explicit ones (While: loop variables; Cond: the predicate), then the captures of each
  // subgraph, whose count may have shrunk (two captures bypassed to the same value become one).
  const int explicit_inputs =
      n->kind() == OpKind::kWhile ? static_cast<int>(n->attrs().GetInt("num_loop_vars")) : 1;
  for (int i = 0; i < explicit_inputs; ++i) {
    absl::StatusOr<Output> in = Map(n->input(i));
    if (!in.ok()) return in.status();
    def.inputs.push_back(*in);
  }
  for (const Graph* sub : def.subgraphs) {
    for (const Output& c : sub->captures()) def.inputs.push_back(c);
  }
  def.attrs.Set(n->kind() == OpKind::kWhile ? "num_cond_captures" : "num_then_captures",
                static_cast<int64_t>(def.subgraphs[0]->captures().size()));
  return absl::OkStatus();
}

absl::Status LevelCopy::CopyNode(const Node* n) {
  NodeDef def;
  def.kind = n->kind();
  def.name = n->name();
  def.attrs = n->attrs();
  def.location = n->location();
  def.control_inputs = MapControls(n->control_inputs());
  const Node* like = n;
  if (n->kind() == OpKind::kVariable) {
    absl::StatusOr<Tensor> value = state_.ConstantValue(*n);
    if (!value.ok()) return value.status();
    def.kind = OpKind::kConst;
    def.attrs = AttrMap{{"value", *std::move(value)}};
    like = nullptr;
  } else if (n->kind() == OpKind::kDropout && Bypassed(n)) {
    // Only its mask is used: without dropout every element is kept, unscaled.
    def.kind = OpKind::kOnesLike;
    def.attrs = AttrMap();
    like = nullptr;
  } else if (n->kind() == OpKind::kNoOp && def.control_inputs.empty()) {
    return absl::OkStatus();  // nothing left to wait for: dependencies on it are dropped
  } else if (n->kind() == OpKind::kWhile || n->kind() == OpKind::kCond) {
    if (absl::Status st = CopyControlFlow(n, def); !st.ok()) return st;
  }
  if (def.subgraphs.empty()) {
    const int num_inputs = def.kind == OpKind::kOnesLike ? 1 : n->num_inputs();
    for (int i = 0; i < num_inputs; ++i) {
      absl::StatusOr<Output> in = Map(n->input(i));
      if (!in.ok()) return in.status();
      def.inputs.push_back(*in);
    }
  }
  absl::StatusOr<Node*> copy = Add(std::move(def), like);
  if (!copy.ok()) return copy.status();
  nodes_[n] = *copy;
  const int mask_index = n->kind() == OpKind::kDropout && Bypassed(n) ? 1 : 0;
  for (int i = 0; i < (*copy)->num_outputs(); ++i) {
    values_[Output(const_cast<Node*>(n), i + mask_index)] = (*copy)->output(i);
  }
  return absl::OkStatus();
}

absl::Status LevelCopy::Run(absl::Span<const Output> roots) {
  if (absl::Status st = CheckNeeded(roots); !st.ok()) return st;
  if (absl::Status st = CopyArgs(); !st.ok()) return st;
  if (state_.options.fold_batch_norm) ChooseFolds(roots);
  MarkLive(roots);
  for (const auto& node : src_.nodes()) {
    const Node* n = node.get();
    if (needed_[static_cast<size_t>(n->id())] && Bypassed(n)) {
      state_.rewrites.push_back(absl::StrCat("removed ", OpKindName(n->kind()), " '", n->name(), "'",
                                             IsLive(n) ? " (its mask is now ones)" : ""));
    }
    if (!IsLive(n) || nodes_.contains(n)) continue;  // body arguments exist already
    Fold* f = FoldOf(n);
    absl::Status st;
    if (f == nullptr) {
      st = CopyNode(n);
    } else if (n == f->linear) {
      st = EmitFoldedLinear(*f);
    } else if (n == f->batch_norm) {
      st = EmitFoldedBias(*f);
    }
    if (!st.ok()) return st;
  }
  if (parent_ != nullptr) {
    std::vector<Output> results;
    for (const Output& r : src_.results()) {
      absl::StatusOr<Output> m = Map(r);
      if (!m.ok()) return m.status();
      results.push_back(*m);
    }
    dst_->SetResults(std::move(results));
  }
  return absl::OkStatus();
}

}  // namespace inference_graph_internal

namespace {

using inference_graph_internal::LevelCopy;
using inference_graph_internal::SharedState;

absl::Status CheckEndpoint(const Graph& source, const Output& o, const char* what, size_t i) {
  if (!o.valid()) return absl::InvalidArgumentError(absl::StrCat(what, " ", i, " is not a value"));
  if (o.node->graph() != &source) {
    return absl::InvalidArgumentError(absl::StrCat(what, " ", i, " (", o.node->Describe(),
                                                   ") is not a node of the source graph's root level"));
  }
  if (o.index < 0 || o.index >= o.node->num_outputs()) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, " ", i, ": ", o.node->Describe(), " has no output ", o.index));
  }
  return absl::OkStatus();
}

absl::StatusOr<InferenceGraph> Make(const Graph& source, absl::Span<const Output> inputs,
                                    absl::Span<const Output> outputs, SharedState& state) {
  if (source.parent() != nullptr) {
    return absl::InvalidArgumentError("the source must be a root graph, not a control-flow body");
  }
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (absl::Status st = CheckEndpoint(source, inputs[i], "input", i); !st.ok()) return st;
    if (inputs[i].node->kind() != OpKind::kPlaceholder) {
      return absl::InvalidArgumentError(
          absl::StrCat("input ", i, " is ", inputs[i].node->Describe(), "; inputs must be Placeholders"));
    }
    state.inputs.insert(inputs[i].node);
  }
  for (size_t i = 0; i < outputs.size(); ++i) {
    if (absl::Status st = CheckEndpoint(source, outputs[i], "output", i); !st.ok()) return st;
  }
  InferenceGraph result;
  result.graph = std::make_unique<Graph>();
  result.graph->set_seed(source.seed());
  LevelCopy root(state, source, result.graph.get(), nullptr);
  if (absl::Status st = root.Run(outputs); !st.ok()) return st;
  for (const Output& in : inputs) {
    absl::StatusOr<Output> m = root.Map(in);
    if (!m.ok()) return m.status();
    result.inputs.push_back(*m);
  }
  for (const Output& out : outputs) {
    absl::StatusOr<Output> m = root.Map(out);
    if (!m.ok()) return m.status();
    result.outputs.push_back(*m);
  }
  result.rewrites = std::move(state.rewrites);
  return result;
}

}  // namespace

absl::StatusOr<InferenceGraph> MakeInferenceGraph(const Graph& source, absl::Span<const Output> inputs,
                                                  absl::Span<const Output> outputs,
                                                  const VariableValueFn& variable_value,
                                                  const InferenceGraphOptions& options) {
  SharedState state{options, variable_value, {}, {}, {}};
  absl::StatusOr<InferenceGraph> result = Make(source, inputs, outputs, state);
  if (!result.ok()) {
    return absl::Status(result.status().code(), absl::StrCat("inference graph: ", result.status().message()));
  }
  return result;
}

}  // namespace graph
