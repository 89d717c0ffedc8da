// Internal to graph/passes/inference_graph.cc and fold_batch_norm.cc, not part of the library's interface:
// the per-level copy that MakeInferenceGraph runs, shared with the batch-norm folding it performs.
#ifndef GRAPH_PASSES_INFERENCE_GRAPH_INTERNAL_H_
#define GRAPH_PASSES_INFERENCE_GRAPH_INTERNAL_H_

#include <cstddef>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "graph/graph.h"
#include "graph/passes/inference_graph.h"
#include "graph/tensor.h"

namespace graph::inference_graph_internal {

// What every graph level shares: the options, the given inputs, the variable values read so far and the
// rewrite log.
struct SharedState {
  const InferenceGraphOptions& options;
  const VariableValueFn& variable_value;
  absl::flat_hash_set<const Node*> inputs;
  absl::flat_hash_map<const Node*, Tensor> frozen;
  std::vector<std::string> rewrites;

  // The value of a Const, or the value of a Variable (read once, checked against its declared type).
  absl::StatusOr<Tensor> ConstantValue(const Node& n);
};

// A BatchNorm (inference mode) folded into the Conv2D / MatMul before it, optionally through a BiasAdd.
struct Fold {
  const Node* batch_norm = nullptr;
  const Node* linear = nullptr;
  const Node* bias_add = nullptr;  // nullptr: the folded bias gets a new BiasAdd
  Output x;                        // the linear op's data input (bypasses resolved)
  const Node* weights = nullptr;   // Const or Variable
  const Node* bias = nullptr;      // Const or Variable; only with bias_add
};

// Copies one graph level (the root, or a control-flow body) into `dst`.
class LevelCopy {
 public:
  LevelCopy(SharedState& state, const Graph& src, Graph* dst, const LevelCopy* parent)
      : state_(state), src_(src), dst_(dst), parent_(parent) {}

  // Copies what `roots` need. A body first gets its arguments back; the root always keeps the given inputs.
  absl::Status Run(absl::Span<const Output> roots);

  // The copy of a value of the source level (removed nodes bypassed).
  absl::StatusOr<Output> Map(const Output& o) const;

 private:
  bool Bypassed(const Node* n) const;
  Output Resolve(Output o) const;
  // The Const or Variable node `o` resolves to, else nullptr.
  const Node* ConstantNode(const Output& o) const;
  absl::Status CheckNeeded(absl::Span<const Output> roots);
  // Marks what the roots need with bypasses and the folds chosen so far, and counts each value's uses.
  void MarkLive(absl::Span<const Output> roots);
  absl::Status CopyArgs();
  absl::Status CopyNode(const Node* n);
  absl::Status CopyControlFlow(const Node* n, NodeDef& def);
  // Batch-norm folding (fold_batch_norm.cc). ChooseFolds picks the inference-mode BatchNorms whose only used
  // output follows a Conv2D / MatMul (optionally through a BiasAdd) with constant f32 weights, constant
  // parameters and no other consumer. EmitFoldedLinear adds the linear op reading the folded weights;
  // EmitFoldedBias then adds the BiasAdd, named like the BatchNorm, reading the folded bias.
  void ChooseFolds(absl::Span<const Output> roots);
  absl::Status EmitFoldedLinear(const Fold& f);
  absl::Status EmitFoldedBias(const Fold& f);
  // Adds `def`. Its output types are copied from `like` when the input types did not change, else
  // re-inferred with the schema's shape function.
  absl::StatusOr<Node*> Add(NodeDef def, const Node* like);
  absl::StatusOr<Node*> AddConst(const std::string& base_name, Tensor value, const Node* at);
  std::vector<Node*> MapControls(absl::Span<Node* const> deps) const;
  Fold* FoldOf(const Node* n) {
    auto it = fold_of_.find(n);
    return it == fold_of_.end() ? nullptr : &folds_[it->second];
  }
  bool IsLive(const Node* n) const { return live_[static_cast<size_t>(n->id())]; }

  SharedState& state_;
  const Graph& src_;
  Graph* dst_;
  const LevelCopy* parent_;
  std::vector<bool> needed_;  // by source node id: what the roots need before any rewrite
  std::vector<bool> live_;    // by source node id: what gets copied or rewritten
  absl::flat_hash_map<Output, int> uses_;
  std::vector<Fold> folds_;
  absl::flat_hash_map<const Node*, size_t> fold_of_;      // linear op, BiasAdd, BatchNorm -> index in folds_
  absl::flat_hash_map<const Node*, Tensor> folded_bias_;  // by BatchNorm, made with the folded weights
  absl::flat_hash_map<Output, Output> values_;
  absl::flat_hash_map<const Node*, Node*> nodes_;
};

}  // namespace graph::inference_graph_internal

#endif  // GRAPH_PASSES_INFERENCE_GRAPH_INTERNAL_H_
