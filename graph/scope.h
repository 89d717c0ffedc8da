// Scope: the graph builder. Carries the graph being built, a name prefix, control dependencies, and the first
// error any builder met (with the op, its shapes and the user's file:line).
#ifndef GRAPH_SCOPE_H_
#define GRAPH_SCOPE_H_

#include <memory>
#include <optional>
#include <source_location>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/types/span.h"
#include "graph/graph.h"
#include "graph/tensor.h"

namespace graph {
// The user's call site, recorded by every builder through a defaulted last argument.
using Loc = std::source_location;
}  // namespace graph

namespace graph {

// Scopes are cheap values; copies share the graph and the error state. Builders called on a scope that
// already holds an error add nothing and return an invalid Output. Not thread-safe.
class Scope {
 public:
  // A new graph with an empty name prefix. `seed` is the graph-level seed (0: none).
  static Scope NewRootScope(int64_t seed = 0);

  // A scope whose node names start with "<prefix>name/". The name is made unique: a second
  // NewSubScope("dense") gives "dense_1/".
  Scope NewSubScope(const std::string& name) const;
  // The root graph's scope with an empty prefix and no control dependencies, sharing this scope's error
  // state.
  Scope Root() const;
  // A scope whose next node is called exactly `name` (under the prefix, made unique if taken).
  Scope WithOpName(const std::string& name) const;
  // A scope whose nodes run only after `deps` have run.
  Scope WithControlDependencies(absl::Span<Node* const> deps) const;
  Scope WithControlDependencies(absl::Span<const Output> deps) const;
  // A scope whose nodes report `loc` as their location instead of the builder's caller (layers and gradients
  // use it so errors point at the user's line).
  Scope WithLocation(const std::source_location& loc) const;
  // A scope building into `subgraph` (a control-flow body), sharing this scope's error state and prefix.
  Scope ForSubgraph(Graph* subgraph, const std::string& name) const;

  Graph* graph() const { return graph_; }
  // Shared ownership of the root graph; keep it alive as long as a Session uses the graph.
  std::shared_ptr<Graph> graph_owner() const { return state_->root; }
  bool ok() const { return state_->status.ok(); }
  const absl::Status& status() const { return state_->status; }
  // Records `status` unless an error is already recorded (first error wins).
  void UpdateStatus(const absl::Status& status) const;
  // Records "<file>:<line>: <Op> '<name>': <message>" as the scope's error.
  void RecordError(const std::source_location& loc, OpKind kind, const std::string& name,
                   const std::string& message) const;
  const std::string& prefix() const { return prefix_; }

  // Adds a node after checking its inputs and inferring its output types with the kind's schema. On any
  // problem records the error and returns nullptr. Inputs from an enclosing graph are captured automatically.
  // `name` (under the prefix) is used unless WithOpName set one.
  Node* AddOp(OpKind kind, std::vector<Output> inputs, AttrMap attrs, const std::source_location& loc,
              const std::string& name, std::vector<Graph*> subgraphs = {}) const;

 private:
  struct State {
    std::shared_ptr<Graph> root;
    absl::Status status;
  };
  Scope() = default;

  std::shared_ptr<State> state_;
  Graph* graph_ = nullptr;
  std::string prefix_;
  std::optional<std::string> op_name_;
  std::vector<Node*> control_deps_;
  std::optional<std::source_location> location_;
};

// An op argument: an Output, or a literal value turned into a Const node when the op is added. Numeric scalar
// literals are weakly typed: next to a tensor operand they take its dtype (so `Add(s, x_f32, 2)` works).
class Input {
 public:
  Input(Output o) : output_(o) {}  // NOLINT(google-explicit-constructor)
  Input(float v) : literal_(Tensor::Scalar(v)), weak_(true) {}
  Input(double v) : literal_(Tensor::Scalar(static_cast<float>(v))), weak_(true) {}
  Input(int v) : literal_(Tensor::Scalar(static_cast<int32_t>(v))), weak_(true) {}
  Input(int64_t v) : literal_(Tensor::Scalar(v)), weak_(true) {}
  Input(bool v) : literal_(Tensor::Scalar(v)) {}
  Input(Tensor t) : literal_(std::move(t)) {}  // NOLINT(google-explicit-constructor)

  bool is_literal() const { return literal_.IsValid(); }
  bool is_weak_literal() const { return weak_; }
  // The literal's dtype, or the output's (invalid Output: f32).
  DType dtype() const;
  // The Output, or a new Const for the literal (cast to `hint` when weakly typed and a hint is given).
  Output ToOutput(const Scope& s, std::optional<DType> hint, const std::source_location& loc) const;

 private:
  Output output_;
  Tensor literal_;
  bool weak_ = false;
};

}  // namespace graph

#endif  // GRAPH_SCOPE_H_
