// Kernel: the compiled form of one node. Created once when a plan is compiled, run once per step.
#ifndef GRAPH_KERNEL_H_
#define GRAPH_KERNEL_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "dnnl.hpp"
#include "graph/graph.h"
#include "graph/tensor.h"

namespace graph {

class Plan;

// State a Session keeps per variable. `value` has the variable's shape and never moves.
struct VariableSlot {
  const Node* node = nullptr;
  Tensor value;
  bool initialized = false;
};

// When a run is traced: when each step started and how long it took (nanoseconds of a steady clock).
struct StepTiming {
  const Node* node = nullptr;
  int64_t start_ns = 0;
  int64_t duration_ns = 0;
};
struct RunTrace {
  std::vector<StepTiming> steps;  // in execution order; steps of control-flow bodies appear as they run
};

// Per-run services handed to kernels.
struct RunContext {
  dnnl::stream* stream = nullptr;
  RunTrace* trace = nullptr;  // non-null: record every step's timing (costs a clock read per step)
};

// Compile-time services a Session offers kernels. Pointers returned stay valid for the Session's lifetime.
class CompileServices {
 public:
  virtual ~CompileServices() = default;
  virtual dnnl::engine& engine() = 0;
  // True when bf16 ops must compute in f32 on widened inputs even where the CPU has bf16 kernels
  // (SessionOptions::emulate_bf16): what a CPU without them computes.
  virtual bool emulate_bf16() const = 0;
  // The variable behind a Variable node (created on first use).
  virtual VariableSlot* Variable(const Node& variable_node) = 0;
  // A per-node counter random kernels advance on every run, so successive runs draw new numbers.
  virtual uint64_t* RngCounter(const Node& node) = 0;
  // Compiles a subgraph whose arguments get the given concrete types; its results are the fetches.
  virtual absl::StatusOr<std::unique_ptr<Plan>> CompileSubgraph(const Graph& subgraph,
                                                                absl::Span<const TensorType> arg_types) = 0;
};

// Everything a KernelFactory gets. `inputs` and `outputs` are views of planned storage with concrete shapes;
// their contents are undefined at compile time. A kernel keeps what it needs (pointers stay valid for the
// plan's life).
struct KernelContext {
  const Node& node;
  std::vector<Tensor> inputs;
  std::vector<Tensor> outputs;
  CompileServices& services;
};

class Kernel {
 public:
  virtual ~Kernel() = default;
  // Computes the outputs from the inputs bound at compile time. Must not allocate on success. Errors name no
  // node (the plan adds it).
  virtual absl::Status Run(RunContext& ctx) = 0;
};

}  // namespace graph

#endif  // GRAPH_KERNEL_H_
