// Turns a graph built for prediction into a self-contained inference graph: pruned to the requested
// outputs, variables frozen into constants, training-only ops removed and batch normalization folded into
// the preceding linear op where that is exact up to rounding.
#ifndef GRAPH_PASSES_INFERENCE_GRAPH_H_
#define GRAPH_PASSES_INFERENCE_GRAPH_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "graph/graph.h"
#include "graph/tensor.h"

namespace graph {

struct InferenceGraphOptions {
  // Fold inference-mode BatchNorm into a preceding Conv2D / MatMul (optionally through a BiasAdd) whose
  // weights are constant and whose result feeds nothing else.
  bool fold_batch_norm = true;
  // Replace Dropout by its input (a prediction graph does not drop).
  bool remove_dropout = true;
  // Bypass Identity nodes.
  bool remove_identity = true;
};

struct InferenceGraph {
  std::unique_ptr<Graph> graph;
  std::vector<Output> inputs;   // the Placeholders standing for the given inputs, in the same order
  std::vector<Output> outputs;  // the given outputs, in the same order
  // One line per rewrite made, e.g. "folded BatchNorm 'bn' into Conv2D 'conv/conv2d'", "removed Dropout
  // 'dropout/dropout'"; in graph order.
  std::vector<std::string> rewrites;
};

// The value of a variable (the Variable node of the source graph); its dtype and shape must match the node.
using VariableValueFn = std::function<absl::StatusOr<Tensor>(const Node& variable)>;

// Builds the inference graph of `outputs` from `source` (a root graph). `inputs` must be Placeholders of
// `source`; they keep their names, dtypes and shapes. Every node the outputs need (through data and control
// inputs) is copied with its name, kind and attributes; each Variable becomes a Const of the same name
// holding variable_value(node), asked once per needed variable. Random ops are kept.
//  - A removed Identity / Dropout is bypassed: its consumers (and an output naming it) read its input. A
//    used Dropout mask becomes a OnesLike of the same name. Control dependencies on removed nodes are
//    dropped, and so is a NoOp left with no dependency.
//  - A folded BatchNorm becomes the linear op (same name) reading a Const "<bn>/folded_weights", then a
//    BiasAdd named like the BatchNorm reading a Const "<bn>/folded_bias".
//  - While / Cond bodies are copied the same way (pruned, bypassed, folded where possible); their captures
//    of variables become captures of the Consts.
// Errors: an output that needs a Placeholder not among `inputs`, or an op that changes state (Assign,
// AssignAdd, AssignSub), names the node and its file:line; a variable value of the wrong dtype/shape, or
// one variable_value fails to give, names the variable. The result is a new graph; the source is not
// modified.
absl::StatusOr<InferenceGraph> MakeInferenceGraph(const Graph& source, absl::Span<const Output> inputs,
                                                  absl::Span<const Output> outputs,
                                                  const VariableValueFn& variable_value,
                                                  const InferenceGraphOptions& options = {});

// Batch normalization folded into the linear op before it:
//   gamma * (x·W + b - mean) / sqrt(variance + epsilon) + beta  ==  x·W' + b'
// with, per output channel o, scale = gamma / sqrt(variance + epsilon), W'[.., o] = W[.., o] * scale and
// b' = (b - mean) * scale + beta, computed in double and rounded once to f32.
struct FoldedBatchNorm {
  Tensor weights;  // W', the shape of W
  Tensor bias;     // b', [C]
};

// `weights`: f32 whose last dim is the output channel (HWIO filter, [K, C] matrix), or its first with
// `channel_first` ([C, K], a MatMul's transpose_b). `bias`: f32 [C], or an invalid Tensor for zeros.
// gamma, beta, mean, variance: f32 [C]. Fails naming the operand whose dtype or shape does not fit.
absl::StatusOr<FoldedBatchNorm> FoldBatchNorm(const Tensor& weights, bool channel_first, const Tensor& bias,
                                              const Tensor& gamma, const Tensor& beta, const Tensor& mean,
                                              const Tensor& variance, double epsilon);

}  // namespace graph

#endif  // GRAPH_PASSES_INFERENCE_GRAPH_H_
