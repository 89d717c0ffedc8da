// The export directory: a self-contained model for serving, written atomically under
// <export_dir_base>/<global_step>/ and read back without any model code (docs/EXPORT.md).
//
//   metadata.json        format name and version, global_step, checkpoint, resolved config, eval metrics,
//                        rewrites, and the size and CRC32C of every other file (written last)
//   signature.json       inputs and outputs: name, graph tensor, dtype, shape (-1: the free batch dim)
//   graph.json           the inference graph (docs/GRAPH_FORMAT.md)
//   weights.safetensors  the graph's large constants (the frozen variables), with per-tensor CRC32C
//   model.onnx           the same model in ONNX (only when asked for)
#ifndef ESTIMATOR_EXPORT_H_
#define ESTIMATOR_EXPORT_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "graph/graph.h"
#include "graph/passes/inference_graph.h"

namespace estimator {

inline constexpr char kExportFormatName[] = "estimator.export";
// Readers accept every version up to this one and refuse newer ones.
inline constexpr int kExportFormatVersion = 1;

inline constexpr char kExportMetadataFile[] = "metadata.json";
inline constexpr char kExportSignatureFile[] = "signature.json";
inline constexpr char kExportGraphFile[] = "graph.json";
inline constexpr char kExportWeightsFile[] = "weights.safetensors";
inline constexpr char kExportOnnxFile[] = "model.onnx";

// One input or output of a signature.
struct TensorSpec {
  std::string name;    // the key callers use ("image", "probabilities")
  std::string tensor;  // the graph tensor ("features/image", "Softmax:0")
  graph::DType dtype = graph::DType::kFloat32;
  graph::Shape shape;  // dim 0 unknown: the batch
};

struct Signature {
  std::vector<TensorSpec> inputs;
  std::vector<TensorSpec> outputs;
};

// What the model is fed when serving: one tensor per feature, each with a batch dim in front of `shape`.
struct ServingFeature {
  std::string name;
  graph::DType dtype = graph::DType::kFloat32;
  graph::Shape shape;  // per example (without the batch dim)
};

struct ServingInput {
  std::vector<ServingFeature> features;
  // Non-empty, unique names, fully defined shapes; errors name the feature.
  absl::Status Validate() const;
};

struct ExportMetadata {
  int format_version = kExportFormatVersion;
  int64_t global_step = 0;
  std::string checkpoint;                      // the checkpoint the weights came from
  std::string created;                         // UTC, ISO 8601
  std::string config;                          // the resolved config (YAML) when exported from one
  std::map<std::string, double> eval_metrics;  // the evaluation that triggered the export (exporters)
  std::vector<std::string> rewrites;           // what the inference pass changed
  bool has_onnx = false;
};

// An inference graph and what it is served with: the signature's tensors are named in `graph`.
struct ExportContents {
  const graph::Graph* graph = nullptr;
  Signature signature;
  ExportMetadata metadata;
  std::string onnx_model;  // serialized ONNX ModelProto, written as model.onnx when non-empty
};

// Writes <export_dir_base>/<global_step>/ atomically: every file goes to a hidden temporary directory in
// export_dir_base, is fsync'ed, and the directory is renamed into place (an existing export of the same step
// is swapped out atomically and then removed). After the write, only the `keep` newest exports (by step) stay
// (0: all). Returns the export's path. A failure leaves export_dir_base as it was.
absl::StatusOr<std::string> WriteExport(const std::string& export_dir_base, const ExportContents& contents,
                                        int keep);

// An export read back and checked.
struct LoadedExport {
  std::string dir;
  std::unique_ptr<graph::Graph> graph;
  Signature signature;
  ExportMetadata metadata;
  std::vector<graph::Output> inputs;   // the signature's inputs in `graph`, in order
  std::vector<graph::Output> outputs;  // the signature's outputs in `graph`, in order
};

// Reads and checks an export directory: metadata.json (format name; a newer version is FailedPrecondition),
// every listed file's size and CRC32C (DataLoss naming the file), the signature (every field), the weights
// and the graph, and that each signature tensor exists in the graph with the declared dtype and shape. Errors
// name the file and the field; a directory that is not an export is NotFound.
absl::StatusOr<LoadedExport> ReadExport(const std::string& dir);

// The exports under `export_dir_base` (numeric directory names), sorted by step; missing base: empty.
std::vector<std::pair<int64_t, std::string>> ListExports(const std::string& export_dir_base);

}  // namespace estimator

#endif  // ESTIMATOR_EXPORT_H_
