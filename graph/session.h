// Session: runs signatures of a graph. Each distinct (feeds and their shapes, fetches, targets) is compiled
// once into a cached Plan; later runs reuse it, allocating nothing in the executor and looking nothing up by
// name. Variables live in the Session.
#ifndef GRAPH_SESSION_H_
#define GRAPH_SESSION_H_

#include <memory>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/node_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/types/span.h"
#include "dnnl.hpp"
#include "graph/graph.h"
#include "graph/kernel.h"
#include "graph/plan.h"
#include "graph/tensor.h"

namespace graph {

using Feed = std::pair<Output, Tensor>;

struct SessionOptions {
  // Threads the kernels use while this Session runs, on whichever thread calls Run (OpenMP's count for that
  // thread is set for the run and given back after it). 0: the calling thread's own OpenMP setting.
  int intra_op_threads = 0;
  // Compute bf16 ops in f32 on widened inputs, rounding the results to bf16, even where the CPU has native
  // bf16 kernels: the results of a CPU without them (within f32 summation order), e.g. to compare the two.
  bool emulate_bf16 = false;
};

// Thread-safe: concurrent Run calls are serialised. The graph must outlive the Session; nodes may be added to
// it between runs (new signatures are compiled on first use).
class Session {
 public:
  explicit Session(const Graph& graph, SessionOptions options = {});
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Feeds the given tensors (any output of the graph may be fed; placeholders must be), computes `fetches`
  // and runs `targets` (nodes run for their effects). `outputs` receives one tensor per fetch; a tensor
  // already there with the right dtype and shape and no other owner is written in place, so a loop that
  // passes the same vector allocates nothing. Errors name the node and its file:line. With `trace`, every
  // kernel's start and duration are recorded into it (for profiling; tracing allocates).
  absl::Status Run(absl::Span<const Feed> feeds, absl::Span<const Output> fetches,
                   absl::Span<Node* const> targets, std::vector<Tensor>* outputs, RunTrace* trace = nullptr);
  absl::Status Run(absl::Span<const Feed> feeds, absl::Span<const Output> fetches,
                   std::vector<Tensor>* outputs) {
    return Run(feeds, fetches, {}, outputs);
  }
  absl::Status Run(absl::Span<const Output> fetches, std::vector<Tensor>* outputs) {
    return Run({}, fetches, {}, outputs);
  }
  // Runs targets only.
  absl::Status RunTargets(absl::Span<Node* const> targets) { return Run({}, {}, targets, nullptr); }

  // ---- variables ----
  // Every variable the session has storage for (those used by a compiled plan or written), in creation order.
  std::vector<const VariableSlot*> Variables();
  // The current value of a variable (a copy), by node name. Fails for unknown or uninitialized variables.
  absl::StatusOr<Tensor> ReadVariable(const std::string& name);
  // Overwrites a variable by node name (dtype and shape must match) and marks it initialized.
  absl::Status WriteVariable(const std::string& name, const Tensor& value);

  // ---- random-number state ----
  // The per-node run counters of random ops (random_uniform, dropout, ...) that have run, by node name. With
  // the variables they are everything needed to continue a run exactly (checkpoints store them).
  std::vector<std::pair<std::string, uint64_t>> RngCounters();
  // Sets the counter of the random op named `node_name` (a node of the root graph).
  absl::Status SetRngCounter(const std::string& node_name, uint64_t value);

  // Number of compiled plans in the cache (one per distinct signature and feed shapes).
  int num_cached_plans() const;
  const Graph& graph() const { return graph_; }

 private:
  class Services;
  struct CachedPlan {
    std::vector<Output> feeds;
    std::vector<TensorType> feed_types;
    std::vector<Output> fetches;
    std::vector<Node*> targets;
    std::unique_ptr<Plan> plan;
  };

  Plan* FindPlan(uint64_t hash, absl::Span<const Feed> feeds, absl::Span<const Output> fetches,
                 absl::Span<Node* const> targets) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::StatusOr<Plan*> CompileAndCache(uint64_t hash, absl::Span<const Feed> feeds,
                                        absl::Span<const Output> fetches, absl::Span<Node* const> targets)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Status ValidateSignature(absl::Span<const Feed> feeds, absl::Span<const Output> fetches,
                                 absl::Span<Node* const> targets) const;
  VariableSlot* VariableFor(const Node& node) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const Graph& graph_;
  SessionOptions options_;
  dnnl::engine engine_;
  dnnl::stream stream_;
  std::unique_ptr<Services> services_;
  mutable absl::Mutex mu_;
  absl::flat_hash_map<uint64_t, std::vector<CachedPlan>> plans_ ABSL_GUARDED_BY(mu_);
  absl::node_hash_map<const Node*, VariableSlot> variables_ ABSL_GUARDED_BY(mu_);
  std::vector<const Node*> variable_order_ ABSL_GUARDED_BY(mu_);
  absl::node_hash_map<const Node*, uint64_t> rng_counters_ ABSL_GUARDED_BY(mu_);
};

}  // namespace graph

#endif  // GRAPH_SESSION_H_
