// The per-op conversion rules of the ONNX export: for each supported OpKind, a check (can this node be
// expressed exactly in ONNX opset 17?) and an emitter (append the ONNX nodes computing it). Each converter
// computes exactly our kernel's math; the files convert_*.cc group them by op family.
#ifndef ONNX_OP_CONVERTERS_H_
#define ONNX_OP_CONVERTERS_H_

#include <string>

#include "absl/status/status.h"
#include "graph/graph.h"
#include "graph/op_kind.h"
#include "onnx/export_context.h"

namespace onnx_export {

// Output `index` of `node` (converters see nodes as const; Output is a non-owning handle).
inline graph::Output OutputOf(const graph::Node& node, int index = 0) {
  return graph::Output(const_cast<graph::Node*>(&node), index);
}

struct OpConverter {
  // Returns "" when `node` can be exported, else why not (e.g. "training mode"). nullptr: always exportable.
  std::string (*check)(const graph::Node& node) = nullptr;
  // Emits the node's ONNX form and defines the ONNX tensors of its outputs in `ctx`. Inputs are already
  // converted (nodes are visited in topological order).
  absl::Status (*emit)(ExportContext& ctx, const graph::Node& node) = nullptr;
  // Number of leading outputs that get an ONNX form (-1: all). MaxPool2D's workspace gets none.
  int exported_outputs = -1;
};

// The converter of `kind`, or nullptr when the kind has no ONNX form (variables, random ops, control flow,
// gradient ops, dropout, losses ...). Const and Placeholder are handled by the exporter itself.
const OpConverter* FindConverter(graph::OpKind kind);

// The families (convert_*.cc); each returns nullptr for kinds outside its family.
const OpConverter* FindMathConverter(graph::OpKind kind);   // elementwise, logic, cast, reductions
const OpConverter* FindArrayConverter(graph::OpKind kind);  // shapes, indexing, identity, fill
const OpConverter* FindNnConverter(graph::OpKind kind);     // matmul, bias, activations, softmax, BN
const OpConverter* FindConvConverter(graph::OpKind kind);   // conv2d and pooling

}  // namespace onnx_export

#endif  // ONNX_OP_CONVERTERS_H_
