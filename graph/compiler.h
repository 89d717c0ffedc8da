// Compile: turns (graph, feeds with concrete types, fetches, targets) into a Plan — pruned to what the
// fetches and targets need, in topological order, with concrete shapes, a planned arena and every kernel
// created.
#ifndef GRAPH_COMPILER_H_
#define GRAPH_COMPILER_H_

#include <memory>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "graph/graph.h"
#include "graph/kernel.h"
#include "graph/plan.h"

namespace graph {

struct CompileRequest {
  const Graph* graph = nullptr;
  absl::Span<const Output> feeds;
  absl::Span<const TensorType> feed_types;  // concrete, one per feed
  absl::Span<const Output> fetches;
  absl::Span<Node* const> targets;
};

// Errors (a placeholder not fed, a shape that only fails with the concrete feed shapes, a kernel that cannot
// be created) name the node and the user's file:line.
absl::StatusOr<std::unique_ptr<Plan>> Compile(const CompileRequest& request, CompileServices& services);

}  // namespace graph

#endif  // GRAPH_COMPILER_H_

namespace graph {

// Concrete output types of a subgraph's results when its arguments have `arg_types` (shape inference only).
absl::StatusOr<std::vector<TensorType>> InferSubgraphResults(const Graph& subgraph,
                                                             absl::Span<const TensorType> arg_types);

}  // namespace graph
