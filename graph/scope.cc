#include "graph/scope.h"

#include <string_view>

#include "absl/strings/str_cat.h"
#include "graph/op_registry.h"

namespace graph {
namespace {

std::string FileAndLine(const std::source_location& loc) {
  std::string_view file = loc.file_name();
  const size_t slash = file.rfind('/');
  if (slash != std::string_view::npos) file.remove_prefix(slash + 1);
  return absl::StrCat(std::string(file), ":", loc.line());
}

}  // namespace

Scope Scope::NewRootScope(int64_t seed) {
  Scope s;
  s.state_ = std::make_shared<State>();
  s.state_->root = std::make_shared<Graph>();
  s.state_->root->set_seed(seed);
  s.graph_ = s.state_->root.get();
  return s;
}

Scope Scope::NewSubScope(const std::string& name) const {
  Scope s = *this;
  s.op_name_.reset();
  s.prefix_ = graph_->UniqueName(prefix_ + name) + "/";
  return s;
}

Scope Scope::Root() const {
  Scope s;
  s.state_ = state_;
  s.graph_ = state_->root.get();
  return s;
}

Scope Scope::WithOpName(const std::string& name) const {
  Scope s = *this;
  s.op_name_ = name;
  return s;
}

Scope Scope::WithControlDependencies(absl::Span<Node* const> deps) const {
  Scope s = *this;
  for (Node* n : deps) {
    if (n != nullptr) s.control_deps_.push_back(n);
  }
  return s;
}

Scope Scope::WithControlDependencies(absl::Span<const Output> deps) const {
  Scope s = *this;
  for (const Output& o : deps) {
    if (o.valid()) s.control_deps_.push_back(o.node);
  }
  return s;
}

Scope Scope::WithLocation(const std::source_location& loc) const {
  Scope s = *this;
  s.location_ = loc;
  return s;
}

Scope Scope::ForSubgraph(Graph* subgraph, const std::string& name) const {
  Scope s = *this;
  s.graph_ = subgraph;
  s.op_name_.reset();
  s.control_deps_.clear();
  s.prefix_ = prefix_ + name + "/";
  return s;
}

void Scope::UpdateStatus(const absl::Status& status) const {
  if (state_->status.ok() && !status.ok()) state_->status = status;
}

void Scope::RecordError(const std::source_location& call_loc, OpKind kind, const std::string& name,
                        const std::string& message) const {
  const std::source_location& loc = location_ ? *location_ : call_loc;
  UpdateStatus(absl::InvalidArgumentError(
      absl::StrCat(FileAndLine(loc), ": ", OpKindName(kind), " '", name, "': ", message)));
}

Node* Scope::AddOp(OpKind kind, std::vector<Output> inputs, AttrMap attrs,
                   const std::source_location& call_loc, const std::string& name,
                   std::vector<Graph*> subgraphs) const {
  if (!ok()) return nullptr;
  const std::source_location& loc = location_ ? *location_ : call_loc;
  const std::string wanted = prefix_ + (op_name_ ? *op_name_ : name);
  const OpSchema& schema = GetOpSchema(kind);
  if (schema.shape_fn == nullptr) {
    RecordError(loc, kind, wanted, "this op kind is not registered in this build");
    return nullptr;
  }
  const int n = static_cast<int>(inputs.size());
  if (n < schema.min_inputs || (schema.max_inputs >= 0 && n > schema.max_inputs)) {
    RecordError(
        loc, kind, wanted,
        absl::StrCat("takes ", schema.min_inputs,
                     schema.max_inputs == schema.min_inputs ? "" : absl::StrCat(" to ", schema.max_inputs),
                     " inputs, got ", n));
    return nullptr;
  }
  if (kind == OpKind::kVariable && graph_->parent() != nullptr) {
    RecordError(loc, kind, wanted,
                "variables cannot be created inside a control-flow body; create it outside");
    return nullptr;
  }
  std::vector<TensorType> input_types;
  input_types.reserve(inputs.size());
  for (int i = 0; i < n; ++i) {
    Output& in = inputs[static_cast<size_t>(i)];
    if (!in.valid()) {
      RecordError(loc, kind, wanted,
                  absl::StrCat("input ", i, " is not a value (a default-constructed Output)"));
      return nullptr;
    }
    if (in.node->graph() != graph_) {
      if (!graph_->IsSelfOrAncestor(in.node->graph())) {
        RecordError(loc, kind, wanted,
                    absl::StrCat("input ", i, " ('", in.name(), "', ", in.node->Location(),
                                 ") belongs to another graph"));
        return nullptr;
      }
      in = graph_->Capture(in);
    }
    input_types.push_back(in.node->output_type(in.index));
  }
  InferenceContext ctx(input_types, attrs, subgraphs);
  if (absl::Status st = schema.shape_fn(ctx); !st.ok()) {
    RecordError(loc, kind, wanted, std::string(st.message()));
    return nullptr;
  }
  NodeDef def;
  def.kind = kind;
  def.name = graph_->UniqueName(wanted);
  def.inputs = std::move(inputs);
  for (Node* dep : control_deps_) {
    if (dep->graph() == graph_) def.control_inputs.push_back(dep);
  }
  def.attrs = std::move(attrs);
  def.outputs = std::move(ctx.outputs());
  def.subgraphs = std::move(subgraphs);
  def.location = loc;
  return graph_->AddNode(std::move(def));
}

DType Input::dtype() const {
  if (literal_.IsValid()) return literal_.dtype();
  return output_.valid() ? output_.dtype() : DType::kFloat32;
}

}  // namespace graph
