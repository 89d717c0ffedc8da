// The graph IR: SSA nodes with typed outputs, grouped in a Graph that may own subgraphs (control-flow
// bodies).
#ifndef GRAPH_GRAPH_H_
#define GRAPH_GRAPH_H_

#include <memory>
#include <source_location>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/types/span.h"
#include "graph/attr.h"
#include "graph/op_kind.h"
#include "graph/shape.h"

namespace graph {

class Graph;
class Node;

// The static type of a tensor flowing along an edge: dtype plus a shape that may have unknown dims.
struct TensorType {
  DType dtype = DType::kFloat32;
  Shape shape;
};

// One output of a node. Default-constructed (node == nullptr) it stands for "no value": builders return it
// after an error, and builders given it add nothing (the scope already holds the first error).
struct Output {
  Node* node = nullptr;
  int index = 0;

  Output() = default;
  Output(Node* n, int i) : node(n), index(i) {}
  bool valid() const { return node != nullptr; }
  DType dtype() const;
  const Shape& shape() const;
  // "name:index", or "name" for index 0.
  std::string name() const;
  friend bool operator==(const Output& a, const Output& b) { return a.node == b.node && a.index == b.index; }
  template <typename H>
  friend H AbslHashValue(H h, const Output& o) {
    return H::combine(std::move(h), o.node, o.index);
  }
};

// An operation in a graph. Immutable once added, except for the consumer list the Graph maintains.
class Node {
 public:
  int id() const { return id_; }
  OpKind kind() const { return kind_; }
  const std::string& name() const { return name_; }
  Graph* graph() const { return graph_; }
  absl::Span<const Output> inputs() const { return inputs_; }
  const Output& input(int i) const { return inputs_[static_cast<size_t>(i)]; }
  int num_inputs() const { return static_cast<int>(inputs_.size()); }
  absl::Span<Node* const> control_inputs() const { return control_inputs_; }
  const AttrMap& attrs() const { return attrs_; }
  int num_outputs() const { return static_cast<int>(outputs_.size()); }
  const TensorType& output_type(int i) const { return outputs_[static_cast<size_t>(i)]; }
  Output output(int i = 0) { return Output(this, i); }
  // Subgraphs owned by the node's graph that this node runs (While: cond, body; Cond: then, else).
  absl::Span<Graph* const> subgraphs() const { return subgraphs_; }
  // Where the user's code added this node.
  const std::source_location& location() const { return location_; }
  // "file.cc:42" (file name without directories).
  std::string Location() const;
  // "MatMul 'dense/matmul' (model.cc:42)": how errors name a node.
  std::string Describe() const;

 private:
  friend class Graph;
  Node() = default;

  int id_ = 0;
  OpKind kind_ = OpKind::kNoOp;
  std::string name_;
  Graph* graph_ = nullptr;
  std::vector<Output> inputs_;
  std::vector<Node*> control_inputs_;
  AttrMap attrs_;
  std::vector<TensorType> outputs_;
  std::vector<Graph*> subgraphs_;
  std::source_location location_;
};

// Everything needed to add a node; shapes and dtypes of outputs have already been inferred.
struct NodeDef {
  OpKind kind = OpKind::kNoOp;
  std::string name;  // must be unique in the graph (Scope makes it so)
  std::vector<Output> inputs;
  std::vector<Node*> control_inputs;
  AttrMap attrs;
  std::vector<TensorType> outputs;
  std::vector<Graph*> subgraphs;
  std::source_location location;
};

// An append-only list of nodes in topological order (a node's inputs always precede it), plus the subgraphs
// its control-flow nodes own. A subgraph additionally has arguments (Arg nodes) and results. Not thread-safe
// while being built; immutable graphs may be read from any thread.
class Graph {
 public:
  Graph();
  ~Graph();
  Graph(const Graph&) = delete;
  Graph& operator=(const Graph&) = delete;

  // Appends a node. Inputs must belong to this graph (CHECKed).
  Node* AddNode(NodeDef def);
  int num_nodes() const { return static_cast<int>(nodes_.size()); }
  Node* node(int id) const { return nodes_[static_cast<size_t>(id)].get(); }
  absl::Span<const std::unique_ptr<Node>> nodes() const { return nodes_; }
  // Nodes consuming any output of `n` (data inputs only).
  absl::Span<Node* const> consumers(const Node* n) const { return consumers_[static_cast<size_t>(n->id())]; }

  // Returns `base` if unused in this graph, else base_1, base_2, ... and marks it used.
  std::string UniqueName(const std::string& base);
  // Finds a node by exact name, or nullptr.
  Node* FindNode(const std::string& name) const;

  // ---- subgraphs ----
  // Creates a subgraph owned by this graph (for a control-flow node's body).
  Graph* NewSubgraph();
  Graph* parent() const { return parent_; }
  // True if `g` is this graph or one of its ancestors.
  bool IsSelfOrAncestor(const Graph* g) const;
  // Arguments of a subgraph, in order: the explicit ones first, then captured outer values.
  absl::Span<const Output> args() const { return args_; }
  void AddArg(Output arg) { args_.push_back(arg); }
  absl::Span<const Output> results() const { return results_; }
  void SetResults(std::vector<Output> results) { results_ = std::move(results); }
  // Outer values (in the parent graph) captured by this subgraph; captured_args()[i] is the Arg standing for
  // captures()[i] inside it.
  absl::Span<const Output> captures() const { return captures_; }
  int num_explicit_args() const { return static_cast<int>(args_.size() - captures_.size()); }
  // Returns the local Arg for an outer value, adding a capture if needed; `outer` must live in an ancestor.
  Output Capture(Output outer);

  // ---- collections ----
  // Named lists of outputs that builders outside graph/ keep with the graph (e.g. trainable variables,
  // initializers, update ops). The graph attaches no meaning to them.
  void AddToCollection(const std::string& name, Output value) { collections_[name].push_back(value); }
  const std::vector<Output>& Collection(const std::string& name) const;

  // Graph-level random seed that initializers and random ops derive their seeds from (0: none set).
  int64_t seed() const { return seed_; }
  void set_seed(int64_t seed) { seed_ = seed; }

 private:
  std::vector<std::unique_ptr<Node>> nodes_;
  std::vector<std::vector<Node*>> consumers_;
  absl::flat_hash_map<std::string, int> name_counts_;
  absl::flat_hash_map<std::string, Node*> by_name_;
  std::vector<std::unique_ptr<Graph>> subgraphs_;
  Graph* parent_ = nullptr;
  std::vector<Output> args_;
  std::vector<Output> results_;
  std::vector<Output> captures_;
  int64_t seed_ = 0;
  absl::flat_hash_map<std::string, std::vector<Output>> collections_;
};

}  // namespace graph

#endif  // GRAPH_GRAPH_H_
