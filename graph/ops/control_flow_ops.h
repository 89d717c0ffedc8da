// Functional control flow: loops and conditionals whose bodies are subgraphs built by C++ callables.
#ifndef GRAPH_OPS_CONTROL_FLOW_OPS_H_
#define GRAPH_OPS_CONTROL_FLOW_OPS_H_

#include <functional>
#include <string>
#include <vector>

#include "graph/scope.h"

namespace graph::ops {

// Builds the loop condition: a bool scalar from the current loop variables.
using WhileCondFn = std::function<Output(const Scope&, const std::vector<Output>&)>;
// Builds the loop body: the next loop variables (same count, dtypes and shapes) from the current ones.
using WhileBodyFn = std::function<std::vector<Output>(const Scope&, const std::vector<Output>&)>;
// Builds one branch of a Cond: its results.
using BranchFn = std::function<std::vector<Output>(const Scope&)>;

struct WhileOptions {
  std::string name = "while";
  // Stop after this many iterations even if the condition still holds (-1: no limit).
  int64_t maximum_iterations = -1;
};

// Like tf.while_loop: while cond(vars) { vars = body(vars) }; returns the final vars. cond and body are
// called once, at build time, to build subgraphs; values from outside them may be used freely (they are
// captured). Variables keep their dtype and shape through the body (checked when built and again when
// compiled).
std::vector<Output> WhileLoop(const Scope& s, const WhileCondFn& cond, const WhileBodyFn& body,
                              const std::vector<Output>& loop_vars, const WhileOptions& options = {},
                              Loc loc = Loc::current());

// Like tf.cond: runs only the branch `pred` (a bool scalar) selects and returns its results. Both branches
// must return the same number of values with equal dtypes and, at run time, equal shapes.
std::vector<Output> Cond(const Scope& s, Output pred, const BranchFn& then_fn, const BranchFn& else_fn,
                         const std::string& name = "cond", Loc loc = Loc::current());

}  // namespace graph::ops

#endif  // GRAPH_OPS_CONTROL_FLOW_OPS_H_
