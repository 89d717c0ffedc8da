// Converts an inference graph (constants only, no variables: see graph/passes/inference_graph.h) into an
// ONNX model (opset 17, IR version 8) checked with ONNX's own checker.
//
// What is exported: the nodes the requested outputs depend on, stopping at the requested inputs (other nodes
// of the graph are ignored, and so are control dependencies). Const nodes become initializers (raw
// little-endian data); every other node becomes one or a few ONNX nodes computing exactly our kernel's math,
// the main one carrying the node's own name. Exportable ops: Identity, Reshape, Transpose, Concat, Slice,
// Gather, OneHot, Fill, the elementwise arithmetic, comparison and logic ops, Select, Cast, Sum, Mean, Max,
// Min, ArgMax, MatMul, BiasAdd, Activation, Softmax, LogSoftmax, Conv2D, MaxPool2D, AvgPool2D and
// inference-mode BatchNorm.
#ifndef ONNX_ONNX_EXPORT_H_
#define ONNX_ONNX_EXPORT_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "graph/graph.h"

namespace onnx_export {

inline constexpr int kOpsetVersion = 17;
inline constexpr int kIrVersion = 8;

// A named graph tensor that becomes a graph input or output of the ONNX model.
struct NamedOutput {
  std::string name;
  graph::Output tensor;
};

struct OnnxExportOptions {
  // ModelProto.producer_name / producer_version.
  std::string producer_name = "estimator";
  std::string producer_version = "1";
  // GraphProto.name (must not be empty).
  std::string model_name = "model";
  // ModelProto.doc_string (free text; may be empty).
  std::string doc_string;
  // Free-form metadata_props of the model (e.g. global_step). Keys must be non-empty and distinct.
  std::vector<std::pair<std::string, std::string>> metadata;

  // InvalidArgument naming the first bad field.
  absl::Status Validate() const;
};

// Builds and checks the model: every input must be a Placeholder of `graph` (dim 0 unknown becomes the
// symbolic dim "batch"), every output a value of `graph` computed from the inputs and Const nodes. Input and
// output names must be non-empty and distinct. Output dims that provably equal the batch are declared as
// "batch" too; other unknown dims stay unnamed. Layout: NHWC tensors stay NHWC at the model's boundary;
// convolutions and pooling are wrapped in transposes to ONNX's NCHW (chains of them, with bias additions and
// activations between, stay in NCHW). Errors: InvalidArgument for bad options or a malformed request
// (unknown, duplicate or non-Placeholder input, output of another graph, a Placeholder the outputs need that
// is not an input); Unimplemented listing, in one message, every needed node that has no ONNX form ("cannot
// export to ONNX: Dropout 'dropout/dropout' (model.cc:12), While 'loop' (model.cc:20)"); Internal if ONNX's
// checker refuses the model (with its message). Returns the serialized ModelProto. Thread-compatible: the
// graph is only read.
absl::StatusOr<std::string> ExportOnnx(const graph::Graph& graph, absl::Span<const NamedOutput> inputs,
                                       absl::Span<const NamedOutput> outputs,
                                       const OnnxExportOptions& options = {});

// Runs ONNX's checker on a serialized model: onnx::checker::check_model, then shape inference with type
// checks in strict mode (together what onnx.checker.check_model(model, full_check=True) does in Python; the
// C++ check_model of ONNX 1.12 has no full_check flag). InvalidArgument if the bytes are not a ModelProto;
// Internal with the checker's message if the model is invalid.
absl::Status CheckOnnxModel(const std::string& serialized_model);

}  // namespace onnx_export

#endif  // ONNX_ONNX_EXPORT_H_
