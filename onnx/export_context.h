// ExportContext: the state of one ONNX export while the graph's nodes are converted in topological order.
// It maps every graph value to the ONNX tensors holding it, in the graph's own layout (NHWC for images) and,
// for rank-4 values that convolutions and pooling produce or consume, in ONNX's NCHW layout. The transpose
// between the two is emitted the first time a consumer needs the missing form, so a chain of convolution,
// bias, activation and pooling stays in NCHW.
#ifndef ONNX_EXPORT_CONTEXT_H_
#define ONNX_EXPORT_CONTEXT_H_

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "graph/graph.h"
#include "graph/tensor.h"
#include "onnx/onnx_pb.h"

namespace onnx_export {

// NHWC -> NCHW and back.
inline const std::vector<int64_t> kToNchw = {0, 3, 1, 2};
inline const std::vector<int64_t> kToNhwc = {0, 2, 3, 1};

// Not thread-safe; one per export.
class ExportContext {
 public:
  // Nodes and initializers are appended to `graph` (not owned; must outlive the context).
  explicit ExportContext(onnx::GraphProto* graph) : graph_(graph) {}
  ExportContext(const ExportContext&) = delete;
  ExportContext& operator=(const ExportContext&) = delete;

  // ---- names ----
  // Marks a tensor name as taken (the graph's input and output names, before anything is emitted).
  void ReserveTensorName(const std::string& name) { tensor_names_.insert(name); }
  // Marks a node name as taken (every converted node's own name, so that the extra nodes a conversion adds
  // avoid them).
  void ReserveNodeName(const std::string& name) { node_names_.insert(name); }
  // An unused tensor name: `base`, else base_1, base_2, ...; marks it taken.
  std::string FreshTensorName(const std::string& base);

  // ---- values ----
  // Binds `value` (a graph input) to the ONNX tensor `name`.
  void BindInput(graph::Output value, const std::string& name) { forms_[value].plain = name; }
  // Asks that the tensor computing `value` in the graph's layout be called `name` (a graph output name).
  // Only the first request per value is honoured; the caller adds an Identity for the others.
  void RequestName(graph::Output value, const std::string& name) { requested_.try_emplace(value, name); }

  // The ONNX tensor holding `value` in the graph's layout. Emits, on first use, the initializer of a Const or
  // the transpose back from the NCHW form. Records an Internal error (and returns "") if `value` has not
  // been converted yet.
  std::string Tensor(graph::Output value);
  // The rank-4 NHWC `value` in NCHW, emitting the transpose on first use.
  std::string NchwTensor(graph::Output value);
  // True if `value` exists in NCHW but not (yet) in the graph's layout: layout-agnostic elementwise
  // converters then compute in NCHW rather than forcing a transpose.
  bool OnlyNchw(graph::Output value) const;

  // For layout-agnostic elementwise ops: `value`'s tensor in NCHW when only that form exists (`*nchw` set to
  // true), else in the graph's layout.
  std::string AnyLayoutTensor(graph::Output value, bool* nchw);
  // DefineNchwTensor(value) if `nchw`, else DefineTensor(value).
  std::string DefineTensorIn(graph::Output value, bool nchw) {
    return nchw ? DefineNchwTensor(value) : DefineTensor(value);
  }

  // Name for the tensor a converter computes for `value` in the graph's layout (the requested graph output
  // name, if any, else a fresh name from the value's own) and records it as that value's tensor.
  std::string DefineTensor(graph::Output value);
  // Same for the NCHW form.
  std::string DefineNchwTensor(graph::Output value);
  // Makes `value` an alias of an existing tensor (e.g. BatchNorm's statistics outputs in inference).
  void AliasTensor(graph::Output value, const std::string& name) { forms_[value].plain = name; }

  // The tensor of a Const node's output, or nullptr for any other value.
  static const graph::Tensor* ConstValue(graph::Output value);
  // `value` with its dims permuted: a permuted initializer when `value` is a Const (cached per
  // permutation), else a Transpose node named after `node_name`.
  std::string Transposed(graph::Output value, const std::vector<int64_t>& perm, const std::string& node_name);

  // ---- emission ----
  // Appends the ONNX node that computes graph node `node`'s result: it carries `node`'s own name.
  onnx::NodeProto* AddOwnNode(const std::string& op_type, const graph::Node& node,
                              std::vector<std::string> inputs, std::vector<std::string> outputs);
  // Appends an extra node (a transpose, a step of a decomposition ...) named `name` when that is neither
  // taken nor reserved, else a unique variant.
  onnx::NodeProto* AddNode(const std::string& op_type, const std::string& name,
                           std::vector<std::string> inputs, std::vector<std::string> outputs);
  // Adds an initializer holding `value` under a fresh name derived from `base`; returns the name.
  std::string AddInitializer(const std::string& base, const graph::Tensor& value);
  // A 1-D int64 initializer (shapes, axes, starts and ends of Slice ...).
  std::string Int64Initializer(const std::string& base, const std::vector<int64_t>& values);
  // A shared scalar initializer of `dtype` holding `value` (converted like a static_cast).
  std::string ScalarInitializer(graph::DType dtype, double value);

  // ---- errors ----
  // Records `status` unless an error is already recorded.
  void Fail(absl::Status status);
  const absl::Status& status() const { return status_; }

 private:
  struct Forms {
    std::string plain;  // graph's layout
    std::string nchw;   // NCHW, rank-4 values only
  };
  const Forms* FindForms(graph::Output value);
  onnx::NodeProto* AppendNode(const std::string& op_type, const std::string& name,
                              std::vector<std::string> inputs, std::vector<std::string> outputs);

  onnx::GraphProto* graph_;
  absl::flat_hash_set<std::string> tensor_names_;
  absl::flat_hash_set<std::string> node_names_;
  absl::flat_hash_map<graph::Output, Forms> forms_;
  absl::flat_hash_map<graph::Output, std::string> requested_;
  std::map<std::pair<std::string, std::vector<int64_t>>, std::string> transposed_consts_;
  std::map<std::pair<int, double>, std::string> scalars_;
  absl::Status status_;
};

// Attribute setters.
void SetIntAttr(onnx::NodeProto* node, const std::string& name, int64_t value);
void SetFloatAttr(onnx::NodeProto* node, const std::string& name, float value);
void SetStringAttr(onnx::NodeProto* node, const std::string& name, const std::string& value);
void SetIntsAttr(onnx::NodeProto* node, const std::string& name, const std::vector<int64_t>& values);

}  // namespace onnx_export

#endif  // ONNX_EXPORT_CONTEXT_H_
