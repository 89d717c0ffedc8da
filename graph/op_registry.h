// OpSchema: for each OpKind, how its output types are inferred and how its kernel is created.
#ifndef GRAPH_OP_REGISTRY_H_
#define GRAPH_OP_REGISTRY_H_

#include <array>
#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "graph/attr.h"
#include "graph/graph.h"

namespace graph {

class Kernel;
struct KernelContext;
class Scope;

// What a shape function sees: the input types (dims may be unknown while building, are concrete when a
// Session compiles), the attributes and the subgraphs. It appends one TensorType per output.
class InferenceContext {
 public:
  InferenceContext(absl::Span<const TensorType> inputs, const AttrMap& attrs,
                   absl::Span<Graph* const> subgraphs)
      : inputs_(inputs), attrs_(attrs), subgraphs_(subgraphs) {}

  int num_inputs() const { return static_cast<int>(inputs_.size()); }
  const TensorType& input(int i) const { return inputs_[static_cast<size_t>(i)]; }
  DType input_dtype(int i) const { return input(i).dtype; }
  const Shape& input_shape(int i) const { return input(i).shape; }
  const AttrMap& attrs() const { return attrs_; }
  absl::Span<Graph* const> subgraphs() const { return subgraphs_; }

  void AddOutput(DType dtype, const Shape& shape) {
    outputs_.emplace_back();
    outputs_.back().dtype = dtype;
    outputs_.back().shape = shape;
  }
  std::vector<TensorType>& outputs() { return outputs_; }

 private:
  absl::Span<const TensorType> inputs_;
  const AttrMap& attrs_;
  absl::Span<Graph* const> subgraphs_;
  std::vector<TensorType> outputs_;
};

// Returns InvalidArgument with a message that does not name the op (the caller adds op name and location).
using ShapeFn = absl::Status (*)(InferenceContext& ctx);
// Creates the kernel once, at compile time, with every input and output bound to its planned storage.
using KernelFactory = absl::StatusOr<std::unique_ptr<Kernel>> (*)(KernelContext& ctx);

// Adds nodes that compute the gradients of a node's inputs from the gradients of its outputs. `dy[i]` is the
// gradient flowing into output i (an invalid Output when none reaches it). Sets (*dx)[j] for each input j
// that gets a gradient (dx arrives sized to the input count, all invalid). Errors go to the scope.
using GradientFn = void (*)(const Scope& s, const Node& node, absl::Span<const Output> dy,
                            std::vector<Output>* dx);

struct OpSchema {
  OpKind kind = OpKind::kNoOp;
  int min_inputs = 0;
  int max_inputs = 0;  // -1: any number
  ShapeFn shape_fn = nullptr;
  // nullptr for kinds whose outputs need no computation: their storage is arranged by the compiler
  // (constants, placeholders, arguments, variables, views).
  KernelFactory kernel = nullptr;
  // Output 0 is a view of input 0's storage with another shape (no copy).
  bool output_aliases_input0 = false;
  // Decided at compile time from the concrete input types: when it returns true, output 0 is a view of input
  // 0 and the kernel is not run (e.g. SumToShape when nothing was broadcast).
  bool (*alias_if)(absl::Span<const TensorType> inputs, const TensorType& output) = nullptr;
  // Has side effects or hidden state (variables, random numbers): never merged or folded.
  bool stateful = false;
  // How gradients flow back through the op. nullptr with `differentiable` true: asking for a gradient through
  // it is an error; with `differentiable` false the op silently blocks gradients (comparisons, argmax,
  // one_hot...).
  GradientFn gradient = nullptr;
  bool differentiable = true;
};

// The table of schemas, filled once by explicit registration of each op family.
class OpRegistry {
 public:
  static const OpRegistry& Global();
  const OpSchema& Get(OpKind kind) const { return schemas_[static_cast<size_t>(kind)]; }
  void Register(const OpSchema& schema) { schemas_[static_cast<size_t>(schema.kind)] = schema; }
  // Sets the gradient of an already registered kind.
  void SetGradient(OpKind kind, GradientFn fn) { schemas_[static_cast<size_t>(kind)].gradient = fn; }
  void SetNotDifferentiable(OpKind kind) { schemas_[static_cast<size_t>(kind)].differentiable = false; }

 private:
  std::array<OpSchema, kNumOpKinds> schemas_{};
};

inline const OpSchema& GetOpSchema(OpKind kind) { return OpRegistry::Global().Get(kind); }

// Registration entry points of the op families (graph/ops/*.cc).
void RegisterStateOps(OpRegistry& r);
void RegisterElementwiseOps(OpRegistry& r);
void RegisterArrayOps(OpRegistry& r);
void RegisterReductionOps(OpRegistry& r);
void RegisterMatMulOps(OpRegistry& r);
void RegisterGeneratorOps(OpRegistry& r);
void RegisterControlFlowOps(OpRegistry& r);
void RegisterGradSupportOps(OpRegistry& r);
void RegisterNnOps(OpRegistry& r);         // graph/ops/nn_ops.cc: bias_add, activations, softmax, dropout
void RegisterConvOps(OpRegistry& r);       // graph/ops/conv_ops.cc: conv2d and pooling
void RegisterBatchNormOps(OpRegistry& r);  // graph/ops/batch_norm_ops.cc
void RegisterLossOps(OpRegistry& r);       // graph/ops/loss_ops.cc
// Attaches gradient functions to the schemas registered above (graph/ops/*_grad.cc).
void RegisterStateGradients(OpRegistry& r);
void RegisterElementwiseGradients(OpRegistry& r);
void RegisterMatMulGradients(OpRegistry& r);
void RegisterArrayGradients(OpRegistry& r);
void RegisterReductionGradients(OpRegistry& r);

}  // namespace graph

#endif  // GRAPH_OP_REGISTRY_H_
