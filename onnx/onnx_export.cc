// ExportOnnx: checks the request, collects the nodes the outputs need, refuses (all at once) those without
// an ONNX form, then converts them in topological order into a ModelProto and checks it.
#include "onnx/onnx_export.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "onnx/batch_dims.h"
#include "onnx/export_context.h"
#include "onnx/onnx_pb.h"
#include "onnx/onnx_tensors.h"
#include "onnx/op_converters.h"

namespace onnx_export {

absl::Status OnnxExportOptions::Validate() const {
  if (model_name.empty()) return absl::InvalidArgumentError("OnnxExportOptions.model_name is empty");
  if (producer_name.empty()) return absl::InvalidArgumentError("OnnxExportOptions.producer_name is empty");
  absl::flat_hash_set<std::string> keys;
  for (const auto& [key, value] : metadata) {
    if (key.empty()) return absl::InvalidArgumentError("OnnxExportOptions.metadata has an empty key");
    if (!keys.insert(key).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("OnnxExportOptions.metadata repeats the key \"", key, "\""));
    }
  }
  return absl::OkStatus();
}

namespace {

using graph::Node;
using graph::OpKind;

absl::Status RequestError(const std::string& message) {
  return absl::InvalidArgumentError(absl::StrCat("ONNX export: ", message));
}

// Names, placeholders and graph membership of the requested inputs and outputs.
absl::Status ValidateRequest(const graph::Graph& graph, absl::Span<const NamedOutput> inputs,
                             absl::Span<const NamedOutput> outputs) {
  if (outputs.empty()) return RequestError("no outputs requested");
  absl::flat_hash_set<std::string> names;
  absl::flat_hash_set<const Node*> input_nodes;
  for (const NamedOutput& in : inputs) {
    if (in.name.empty()) return RequestError("an input has an empty name");
    if (!names.insert(in.name).second)
      return RequestError(absl::StrCat("the name '", in.name, "' is used twice"));
    if (!in.tensor.valid()) return RequestError(absl::StrCat("input '", in.name, "' is not a valid tensor"));
    const Node* node = in.tensor.node;
    if (node->graph() != &graph) {
      return RequestError(absl::StrCat("input '", in.name, "' is ", node->Describe(), " of another graph"));
    }
    if (node->kind() != OpKind::kPlaceholder) {
      return RequestError(absl::StrCat("input '", in.name, "' is ", node->Describe(), ", not a Placeholder"));
    }
    if (!input_nodes.insert(node).second) {
      return RequestError(absl::StrCat("input '", in.name, "' repeats ", node->Describe()));
    }
  }
  for (const NamedOutput& out : outputs) {
    if (out.name.empty()) return RequestError("an output has an empty name");
    if (!names.insert(out.name).second) {
      return RequestError(absl::StrCat("the name '", out.name, "' is used twice"));
    }
    if (!out.tensor.valid())
      return RequestError(absl::StrCat("output '", out.name, "' is not a valid tensor"));
    const Node* node = out.tensor.node;
    if (node->graph() != &graph) {
      return RequestError(absl::StrCat("output '", out.name, "' is ", node->Describe(), " of another graph"));
    }
    if (out.tensor.index < 0 || out.tensor.index >= node->num_outputs()) {
      return RequestError(absl::StrCat("output '", out.name, "' is output ", out.tensor.index, " of ",
                                       node->Describe(), ", which has ", node->num_outputs()));
    }
  }
  return absl::OkStatus();
}

// Every node the outputs depend on through data edges, stopping at the inputs, in topological (id) order.
std::vector<const Node*> NeededNodes(absl::Span<const NamedOutput> outputs,
                                     const absl::flat_hash_set<const Node*>& inputs) {
  absl::flat_hash_set<const Node*> seen;
  std::vector<const Node*> stack;
  for (const NamedOutput& out : outputs) {
    if (seen.insert(out.tensor.node).second) stack.push_back(out.tensor.node);
  }
  while (!stack.empty()) {
    const Node* node = stack.back();
    stack.pop_back();
    if (inputs.contains(node)) continue;
    for (const graph::Output& in : node->inputs()) {
      if (seen.insert(in.node).second) stack.push_back(in.node);
    }
  }
  std::vector<const Node*> nodes(seen.begin(), seen.end());
  std::sort(nodes.begin(), nodes.end(), [](const Node* a, const Node* b) { return a->id() < b->id(); });
  return nodes;
}

// True if output `index` of `producer` gets an ONNX tensor.
bool IsExported(const Node* producer, int index) {
  const OpConverter* c = FindConverter(producer->kind());
  return c == nullptr || c->exported_outputs < 0 || index < c->exported_outputs;
}

// Refuses Placeholders that are not inputs (InvalidArgument), then every node without an ONNX form
// (Unimplemented, all listed).
absl::Status CheckConvertible(absl::Span<const Node* const> nodes,
                              const absl::flat_hash_set<const Node*>& inputs,
                              absl::Span<const NamedOutput> outputs) {
  std::vector<std::string> unfed, unsupported;
  absl::flat_hash_set<std::string> listed;
  auto refuse = [&](const std::string& what) {
    if (listed.insert(what).second) unsupported.push_back(what);
  };
  auto check_edge = [&](const graph::Output& value) {
    if (!IsExported(value.node, value.index)) {
      refuse(absl::StrCat(value.node->Describe(), ": its output ", value.index,
                          " is used but has no ONNX form"));
    }
  };
  for (const Node* node : nodes) {
    if (inputs.contains(node) || node->kind() == OpKind::kConst) continue;
    if (node->kind() == OpKind::kPlaceholder) {
      unfed.push_back(node->Describe());
      continue;
    }
    const OpConverter* c = FindConverter(node->kind());
    if (c == nullptr) {
      refuse(node->Describe());
      continue;
    }
    if (c->check != nullptr) {
      if (const std::string why = c->check(*node); !why.empty())
        refuse(absl::StrCat(node->Describe(), ": ", why));
    }
    for (const graph::Output& in : node->inputs()) check_edge(in);
  }
  for (const NamedOutput& out : outputs) check_edge(out.tensor);
  if (!unfed.empty()) {
    return RequestError(
        absl::StrCat("the outputs depend on Placeholders that are not inputs: ", absl::StrJoin(unfed, ", ")));
  }
  if (!unsupported.empty()) {
    return absl::UnimplementedError(
        absl::StrCat("cannot export to ONNX: ", absl::StrJoin(unsupported, ", ")));
  }
  return absl::OkStatus();
}

void FillModelHeader(const OnnxExportOptions& options, onnx::ModelProto* model) {
  model->set_ir_version(kIrVersion);
  onnx::OperatorSetIdProto* opset = model->add_opset_import();
  opset->set_domain("");
  opset->set_version(kOpsetVersion);
  model->set_producer_name(options.producer_name);
  model->set_producer_version(options.producer_version);
  model->set_doc_string(options.doc_string);
  for (const auto& [key, value] : options.metadata) {
    onnx::StringStringEntryProto* entry = model->add_metadata_props();
    entry->set_key(key);
    entry->set_value(value);
  }
  model->mutable_graph()->set_name(options.model_name);
}

}  // namespace

absl::StatusOr<std::string> ExportOnnx(const graph::Graph& graph, absl::Span<const NamedOutput> inputs,
                                       absl::Span<const NamedOutput> outputs,
                                       const OnnxExportOptions& options) {
  if (absl::Status st = options.Validate(); !st.ok()) return st;
  if (absl::Status st = ValidateRequest(graph, inputs, outputs); !st.ok()) return st;
  absl::flat_hash_set<const Node*> input_nodes;
  for (const NamedOutput& in : inputs) input_nodes.insert(in.tensor.node);
  const std::vector<const Node*> nodes = NeededNodes(outputs, input_nodes);
  if (absl::Status st = CheckConvertible(nodes, input_nodes, outputs); !st.ok()) return st;

  onnx::ModelProto model;
  FillModelHeader(options, &model);
  onnx::GraphProto* g = model.mutable_graph();
  ExportContext ctx(g);
  for (const NamedOutput& in : inputs) ctx.ReserveTensorName(in.name);
  for (const NamedOutput& out : outputs) ctx.ReserveTensorName(out.name);
  for (const Node* node : nodes) ctx.ReserveNodeName(node->name());
  for (const NamedOutput& out : outputs) ctx.RequestName(out.tensor, out.name);

  for (const NamedOutput& in : inputs) {
    const graph::Shape& shape = in.tensor.shape();
    FillValueInfo(in.name, in.tensor.dtype(), shape, {shape.rank() > 0 && shape.dim(0) < 0}, g->add_input());
    ctx.BindInput(in.tensor, in.name);
  }
  for (const Node* node : nodes) {
    if (input_nodes.contains(node) || node->kind() == OpKind::kConst) continue;  // bound / emitted on use
    if (absl::Status st = FindConverter(node->kind())->emit(ctx, *node); !st.ok()) {
      return absl::Status(st.code(), absl::StrCat("ONNX export of ", node->Describe(), ": ", st.message()));
    }
    if (!ctx.status().ok()) return ctx.status();
  }

  std::vector<graph::Output> values;
  for (const NamedOutput& out : outputs) values.push_back(out.tensor);
  const std::vector<std::vector<bool>> batch_dims = BatchDims(nodes, input_nodes, values);
  for (size_t i = 0; i < outputs.size(); ++i) {
    const NamedOutput& out = outputs[i];
    const std::string tensor = ctx.Tensor(out.tensor);
    // Graph inputs, constants, aliases and values requested twice reach their output name through Identity.
    if (tensor != out.name) ctx.AddNode("Identity", out.name, {tensor}, {out.name});
    FillValueInfo(out.name, out.tensor.dtype(), out.tensor.shape(), batch_dims[i], g->add_output());
  }
  if (!ctx.status().ok()) return ctx.status();

  std::string bytes;
  if (!model.SerializeToString(&bytes)) {
    return absl::InternalError("ONNX export: the model could not be serialized (larger than 2 GiB?)");
  }
  if (absl::Status st = CheckOnnxModel(bytes); !st.ok()) return st;
  return bytes;
}

}  // namespace onnx_export
