#include "graph/graph.h"

#include <cstdio>
#include <cstdlib>

#include "absl/strings/str_cat.h"

namespace graph {

const char* OpKindName(OpKind kind) {
  static constexpr const char* kNames[] = {
#define GRAPH_OP_KIND_NAME(name) #name,
      GRAPH_OP_KINDS(GRAPH_OP_KIND_NAME)
#undef GRAPH_OP_KIND_NAME
  };
  const int i = static_cast<int>(kind);
  return i >= 0 && i < kNumOpKinds ? kNames[i] : "?";
}

DType Output::dtype() const { return node->output_type(index).dtype; }
const Shape& Output::shape() const { return node->output_type(index).shape; }
std::string Output::name() const {
  if (node == nullptr) return "<none>";
  return index == 0 ? node->name() : absl::StrCat(node->name(), ":", index);
}

std::string Node::Location() const {
  std::string_view file = location_.file_name();
  const size_t slash = file.rfind('/');
  if (slash != std::string_view::npos) file.remove_prefix(slash + 1);
  return absl::StrCat(std::string(file), ":", location_.line());
}

std::string Node::Describe() const {
  return absl::StrCat(OpKindName(kind_), " '", name_, "' (", Location(), ")");
}

Graph::Graph() = default;
Graph::~Graph() = default;

Node* Graph::AddNode(NodeDef def) {
  auto node = std::unique_ptr<Node>(new Node());
  node->id_ = num_nodes();
  node->kind_ = def.kind;
  node->name_ = std::move(def.name);
  node->graph_ = this;
  node->inputs_ = std::move(def.inputs);
  node->control_inputs_ = std::move(def.control_inputs);
  node->attrs_ = std::move(def.attrs);
  node->outputs_ = std::move(def.outputs);
  node->subgraphs_ = std::move(def.subgraphs);
  node->location_ = def.location;
  for (const Output& in : node->inputs_) {
    if (in.node == nullptr || in.node->graph_ != this) {
      std::fprintf(stderr, "Graph::AddNode: input of '%s' is not in this graph\n", node->name_.c_str());
      std::abort();
    }
  }
  Node* raw = node.get();
  consumers_.emplace_back();
  for (const Output& in : raw->inputs_) {
    auto& list = consumers_[static_cast<size_t>(in.node->id())];
    if (list.empty() || list.back() != raw) list.push_back(raw);
  }
  by_name_[raw->name_] = raw;
  name_counts_.try_emplace(raw->name_, 0);
  nodes_.push_back(std::move(node));
  return raw;
}

std::string Graph::UniqueName(const std::string& base) {
  auto [it, inserted] = name_counts_.try_emplace(base, 0);
  if (inserted) return base;
  while (true) {
    std::string candidate = absl::StrCat(base, "_", ++it->second);
    if (name_counts_.try_emplace(candidate, 0).second) return candidate;
  }
}

Node* Graph::FindNode(const std::string& name) const {
  auto it = by_name_.find(name);
  return it == by_name_.end() ? nullptr : it->second;
}

const std::vector<Output>& Graph::Collection(const std::string& name) const {
  static const std::vector<Output>* const kEmpty = new std::vector<Output>();
  auto it = collections_.find(name);
  return it == collections_.end() ? *kEmpty : it->second;
}

Graph* Graph::NewSubgraph() {
  subgraphs_.push_back(std::make_unique<Graph>());
  Graph* g = subgraphs_.back().get();
  g->parent_ = this;
  g->seed_ = seed_;
  return g;
}

bool Graph::IsSelfOrAncestor(const Graph* g) const {
  for (const Graph* p = this; p != nullptr; p = p->parent_) {
    if (p == g) return true;
  }
  return false;
}

Output Graph::Capture(Output outer) {
  // captures_ holds values of the parent graph: a value from further out is first captured by the parent
  // (once, however often it is used here).
  Output in_parent = outer;
  if (outer.node->graph() != parent_) in_parent = parent_->Capture(outer);
  for (size_t i = 0; i < captures_.size(); ++i) {
    if (captures_[i] == in_parent) return args_[args_.size() - captures_.size() + i];
  }
  NodeDef def;
  def.kind = OpKind::kArg;
  def.name = UniqueName(absl::StrCat("capture/", outer.node->name()));
  def.attrs.Set("index", static_cast<int64_t>(args_.size()));
  def.outputs.push_back(outer.node->output_type(outer.index));
  def.location = outer.node->location();
  Node* arg = AddNode(std::move(def));
  captures_.push_back(in_parent);
  args_.push_back(arg->output(0));
  return arg->output(0);
}

}  // namespace graph
