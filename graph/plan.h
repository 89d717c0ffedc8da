// Plan: a compiled signature of a graph. A flat list of kernel steps over one pre-planned arena.
#ifndef GRAPH_PLAN_H_
#define GRAPH_PLAN_H_

#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "absl/types/span.h"
#include "graph/kernel.h"
#include "graph/tensor.h"

namespace graph {

// Created by Compile (graph/compiler.h). Running it touches only storage fixed at compile time: it allocates
// nothing and looks nothing up. Not thread-safe: one Run at a time.
class Plan {
 public:
  // Where feed values must be copied before Run (views of the arena, in feed order).
  absl::Span<Tensor> feeds() { return absl::MakeSpan(feeds_); }
  // The fetched values after Run (views of the arena, a variable or a constant; valid until the next Run).
  absl::Span<const Tensor> results() const { return results_; }

  // Runs every step in order. Stops at the first failure, with a Status naming the node.
  absl::Status Run(RunContext& ctx);

  size_t arena_bytes() const { return arena_ ? arena_->size() : 0; }
  int num_steps() const { return static_cast<int>(steps_.size()); }

 private:
  friend class PlanBuilder;

  struct Step {
    std::unique_ptr<Kernel> kernel;
    const Node* node = nullptr;
    uint32_t check_begin = 0;  // range in checks_ of variables this step reads
    uint32_t check_end = 0;
  };
  struct Check {
    const VariableSlot* slot;
    const Node* reader;
  };
  static absl::Status Uninitialized(const Check& c);

  std::shared_ptr<Buffer> arena_;
  std::vector<Step> steps_;
  std::vector<Check> checks_;        // variable reads checked before the step that reads them
  std::vector<Check> fetch_checks_;  // variables fetched directly
  std::vector<Tensor> feeds_;
  std::vector<Tensor> results_;
};

}  // namespace graph

#endif  // GRAPH_PLAN_H_
